import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseDigest } from '../../../src/core/digest/parser';
import { mergeDigests } from '../../../src/core/library/merge';
import { LibraryRecords, parseLibraryFile, serializeLibraryFile } from '../../../src/core/library/libraryFile';
import type { ParsedDigest } from '../../../src/core/types';
import { digest, entry } from '../../support/paperBuilders';
import { seedsFolder } from '../../support/paths';

const seeds: ParsedDigest[] = readdirSync(seedsFolder)
  .filter((name) => name.endsWith('.txt'))
  .sort()
  .map((name) => parseDigest(readFileSync(path.join(seedsFolder, name), 'utf8'), name));

/** Keys by title for a run of mergeDigests over `digests` with `records`. */
function keysOf(digests: ParsedDigest[], records: LibraryRecords): Map<string, string> {
  return new Map(mergeDigests(digests, records).papers.map((paper) => [paper.title, paper.key]));
}

/** Round-trips records through the file format, as a later session would read them. */
function reload(records: LibraryRecords): LibraryRecords {
  return parseLibraryFile(serializeLibraryFile(records));
}

describe('mergeDigests over the seeds', () => {
  const { papers, added } = mergeDigests(seeds, new LibraryRecords());

  test('327 entries make 257 papers, 47 of them in more than one digest', () => {
    assert.equal(
      seeds.reduce((sum, d) => sum + d.entries.length, 0),
      327,
    );
    assert.equal(papers.length, 257);
    assert.equal(papers.filter((p) => new Set(p.sources.map((s) => s.file)).size > 1).length, 47);
    assert.equal(added.length, 257);
  });

  test('keys are unique (also ignoring case) and valid', () => {
    const keys = papers.map((p) => p.key.toLowerCase());
    assert.equal(new Set(keys).size, keys.length);
    for (const paper of papers) assert.match(paper.key, /^[A-Za-z0-9]+$/);
  });

  test('a paper seen in two digests keeps both sources and the metadata of either', () => {
    const paper = papers.find((p) => p.title === 'Demonstration-Regularized RL');
    assert.ok(paper);
    assert.deepEqual(
      paper.sources.map((s) => s.file),
      ['000_896f7befaa86139f.txt', '001_4527b1b50237e4c0.txt', '002_7de4789b7565d511.txt', '003_633ab4c5ca64d127.txt'],
    );
    assert.equal(paper.authors, 8);
    assert.deepEqual(paper.date, { year: 2023, month: 10, day: 26 });
    assert.equal(paper.key, 'demonstrationRegularizedRl');
  });
});

describe('merging rules', () => {
  test('titles equal up to case, white space and punctuation are one paper', () => {
    const a = digest('a.txt', [entry('Thought Cloning: Learning to Think')]);
    const b = digest('b.txt', [entry('thought cloning -- learning  to think!')]);
    const { papers } = mergeDigests([a, b], new LibraryRecords());
    assert.equal(papers.length, 1);
    assert.equal(papers[0].title, 'Thought Cloning: Learning to Think');
    assert.deepEqual(papers[0].sources, [
      { file: 'a.txt', line: 1 },
      { file: 'b.txt', line: 1 },
    ]);
  });

  test('fields merge the same whatever the digest order', () => {
    const a = digest('a.txt', [entry('X Paper', { abstract: 'short', upvotes: 3, links: ['https://a.io'] })]);
    const b = digest('b.txt', [
      entry('X Paper', { abstract: 'a longer abstract', authors: 4, date: { year: 2024, month: 1, day: 2 }, upvotes: 7, links: ['https://b.io'] }),
    ]);
    const c = digest('c.txt', [entry('X Paper', { date: { year: null, month: 1, day: 2 }, submitter: 'akhaliq' })]);
    const strip = (d: ParsedDigest[]) => {
      const [paper] = mergeDigests(d, new LibraryRecords()).papers;
      return { ...paper, sources: [], links: [...paper.links].sort() };
    };
    const expected = strip([a, b, c]);
    assert.deepEqual(strip([c, b, a]), expected);
    assert.deepEqual(strip([b, a, c]), expected);
    assert.deepEqual(expected.date, { year: 2024, month: 1, day: 2 });
    assert.equal(expected.upvotes, 7);
    assert.equal(expected.authors, 4);
    assert.equal(expected.submitter, 'akhaliq');
  });
});

describe('citation keys never change', () => {
  const [d0, d1, d2, d3] = seeds;

  test('adding digests keeps every existing key', () => {
    const records = new LibraryRecords();
    const before = keysOf([d0, d2], records);
    const after = keysOf([d0, d1, d2, d3], reload(records));
    for (const [title, key] of before) assert.equal(after.get(title), key, title);
  });

  test('removing digests keeps the keys of the papers that remain, and keeps the removed ones reserved', () => {
    const records = new LibraryRecords();
    const before = keysOf(seeds, records);
    const reloaded = reload(records);
    const after = keysOf([d3], reloaded);
    for (const [title, key] of after) assert.equal(before.get(title), key, title);
    assert.equal(reloaded.size, before.size);
    // Bringing the digests back brings back the same keys.
    assert.deepEqual(keysOf(seeds, reloaded), before);
  });

  test('reordering digests changes no key, with or without a library file', () => {
    const records = new LibraryRecords();
    const before = keysOf(seeds, records);
    assert.deepEqual(keysOf([d3, d1, d0, d2], reload(records)), before);
    assert.deepEqual(keysOf([d3, d1, d0, d2], new LibraryRecords()), before);
    assert.deepEqual(keysOf([...seeds].reverse(), new LibraryRecords()), before);
  });

  test("a clash with an existing key is settled from the newcomer's own title, not from how many came before", () => {
    const records = new LibraryRecords();
    const first = keysOf([digest('a.txt', [entry('PASTA: Pretrained Agents')])], records);
    assert.equal(first.get('PASTA: Pretrained Agents'), 'pasta');
    const second = keysOf([digest('b.txt', [entry('PASTA: Pasta Is All You Need'), entry('PASTA: Pretrained Agents')])], records);
    assert.equal(second.get('PASTA: Pretrained Agents'), 'pasta');
    assert.equal(second.get('PASTA: Pasta Is All You Need'), 'pastaNeed');
  });

  test('two branches that each add a paper clashing with an existing key give them different keys', () => {
    const base = new LibraryRecords();
    keysOf([digest('base.txt', [entry('Genie: Generative Interactive Environments')])], base);
    const left = reload(base);
    const right = reload(base);
    const onLeft = keysOf([digest('l.txt', [entry('Genie: World Models for Play')])], left).get('Genie: World Models for Play');
    const onRight = keysOf([digest('r.txt', [entry('Genie: Robots in the Wild')])], right).get('Genie: Robots in the Wild');
    assert.equal(onLeft, 'genieWorld');
    assert.equal(onRight, 'genieRobots');
  });

  test('newcomers that clash with each other get keys independent of digest order', () => {
    const titles = ['RAFT: Reward Ranked Finetuning', 'RAFT: Recurrent All-Pairs Field Transforms', 'RAFT: Adapting Language Models'];
    const forward = keysOf(
      [
        digest(
          'a.txt',
          titles.map((t) => entry(t)),
        ),
      ],
      new LibraryRecords(),
    );
    const backward = keysOf(
      [
        digest(
          'a.txt',
          [...titles].reverse().map((t) => entry(t)),
        ),
      ],
      new LibraryRecords(),
    );
    assert.deepEqual(forward, backward);
    assert.deepEqual(new Set(forward.values()), new Set(['raft', 'raftRecurrent', 'raftReward']));
  });

  test('the same paper seen with and without a year gets one key, whichever digest came first', () => {
    const undated = digest('a.txt', [entry('DINO-WM: World Models on Pre-trained Visual Features')]);
    const dated = digest('b.txt', [entry('DINO-WM: World Models on Pre-trained Visual Features', { date: { year: 2024, month: 11, day: 7 } })]);
    const undatedFirst = new LibraryRecords();
    keysOf([undated], undatedFirst);
    const datedFirst = new LibraryRecords();
    keysOf([dated], datedFirst);
    assert.equal(keysOf([dated], reload(undatedFirst)).get('DINO-WM: World Models on Pre-trained Visual Features'), 'dinoWm');
    assert.equal(keysOf([undated], reload(datedFirst)).get('DINO-WM: World Models on Pre-trained Visual Features'), 'dinoWm');
  });

  test('a key stays when the paper later turns up with a year', () => {
    const records = new LibraryRecords();
    keysOf([digest('a.txt', [entry('Genie: Generative Interactive Environments')])], records);
    const later = keysOf(
      [digest('b.txt', [entry('Genie: Generative Interactive Environments', { date: { year: 2024, month: 2, day: 23 } })])],
      reload(records),
    );
    assert.equal(later.get('Genie: Generative Interactive Environments'), 'genie');
  });

  test('a key written with a year by Marginalia 0.1 keeps resolving', () => {
    const records = parseLibraryFile('{"key":"genie2024","title":"Genie: Generative Interactive Environments"}\n');
    assert.equal(
      keysOf([digest('a.txt', [entry('Genie: Generative Interactive Environments')])], records).get('Genie: Generative Interactive Environments'),
      'genie2024',
    );
  });

  test('emoji-only and non-Latin titles get keys, one per paper, stable across runs', () => {
    const titles = ['🤖🚀', '🦾🦿', '深度学习的推理', 'Обучение с подкреплением'];
    const records = new LibraryRecords();
    const keys = keysOf(
      [
        digest(
          'a.txt',
          titles.map((t) => entry(t)),
        ),
      ],
      records,
    );
    assert.equal(new Set(keys.values()).size, 4);
    for (const key of keys.values()) assert.match(key, /^paper[0-9a-z]{4}$/);
    // Reading the same digest again adds no record (0.1 added one per run for an emoji title).
    const again = reload(records);
    assert.deepEqual(
      keysOf(
        [
          digest(
            'a.txt',
            titles.map((t) => entry(t)),
          ),
        ],
        again,
      ),
      keys,
    );
    assert.equal(again.size, 4);
  });
});
