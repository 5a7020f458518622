/** Small builders for core tests: real objects, no mocks. */
import type { DigestEntry, ParsedDigest } from '../../src/core/types';

/** A digest entry with defaults for every field not given. */
export function entry(title: string, fields: Partial<DigestEntry> = {}): DigestEntry {
  return {
    title,
    abstract: `An abstract about ${title.toLowerCase()} that is long enough to read like one.`,
    authors: null,
    submitter: null,
    date: null,
    upvotes: null,
    links: [],
    line: 1,
    ...fields,
  };
}

/** A parsed digest holding `entries`, numbered on consecutive lines. */
export function digest(file: string, entries: DigestEntry[]): ParsedDigest {
  return { file, digestDate: null, entries: entries.map((e, i) => ({ ...e, line: e.line === 1 ? i * 4 + 1 : e.line })), diagnostics: [] };
}
