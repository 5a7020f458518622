/** Small builders for core tests: real objects, no mocks. */
import { LibraryRecords } from '../../src/core/library/libraryFile';
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

/** Library records from plain lists of tags, each tag set at `at` (a fixed time, so files compare equal). */
export function libraryRecords(list: { key: string; title: string; tags?: string[]; aliases?: string[] }[], at = '2026-01-01T00:00:00.000Z'): LibraryRecords {
  const records = new LibraryRecords(
    list.map(({ key, title, tags = [], aliases }) => ({ key, title, aliases, tags: Object.fromEntries(tags.map((tag) => [tag, at])) })),
  );
  records.clock = () => new Date('2026-06-01T00:00:00.000Z');
  return records;
}
