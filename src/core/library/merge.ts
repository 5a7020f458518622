/**
 * The library: parsed digests merged into papers. The same paper seen in several digests (titles
 * equal up to case, white space and punctuation) is one paper with several sources.
 */
import type { LibraryRecord, LibraryRecords } from './libraryFile';
import { titleIdentity } from '../text';
import type { DigestEntry, Paper, PaperDate, ParsedDigest } from '../types';

interface Group {
  identity: string;
  entries: { entry: DigestEntry; file: string }[];
}

/** What merging produced: the papers in order of first appearance, and the keys it had to create. */
export interface MergeResult {
  papers: Paper[];
  /** Records added to the library file for papers it did not know yet (to be saved by the caller). */
  added: LibraryRecord[];
}

/**
 * Merges digests (in the order given) into papers and gives each its citation key from `records`,
 * adding records for new papers. Field by field, the merged paper takes the longest abstract, the
 * first known authors count and submitter, the most precise date (one with a year wins), the highest
 * upvote count and every link; so the result does not depend on the order of the digests.
 */
export function mergeDigests(digests: readonly ParsedDigest[], records: LibraryRecords): MergeResult {
  const groups = new Map<string, Group>();
  for (const digest of digests) {
    for (const entry of digest.entries) {
      // The identity is computed once per entry: at 100,000 papers it is a good part of the merge.
      const identity = titleIdentity(entry.title) || entry.title;
      let group = groups.get(identity);
      if (!group) {
        group = { identity, entries: [] };
        groups.set(identity, group);
      }
      group.entries.push({ entry, file: digest.file });
    }
  }

  const list = [...groups.values()];
  const added = records.assignKeys(list.map((group) => ({ title: group.entries[0].entry.title, identity: group.identity })));
  const papers = list.map((group) => {
    const record = records.byIdentity(group.identity);
    return mergeGroup(group, record?.key ?? '', record?.aliases ?? []);
  });
  return { papers, added };
}

function mergeGroup(group: Group, key: string, aliases: readonly string[]): Paper {
  const first = group.entries[0].entry;
  let abstract = first.abstract;
  let authors: number | null = null;
  let submitter: string | null = null;
  let date: PaperDate | null = null;
  let upvotes: number | null = null;
  const links: string[] = [];
  const seenLinks = new Set<string>();
  for (const { entry } of group.entries) {
    if (entry.abstract.length > abstract.length) abstract = entry.abstract;
    authors ??= entry.authors;
    submitter ??= entry.submitter;
    if (entry.date && (date === null || (date.year === null && entry.date.year !== null))) date = entry.date;
    if (entry.upvotes !== null && (upvotes === null || entry.upvotes > upvotes)) upvotes = entry.upvotes;
    for (const link of entry.links) {
      if (!seenLinks.has(link)) {
        seenLinks.add(link);
        links.push(link);
      }
    }
  }
  return {
    key,
    aliases: [...aliases],
    title: first.title,
    abstract,
    authors,
    submitter,
    date,
    upvotes,
    links,
    sources: group.entries.map(({ entry, file }) => ({ file, line: entry.line })),
  };
}
