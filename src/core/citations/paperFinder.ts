/**
 * Finding papers as the user types: citation-key completion and the Insert Citation quick pick.
 * Built once per library version, then every query is a scan over small precomputed strings, so
 * that a 10,000-paper library answers within a few milliseconds. The digests' papers have theirs in
 * the library worker (folding 100,000 abstracts takes a second and 180 MB, which the extension
 * host's thread should not spend); the bibliographies' few papers have one in the host, and
 * mergeMatches joins the two answers.
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

/** How what the user types is matched: a citation key being completed, or the words typed into a paper picker. */
export type FindMode = 'complete' | 'search';

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
   * The finder for `papers`, reusing the entries of `previous` for the papers whose key, aliases,
   * title, abstract and year are unchanged: after a digest change at 100,000 papers only the changed
   * papers are folded again.
   */
  static update(papers: readonly Paper[], previous: PaperFinder | undefined): PaperFinder {
    if (!previous) return new PaperFinder(papers);
    const old = new Map<string, Entry>();
    for (const entry of previous.entries) old.set(entry.paper.key, entry);
    const entries = [...papers].sort(byYearThenKey).map((paper) => {
      const entry = old.get(paper.key);
      return entry && sameSearchedFields(entry.paper, paper) ? { ...entry, paper } : entryOf(paper);
    });
    return new PaperFinder(papers, entries);
  }

  /** `complete` or `search`, by mode. */
  find(mode: FindMode, query: string, limit: number): PaperMatch[] {
    return mode === 'complete' ? this.complete(query, limit) : this.search(query, limit);
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

/** True when a finder entry made for `a` serves `b` as well. */
function sameSearchedFields(a: Paper, b: Paper): boolean {
  if (a === b) return true;
  if (a.key !== b.key || a.title !== b.title || a.abstract !== b.abstract || a.date?.year !== b.date?.year) return false;
  return a.aliases.length === b.aliases.length && a.aliases.every((alias, i) => alias === b.aliases[i]);
}

/**
 * Joins match lists from two finders (the library worker's, of the digests, and one of the
 * bibliographies' papers) as one finder over all their papers would give them: by rank, then newest
 * first and by key, each paper once (its best rank), at most `limit`.
 */
export function mergeMatches(lists: readonly (readonly PaperMatch[])[], limit: number): PaperMatch[] {
  const best = new Map<string, PaperMatch>();
  for (const list of lists) {
    for (const match of list) {
      const known = best.get(match.paper.key);
      if (!known || match.rank < known.rank) best.set(match.paper.key, match);
    }
  }
  return [...best.values()].sort((a, b) => a.rank - b.rank || byYearThenKey(a.paper, b.paper)).slice(0, limit);
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
