import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { arxivIdentifier, formatCslJson, primaryUrl, protectTitleCase, selectPapers, tagCounts, toCslItem } from '../../../src/core/bibliography/csl';
import { mergeDigests } from '../../../src/core/library/merge';
import { LibraryRecords } from '../../../src/core/library/libraryFile';
import type { Paper } from '../../../src/core/types';
import { BibtexKeyError, formatBibtex, isBibtexKey } from '../../../src/node/bib/bibtex';
import { readDigest } from '../../../src/node/digest/digestFiles';
import { digest, entry } from '../../support/paperBuilders';
import { fixturesFolder } from '../../support/paths';

const HOSTILE = path.join(fixturesFolder, 'bib', 'hostile-titles.txt');

function paper(title: string, fields: Partial<Paper> = {}): Paper {
  const [merged] = mergeDigests([digest('d.txt', [entry(title)])], new LibraryRecords()).papers;
  return { ...merged, ...fields };
}

async function hostilePapers(): Promise<Paper[]> {
  const { digest: parsed } = await readDigest(HOSTILE);
  assert.ok(parsed);
  return mergeDigests([parsed], new LibraryRecords()).papers;
}

/** The fields of one entry of formatBibtex's output, by name (values as written, without the outer braces). */
function fields(bibtex: string, key: string): Record<string, string> {
  const start = bibtex.indexOf(`@misc{${key},\n`);
  assert.ok(start >= 0, `no entry ${key} in\n${bibtex}`);
  const body = bibtex.slice(start, bibtex.indexOf('\n}\n', start));
  const result: Record<string, string> = {};
  for (const match of body.matchAll(/^ {2}([A-Za-z]+) = (.*),$/gm)) result[match[1]] = match[2].replace(/^\{([\s\S]*)\}$/, '$1');
  return result;
}

/** True when every brace in `value` is balanced, counting `\{` too (as BibTeX does). */
function balanced(value: string): boolean {
  let depth = 0;
  for (const ch of value) {
    if (ch === '{') depth++;
    if (ch === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

describe('CSL-JSON items', () => {
  test('protectTitleCase wraps only what must keep its case: acronyms, inner capitals, capitals with digits; leading digits outside the span', () => {
    assert.equal(
      protectTitleCase('LLMs Plan in 3D:  GPT-4 and iPhone, x86 DynaMo 7B-Parameter Fine-Grained A Study'),
      '<span class="nocase">LLMs</span> Plan in 3<span class="nocase">D</span>: <span class="nocase">GPT</span>-4 and <span class="nocase">iPhone</span>, x86 <span class="nocase">DynaMo</span> 7<span class="nocase">B</span>-Parameter Fine-Grained A Study',
    );
    assert.equal(protectTitleCase('all lower case'), 'all lower case');
    assert.equal(protectTitleCase('Diffusion Policy'), 'Diffusion Policy');
  });

  test('an item carries the key, the date as precise as known, the paper link, tags and code links', () => {
    const item = toCslItem(
      paper('PASTA: Pretrained Action-State Transformer Agents', {
        key: 'pasta',
        date: { year: 2023, month: 7, day: 20 },
        links: ['https://pasta.io', 'https://github.com/o/pasta', 'https://arxiv.org/abs/2307.10936', 'https://huggingface.co/o/model'],
      }),
      ['to-read', 'rl'],
    );
    assert.deepEqual(item, {
      id: 'pasta',
      type: 'article',
      title: '<span class="nocase">PASTA</span>: Pretrained Action-State Transformer Agents',
      abstract: item.abstract,
      issued: { 'date-parts': [[2023, 7, 20]] },
      URL: 'https://arxiv.org/abs/2307.10936',
      keyword: 'to-read, rl',
      note: 'Code: https://github.com/o/pasta; https://huggingface.co/o/model',
    });
    assert.ok(item.abstract?.startsWith('An abstract about pasta'));
  });

  test('a year is never guessed: a date without one gives no issued, and no links no URL', () => {
    const item = toCslItem(paper('Some Paper', { key: 'somePaper', date: { year: null, month: 3, day: 6 }, links: [], abstract: '' }));
    assert.deepEqual(Object.keys(item), ['id', 'type', 'title']);
  });

  test('primaryUrl prefers the arXiv or Hugging Face paper page, else the first link', () => {
    assert.equal(primaryUrl(['https://a.io', 'https://huggingface.co/papers/2401.1']), 'https://huggingface.co/papers/2401.1');
    assert.equal(primaryUrl(['https://a.io', 'https://b.io']), 'https://a.io');
    assert.equal(primaryUrl([]), undefined);
  });

  test('selectPapers picks all, a tag or keys, sorted by key, and reports unknown keys', () => {
    const papers = [paper('Beta Paper', { key: 'beta' }), paper('Alpha Paper', { key: 'alpha' }), paper('Gamma Paper', { key: 'gamma' })];
    const tags: Record<string, string[]> = { beta: ['x'], gamma: ['x', 'y'] };
    const tagsOf = (key: string) => tags[key] ?? [];
    assert.deepEqual(
      selectPapers(papers, { kind: 'all' }, tagsOf).papers.map((p) => p.key),
      ['alpha', 'beta', 'gamma'],
    );
    assert.deepEqual(
      selectPapers(papers, { kind: 'tag', tag: 'x' }, tagsOf).papers.map((p) => p.key),
      ['beta', 'gamma'],
    );
    assert.deepEqual(selectPapers(papers, { kind: 'tag', tag: 'none' }, tagsOf).papers, []);
    assert.deepEqual(selectPapers(papers, { kind: 'keys', keys: ['gamma', 'nope', 'alpha', 'gamma'] }, tagsOf), {
      papers: [papers[1], papers[2]],
      unknown: ['nope'],
    });
    assert.deepEqual(tagCounts(papers, tagsOf), [
      { tag: 'x', count: 2 },
      { tag: 'y', count: 1 },
    ]);
  });

  test('CSL-JSON text parses back to the items', () => {
    const items = [toCslItem(paper('A "Quoted" \\ Title', { key: 'a' }))];
    assert.deepEqual(JSON.parse(formatCslJson(items)), items);
  });
});

describe('BibTeX', () => {
  test('an arXiv or Hugging Face paper link gives eprint and archivePrefix; aliases give ids', () => {
    const withLink = (key: string, link: string, aliases: string[] = []) =>
      toCslItem(paper(`Paper ${key}`, { key, aliases, date: { year: 2024, month: 3, day: 1 }, links: [link] }));
    const bibtex = formatBibtex([
      withLink('hf', 'https://huggingface.co/papers/2403.01234', ['hfOld']),
      withLink('abs', 'https://arxiv.org/abs/2307.10936v2'),
      withLink('none', 'https://example.org/paper'),
    ]);
    assert.deepEqual([fields(bibtex, 'hf').eprint, fields(bibtex, 'hf').archivePrefix, fields(bibtex, 'hf').ids], ['2403.01234', 'arXiv', 'hfOld']);
    assert.equal(fields(bibtex, 'abs').eprint, '2307.10936');
    assert.equal(fields(bibtex, 'none').eprint, undefined);
    assert.equal(arxivIdentifier('https://arxiv.org/pdf/hep-th/9901001v1.pdf'), 'hep-th/9901001');
    assert.equal(arxivIdentifier('https://arxiv.org/list/cs.LG/recent'), undefined);
  });

  test('keys are ours exactly, one @misc per paper, year and month as macros', async () => {
    const bibtex = formatBibtex((await hostilePapers()).map((p) => toCslItem(p, ['to-read', 'rl_agents'])));
    assert.deepEqual(
      [...bibtex.matchAll(/^@(\w+)\{([^,]+),$/gm)].map((m) => `${m[1]} ${m[2]}`),
      ['misc llmsPlan3d', 'misc costs1005', 'misc unicodeTitles'],
    );
    const llms = fields(bibtex, 'llmsPlan3d');
    assert.equal(llms.year, '2024');
    assert.equal(llms.month, 'mar');
    assert.equal(llms.key, 'llmsPlan3d');
    assert.equal(llms.keywords, 'to-read, rl\\_agents');
    assert.equal(llms.url, 'https://github.com/Example-Org/LLM_Plan3D');
    assert.equal(llms.note, 'Code: https://github.com/Example-Org/LLM\\_Plan3D');
  });

  test('acronyms, digits-led words and mixed case are braced against case changes', async () => {
    const title = fields(formatBibtex((await hostilePapers()).map((p) => toCslItem(p))), 'llmsPlan3d').title;
    assert.equal(title, '{LLMs} Plan in 3{D}: {GPT}-4 and 7{B}-Parameter Models Meet {NeRF}, {PyTorch} and {iPhone}');
  });

  test('LaTeX specials are escaped and every field stays balanced', async () => {
    const bibtex = formatBibtex((await hostilePapers()).map((p) => toCslItem(p)));
    const costs = fields(bibtex, 'costs1005');
    assert.equal(
      costs.title,
      'Costs of 100\\% \\& \\$5: \\#1 Tricks for a\\_b \\textbraceleft{}Braces\\textbraceright{} back\\textbackslash{}slash, tilde\\textasciitilde{} and caret\\textasciicircum{} in Titles',
    );
    assert.match(costs.abstract, /unbalanced \\textbraceright\{\} and \\textbraceleft\{\}/);
    assert.match(costs.abstract, /\\textless\{\}script\\textgreater\{\}/);
    for (const [name, value] of Object.entries(costs)) assert.ok(balanced(value), `${name}: ${value}`);
  });

  test('Unicode is written as LaTeX where citation-js can, and kept as UTF-8 where it cannot', async () => {
    const bibtex = formatBibtex((await hostilePapers()).map((p) => toCslItem(p)));
    const unicode = fields(bibtex, 'unicodeTitles');
    assert.match(unicode.title, /na\{\\" i\}ve caf\{\\' e\}/);
    for (const kept of ['中文标题', '📈']) assert.ok(unicode.title.includes(kept), `${kept} in ${unicode.title}`);
    for (const kept of ['日本語', '📈🤖', '中文']) assert.ok(unicode.abstract.includes(kept), `${kept} in ${unicode.abstract}`);
    assert.match(unicode.abstract, /\$\\alpha\$/);
    assert.ok(!/zqx\d+zqx/.test(bibtex), 'no placeholder is left behind');
  });

  test('text that looks like a placeholder is not replaced', () => {
    const bibtex = formatBibtex([toCslItem(paper('Tokens zqx0zqx and 中文', { key: 'tokens' }))]);
    assert.match(fields(bibtex, 'tokens').title, /^Tokens zqx0zqx and 中文$/);
  });

  test('keys BibTeX cannot hold are an error, nothing is written', () => {
    assert.equal(isBibtexKey('pasta2023'), true);
    assert.equal(isBibtexKey('doe:2020.a-b'), true);
    assert.equal(isBibtexKey('50%off'), false);
    assert.throws(
      () => formatBibtex([toCslItem(paper('A', { key: 'ok' })), toCslItem(paper('B', { key: 'a#b' }))]),
      (error: unknown) => error instanceof BibtexKeyError && error.keys.join() === 'a#b',
    );
    assert.equal(formatBibtex([]), '');
  });
});
