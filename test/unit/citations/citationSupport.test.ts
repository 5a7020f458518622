import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  citationFormatFor,
  defaultCitationFormat,
  editDistance,
  formatCitation,
  formatCitations,
  nearestKeys,
  shortTitle,
} from '../../../src/core/citations/format';
import { CitationIndex, looksBinary, scanInBatches } from '../../../src/core/citations/citationIndex';
import { citationSyntaxForFileName, citationSyntaxForLanguage, isInsideComment } from '../../../src/core/citations/scanner';
import { PaperFinder, mergeMatches } from '../../../src/core/citations/paperFinder';
import type { Paper } from '../../../src/core/types';

function paper(key: string, title: string, fields: Partial<Paper> = {}): Paper {
  return { key, aliases: [], title, abstract: `About ${title}.`, authors: null, submitter: null, date: null, upvotes: null, links: [], sources: [], ...fields };
}

const PASTA = paper('pasta2023', 'PASTA: Pretrained Action-State Transformer Agents', {
  date: { year: 2023, month: 7, day: 20 },
  links: ['https://example.org/pasta'],
});

describe('formatCitation', () => {
  test('defaults per language', () => {
    assert.equal(formatCitation(PASTA, 'markdown'), '[@pasta2023]');
    assert.equal(formatCitation(PASTA, 'latex'), '\\cite{pasta2023}');
    assert.equal(formatCitation(PASTA, 'typescript'), '// [@pasta2023] PASTA (2023)');
    assert.equal(formatCitation(PASTA, 'python'), '# [@pasta2023] PASTA (2023)');
    assert.equal(formatCitation(PASTA, 'lua'), '-- [@pasta2023] PASTA (2023)');
    assert.equal(formatCitation(PASTA, 'css'), '/* [@pasta2023] PASTA (2023) */');
    assert.equal(formatCitation(PASTA, 'html'), '<!-- [@pasta2023] PASTA (2023) -->');
    assert.equal(formatCitation(PASTA, 'plaintext'), '[@pasta2023]');
  });

  test('a missing year leaves no empty parentheses', () => {
    assert.equal(formatCitation({ ...PASTA, date: null }, 'go'), '// [@pasta2023] PASTA');
  });

  test('user formats with every placeholder; unknown placeholders stay', () => {
    const formats = { markdown: '[${title}](${url}) [@${key}, ${year}] ${nope}', python: '' };
    assert.equal(
      formatCitation(PASTA, 'markdown', formats),
      '[PASTA: Pretrained Action-State Transformer Agents](https://example.org/pasta) [@pasta2023, 2023] ${nope}',
    );
    // An empty format falls back to the default.
    assert.equal(citationFormatFor('python', formats), defaultCitationFormat('python'));
  });

  test('a hostile title cannot end the comment or break the line', () => {
    const hostile = paper('x', 'Evil */ alert(1) /* and\nnew line --> end');
    assert.equal(formatCitation(hostile, 'css', { css: '/* ${title} */' }), '/* Evil * / alert(1) /* and new line -- > end */');
  });

  test('several papers make one citation with the default formats', () => {
    const vpt = paper('vpt2022', 'Video PreTraining (VPT): Learning to Act', { date: { year: 2022, month: 6, day: 1 } });
    assert.equal(formatCitations([PASTA, vpt], 'markdown'), '[@pasta2023; @vpt2022]');
    assert.equal(formatCitations([PASTA, vpt], 'latex'), '\\cite{pasta2023,vpt2022}');
    assert.equal(formatCitations([PASTA, vpt], 'python'), '# [@pasta2023; @vpt2022]');
    assert.equal(formatCitations([PASTA, vpt], 'css'), '/* [@pasta2023; @vpt2022] */');
    assert.equal(formatCitations([PASTA, vpt], 'markdown', { markdown: '@${key}' }), '@pasta2023 @vpt2022');
    assert.equal(formatCitations([PASTA], 'python'), formatCitation(PASTA, 'python'));
  });

  test('isInsideComment', () => {
    const py = citationSyntaxForLanguage('python')!;
    const text = 'x = "# no"  # yes\ny = 2';
    assert.equal(isInsideComment(text, 0, 6, py), false);
    assert.equal(isInsideComment(text, 0, 15, py), true);
    assert.equal(isInsideComment(text, 1, 3, py), false);
    assert.equal(isInsideComment('/* a\n b */ c', 1, 1, citationSyntaxForLanguage('typescript')!), true);
    assert.equal(isInsideComment('[@a]', 0, 2, { kind: 'markdown' }), false);
  });

  test('shortTitle', () => {
    assert.equal(shortTitle('PASTA: Pretrained Action-State Transformer Agents'), 'PASTA');
    assert.equal(shortTitle('Data Quality in Imitation Learning'), 'Data Quality in Imitation Learning');
    const long = shortTitle('A Very Long Title Without Any Colon That Goes On And On Beyond Sixty Characters Easily');
    assert.ok(long.length <= 60 && long.endsWith('…'), long);
  });
});

describe('nearestKeys', () => {
  const keys = ['pasta2023', 'vpt2022', 'dinoWm2024', 'thoughtCloning2023', 'pastaB2023', 'gameOn2024'];

  test('typos, transpositions, case and prefixes', () => {
    assert.deepEqual(nearestKeys('pasta2032', keys).slice(0, 1), ['pasta2023']);
    assert.deepEqual(nearestKeys('vtp2022', keys), ['vpt2022']);
    assert.deepEqual(nearestKeys('DINOWM2024', keys), ['dinoWm2024']);
    assert.deepEqual(nearestKeys('pasta', keys), ['pasta2023', 'pastaB2023']);
    assert.deepEqual(nearestKeys('thoughtCloning', keys), ['thoughtCloning2023']);
    assert.deepEqual(nearestKeys('zzzzzz', keys), []);
    assert.equal(nearestKeys('pasta2024', keys, 1).length, 1);
  });

  test('editDistance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('ab', 'ba'), 1);
    assert.equal(editDistance('abc', 'ABC'), 0);
    assert.equal(editDistance('a', 'abcdef', 2), 3);
  });
});

describe('PaperFinder', () => {
  const papers = [
    PASTA,
    paper('vpt2022', 'Video PreTraining (VPT): Learning to Act by Watching Unlabeled Online Videos', {
      date: { year: 2022, month: 6, day: 23 },
      abstract: 'Minecraft agents learn from videos.',
    }),
    paper('pastaB2023', 'Pasta Making with Robots', { date: { year: 2023, month: 1, day: 1 } }),
    paper('behaviorTransformers', 'Behavior Transformers: Cloning k modes with one stone', { abstract: 'We study behaviour cloning of multimodal data.' }),
    paper('schrodingerBridges2024', 'Schrödinger Bridges for Policy Learning', { date: { year: 2024, month: 1, day: 1 } }),
  ];
  const finder = new PaperFinder(papers);

  test('updated after a change, it answers exactly as one built anew: changed papers are found by their new words, removed ones not at all', () => {
    const changed = [
      ...papers.filter((p) => p.key !== 'pastaB2023' && p.key !== 'vpt2022'),
      { ...papers[1], title: 'Video PreTraining for Minecraft Agents' },
      paper('newOne2025', 'Pasta Cloning at Scale', { date: { year: 2025, month: 2, day: 1 } }),
    ];
    const updated = PaperFinder.update(changed, finder);
    const fresh = new PaperFinder(changed);
    for (const query of ['pas', 'cloning', 'learn videos', '', 'schrodinger', 'minecraft', 'watching']) {
      assert.deepEqual(updated.search(query), fresh.search(query), query);
      assert.deepEqual(updated.complete(query), fresh.complete(query), query);
    }
    assert.deepEqual(
      updated.search('minecraft agents').map((m) => m.paper.key),
      ['vpt2022'],
    );
    assert.deepEqual(updated.search('watching'), [], 'the old title is no longer searched');
    assert.deepEqual(
      updated.complete('pastab').map((m) => m.paper.key),
      [],
      'a removed paper is gone',
    );
  });

  test('matches of two finders over parts of the papers merge into what one finder over all of them gives', () => {
    for (const split of [1, 2, 3]) {
      const first = new PaperFinder(papers.slice(0, split));
      const second = new PaperFinder(papers.slice(split));
      for (const query of ['pas', 'cloning', 'learn', '', 'schrodinger', 'b']) {
        for (const limit of [1, 2, 200]) {
          assert.deepEqual(
            mergeMatches([first.search(query, limit), second.search(query, limit)], limit),
            finder.search(query, limit),
            `search ${query} split ${split} limit ${limit}`,
          );
          assert.deepEqual(
            mergeMatches([first.complete(query, limit), second.complete(query, limit)], limit),
            finder.complete(query, limit),
            `complete ${query} split ${split} limit ${limit}`,
          );
        }
      }
    }
    // A paper the join gave a .bib key: found by its title word in one finder, by that key in the other.
    const joined = { ...papers[3], aliases: ['cloningKModes'] };
    assert.deepEqual(
      finder.complete('cloning').map((m) => [m.paper.key, m.rank]),
      [['behaviorTransformers', 1]],
    );
    assert.deepEqual(
      mergeMatches([finder.complete('cloning'), new PaperFinder([joined]).complete('cloning')], 5).map((m) => [m.paper.key, m.rank, m.paper.aliases]),
      [['behaviorTransformers', 0, ['cloningKModes']]],
      'a paper found by both keeps its best rank, once',
    );
  });

  test('complete: key prefix first, then title words, then substrings', () => {
    assert.deepEqual(
      finder.complete('pas').map((m) => [m.paper.key, m.rank]),
      [
        ['pasta2023', 0],
        ['pastaB2023', 0],
      ],
    );
    assert.deepEqual(
      finder.complete('video').map((m) => m.paper.key),
      ['vpt2022'],
    );
    assert.deepEqual(
      finder.complete('schro').map((m) => m.paper.key),
      ['schrodingerBridges2024'],
    );
    assert.deepEqual(
      finder.complete('transformer').map((m) => [m.paper.key, m.rank]),
      [
        ['pasta2023', 1],
        ['behaviorTransformers', 1],
      ],
    );
    assert.equal(finder.complete('').length, 5);
    assert.equal(finder.complete('', 2).length, 2);
    assert.deepEqual(
      finder
        .complete('')
        .slice(0, 1)
        .map((m) => m.paper.key),
      ['schrodingerBridges2024'],
    );
  });

  test('search: every word, in key, title or abstract', () => {
    assert.deepEqual(
      finder.search('minecraft').map((m) => [m.paper.key, m.rank]),
      [['vpt2022', 3]],
    );
    assert.deepEqual(
      finder.search('behavior cloning').map((m) => m.paper.key),
      ['behaviorTransformers'],
    );
    assert.deepEqual(
      finder.search('pasta robots').map((m) => m.paper.key),
      ['pastaB2023'],
    );
    assert.deepEqual(finder.search('nothing like this'), []);
    assert.equal(finder.search('').length, 5);
    // Query syntax characters are plain text here.
    assert.deepEqual(
      finder.search('(VPT):').map((m) => m.paper.key),
      ['vpt2022'],
    );
  });
});

describe('CitationIndex', () => {
  const md = citationSyntaxForFileName('a.md')!;

  test('mentionsOf, per-file replacement, and the keys that changed', () => {
    const index = new CitationIndex();
    assert.deepEqual([...index.setFile('a.md', 'See [@pasta2023].\nAnd [@vpt2022; @pasta2023].', md)].sort(), ['pasta2023', 'vpt2022']);
    index.setFile('b.py', '# [@pasta2023] PASTA', citationSyntaxForFileName('b.py')!);
    assert.deepEqual(
      index.mentionsOf('pasta2023').map((m) => [m.file, m.line, m.start, m.lineText]),
      [
        ['a.md', 0, 6, 'See [@pasta2023].'],
        ['a.md', 1, 16, 'And [@vpt2022; @pasta2023].'],
        ['b.py', 0, 4, '# [@pasta2023] PASTA'],
      ],
    );
    // Rewriting a.md without vpt2022: only the keys whose mentions changed are reported.
    assert.deepEqual([...index.setFile('a.md', 'See [@pasta2023].\nAnd nothing else.', md)], ['pasta2023', 'vpt2022']);
    assert.deepEqual(index.mentionsOf('vpt2022'), []);
    assert.deepEqual([...index.setFile('a.md', 'See [@pasta2023].\nAnd nothing more.', md)], []);
    assert.deepEqual([...index.removeFile('a.md')], ['pasta2023']);
    assert.deepEqual(
      index.mentionsOf('pasta2023').map((m) => m.file),
      ['b.py'],
    );
    assert.deepEqual([...index.citedKeys()], [['pasta2023', 1]]);
    assert.equal(index.fileCount, 1);
  });

  test('long lines are cut for display', () => {
    const index = new CitationIndex();
    index.setFile('a.md', `${'x'.repeat(500)} [@k]`, md);
    const [m] = index.mentionsOf('k');
    assert.ok(m.lineText.length <= 240 && m.lineText.endsWith('…'));
    assert.equal(m.start, 503);
  });

  test('scanInBatches scans every readable file, yields between batches and skips the rest', async () => {
    const files = Array.from({ length: 53 }, (_, i) => `f${i}.md`).concat(['unknown.bin', 'fails.md']);
    const index = new CitationIndex();
    let yields = 0;
    const batches: string[][] = [];
    const result = await scanInBatches({
      files,
      read: async (file) => {
        if (file === 'fails.md') throw new Error('EACCES');
        return `[@key${Number(file.slice(1, -3)) % 5}]`;
      },
      syntaxOf: (file) => citationSyntaxForFileName(file),
      index,
      batchSize: 10,
      yieldToHost: async () => {
        yields++;
      },
      onBatch: (changed) => batches.push([...changed]),
      // A clock that never moves: no batch is ever cut into slices here (see the next test).
      now: () => 0,
    });
    assert.equal(result.scanned, 53);
    assert.equal(result.skipped, 2);
    assert.equal(result.cancelled, false);
    assert.equal(yields, 6);
    assert.equal(index.mentionsOf('key0').length, 11);
    assert.deepEqual(batches[0].sort(), ['key0', 'key1', 'key2', 'key3', 'key4']);
  });

  test('scanInBatches yields inside a batch once a slice has taken sliceMs', async () => {
    let clock = 0;
    let yields = 0;
    const result = await scanInBatches({
      files: Array.from({ length: 10 }, (_, i) => `f${i}.md`),
      read: async () => '[@k]',
      syntaxOf: () => md,
      index: new CitationIndex(),
      batchSize: 10,
      sliceMs: 8,
      // Every reading of the clock is 3 ms after the last, so a slice passes 8 ms on its third file.
      now: () => (clock += 3),
      yieldToHost: async () => {
        yields++;
      },
    });
    assert.equal(result.scanned, 10);
    assert.ok(yields > 1, `one batch of ten files was cut into ${yields} slice(s)`);
    assert.ok(result.longestBatchMs < 20, String(result.longestBatchMs));
  });

  test('scanInBatches stops when cancelled', async () => {
    const index = new CitationIndex();
    let batches = 0;
    const result = await scanInBatches({
      files: Array.from({ length: 100 }, (_, i) => `f${i}.md`),
      read: async () => '[@k]',
      syntaxOf: () => md,
      index,
      batchSize: 10,
      yieldToHost: async () => {
        batches++;
      },
      cancelled: () => batches >= 3,
      now: () => 0,
    });
    assert.equal(result.cancelled, true);
    assert.equal(result.scanned, 30);
  });

  test('looksBinary', () => {
    assert.equal(looksBinary(new Uint8Array([65, 66, 0, 67])), true);
    assert.equal(looksBinary(new TextEncoder().encode('plain [@text]')), false);
  });
});
