/** The reader's .bib entries beside the digest papers, and what LaTeX says about bibliographies. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeEntry, joinBibliographies, latexBibliography, type BibEntry } from '../../../src/core/bibliography/bibEntries';
import type { Paper } from '../../../src/core/types';

function paper(key: string, title: string, aliases: string[] = []): Paper {
  return {
    key,
    aliases,
    title,
    abstract: '',
    authors: null,
    submitter: null,
    date: null,
    upvotes: null,
    links: [],
    sources: [{ file: 'digests/a.txt', line: 3 }],
  };
}

function bibEntry(key: string, title: string, fields: Partial<BibEntry> = {}): BibEntry {
  return { key, type: 'article', title, authors: ['Ann Smith'], venue: 'A Journal', year: 2021, abstract: '', links: [], file: 'refs.bib', line: 7, ...fields };
}

describe('joinBibliographies', () => {
  test('an entry with a digest paper’s title (case, punctuation and accents aside) is that paper: its key an alias, its line a source', () => {
    const digestPaper = paper('diffusionPolicy2023', 'Diffusion Policy: Visuomotor Policy Learning via Action Diffusion');
    const { papers, entries } = joinBibliographies(
      [digestPaper],
      [bibEntry('chi2023diffusion', 'Diffusion policy -- visuomotor policy learning via action diffusion')],
    );
    assert.equal(papers.length, 1);
    assert.equal(papers[0].key, 'diffusionPolicy2023');
    assert.deepEqual(papers[0].aliases, ['chi2023diffusion']);
    assert.deepEqual(papers[0].sources, [
      { file: 'digests/a.txt', line: 3 },
      { file: 'refs.bib', line: 7 },
    ]);
    assert.equal(entries.get('chi2023diffusion')?.title, 'Diffusion policy -- visuomotor policy learning via action diffusion');
    // The digest library's own object is not changed.
    assert.deepEqual(digestPaper.aliases, []);
  });

  test('an entry of no digest paper is a paper of its own, with its key verbatim and its line as source', () => {
    const { papers } = joinBibliographies(
      [paper('a', 'Another Paper')],
      [bibEntry('Mueller:2021:LSTM', 'On the LSTM Gradient', { authors: ['Jörg Müller', 'María García'] })],
    );
    assert.deepEqual(
      papers.map((p) => [p.key, p.title, p.authors, p.sources]),
      [
        ['a', 'Another Paper', null, [{ file: 'digests/a.txt', line: 3 }]],
        ['Mueller:2021:LSTM', 'On the LSTM Gradient', 2, [{ file: 'refs.bib', line: 7 }]],
      ],
    );
  });

  test('a key names one paper: an entry whose key a digest paper holds for another title is shadowed, and so is a second entry of one key', () => {
    const { papers, shadowed } = joinBibliographies(
      [paper('caril2024', 'Caril: One Title', ['oldKey'])],
      [
        bibEntry('caril2024', 'A Different Title'),
        bibEntry('oldKey', 'Yet Another'),
        bibEntry('fresh', 'Fresh'),
        bibEntry('fresh', 'Fresh Again', { line: 20 }),
      ],
    );
    assert.deepEqual(
      papers.map((p) => p.key),
      ['caril2024', 'fresh'],
    );
    assert.deepEqual(
      shadowed.map((entry) => [entry.key, entry.title]),
      [
        ['caril2024', 'A Different Title'],
        ['oldKey', 'Yet Another'],
        ['fresh', 'Fresh Again'],
      ],
    );
  });

  test('an entry that already uses the digest paper’s key adds nothing', () => {
    const digestPaper = paper('sameKey', 'Same Title');
    const { papers } = joinBibliographies([digestPaper], [bibEntry('sameKey', 'Same Title')]);
    assert.deepEqual(papers, [digestPaper]);
  });

  test('without entries the digest library is given back as it is', () => {
    const list = [paper('a', 'A')];
    assert.equal(joinBibliographies(list, []).papers, list);
  });
});

test('describeEntry: family names, venue and year', () => {
  assert.equal(describeEntry(bibEntry('k', 'T', { authors: ['Cheng Chi', 'Siyuan Feng', 'Yilun Du'] })), 'Chi, Feng et al. · A Journal · 2021');
  assert.equal(describeEntry(bibEntry('k', 'T', { authors: ['Cheng Chi', 'Siyuan Feng'], venue: null, year: null })), 'Chi and Feng');
});

test('latexBibliography: \\bibliography, \\addbibresource and \\bibitem, comments skipped', () => {
  const tex = [
    '\\addbibresource[label=primary]{refs/main.bib}',
    '% \\bibliography{commented}',
    '\\bibliography{references, extra.bib}',
    '\\begin{thebibliography}{9}',
    '\\bibitem[Hand(2019)]{handbook} H. Hand.',
    '\\bibitem{other-key} O. Other. 50\\% off.',
    '\\end{thebibliography}',
  ].join('\n');
  assert.deepEqual(latexBibliography(tex), { files: ['refs/main.bib', 'references.bib', 'extra.bib'], bibitems: ['handbook', 'other-key'] });
});
