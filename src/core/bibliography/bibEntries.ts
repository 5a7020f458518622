/**
 * The reader's own bibliographies (`.bib` files) as a source of papers beside the digests. An entry
 * is citable by its key, verbatim; an entry whose title is a digest paper's (same titleIdentity) is
 * that paper, and its key becomes one more alias of it; any other entry is a paper of its own, whose
 * source is its line in the `.bib`. Also what LaTeX says about bibliographies: the files named by
 * `\bibliography{}` / `\addbibresource{}`, and the keys a `thebibliography` defines with `\bibitem`.
 */
import { titleIdentity } from '../text';
import type { Paper } from '../types';

/** One entry of a `.bib` file, with what a hover and a definition need. */
export interface BibEntry {
  /** The key exactly as the file writes it. */
  key: string;
  /** The entry type, lower case: `article`, `inproceedings`, ... */
  type: string;
  /** LaTeX decoded, braces removed; empty when the entry has none. */
  title: string;
  /** "Given Family" per author (or editor, when there is no author), in order. */
  authors: string[];
  /** Journal, book title or publisher, when the entry names one. */
  venue: string | null;
  year: number | null;
  abstract: string;
  /** The entry's url, and its DOI as a link. */
  links: string[];
  /** The `.bib` file, as the caller gave it, and the 1-based line of the entry's `@`. */
  file: string;
  line: number;
}

/** The digest library and the bibliographies taken together. */
export interface JoinedLibrary {
  /**
   * The digest papers (one matched by an entry has the entry's key among its aliases and the entry's
   * line among its sources), then a paper for each entry of no digest paper.
   */
  papers: readonly Paper[];
  /** Every entry by its key; the first of two entries with one key wins (see `shadowed`). */
  entries: Map<string, BibEntry>;
  /** Entries not used because their key is already another paper's: digest keys and earlier entries win. */
  shadowed: BibEntry[];
}

/**
 * Joins `papers` (the digest library) with `entries` (every `.bib` entry, in file order). Pure: the
 * papers given are not changed; a matched paper is copied with the entry key added to its aliases.
 * A paper that is also an entry is one paper; a key names one paper.
 */
export function joinBibliographies(papers: readonly Paper[], entries: readonly BibEntry[]): JoinedLibrary {
  // Most workspaces have no .bib: the library as it is, at 100,000 papers too.
  if (entries.length === 0) return { papers, entries: new Map(), shadowed: [] };
  const byTitle = new Map<string, number>();
  const taken = new Set<string>();
  papers.forEach((paper, index) => {
    const identity = titleIdentity(paper.title);
    if (identity && !byTitle.has(identity)) byTitle.set(identity, index);
    taken.add(paper.key);
    for (const alias of paper.aliases) taken.add(alias);
  });
  const extraAliases = new Map<number, BibEntry[]>();
  const own: Paper[] = [];
  const byKey = new Map<string, BibEntry>();
  const shadowed: BibEntry[] = [];
  for (const entry of entries) {
    const match = entry.title ? byTitle.get(titleIdentity(entry.title)) : undefined;
    if (match !== undefined && papers[match].key === entry.key) {
      // The user's .bib already uses the digest paper's key: nothing to add.
      if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
      continue;
    }
    if (taken.has(entry.key) || byKey.has(entry.key)) {
      shadowed.push(entry);
      continue;
    }
    taken.add(entry.key);
    byKey.set(entry.key, entry);
    if (match !== undefined) extraAliases.set(match, [...(extraAliases.get(match) ?? []), entry]);
    else own.push(entryPaper(entry));
  }
  const joined = papers.map((paper, index) => {
    const extra = extraAliases.get(index);
    if (!extra) return paper;
    // One paper with both sources: its digests' lines, then the entries' lines.
    return {
      ...paper,
      aliases: [...paper.aliases, ...extra.map((entry) => entry.key)].sort(),
      sources: [...paper.sources, ...extra.map((entry) => ({ file: entry.file, line: entry.line }))],
    };
  });
  return { papers: [...joined, ...own], entries: byKey, shadowed };
}

/** A paper made of an entry that no digest lists: its source is the entry's line. */
export function entryPaper(entry: BibEntry): Paper {
  return {
    key: entry.key,
    aliases: [],
    title: entry.title || entry.key,
    abstract: entry.abstract,
    authors: entry.authors.length > 0 ? entry.authors.length : null,
    submitter: null,
    // PaperDate needs a month and a day; a year alone is shown from the entry itself.
    date: null,
    upvotes: null,
    links: entry.links,
    sources: [{ file: entry.file, line: entry.line }],
  };
}

/** A line for hovers and pickers: "Chi, Feng et al. · Robotics: Science and Systems · 2023". */
export function describeEntry(entry: BibEntry): string {
  const names = entry.authors.map((name) => name.split(' ').pop() ?? name);
  const authors = names.length === 0 ? '' : names.length <= 2 ? names.join(' and ') : `${names[0]}, ${names[1]} et al.`;
  return [authors, entry.venue ?? '', entry.year === null ? '' : String(entry.year)].filter((part) => part !== '').join(' · ');
}

/** What a LaTeX document says about bibliographies. */
export interface LatexBibliography {
  /** `.bib` paths as written (`refs` for `\bibliography{refs}` becomes `refs.bib`), relative to the document. */
  files: string[];
  /** Keys defined by `\bibitem{key}` (in `thebibliography`): known keys of this document. */
  bibitems: string[];
}

/** Reads `\bibliography{a,b}`, `\addbibresource[..]{x.bib}` and `\bibitem[..]{key}` from LaTeX text, `%` comments skipped. */
export function latexBibliography(text: string): LatexBibliography {
  const files: string[] = [];
  const bibitems: string[] = [];
  const code = text.replace(/(^|[^\\])%.*$/gm, '$1');
  for (const match of code.matchAll(/\\(bibliography|addbibresource|addglobalbib)\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}/g)) {
    const names = match[1] === 'bibliography' ? match[2].split(',') : [match[2]];
    for (const raw of names) {
      const name = raw.trim();
      if (name === '') continue;
      files.push(/\.bib$/i.test(name) || match[1] !== 'bibliography' ? name : `${name}.bib`);
    }
  }
  for (const match of code.matchAll(/\\bibitem\s*(?:\[[^\]]*\])?\s*\{([^}]+)\}/g)) bibitems.push(match[1].trim());
  return { files, bibitems };
}
