/** Search documents for tests: the seed papers as the extension indexes them, and synthetic topics. */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDigest } from '../../../src/core/digest/parser';
import { mergeDigests } from '../../../src/core/library/merge';
import { LibraryRecords } from '../../../src/core/library/libraryFile';
import type { SearchDocument } from '../../../src/core/search/searchIndex';
import type { Paper } from '../../../src/core/types';
import { random } from '../../fixtures/digests/render';
import { seedsFolder } from '../../support/paths';

const seeds = seedsFolder;

let seedPapersCache: Paper[] | undefined;

/** The 257 papers of the seed digests, with the keys a fresh library gives them. */
export function seedPapers(): Paper[] {
  seedPapersCache ??= mergeDigests(
    readdirSync(seeds)
      .sort()
      .map((name) => parseDigest(readFileSync(path.join(seeds, name), 'utf8'), name)),
    new LibraryRecords(),
  ).papers;
  return seedPapersCache;
}

export function toDocument(paper: Paper, tags: readonly string[] = [], note = ''): SearchDocument {
  return { key: paper.key, title: paper.title, abstract: paper.abstract, tags, note };
}

export function seedDocuments(): SearchDocument[] {
  return seedPapers().map((paper) => toDocument(paper));
}

/** The seed paper whose title matches `pattern`. */
export function seedPaper(pattern: RegExp): Paper {
  const paper = seedPapers().find((candidate) => pattern.test(candidate.title));
  if (!paper) throw new Error(`No seed paper has a title matching ${pattern}`);
  return paper;
}

/**
 * `count` documents in `topics` topics: each topic has its own made-up words, every document mixes
 * mostly its topic's words with words shared by all topics. Returns the documents and each one's topic.
 */
export function topicDocuments(count: number, topics: number, seed = 7): { documents: SearchDocument[]; topicOf: Map<string, number> } {
  const next = random(seed);
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'zu', 'pe', 'da', 'go', 'bi', 'fe', 'xo'];
  const word = () => Array.from({ length: 3 + Math.floor(next() * 2) }, () => syllables[Math.floor(next() * syllables.length)]).join('');
  const shared = Array.from({ length: 300 }, word);
  const topicWords = Array.from({ length: topics }, () => Array.from({ length: 40 }, word));
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const documents: SearchDocument[] = [];
  const topicOf = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const topic = i % topics;
    const text = (length: number, own: number) => Array.from({ length }, () => (next() < own ? pick(topicWords[topic]) : pick(shared))).join(' ');
    const key = `doc${i}`;
    documents.push({ key, title: text(6, 0.6), abstract: text(120, 0.3), tags: [], note: '' });
    topicOf.set(key, topic);
  }
  return { documents, topicOf };
}
