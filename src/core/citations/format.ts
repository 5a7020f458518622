/**
 * What Insert Citation and Copy Citation write, per language, and the keys Marginalia suggests for
 * a key it does not know.
 */
import { lineCommentToken } from './scanner';
import type { Paper } from '../types';
import { readableMath } from '../math/readable';

/** The placeholders a citation format may use; each becomes one line of plain text. */
export const CITATION_PLACEHOLDERS = ['key', 'title', 'shortTitle', 'year', 'url', 'comment'] as const;

/** Formats per VS Code language id, as the `marginalia.citation.formats` setting holds them. */
export type CitationFormats = Readonly<Record<string, string>>;

const BLOCK_ONLY_COMMENTS: Readonly<Record<string, readonly [string, string]>> = {
  css: ['/*', '*/'],
  html: ['<!--', '-->'],
  xml: ['<!--', '-->'],
  ocaml: ['(*', '*)'],
};

/**
 * The format Marginalia uses for a language when the user set none:
 * `[@${key}]` in markdown-like languages and plain text, `\cite{${key}}` in LaTeX, and in code a
 * comment in the language's own syntax, `${comment} [@${key}] ${shortTitle} (${year})`
 * (`// ...`, `# ...`, `-- ...`; `/* ... *\/` or `<!-- ... -->` where a language has only block
 * comments). Unknown languages get the markdown form.
 */
export function defaultCitationFormat(languageId: string): string {
  if (['latex', 'tex', 'doctex', 'context'].includes(languageId)) return '\\cite{${key}}';
  const token = lineCommentToken(languageId);
  if (token) return '${comment} [@${key}] ${shortTitle} (${year})';
  const block = BLOCK_ONLY_COMMENTS[languageId];
  if (block) return `${block[0]} [@\${key}] \${shortTitle} (\${year}) ${block[1]}`;
  return '[@${key}]';
}

/**
 * The format for a language: the user's (from `formats`, when it is a non-empty string) or
 * {@link defaultCitationFormat}.
 */
export function citationFormatFor(languageId: string, formats: CitationFormats | undefined): string {
  const own = formats?.[languageId];
  return typeof own === 'string' && own.trim() !== '' ? own : defaultCitationFormat(languageId);
}

/**
 * A short title for a comment: the name before a colon ("PASTA: Pretrained ..." -> "PASTA"), else
 * the title cut at a word boundary to at most `max` characters with an ellipsis. Its LaTeX is made
 * readable first (readableMath), since a comment cannot typeset it.
 */
export function shortTitle(title: string, max = 60): string {
  const clean = readableMath(title).replace(/\s+/g, ' ').trim();
  const colon = clean.indexOf(':');
  if (colon > 0 && colon <= 40) return clean.slice(0, colon).trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:-]+$/, '')}…`;
}

/**
 * The citation text for a paper in a language. Placeholders `${key}`, `${title}`, `${shortTitle}`,
 * `${year}`, `${url}` (the paper's first link, else empty) and `${comment}` (the language's line
 * comment token, `//` when unknown) are replaced; unknown placeholders are left as written. Values
 * are made safe for one line of a comment: line breaks become spaces and comment terminators
 * (`*\/`, `-->`) are broken up, so a title cannot end the comment. Parentheses left empty by a
 * missing value (`()`) are removed with the space before them.
 */
export function formatCitation(paper: Pick<Paper, 'key' | 'title' | 'date' | 'links'>, languageId: string, formats?: CitationFormats): string {
  const format = citationFormatFor(languageId, formats);
  const values: Record<(typeof CITATION_PLACEHOLDERS)[number], string> = {
    key: paper.key,
    title: paper.title,
    shortTitle: shortTitle(paper.title),
    year: paper.date?.year != null ? String(paper.date.year) : '',
    url: paper.links[0] ?? '',
    comment: lineCommentToken(languageId) ?? '//',
  };
  const filled = format.replace(/\$\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? oneLine(values[name as keyof typeof values]) : whole,
  );
  return filled.replace(/\s*\(\s*\)/g, '').replace(/[ \t]+$/g, '');
}

function oneLine(value: string): string {
  return value
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/\*\//g, '* /')
    .replace(/-->/g, '-- >');
}

/**
 * The Damerau-Levenshtein distance (optimal string alignment) between two strings, compared
 * case-insensitively, or `limit + 1` as soon as it is known to exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) value = Math.min(value, previous2[j - 2] + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[t.length];
}

/**
 * The known keys nearest to an unknown one, best first, at most `max`: keys within an edit
 * distance of a third of the key's length (at least 2), and keys that the unknown key starts or
 * that start it (`pasta` for `pasta2023`, `pasta2023` for `pasta`), case-insensitively. Ties go to
 * the shorter distance, then to the key sharing the longer prefix, then alphabetically.
 */
export function nearestKeys(unknown: string, keys: Iterable<string>, max = 5): string[] {
  const needle = unknown.toLowerCase();
  const limit = Math.max(2, Math.floor(unknown.length / 3));
  const scored: { key: string; score: number; prefix: number }[] = [];
  for (const key of keys) {
    if (key === unknown) continue;
    const lower = key.toLowerCase();
    const isPrefix = needle.length >= 3 && (lower.startsWith(needle) || needle.startsWith(lower));
    const distance = lower === needle ? 0 : editDistance(needle, lower, limit);
    if (distance > limit && !isPrefix) continue;
    // A prefix relation counts like a distance of one: "pasta" -> "pasta2023" is a likely intent.
    const score = isPrefix ? Math.min(distance, 1) : distance;
    scored.push({ key, score, prefix: commonPrefix(needle, lower) });
  }
  scored.sort((a, b) => a.score - b.score || b.prefix - a.prefix || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return scored.slice(0, max).map((entry) => entry.key);
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The citation text for several papers at once: with the default formats one citation of all keys
 * (`[@a; @b]`, `\cite{a,b}`, `// [@a; @b]`); with a user's format, each paper formatted and
 * joined by spaces. One paper gives exactly {@link formatCitation}.
 */
export function formatCitations(papers: readonly Pick<Paper, 'key' | 'title' | 'date' | 'links'>[], languageId: string, formats?: CitationFormats): string {
  if (papers.length === 1) return formatCitation(papers[0], languageId, formats);
  const format = citationFormatFor(languageId, formats);
  const keys = papers.map((paper) => paper.key);
  if (format === defaultCitationFormat(languageId)) {
    if (format === '\\cite{${key}}') return `\\cite{${keys.join(',')}}`;
    const pandoc = `[${keys.map((key) => `@${key}`).join('; ')}]`;
    if (format === '[@${key}]') return pandoc;
    const token = lineCommentToken(languageId);
    if (token) return `${token} ${pandoc}`;
    const block = BLOCK_ONLY_COMMENTS[languageId];
    if (block) return `${block[0]} ${pandoc} ${block[1]}`;
  }
  return papers.map((paper) => formatCitation(paper, languageId, formats)).join(' ');
}
