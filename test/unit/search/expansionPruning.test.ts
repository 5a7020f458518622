/**
 * A wildcard's or misspelling's words that cannot change the top results are left unscored
 * (SearchIndex.scoreExpansions). These tests compare that search with one that scores every word,
 * on generated libraries where the clauses match well over MAX_EXPANSIONS words of very different
 * frequencies: the hits, their scores and order, the matched words, the total and the hints must be
 * the same, for many queries and limits, after updates and after a round trip through bytes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_EXPANSIONS, SearchIndex, type SearchDocument } from '../../../src/core/search/searchIndex';
import { seededRandom } from '../../../src/core/seededRandom';

const SUFFIXES = ['ing', 'tion', 'ness', 'al', 'ment', 'ous', 'er', 'ed', 's', ''];

/** A library of `count` papers over made-up roots with common suffixes, used Zipf-like (a few roots in most papers, most in a few). */
function library(count: number, seed: number): { documents: SearchDocument[]; words: string[] } {
  const next = seededRandom(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const roots = new Set<string>();
  while (roots.size < 600) {
    const length = 4 + Math.floor(next() * 4);
    let root = '';
    for (let i = 0; i < length; i++) root += letters[Math.floor(next() * 26)];
    roots.add(root);
  }
  const rootList = [...roots];
  const word = () => {
    // Skewed: rank r is picked about 1/r as often.
    const rank = Math.floor(Math.exp(next() * Math.log(rootList.length + 1))) - 1;
    return rootList[Math.min(rank, rootList.length - 1)] + SUFFIXES[Math.floor(next() * SUFFIXES.length)];
  };
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  const tags = ['favourite', 'toread', 'robotics', 'vision', 'planning', 'learning'];
  const documents: SearchDocument[] = [];
  for (let i = 0; i < count; i++) {
    // A few titles say one word many times: their weight comes close to the bound (BM25's
    // saturation), so that a bound too low or a stop a little early shows.
    const repeated =
      next() < 0.05
        ? Array.from({ length: 20 + Math.floor(next() * 200) }, () => word())
            .fill(word())
            .join(' ')
        : '';
    documents.push({
      key: `paper${i}`,
      title: repeated || words(3 + Math.floor(next() * 8)),
      abstract: words(20 + Math.floor(next() * 80)),
      tags: tags.filter(() => next() < 0.15),
      note: next() < 0.3 ? words(5 + Math.floor(next() * 30)) : '',
    });
  }
  return { documents, words: documents.flatMap((document) => document.title.split(' ')) };
}

/** Queries of every form a clause with many words can take: alone, with other words, required, banned, in a field, boosted. */
function queries(words: readonly string[], seed: number): string[] {
  const next = seededRandom(seed);
  const pick = () => words[Math.floor(next() * words.length)];
  const misspell = (w: string, edits: number) => {
    const chars = [...w];
    for (let e = 0; e < edits; e++) chars[1 + Math.floor(next() * (chars.length - 1))] = 'abcdefghijklmnopqrstuvwxyz'[Math.floor(next() * 26)];
    return chars.join('');
  };
  const list = ['*ing', '*tion', '*al', '*s', '*ness', '*ment', '*e*', '*a*ing', 'title:*ing', 'abstract:*tion', 'tags:*ing', 'note:*al'];
  for (let i = 0; i < 6; i++) {
    const w = pick();
    list.push(`${w.slice(0, 2)}*`, `${w.slice(0, 1)}*`, `${misspell(w, 1)}~1`, `${misspell(w, 2)}~2`, `${w}~2`);
    list.push(`*ing ${pick()}`, `+*tion ${pick()}`, `*al +${pick()}`, `*ing -${pick()}`, `${pick()} *s^3`, `*ing *tion`, `+${pick()} +*ing`);
    list.push(`${misspell(pick(), 1)}~1 ${pick()}`, `${pick().slice(0, 1)}* -*ing`, `title:${pick()} abstract:*ed`, `*ing^0 ${pick()}`);
  }
  return list;
}

function compare(index: SearchIndex, list: readonly string[], limits: readonly number[]): number {
  let deferred = 0;
  for (const query of list) {
    for (const limit of limits) {
      index.exhaustiveScoring = true;
      const exhaustive = index.search(query, limit);
      assert.equal(index.lastDeferred, 0);
      index.exhaustiveScoring = false;
      const pruned = index.search(query, limit);
      deferred += index.lastDeferred;
      assert.deepEqual(pruned, exhaustive, `${query} (limit ${limit}), ${index.lastDeferred} words left unscored`);
    }
  }
  return deferred;
}

const LIMITS = [1, 3, 10, 20, 50, 200];

describe('search: words that cannot change the top results are not scored', () => {
  const { documents, words } = library(1500, 11);

  test('the generated clauses match more words than are searched, of very different frequencies', () => {
    const index = SearchIndex.build(documents);
    for (const query of ['*ing', '*tion', '*al']) {
      assert.match(index.search(query, 10).hints.join(' '), new RegExp(`searched the ${MAX_EXPANSIONS} most common`), query);
    }
  });

  test('the same hits, scores, order, matched words and total as scoring every word, for every query form and limit', () => {
    const index = SearchIndex.build(documents);
    const deferred = compare(index, queries(words, 5), LIMITS);
    // The comparison means something only if words were in fact left out, and often.
    assert.ok(deferred > 500, `only ${deferred} words left unscored`);
    index.search('*ing', 10);
    assert.ok(index.lastDeferred > 0, '*ing scored every word for 10 results');
  });

  test('the same after updates (papers in the side table, papers removed) and after a round trip through bytes', () => {
    const index = SearchIndex.build(documents);
    const next = seededRandom(3);
    for (let i = 0; i < 300; i++) {
      const donor = documents[Math.floor(next() * documents.length)];
      const key = documents[Math.floor(next() * documents.length)].key;
      if (next() < 0.2) index.remove(key);
      else index.upsert({ ...donor, key, title: `${donor.title} ${documents[i].title}` });
    }
    const list = queries(words, 9);
    assert.ok(compare(index, list, LIMITS) > 0);
    const read = SearchIndex.deserialize(index.serialize());
    assert.ok(compare(read, list, [1, 10, 50]) > 0);
  });

  test('a query whose clause finds fewer papers than the limit scores every word', () => {
    const index = SearchIndex.build(documents.slice(0, 40));
    const exhaustive = ((index.exhaustiveScoring = true), index.search('*ing', 100));
    index.exhaustiveScoring = false;
    assert.deepEqual(index.search('*ing', 100), exhaustive);
    assert.equal(index.lastDeferred, 0);
  });
});
