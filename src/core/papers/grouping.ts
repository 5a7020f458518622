/**
 * How the Papers tree arranges the library: groups (by digest, month or tag), the order within a
 * group (title, date or upvotes), and the filter. Pure functions over papers, so they are tested
 * in plain Node and the tree provider stays a thin adapter.
 */
import { READING_STATUSES, STATUS_LABELS, type ReadingStatus } from '../library/readingStatus';
import type { Paper, PaperDate } from '../types';

export type GroupBy = 'digest' | 'month' | 'tag' | 'status';
export type SortBy = 'title' | 'date' | 'upvotes';

export const GROUP_BY_VALUES: readonly GroupBy[] = ['digest', 'month', 'tag', 'status'];
export const SORT_BY_VALUES: readonly SortBy[] = ['title', 'date', 'upvotes'];

/** One group of the tree. A paper may stand in several groups (two digests, two tags). */
export interface PaperGroup {
  /** Stable across refreshes, so the tree keeps its expansion state. */
  id: string;
  label: string;
  /** For digest groups, the digest file. */
  file?: string;
  /** For digest groups: the label names the file (an undated digest, or one that shares its date with another). */
  namesFile?: boolean;
  papers: Paper[];
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Groups papers. `digestLabel` names a digest file for display; `tagsOf` gives a paper's tags;
 * `digestDateOf` the date a digest file gives itself (month and day), which dates, for grouping by
 * month, a paper whose entry gives none (most digests date the page, not each paper).
 * Digest groups follow the order of the files; month groups run newest first, then months of an
 * unknown year, then "No date"; tag groups run alphabetically, then "Untagged"; status groups run
 * Unread, Reading, Read, Not Interested (`statusOf` gives a paper's status; without it all are unread).
 */
export function groupPapers(
  papers: readonly Paper[],
  by: GroupBy,
  options: {
    digestFiles: readonly string[];
    digestLabel: (file: string) => string;
    tagsOf: (paper: Paper) => readonly string[];
    digestDateOf?: (file: string) => { month: number; day: number } | null;
    statusOf?: (paper: Paper) => ReadingStatus;
  },
): PaperGroup[] {
  switch (by) {
    case 'digest': {
      const byFile = new Map<string, Paper[]>(options.digestFiles.map((file) => [file, []]));
      const add = (file: string, paper: Paper) => {
        let list = byFile.get(file);
        if (!list) byFile.set(file, (list = []));
        list.push(paper);
      };
      for (const paper of papers) {
        // Most papers come from one digest: no set to build for them (100,000 of them on every refresh).
        if (paper.sources.length === 1) add(paper.sources[0].file, paper);
        else for (const file of new Set(paper.sources.map((source) => source.file))) add(file, paper);
      }
      const groups = [...byFile]
        .filter(([, list]) => list.length > 0)
        .map(([file, list]): PaperGroup => ({ id: `digest:${file}`, label: options.digestLabel(file), file, papers: list }));
      return distinguishSharedDates(groups);
    }
    case 'month': {
      const byMonth = new Map<string, { order: number; label: string; papers: Paper[] }>();
      const digestDate = (paper: Paper): PaperDate | null => {
        for (const source of paper.sources) {
          const date = options.digestDateOf?.(source.file);
          if (date) return { year: null, ...date };
        }
        return null;
      };
      for (const paper of papers) {
        const { id, order, label } = monthOf(paper.date ?? digestDate(paper));
        let group = byMonth.get(id);
        if (!group) byMonth.set(id, (group = { order, label, papers: [] }));
        group.papers.push(paper);
      }
      return [...byMonth].sort(([, a], [, b]) => b.order - a.order).map(([id, group]) => ({ id: `month:${id}`, label: group.label, papers: group.papers }));
    }
    case 'tag': {
      const byTag = new Map<string, Paper[]>();
      const untagged: Paper[] = [];
      for (const paper of papers) {
        const tags = options.tagsOf(paper);
        if (tags.length === 0) untagged.push(paper);
        for (const tag of tags) {
          let list = byTag.get(tag);
          if (!list) byTag.set(tag, (list = []));
          list.push(paper);
        }
      }
      const groups = [...byTag].sort(([a], [b]) => a.localeCompare(b)).map(([tag, list]) => ({ id: `tag:${tag}`, label: tag, papers: list }));
      if (untagged.length > 0) groups.push({ id: 'tag:', label: 'Untagged', papers: untagged });
      return groups;
    }
    case 'status': {
      const byStatus = new Map<ReadingStatus, Paper[]>(READING_STATUSES.map((status) => [status, []]));
      for (const paper of papers) byStatus.get(options.statusOf?.(paper) ?? 'unread')!.push(paper);
      return [...byStatus]
        .filter(([, list]) => list.length > 0)
        .map(([status, list]) => ({ id: `status:${status}`, label: STATUS_LABELS[status], papers: list }));
    }
  }
}

/**
 * groupPapers over the papers `keep` holds for (all when null), a slice at a time: each slice is
 * grouped on its own and the slices' groups joined in order, so every group holds its papers in the
 * order given, exactly as groupPapers on the kept papers would. `pause` is awaited between slices of
 * about `slice` papers; when it gives false the work stops and the result is null.
 */
export async function groupPapersInSlices(
  papers: readonly Paper[],
  by: GroupBy,
  options: Parameters<typeof groupPapers>[2],
  keep: ((paper: Paper) => boolean) | null,
  pause: () => Promise<boolean>,
  slice = 5000,
): Promise<{ groups: PaperGroup[]; count: number } | null> {
  const joined = new Map<string, PaperGroup>();
  const firstOf: Paper[] = [];
  let count = 0;
  for (let start = 0; start < papers.length; start += slice) {
    const kept = papers.slice(start, start + slice).filter((paper) => !keep || keep(paper));
    count += kept.length;
    for (const group of groupPapers(kept, by, options)) {
      const known = joined.get(group.id);
      if (known) known.papers.push(...group.papers);
      else {
        joined.set(group.id, { ...group, papers: [...group.papers] });
        firstOf.push(group.papers[0]);
      }
    }
    if (start + slice < papers.length && !(await pause())) return null;
  }
  // The order of the groups depends on their ids alone (digest, month, tag, status): grouping one
  // paper of each gives it.
  // Their labels come from it too: two digests of one day are told apart only when both are seen.
  const groups = groupPapers(firstOf, by, options)
    .filter((group) => joined.has(group.id))
    .map((group) => ({ ...joined.get(group.id)!, label: group.label, ...(group.namesFile ? { namesFile: true } : {}) }));
  return { groups, count };
}

/** The file name at the end of a path, with either separator. */
function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/**
 * Two digests of the same day would show the same label and differ only by their counts, which a
 * narrow sidebar cuts off: such labels carry the file's name without `.txt` ("March 11 ·
 * 2024-03-11_daily-papers"). A label that is already the file name is left as it is.
 */
function distinguishSharedDates(groups: PaperGroup[]): PaperGroup[] {
  const uses = new Map<string, number>();
  for (const group of groups) uses.set(group.label, (uses.get(group.label) ?? 0) + 1);
  return groups.map((group) => {
    const base = baseName(group.file ?? '');
    if (group.label === base) return { ...group, namesFile: true };
    if ((uses.get(group.label) ?? 0) < 2) return group;
    return { ...group, label: `${group.label} · ${base.replace(/\.txt$/i, '')}`, namesFile: true };
  });
}

/**
 * What the tree calls a digest: the date the digest gives itself ("March 11"), else its file name.
 * The digests of one day share this label; groupPapers then adds the file's name to it.
 */
export function digestGroupLabel(fileName: string, digestDate: { month: number; day: number } | null): string {
  const month = digestDate ? MONTH_NAMES[digestDate.month - 1] : undefined;
  return month ? `${month} ${digestDate!.day}` : fileName;
}

function monthOf(date: PaperDate | null): { id: string; order: number; label: string } {
  if (date === null) return { id: 'none', order: -Infinity, label: 'No date' };
  if (date.year === null) return { id: `?-${date.month}`, order: -100 + date.month, label: `${MONTH_NAMES[date.month - 1]} (year unknown)` };
  return { id: `${date.year}-${date.month}`, order: date.year * 12 + date.month, label: `${MONTH_NAMES[date.month - 1]} ${date.year}` };
}

/** A number that orders dates newest-last: known years first by date, then unknown years by month and day. */
function dateOrder(date: PaperDate | null): number {
  if (date === null) return -Infinity;
  const dayOfYear = date.month * 32 + date.day;
  return date.year === null ? dayOfYear - 1_000_000 : date.year * 1000 + dayOfYear;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Titles as the tree sorts them: letters without case or accents, numbers by value ("2" before "10"). */
export function compareTitles(a: string, b: string): number {
  return collator.compare(a, b);
}

/**
 * A copy of `items` sorted by title as compareTitles orders them, ties by `tie` and then in the
 * order given: exactly `[...items].sort((a, b) => compareTitles(...) || tie(a, b))`, in well under
 * half the time for a large list. The collator is slow (some 0.5 s for 100,000 titles, most of
 * them ASCII), so the list is first sorted by the lower-cased titles with plain string comparison,
 * which is nearly the collator's order; the collator's own sort then finds it almost sorted, and
 * the engine's merge sort (TimSort) needs little more than one comparison per title to finish.
 */
export function sortByTitle<T>(items: readonly T[], title: (item: T) => string, tie: (a: T, b: T) => number = () => 0): T[] {
  const entries = items.map((item, index) => {
    const text = title(item);
    return { item, index, title: text, lower: text.toLowerCase() };
  });
  entries.sort((a, b) => (a.lower < b.lower ? -1 : a.lower > b.lower ? 1 : a.index - b.index));
  entries.sort((a, b) => collator.compare(a.title, b.title) || tie(a.item, b.item) || a.index - b.index);
  return entries.map((entry) => entry.item);
}

/** Sorts a copy: by title (A-Z), by date (newest first) or by upvotes (most first); ties by title. */
export function sortPapers(papers: readonly Paper[], by: SortBy): Paper[] {
  const byTitle = (a: Paper, b: Paper) => collator.compare(a.title, b.title);
  const sorted = [...papers];
  switch (by) {
    case 'title':
      // The host's papers come in title order already: the collator's own sort finds them sorted in
      // one pass, where sortByTitle (for lists in no order) would sort them twice.
      return sorted.sort(byTitle);
    case 'date':
      return sorted.sort((a, b) => dateOrder(b.date) - dateOrder(a.date) || byTitle(a, b));
    case 'upvotes':
      return sorted.sort((a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || byTitle(a, b));
  }
}

/**
 * The papers whose key, title or abstract contain every word of `query` (case-insensitive).
 * An empty query keeps every paper.
 */
export function filterPapers(papers: readonly Paper[], query: string): Paper[] {
  const matches = paperFilter(query);
  return matches ? papers.filter(matches) : [...papers];
}

/**
 * The test filterPapers applies, for a caller that goes through the papers in slices; null for a
 * query with no word (every paper matches). Each word is one case-insensitive search per field:
 * about half the time of lower-casing every abstract.
 */
export function paperFilter(query: string): ((paper: Paper) => boolean) | null {
  const words = query.split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const patterns = words.map((word) => new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'));
  return (paper) => patterns.every((pattern) => pattern.test(paper.title) || pattern.test(paper.key) || pattern.test(paper.abstract));
}

/** A short description of a paper for lists: "2024 · 5 authors · 3 upvotes". */
export function describePaper(paper: Paper): string {
  const parts: string[] = [];
  if (paper.date?.year) parts.push(String(paper.date.year));
  if (paper.authors !== null) parts.push(`${paper.authors} author${paper.authors === 1 ? '' : 's'}`);
  else if (paper.submitter) parts.push(paper.submitter);
  if (paper.upvotes !== null) parts.push(`▲ ${paper.upvotes}`);
  return parts.join(' · ');
}
