/**
 * Papers as bibliography records: CSL-JSON items (what pandoc, Zotero and citeproc read), and the
 * choice of papers an export covers. Pure: turning items into BibTeX needs citation-js, whose
 * network plugins pull in Node built-ins, so that lives in src/node/bib/bibtex.ts.
 */
import { isCodeLink } from '../digest/links';
import { keysOfPaper } from '../library/citationKey';
import { splitMath } from '../math/delimiters';
import type { Paper } from '../types';

/** One CSL-JSON item, with the variables Marginalia fills (CSL 1.0.2 names). */
export interface CslItem {
  /** Our citation key, exactly. */
  id: string;
  /** The paper's other keys, written as BibTeX's `ids` (biblatex's aliases); not part of CSL-JSON. */
  aliases?: string[];
  /** CSL's type for a preprint or other paper not (yet) in a journal. */
  type: 'article';
  /**
   * The title as CSL rich text: every word that holds a capital letter is wrapped in
   * `<span class="nocase">`, so that styles which change case keep the title as written.
   */
  title: string;
  abstract?: string;
  /** As precise as the digest is: [year], [year, month] or [year, month, day]; absent when the year is unknown. */
  issued?: { 'date-parts': [number[]] };
  URL?: string;
  /** The paper's tags, comma-separated (CSL's `keyword` is one string). */
  keyword?: string;
  /** "Code: <url>; <url>" when the abstract links code repositories. */
  note?: string;
}

/**
 * `title` as CSL rich text with only the capitals that must survive a case change protected, as
 * Better BibTeX does: a word (letters, digits and apostrophes; hyphens separate words) is wrapped in
 * `<span class="nocase">` when it has two capitals or more (`LLMs`, `GPT`), a capital after its first
 * letter (`DynaMo`, `iPhone`), or a capital and a digit (`3D`, `7B`). A word whose only capital is
 * its first letter (`Diffusion`, `Policy`, `A`) stays free, so that sentence-case styles (APA) can
 * lower-case it and title-case styles leave it as it is. A word's leading digits stay outside its
 * span (`3<span class="nocase">D</span>`): pandoc's citeproc lower-cases `{3D}` but not `3{D}`.
 * A formula (splitMath) is protected whole, as written, so that no span lands inside its TeX.
 * White space runs become one space.
 */
export function protectTitleCase(title: string): string {
  return splitMath(title.replace(/\s+/g, ' ').trim())
    .map((segment) => (segment.kind === 'math' ? `<span class="nocase">${segment.source}</span>` : protectWords(segment.text)))
    .join('');
}

function protectWords(text: string): string {
  return text.replace(/[\p{L}\p{M}\p{N}'’]*\p{Lu}[\p{L}\p{M}\p{N}'’]*/gu, (word) => {
    if (!mustKeepCase(word)) return word;
    const lead = /^[^\p{L}]*/u.exec(word)?.[0] ?? '';
    return `${lead}<span class="nocase">${word.slice(lead.length)}</span>`;
  });
}

function mustKeepCase(word: string): boolean {
  const capitals = word.match(/\p{Lu}/gu)?.length ?? 0;
  if (capitals >= 2 || (capitals >= 1 && /\p{N}/u.test(word))) return true;
  const firstLetter = word.search(/\p{L}/u);
  return /\p{Lu}/u.test(word.slice(firstLetter + 1));
}

/** Hosts whose links name the paper itself (an arXiv abstract, a Hugging Face paper page). */
const PAPER_PAGE = /^https?:\/\/(?:www\.)?(?:arxiv\.org\/(?:abs|pdf)\/|(?:huggingface\.co|hf\.co)\/papers\/)/i;

/** An arXiv identifier in an arXiv or Hugging Face paper link: new style `2307.10936` or old style `hep-th/9901001`, version dropped. */
const ARXIV_ID =
  /^https?:\/\/(?:www\.)?(?:arxiv\.org\/(?:abs|pdf)\/|(?:huggingface\.co|hf\.co)\/papers\/)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?\/?(?:[?#].*)?$/i;

/** The arXiv identifier a link names (arxiv.org/abs, arxiv.org/pdf, huggingface.co/papers), or undefined. */
export function arxivIdentifier(url: string | undefined): string | undefined {
  return url === undefined ? undefined : ARXIV_ID.exec(url)?.[1];
}

/** The link that best stands for the paper: its arXiv or Hugging Face paper page, else its first link. */
export function primaryUrl(links: readonly string[]): string | undefined {
  return links.find((link) => PAPER_PAGE.test(link)) ?? links[0];
}

/**
 * The CSL-JSON item of a paper. Digests give no author names (only a count), so the item has no
 * `author`; a date without a year gives no `issued`, since a year is never guessed.
 */
export function toCslItem(paper: Paper, tags: readonly string[] = []): CslItem {
  const item: CslItem = { id: paper.key, type: 'article', title: protectTitleCase(paper.title) };
  if (paper.aliases.length > 0) item.aliases = [...paper.aliases];
  const abstract = paper.abstract.replace(/\s+/g, ' ').trim();
  if (abstract) item.abstract = abstract;
  const date = paper.date;
  if (date && date.year !== null) {
    const parts = [date.year];
    if (date.month >= 1 && date.month <= 12) {
      parts.push(date.month);
      if (date.day >= 1 && date.day <= 31) parts.push(date.day);
    }
    item.issued = { 'date-parts': [parts] };
  }
  const url = primaryUrl(paper.links);
  if (url) item.URL = url;
  if (tags.length > 0) item.keyword = tags.join(', ');
  const code = paper.links.filter(isCodeLink);
  if (code.length > 0) item.note = `Code: ${code.join('; ')}`;
  return item;
}

/** CSL-JSON text for `items`: an array, two-space indented, with a final newline. */
export function formatCslJson(items: readonly CslItem[]): string {
  return `${JSON.stringify(
    items.map(({ aliases: _aliases, ...item }) => item),
    null,
    2,
  )}\n`;
}

/** Which papers an export covers. */
export type ExportScope = { kind: 'all' } | { kind: 'tag'; tag: string } | { kind: 'keys'; keys: readonly string[] };

/**
 * The papers of `scope`, sorted by key (code-unit order) so that an export diffs well. For `keys`,
 * keys the library does not hold are returned in `unknown` (in the order given, once each).
 */
export function selectPapers(papers: readonly Paper[], scope: ExportScope, tagsOf: (key: string) => readonly string[]): { papers: Paper[]; unknown: string[] } {
  let chosen: Paper[];
  let unknown: string[] = [];
  switch (scope.kind) {
    case 'all':
      chosen = [...papers];
      break;
    case 'tag':
      chosen = papers.filter((paper) => tagsOf(paper.key).includes(scope.tag));
      break;
    case 'keys': {
      // Aliases select their paper too: a note may cite a paper by an older key.
      const byKey = new Map(papers.flatMap((paper) => keysOfPaper(paper).map((key) => [key, paper] as const)));
      const wanted = [...new Set(scope.keys)];
      chosen = [...new Set(wanted.flatMap((key) => byKey.get(key) ?? []))];
      unknown = wanted.filter((key) => !byKey.has(key));
      break;
    }
    default:
      return assertNeverScope(scope);
  }
  return { papers: chosen.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), unknown };
}

function assertNeverScope(value: never): never {
  throw new Error(`Unknown export scope ${JSON.stringify(value)}`);
}

/**
 * Tags with the number of papers that carry each, sorted by tag: the choices of "export a tag".
 */
export function tagCounts(papers: readonly Paper[], tagsOf: (key: string) => readonly string[]): { tag: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const paper of papers) for (const tag of tagsOf(paper.key)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tag, count]) => ({ tag, count }));
}
