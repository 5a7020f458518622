/**
 * Large libraries for benchmarks, built from the seeds' own vocabulary: new titles from the seed
 * titles' words and name-like prefixes, abstracts from the seed abstracts' sentences, so that a
 * 10,000- or 100,000-paper library reads (and indexes) like real digests rather than like copies.
 * Deterministic for a given seed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDigest } from '../../src/core/digest/parser';
import { titleIdentity } from '../../src/core/text';
import { SEED_FILES, seedText } from '../fixtures/digests/corpus';
import { random, renderDigest, type SourceEntry } from '../fixtures/digests/render';

/** The seeds' words: name-like title prefixes (before a colon), title words and abstract sentences. */
export interface Vocabulary {
  prefixes: string[];
  words: string[];
  sentences: string[];
}

let vocabulary: Vocabulary | undefined;

/** The seeds' vocabulary, read once per process; callers copy the lists before changing them. */
export function seedVocabulary(): Vocabulary {
  if (vocabulary) return vocabulary;
  const entries = SEED_FILES.flatMap((name) => parseDigest(seedText(name), name).entries);
  const prefixes = new Set<string>();
  const words = new Set<string>();
  const sentences = new Set<string>();
  for (const entry of entries) {
    const colon = entry.title.indexOf(':');
    if (colon > 0 && colon < 24) prefixes.add(entry.title.slice(0, colon));
    for (const word of entry.title.slice(colon + 1).split(/\s+/)) if (/^[A-Za-z][A-Za-z-]{2,}$/.test(word)) words.add(word);
    for (const sentence of entry.abstract.split(/(?<=[.!?])\s+(?=[A-Z])/)) if (sentence.length > 30) sentences.add(sentence);
  }
  vocabulary = { prefixes: [...prefixes], words: [...words], sentences: [...sentences] };
  return vocabulary;
}

/** `count` distinct papers (distinct title identities) with realistic fields. */
export function syntheticEntries(count: number, seed = 42): SourceEntry[] {
  const { prefixes, words, sentences } = seedVocabulary();
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const seen = new Set<string>();
  const entries: SourceEntry[] = [];
  while (entries.length < count) {
    const length = 4 + Math.floor(next() * 7);
    const body = Array.from({ length }, () => pick(words)).join(' ');
    const title =
      next() < 0.4 ? `${pick(prefixes)}${next() < 0.5 ? `-${Math.floor(next() * 99)}` : ''}: ${body}` : body.charAt(0).toUpperCase() + body.slice(1);
    const identity = titleIdentity(title);
    if (seen.has(identity)) continue;
    seen.add(identity);
    const abstract = Array.from({ length: 6 + Math.floor(next() * 6) }, () => pick(sentences)).join(' ');
    const dated = next() < 0.6;
    entries.push({
      title,
      abstract,
      authors: dated ? 1 + Math.floor(next() * 15) : null,
      submitter: null,
      date: dated ? { year: next() < 0.7 ? 2019 + Math.floor(next() * 7) : null, month: 1 + Math.floor(next() * 12), day: 1 + Math.floor(next() * 28) } : null,
      upvotes: dated && next() < 0.5 ? Math.floor(next() * 200) : null,
    });
  }
  return entries;
}

/**
 * Writes a library of `count` papers as digests of `perDigest` entries each (the seed layout with
 * metadata blocks) into `folder`, and returns the files written.
 */
export function writeSyntheticLibrary(folder: string, count: number, perDigest = 100, seed = 42): string[] {
  mkdirSync(folder, { recursive: true });
  const entries = syntheticEntries(count, seed);
  const files: string[] = [];
  for (let start = 0, index = 0; start < entries.length; start += perDigest, index++) {
    const file = path.join(folder, `synthetic-digest-${String(index).padStart(5, '0')}.txt`);
    writeFileSync(file, renderDigest(entries.slice(start, start + perDigest)).text);
    files.push(file);
  }
  return files;
}
