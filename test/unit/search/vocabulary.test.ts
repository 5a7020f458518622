import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lowerBound, wildcardMatcher, withinEditDistance } from '../../../src/core/search/fuzzy';
import { SearchIndex, type SearchDocument } from '../../../src/core/search/searchIndex';
import { Vocabulary, type VisitWord } from '../../../src/core/search/vocabulary';
// A seeded generator (mulberry32), so that a failure names words that can be looked at again.
import { random } from '../../fixtures/digests/render';

// Few letters, so that words share prefixes, trigrams and near neighbours as a real vocabulary's do;
// accents, Greek, CJK and a letter outside the BMP (two UTF-16 code units) among them.
const LETTERS = [...'aaaaeeeiioonnrrsttlcdmgpbhuxyz0123', 'é', 'ü', 'ß', 'λ', 'σ', '学', '習', '𝔸', 'ǆ'];

function randomWord(next: () => number): string {
  const length = 1 + Math.floor(next() * next() * 12);
  let word = '';
  for (let i = 0; i < length; i++) word += LETTERS[Math.floor(next() * LETTERS.length)];
  return word;
}

function sortedDistinct(words: Iterable<string>): string[] {
  return [...new Set(words)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A vocabulary of `count` random words: the sorted list and a term per word (several words share a term, as stems do). */
function randomVocabulary(seed: number, count: number) {
  const next = random(seed);
  const words = sortedDistinct(Array.from({ length: count }, () => randomWord(next)));
  const termOf = new Map(words.map((word) => [word, Math.floor(next() * words.length * 0.7)]));
  return { next, words, termOf };
}

/** What the index did before the vocabulary existed: every word tested in sorted order. */
function linearScan(words: readonly string[], termOf: Map<string, number>, accepts: (word: string) => boolean): [string, number][] {
  return words.filter(accepts).map((word) => [word, termOf.get(word)!]);
}

function collect(run: (visit: VisitWord) => void): [string, number][] {
  const out: [string, number][] = [];
  run((word, term) => out.push([word, term]));
  return out;
}

function wildcardAccepts(pattern: string): (word: string) => boolean {
  const matcher = wildcardMatcher(pattern);
  return 'prefix' in matcher ? (word) => word.startsWith(matcher.prefix) : matcher.test;
}

/** Patterns of every shape the query language allows: prefix, suffix, infix, a star between letters, several stars. */
function patternsFor(next: () => number, words: readonly string[]): string[] {
  const pick = () => words[Math.floor(next() * words.length)];
  const slice = (word: string, from: number, length: number) => [...word].slice(from, from + length).join('');
  const patterns = ['*tion', '*on', '*n', '*a*', '*ab*', 'a*b', 'ta*on', '*a*b*c', 'ré*', '*学習', '*𝔸*', '**', 'zzzzz*', '*qqq', '*ing*'];
  for (let i = 0; i < 120; i++) {
    const word = [...pick()];
    const at = Math.floor(next() * word.length);
    const length = 1 + Math.floor(next() * 4);
    const piece = slice(word.join(''), at, length);
    const other = slice(pick(), 0, 1 + Math.floor(next() * 3));
    const shapes = [
      `${piece}*`,
      `*${piece}`,
      `*${piece}*`,
      `${other}*${piece}`,
      `*${other}*${piece}`,
      `${other}*${piece}*`,
      `*${piece}*${other}*`,
      `${piece}*${other}`,
    ];
    patterns.push(shapes[i % shapes.length]);
  }
  return patterns;
}

/** Query words for ~N: words of the list, misspelt words (letters replaced, added, dropped), and words of no list. */
function fuzzyQueriesFor(next: () => number, words: readonly string[]): string[] {
  const queries = ['', 'a', 'tion', '学習', '𝔸b', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'];
  for (let i = 0; i < 80; i++) {
    const chars = [...words[Math.floor(next() * words.length)]];
    const edits = Math.floor(next() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(next() * (chars.length + 1));
      const letter = LETTERS[Math.floor(next() * LETTERS.length)];
      const kind = Math.floor(next() * 3);
      if (kind === 0) chars.splice(at, 1, letter);
      else if (kind === 1) chars.splice(at, 0, letter);
      else chars.splice(at, 1);
    }
    queries.push(chars.join(''));
  }
  for (let i = 0; i < 10; i++) queries.push(randomWord(next));
  return queries;
}

describe('Vocabulary', () => {
  test('wildcards find exactly the words, in the order, that a scan of every word finds', () => {
    for (const seed of [1, 2, 3]) {
      const { next, words, termOf } = randomVocabulary(seed, 4000);
      const vocabulary = Vocabulary.build(
        words,
        Uint32Array.from(words, (word) => termOf.get(word)!),
      );
      for (const pattern of patternsFor(next, words)) {
        const expected = linearScan(words, termOf, wildcardAccepts(pattern));
        assert.deepEqual(
          collect((visit) => vocabulary.matchWildcard(pattern, visit)),
          expected,
          `pattern ${pattern} (seed ${seed})`,
        );
      }
    }
  });

  test("a wildcard's test accepts exactly the words its regular expression does (^part.*part$, letters whole)", () => {
    const regexOf = (pattern: string) =>
      new RegExp(
        `^${pattern
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        'u',
      );
    for (const seed of [4, 5]) {
      const { next, words } = randomVocabulary(seed, 3000);
      const patterns = [...patternsFor(next, words), '*aa*a', 'a*a', '*a*a*a*', 'aa*aa', '*', 'a*b*', '*ab*ba*ab'];
      for (const pattern of patterns) {
        const matcher = wildcardMatcher(pattern);
        if ('prefix' in matcher) continue;
        const regex = regexOf(pattern);
        for (const word of [...words, 'aa', 'aaa', 'aba', 'abba', 'abab']) assert.equal(matcher.test(word), regex.test(word), `${pattern} on ${word}`);
      }
    }
  });

  test('misspellings at distance 1 and 2 find exactly the words, in the order, that a scan finds', () => {
    for (const seed of [4, 5]) {
      const { next, words, termOf } = randomVocabulary(seed, 4000);
      const vocabulary = Vocabulary.build(
        words,
        Uint32Array.from(words, (word) => termOf.get(word)!),
      );
      let matched = 0;
      for (const query of fuzzyQueriesFor(next, words)) {
        for (const max of [1, 2]) {
          const expected = linearScan(words, termOf, (word) => withinEditDistance(query, word, max));
          matched += expected.length;
          assert.deepEqual(
            collect((visit) => vocabulary.matchFuzzy(query, max, visit)),
            expected,
            `${query}~${max} (seed ${seed})`,
          );
        }
      }
      // The comparison means something only if the queries do match.
      assert.ok(matched > 500, `only ${matched} matches`);
    }
  });

  test('words added after the build are found among the listed ones, in sorted order', () => {
    const { next, words, termOf } = randomVocabulary(6, 3000);
    const listed = words.filter(() => next() < 0.7);
    const vocabulary = Vocabulary.build(
      listed,
      Uint32Array.from(listed, (word) => termOf.get(word)!),
    );
    const added = words.filter((word) => lowerBound(listed, word) >= listed.length || listed[lowerBound(listed, word)] !== word);
    assert.ok(added.length > 500);
    for (let i = added.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [added[i], added[j]] = [added[j], added[i]];
    }
    for (const word of added) vocabulary.add(word, termOf.get(word)!);
    vocabulary.add(added[0], termOf.get(added[0])!);
    assert.equal(vocabulary.isExactly(listed), false);
    for (const pattern of patternsFor(next, words).slice(0, 60)) {
      assert.deepEqual(
        collect((visit) => vocabulary.matchWildcard(pattern, visit)),
        linearScan(words, termOf, wildcardAccepts(pattern)),
        pattern,
      );
    }
    for (const query of fuzzyQueriesFor(next, words).slice(0, 40)) {
      assert.deepEqual(
        collect((visit) => vocabulary.matchFuzzy(query, 2, visit)),
        linearScan(words, termOf, (word) => withinEditDistance(query, word, 2)),
        `${query}~2`,
      );
    }
  });

  test('the trigram index read back from its sections answers as the built one does', () => {
    const { next, words, termOf } = randomVocabulary(7, 3000);
    const terms = Uint32Array.from(words, (word) => termOf.get(word)!);
    const built = Vocabulary.build(words, terms);
    const fail = (why: string): never => {
      throw new Error(why);
    };
    const read = Vocabulary.fromSections(words, terms, built.sections(), fail);
    assert.equal(read.byteLength, built.byteLength);
    assert.ok(built.byteLength > 0);
    for (const pattern of patternsFor(next, words)) {
      assert.deepEqual(
        collect((visit) => read.matchWildcard(pattern, visit)),
        collect((visit) => built.matchWildcard(pattern, visit)),
        pattern,
      );
    }
  });

  test('a damaged trigram index is refused, not read out of bounds', () => {
    const { words, termOf } = randomVocabulary(8, 500);
    const terms = Uint32Array.from(words, (word) => termOf.get(word)!);
    const sections = Vocabulary.build(words, terms).sections();
    const fail = (why: string): never => {
      throw new Error(why);
    };
    const badWord = { ...sections, gramWords: sections.gramWords.slice() };
    badWord.gramWords[3] = words.length;
    const badOffsets = { ...sections, gramOffsets: sections.gramOffsets.slice() };
    badOffsets.gramOffsets[badOffsets.gramOffsets.length - 1] += 1;
    const tornKey = { ...sections, gramKeys: sections.gramKeys.slice(1) };
    const unordered = { ...sections, gramKeys: sections.gramKeys.slice().reverse() };
    for (const damaged of [badWord, badOffsets, tornKey, unordered]) assert.throws(() => Vocabulary.fromSections(words, terms, damaged, fail));
  });

  test('an empty vocabulary matches nothing', () => {
    const vocabulary = Vocabulary.build([], new Uint32Array(0));
    assert.deepEqual(
      collect((visit) => vocabulary.matchWildcard('*tion', visit)),
      [],
    );
    assert.deepEqual(
      collect((visit) => vocabulary.matchFuzzy('tion', 2, visit)),
      [],
    );
    assert.deepEqual(
      collect((visit) => vocabulary.matchPrefix('', visit)),
      [],
    );
  });

  test('the index finds the words of papers added after its build, and its cached copy answers as it does', () => {
    const next = random(9);
    const paper = (i: number, words: number): SearchDocument => ({
      key: `p${i}`,
      title: Array.from({ length: 4 }, () => randomWord(next)).join(' '),
      abstract: Array.from({ length: words }, () => randomWord(next)).join(' '),
      tags: [],
      note: '',
    });
    const first = Array.from({ length: 300 }, (_, i) => paper(i, 20));
    const index = SearchIndex.build(first);
    // Enough new words that the side list passes its limit and the word index is rebuilt on the way.
    const later = Array.from({ length: 200 }, (_, i) => paper(300 + i, 20));
    const queries = ['*on', '*a*', 'ta*', '*学*', 'a*n', '*ab*c', 'tion~1', 'nation~2', '学習~1', 'é~2', '𝔸a~1'];
    const outcome = (of: SearchIndex, query: string) => {
      const result = of.search(query, 500);
      return {
        total: result.total,
        hints: result.hints,
        hits: result.hits.map((hit) => ({ key: hit.key, score: hit.score.toFixed(9), matches: hit.matches })),
      };
    };
    for (const [i, document] of later.entries()) {
      index.upsert(document);
      if (i % 50 === 0) for (const query of queries.slice(0, 3)) index.search(query);
    }
    const rebuilt = SearchIndex.build([...first, ...later]);
    const cached = SearchIndex.deserialize(index.serialize());
    let found = 0;
    for (const query of queries) {
      const expected = outcome(rebuilt, query);
      found += expected.total;
      assert.deepEqual(outcome(index, query), expected, query);
      assert.deepEqual(outcome(cached, query), expected, `${query}, read from the cache`);
    }
    assert.ok(found > 100);
    assert.ok(index.stats().vocabularyBytes > 0);
    assert.equal(cached.stats().vocabularyBytes, rebuilt.stats().vocabularyBytes);
  });
});
