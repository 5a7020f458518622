import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  compareTitles,
  describePaper,
  digestGroupLabel,
  filterPapers,
  groupPapers,
  groupPapersInSlices,
  paperFilter,
  sortByTitle,
  sortPapers,
} from '../../../src/core/papers/grouping';
import { formatPaperDate } from '../../../src/core/paperView/viewModel';
import { parseDigest } from '../../../src/core/digest/parser';
import { mergeDigests } from '../../../src/core/library/merge';
import { LibraryRecords } from '../../../src/core/library/libraryFile';
import type { Paper } from '../../../src/core/types';
import { seedsFolder } from '../../support/paths';

const files = readdirSync(seedsFolder)
  .filter((name) => name.endsWith('.txt'))
  .sort();
const { papers } = mergeDigests(
  files.map((name) => parseDigest(readFileSync(path.join(seedsFolder, name), 'utf8'), name)),
  new LibraryRecords(),
);
const noTags = () => [];

function paper(key: string, fields: Partial<Paper> = {}): Paper {
  return {
    key,
    aliases: [],
    title: key,
    abstract: '',
    authors: null,
    submitter: null,
    date: null,
    upvotes: null,
    links: [],
    sources: [{ file: 'a.txt', line: 1 }],
    ...fields,
  };
}

describe('groupPapers', () => {
  test('by digest: the seeds make 4 groups of 58, 49, 74 and 146, a paper in each digest it appears in', () => {
    const groups = groupPapers(papers, 'digest', { digestFiles: files, digestLabel: (file) => file, tagsOf: noTags });
    assert.deepEqual(
      groups.map((g) => [g.label, g.papers.length]),
      [
        ['000_896f7befaa86139f.txt', 58],
        ['001_4527b1b50237e4c0.txt', 49],
        ['002_7de4789b7565d511.txt', 74],
        ['003_633ab4c5ca64d127.txt', 146],
      ],
    );
  });

  test('by month: newest first, then months of unknown year, then no date', () => {
    const list = [
      paper('a', { date: { year: 2023, month: 7, day: 12 } }),
      paper('b', { date: { year: null, month: 3, day: 6 } }),
      paper('c'),
      paper('d', { date: { year: 2024, month: 9, day: 18 } }),
      paper('e', { date: { year: 2024, month: 9, day: 1 } }),
    ];
    const groups = groupPapers(list, 'month', { digestFiles: [], digestLabel: String, tagsOf: noTags });
    assert.deepEqual(
      groups.map((g) => [g.label, g.papers.map((p) => p.key)]),
      [
        ['September 2024', ['d', 'e']],
        ['July 2023', ['a']],
        ['March (year unknown)', ['b']],
        ['No date', ['c']],
      ],
    );
  });

  test("by month: a paper its entry does not date falls in its digest's month; only papers of undated digests have no date", () => {
    const digestDates: Record<string, { month: number; day: number } | null> = { 'nov.txt': { month: 11, day: 28 }, 'undated.txt': null };
    const list = [
      paper('dated', { date: { year: 2024, month: 9, day: 18 }, sources: [{ file: 'nov.txt', line: 3 }] }),
      paper('fromDigest', { sources: [{ file: 'nov.txt', line: 9 }] }),
      paper('secondSource', {
        sources: [
          { file: 'undated.txt', line: 2 },
          { file: 'nov.txt', line: 20 },
        ],
      }),
      paper('none', { sources: [{ file: 'undated.txt', line: 5 }] }),
    ];
    const groups = groupPapers(list, 'month', { digestFiles: [], digestLabel: String, tagsOf: noTags, digestDateOf: (file) => digestDates[file] ?? null });
    assert.deepEqual(
      groups.map((g) => [g.label, g.papers.map((p) => p.key)]),
      [
        ['September 2024', ['dated']],
        ['November (year unknown)', ['fromDigest', 'secondSource']],
        ['No date', ['none']],
      ],
    );
  });

  test('by month, the seed papers: "No date" keeps only papers undated by their entries and by every digest they are in', () => {
    const digests = new Map(files.map((name) => [name, parseDigest(readFileSync(path.join(seedsFolder, name), 'utf8'), name).digestDate]));
    const groups = groupPapers(papers, 'month', { digestFiles: files, digestLabel: String, tagsOf: noTags, digestDateOf: (file) => digests.get(file) ?? null });
    const undated = papers.filter((p) => p.date === null && p.sources.every((source) => digests.get(source.file) === null));
    // 003 says no date; the other three say theirs (Mar 11, Dec 9, Mar 14) without a year.
    assert.deepEqual(
      [...digests.values()].map((date) => date === null),
      [false, false, false, true],
    );
    assert.deepEqual(
      groups.find((g) => g.label === 'No date')?.papers.map((p) => p.key),
      undated.map((p) => p.key),
    );
    assert.equal(groups.find((g) => g.label === 'March (year unknown)')?.papers.length, 90);
  });

  test('by tag: a paper under each of its tags, then the untagged ones', () => {
    const tags: Record<string, string[]> = { a: ['rl', 'to-read'], b: ['rl'] };
    const groups = groupPapers([paper('a'), paper('b'), paper('c')], 'tag', { digestFiles: [], digestLabel: String, tagsOf: (p) => tags[p.key] ?? [] });
    assert.deepEqual(
      groups.map((g) => [g.label, g.papers.map((p) => p.key)]),
      [
        ['rl', ['a', 'b']],
        ['to-read', ['a']],
        ['Untagged', ['c']],
      ],
    );
  });
});

describe('digestGroupLabel', () => {
  test('a digest is named by the date it gives itself, else by its file name', () => {
    const labels = files.map((name) => digestGroupLabel(name, parseDigest(readFileSync(path.join(seedsFolder, name), 'utf8'), name).digestDate));
    assert.deepEqual(labels, ['March 11', 'December 9', 'March 14', '003_633ab4c5ca64d127.txt']);
  });

  test('two digests of one day are told apart by their file names; a date no other digest has stays alone', () => {
    const files = ['/w/digests/2024-03-11_daily-papers.txt', '/w/seeds/000_896f7befaa86139f.txt', '/w/digests/june.txt', 'C:\\w\\undated.txt'];
    const dates: Record<string, { month: number; day: number } | null> = {
      [files[0]]: { month: 3, day: 11 },
      [files[1]]: { month: 3, day: 11 },
      [files[2]]: { month: 6, day: 12 },
      [files[3]]: null,
    };
    const list = files.map((file, i) => paper(`p${i}`, { sources: [{ file, line: 1 }] }));
    const options = {
      digestFiles: files,
      digestLabel: (file: string) => digestGroupLabel(file.split(/[\\/]/).pop()!, dates[file]),
      tagsOf: noTags,
    };
    const expected = [
      ['March 11 · 2024-03-11_daily-papers', true],
      ['March 11 · 000_896f7befaa86139f', true],
      ['June 12', undefined],
      ['undated.txt', true],
    ];
    assert.deepEqual(
      groupPapers(list, 'digest', options).map((g) => [g.label, g.namesFile]),
      expected,
    );
    // Grouped a paper at a time (the slices of a big library), the labels are the same.
    return groupPapersInSlices(list, 'digest', options, null, async () => true, 1).then((result) =>
      assert.deepEqual(
        result!.groups.map((g) => [g.label, g.namesFile]),
        expected,
      ),
    );
  });

  test('a month the parser could not name keeps the file name', () => {
    assert.equal(digestGroupLabel('odd.txt', { month: 13, day: 1 }), 'odd.txt');
    assert.equal(digestGroupLabel('june.txt', { month: 6, day: 12 }), 'June 12');
  });
});

describe('sortByTitle', () => {
  /** What sortByTitle must equal: one stable sort with the collator. */
  const reference = (titles: string[], tie: (a: string, b: string) => number = () => 0) =>
    titles
      .map((title, index) => ({ title, index }))
      .sort((a, b) => compareTitles(a.title, b.title) || tie(a.title, b.title))
      .map((entry) => entry.index);
  const sorted = (titles: string[], tie?: (a: string, b: string) => number) =>
    sortByTitle(
      titles.map((title, index) => ({ title, index })),
      (entry) => entry.title,
      tie && ((a, b) => tie(a.title, b.title)),
    ).map((entry) => entry.index);

  test('orders as the collator does where lower-cased code units do not: accents, numbers by value, punctuation, other scripts', () => {
    const titles = [
      'Zeta',
      'Über alles',
      'uber alles',
      'Uber alles',
      'ABC',
      'abc',
      'Model 10',
      'Model 2',
      'model 2',
      'a-b',
      'a b',
      'a_b',
      'a.b',
      '(A) note',
      '"Quoted"',
      'Éclair',
      'eclair',
      'ß',
      'ss',
      '数学',
      'Ωmega',
      'omega',
      '🤖 robots',
      '',
      'Ⅻ',
      'İstanbul',
      'istanbul',
    ];
    assert.deepEqual(sorted(titles), reference(titles));
  });

  test('keeps titles the collator finds equal in the order given, unless the tie-break orders them', () => {
    const titles = ['uber', 'Über', 'UBER', 'über'];
    assert.deepEqual(sorted(titles), [0, 1, 2, 3]);
    const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    assert.deepEqual(sorted(titles, byCodeUnits), reference(titles, byCodeUnits));
  });

  test('equals the collator sort on 5,000 random titles of mixed letters, cases, accents, digits and punctuation', () => {
    const alphabet = [...'aAbBeEéÉèzZ0123456789 -_.,:()"\'ßøØåÅıİ数学Ω'];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const titles = Array.from({ length: 5000 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
    );
    assert.deepEqual(sorted(titles), reference(titles));
  });
});

describe('sortPapers', () => {
  const list = [
    paper('x', { title: 'beta', upvotes: 3, date: { year: 2021, month: 1, day: 1 } }),
    paper('y', { title: 'Alpha', upvotes: null, date: null }),
    paper('z', { title: 'gamma', upvotes: 10, date: { year: 2024, month: 5, day: 2 } }),
    paper('w', { title: 'delta', upvotes: 3, date: { year: null, month: 12, day: 31 } }),
  ];
  test('by title, ignoring case', () =>
    assert.deepEqual(
      sortPapers(list, 'title').map((p) => p.key),
      ['y', 'x', 'w', 'z'],
    ));
  test('by date, newest first, unknown years after known ones, no date last', () =>
    assert.deepEqual(
      sortPapers(list, 'date').map((p) => p.key),
      ['z', 'x', 'w', 'y'],
    ));
  test('by upvotes, most first, ties by title', () =>
    assert.deepEqual(
      sortPapers(list, 'upvotes').map((p) => p.key),
      ['z', 'x', 'w', 'y'],
    ));
  test('does not change its input', () => {
    const before = list.map((p) => p.key);
    sortPapers(list, 'date');
    assert.deepEqual(
      list.map((p) => p.key),
      before,
    );
  });
});

describe('filterPapers and labels', () => {
  test('every word must appear in key, title or abstract', () => {
    const found = filterPapers(papers, 'DIFFUSION policy');
    assert.ok(found.length > 0);
    for (const p of found) assert.match(`${p.title} ${p.abstract}`.toLowerCase(), /diffusion/);
    assert.equal(filterPapers(papers, '   ').length, papers.length);
    assert.equal(filterPapers(papers, 'zzzqqq').length, 0);
  });

  test('dates and descriptions read well', () => {
    assert.equal(formatPaperDate({ year: 2021, month: 3, day: 30 }), 'Mar 30, 2021');
    assert.equal(formatPaperDate({ year: null, month: 3, day: 6 }), 'Mar 6');
    assert.equal(describePaper(paper('a', { date: { year: 2024, month: 9, day: 18 }, authors: 5, upvotes: 3 })), '2024 · 5 authors · ▲ 3');
    assert.equal(describePaper(paper('a', { authors: 1 })), '1 author');
    assert.equal(describePaper(paper('a', { submitter: 'NVIDIA' })), 'NVIDIA');
  });
});

describe('groupPapersInSlices', () => {
  test('gives what groupPapers gives on the kept papers, for every grouping and slice size, and stops when told', async () => {
    const files = ['a.txt', 'b.txt', 'c.txt'];
    const papers = Array.from({ length: 40 }, (_, i) =>
      paper(`p${i}`, {
        title: `Paper ${i} on ${i % 3 === 0 ? 'diffusion' : 'robots'}`,
        sources: [{ file: files[i % 3], line: i }, ...(i % 5 === 0 ? [{ file: files[(i + 1) % 3], line: i }] : [])],
        date: i % 4 === 0 ? null : { year: 2020 + (i % 3), month: 1 + (i % 12), day: 1 },
      }),
    );
    const tags = (p: Paper) => (Number(p.key.slice(1)) % 7 === 0 ? [] : [`t${Number(p.key.slice(1)) % 4}`, ...(Number(p.key.slice(1)) % 6 === 0 ? ['z'] : [])]);
    const options = {
      digestFiles: files,
      digestLabel: (f: string) => f,
      tagsOf: tags,
      statusOf: (p: Paper) => (Number(p.key.slice(1)) % 2 ? ('read' as const) : ('unread' as const)),
    };
    for (const by of ['digest', 'month', 'tag', 'status'] as const) {
      for (const keep of [null, paperFilter('diffusion')]) {
        const expected = groupPapers(keep ? papers.filter(keep) : papers, by, options);
        for (const slice of [1, 3, 7, 40, 100]) {
          const result = await groupPapersInSlices(papers, by, options, keep, async () => true, slice);
          assert.deepEqual(result?.groups, expected, `${by}, slice ${slice}, ${keep ? 'filtered' : 'all'}`);
          assert.equal(result?.count, keep ? papers.filter(keep).length : papers.length);
        }
      }
    }
    let pauses = 0;
    assert.equal(await groupPapersInSlices(papers, 'tag', options, null, async () => ++pauses < 2, 5), null);
    assert.equal(pauses, 2);
  });
});
