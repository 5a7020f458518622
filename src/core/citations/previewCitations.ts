/**
 * Pandoc citations in rendered markdown (VS Code's markdown preview): `[@key]`, `[see @key, p. 3]`,
 * `[@a; @b]`, `[-@key]` become a citation that links to the paper with its title on hover, an
 * unknown key is marked, and a "References" list of the cited papers follows the document. Pure:
 * the markdown-it plugin (host/citations/markdownPreview.ts) parses with this and renders with it.
 * Every string that reaches the HTML goes through the `escape` given (markdown-it's escapeHtml).
 */
import { shortTitle } from './format';
import { readableMath } from '../math/readable';

/** One cited key of a bracketed group, with the text pandoc keeps around it. */
export interface PreviewCitation {
  key: string;
  /** Text before the key ("see"), trimmed; empty when none. */
  prefix: string;
  /** Text after the key, its leading comma removed ("p. 3"); empty when none. */
  suffix: string;
  /** `-@key`: the author is not repeated (pandoc prints the year only). */
  suppressAuthor: boolean;
}

/** What the preview shows of a paper. */
export interface PreviewPaper {
  /** The paper's canonical key: one reference line per paper. */
  key: string;
  /** The key the reference line shows: the .bib key of a paper that has one (what the author types), else `key`. */
  shownKey?: string;
  title: string;
  /** The in-text label: "Chi et al. 2023", or a short title and year when no author is known. */
  label: string;
  /** The year alone, for `-@key`; empty when unknown. */
  year: string;
  /** Authors, venue and year, for the reference list; empty when nothing is known. */
  details: string;
  /** An http(s) link to the paper, when it has one. */
  url: string | null;
}

/** A pandoc key: a letter, digit or `_`, then alphanumerics and single internal punctuation; or `{...}`. */
const KEY = /^(-?)@(?:\{([^{}\s]+)\}|([\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*))/u;

/**
 * Reads the inside of a bracket (`see @doe99, p. 3; @smith04`) as pandoc does: citations
 * separated by `;`, each with an optional prefix, one key, and an optional suffix. Null when any
 * part holds no key, or two keys: then the bracket is not a citation group.
 */
export function parseCitationGroup(inner: string): PreviewCitation[] | null {
  if (!inner.includes('@')) return null;
  const citations: PreviewCitation[] = [];
  for (const part of inner.split(';')) {
    const at = findKeyStart(part);
    if (at < 0) return null;
    const match = KEY.exec(part.slice(at));
    if (!match) return null;
    const rest = part.slice(at + match[0].length);
    if (/(?:^|[\s([])-?@[\p{L}\p{N}_{]/u.test(rest)) return null;
    citations.push({
      key: match[2] ?? match[3],
      prefix: part.slice(0, at).trim(),
      suffix: rest.replace(/^\s*,?\s*/, '').trim(),
      suppressAuthor: match[1] === '-',
    });
  }
  return citations;
}

/** Where `@key` (or `-@key`) starts: at the start or after white space or an opening bracket. */
function findKeyStart(part: string): number {
  for (let i = part.indexOf('@'); i >= 0; i = part.indexOf('@', i + 1)) {
    const start = i > 0 && part[i - 1] === '-' ? i - 1 : i;
    if (start === 0 || /[\s([]/.test(part[start - 1])) return start;
  }
  return -1;
}

/** The label of a paper by its authors ("Chi", "Chi and Feng", "Chi et al.") or, without authors, its short title. */
export function citationLabel(title: string, authors: readonly string[], year: number | null): string {
  const family = authors.map((name) => name.trim().split(/\s+/).pop() ?? name);
  const who =
    family.length === 0
      ? shortTitle(title, 40)
      : family.length === 1
        ? family[0]
        : family.length === 2
          ? `${family[0]} and ${family[1]}`
          : `${family[0]} et al.`;
  return year === null ? who : `${who}${family.length === 0 ? ',' : ''} ${year}`;
}

/** The anchor of a paper's line in the reference list: the key with anything but [A-Za-z0-9_-] spelt out. */
export function referenceId(key: string): string {
  return `marginalia-ref-${key.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0)!.toString(16)}_`)}`;
}

/**
 * A citation group as HTML: "(see Chi et al. 2023, p. 3; Zhao and Kumar 2022)", each label a link
 * to the paper (its page, else its line in the reference list) with the title as tooltip, and an
 * unknown key shown as `@key?`, marked, with a tooltip that says so.
 */
export function renderCitationGroup(
  citations: readonly PreviewCitation[],
  resolve: (key: string) => PreviewPaper | undefined,
  escape: (text: string) => string,
): string {
  const parts = citations.map((citation) => {
    const paper = resolve(citation.key);
    const prefix = citation.prefix ? `${escape(citation.prefix)} ` : '';
    const suffix = citation.suffix ? `, ${escape(citation.suffix)}` : '';
    if (!paper) {
      const tooltip = `Unknown citation key ${citation.key}: no digest paper or .bib entry of the workspace has it.`;
      return `${prefix}<span class="marginalia-citation marginalia-unknown" title="${escape(tooltip)}">@${escape(citation.key)}?</span>${suffix}`;
    }
    const href = paper.url ?? `#${referenceId(paper.key)}`;
    const label = citation.suppressAuthor && paper.year ? paper.year : paper.label;
    return `${prefix}<a class="marginalia-citation" href="${escape(href)}" title="${escape(readableMath(paper.title))}" data-key="${escape(citation.key)}">${escape(label)}</a>${suffix}`;
  });
  return `<span class="marginalia-citations">(${parts.join('; ')})</span>`;
}

/** The "References" list: each paper once, in order of first citation, with its details and link. */
export function renderReferences(papers: readonly PreviewPaper[], escape: (text: string) => string): string {
  if (papers.length === 0) return '';
  const items = papers.map((paper) => {
    const details = paper.details ? ` ${escape(paper.details)}.` : '';
    const link = paper.url ? ` <a href="${escape(paper.url)}">${escape(paper.url)}</a>` : '';
    return `<li id="${referenceId(paper.key)}"><span class="marginalia-reference-title">${escape(readableMath(paper.title))}</span>.${details}${link} <code>${escape(paper.shownKey ?? paper.key)}</code></li>`;
  });
  return `<section class="marginalia-references">\n<h2>References</h2>\n<ol>\n${items.join('\n')}\n</ol>\n</section>\n`;
}
