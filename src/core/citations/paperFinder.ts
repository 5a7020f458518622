/**
 * Finding papers as the user types: citation-key completion and the Insert Citation quick pick.
 * Built once per library version, then every query is a scan over small precomputed strings, so
 * that a 10,000-paper library answers within a few milliseconds.
 */
import { keysOfPaper } from '../library/citationKey';
import type { Paper } from '../types';

/** How much of the abstract a query searches (the quick pick "matches titles and abstracts"). */
const ABSTRACT_SEARCH_CHARS = 1200;

interface Entry {
  paper: Paper;
  /** Lower-cased key. */
  lowerKey: string;
  /** Lower-cased aliases: an older key finds its paper too. */
  lowerAliases: string[];
  /** Lower-cased title words (ASCII-folded), for word-prefix matches. */
  titleWords: string[];
  /** Lower-cased "key title". */
  head: string;
  /** Lower-cased start of the abstract. */
  abstract: string;
}

/** One match, with why it matched (a lower rank is better). */
export interface PaperMatch {
  paper: Paper;
  /** 0 key prefix, 1 title word prefix, 2 key or title substring, 3 abstract only. */
  rank: number;
}

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The papers of a library, indexed for typing-speed lookups. */
export class PaperFinder {
  private readonly entries: Entry[];

  constructor(papers: readonly Paper[], entries?: Entry[]) {
    // Kept in result order (newest first, then by key): a query then fills its rank buckets in
    // order and stops early, with no sort per keystroke.
    this.entries = entries ?? [...papers].sort(byYearThenKey).map(entryOf);
  }

  /**
   * The same finder, built a slice at a time: `pause` is awaited every `slice` papers, so that a
   * caller on a busy thread can let other work run (folding 100,000 abstracts takes about a second);
   * when it gives false, the build stops and gives null.
   */
  static async build(papers: readonly Paper[], pause: () => Promise<boolean>, slice = 2000): Promise<PaperFinder | null> {
    const sorted = await sortInSlices(papers, byYearThenKey, pause, slice * 8);
    if (!sorted) return null;
    const entries: Entry[] = [];
    for (let i = 0; i < sorted.length; i++) {
      entries.push(entryOf(sorted[i]));
      if (i % slice === slice - 1 && !(await pause())) return null;
    }
    return new PaperFinder(papers, entries);
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Completion candidates for a partially typed key, best first, at most `limit`: keys starting
   * with `prefix` (case-insensitive), then papers with a title word starting with it, then keys
   * or titles containing it. An empty prefix lists the newest papers first. Within a rank, newer
   * papers come first, then keys alphabetically.
   */
  complete(prefix: string, limit = 100): PaperMatch[] {
    const needle = fold(prefix);
    const buckets = new Buckets(3, limit);
    for (const entry of this.entries) {
      if (needle === '' || entry.lowerKey.startsWith(needle) || entry.lowerAliases.some((alias) => alias.startsWith(needle))) buckets.add(0, entry.paper);
      else if (entry.titleWords.some((word) => word.startsWith(needle))) buckets.add(1, entry.paper);
      else if (needle.length >= 2 && entry.head.includes(needle)) buckets.add(2, entry.paper);
      if (buckets.full) break;
    }
    return buckets.result();
  }

  /**
   * Quick pick search: papers whose key, title or abstract contain every word of `query`
   * (case- and accent-insensitive), best first, at most `limit`. Papers matching every word in
   * key or title rank before those that need the abstract. An empty query lists every paper
   * (newest first), up to `limit`.
   */
  search(query: string, limit = 200): PaperMatch[] {
    const words = fold(query).split(/\s+/).filter(Boolean);
    const buckets = new Buckets(4, limit, words.length === 0 ? 0 : 1);
    for (const entry of this.entries) {
      if (buckets.full) break;
      let rank = 0;
      let ok = true;
      for (const word of words) {
        if (entry.lowerKey.startsWith(word) || entry.lowerAliases.some((alias) => alias.startsWith(word)) || entry.titleWords.some((w) => w.startsWith(word)))
          continue;
        if (entry.head.includes(word)) {
          rank = Math.max(rank, 2);
          continue;
        }
        if (entry.abstract.includes(word)) {
          rank = 3;
          continue;
        }
        ok = false;
        break;
      }
      if (ok) buckets.add(words.length === 0 ? 0 : rank === 0 ? 1 : rank, entry.paper);
    }
    return buckets.result();
  }
}

function entryOf(paper: Paper): Entry {
  const title = fold(paper.title);
  return {
    paper,
    lowerKey: paper.key.toLowerCase(),
    lowerAliases: paper.aliases.map((alias) => alias.toLowerCase()),
    titleWords: title.split(/[^\p{L}\p{N}]+/u).filter(Boolean),
    head: `${keysOfPaper(paper).join(' ').toLowerCase()} ${title}`,
    abstract: fold(paper.abstract.slice(0, ABSTRACT_SEARCH_CHARS)),
  };
}

/**
 * A stable sort, as Array.prototype.sort gives, done as a bottom-up merge sort that awaits `pause`
 * after about every `step` comparisons, so that sorting 100,000 papers never holds a thread for
 * long; when `pause` gives false the sort stops and gives null. Sorted runs of 32 by insertion
 * first, then merged pairwise.
 */
export async function sortInSlices<T>(items: readonly T[], compare: (a: T, b: T) => number, pause: () => Promise<boolean>, step = 16_000): Promise<T[] | null> {
  let from = [...items];
  const n = from.length;
  const RUN = 32;
  let work = 0;
  for (let start = 0; start < n; start += RUN) {
    const end = Math.min(start + RUN, n);
    for (let i = start + 1; i < end; i++) {
      const item = from[i];
      let j = i - 1;
      while (j >= start && compare(from[j], item) > 0) {
        from[j + 1] = from[j];
        j--;
      }
      from[j + 1] = item;
    }
    work += RUN * 4;
    if (work >= step) {
      work = 0;
      if (!(await pause())) return null;
    }
  }
  let to = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      const middle = Math.min(left + width, n);
      const right = Math.min(left + 2 * width, n);
      let i = left;
      let j = middle;
      let k = left;
      while (i < middle && j < right) to[k++] = compare(from[j], from[i]) < 0 ? from[j++] : from[i++];
      while (i < middle) to[k++] = from[i++];
      while (j < right) to[k++] = from[j++];
      work += right - left;
      if (work >= step) {
        work = 0;
        if (!(await pause())) return null;
      }
    }
    [from, to] = [to, from];
  }
  return from;
}

function byYearThenKey(a: Paper, b: Paper): number {
  return (b.date?.year ?? 0) - (a.date?.year ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Matches by rank, each rank in arrival order, up to `limit` in all: full as soon as the best
 * ranks hold `limit` matches, since nothing arriving later can displace them.
 */
class Buckets {
  private readonly lists: Paper[][];

  /** `best` is the best rank a match can have in this query (full as soon as it is). */
  constructor(
    ranks: number,
    private readonly limit: number,
    private readonly best = 0,
  ) {
    this.lists = Array.from({ length: ranks }, () => []);
  }

  add(rank: number, paper: Paper): void {
    // A rank whose better ranks are full already cannot make the result.
    let better = 0;
    for (let r = 0; r < rank; r++) better += this.lists[r].length;
    if (better >= this.limit) return;
    if (this.lists[rank].length < this.limit) this.lists[rank].push(paper);
  }

  /** True when the best possible rank alone fills the limit. */
  get full(): boolean {
    return this.lists[this.best].length >= this.limit;
  }

  result(): PaperMatch[] {
    const result: PaperMatch[] = [];
    this.lists.forEach((list, rank) => {
      for (const paper of list) if (result.length < this.limit) result.push({ paper, rank });
    });
    return result;
  }
}
