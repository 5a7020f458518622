/**
 * What the paper view shows, computed without the DOM or VS Code: the view model the host sends,
 * the metadata line, the panel title, and the checks both sides apply to links and sources.
 * Used by src/host/paperView/panels.ts and by the webview (webview/paperView.ts).
 */
import { isCodeLink } from '../digest/links';
import type { Paper, PaperDate, SourceRef } from '../types';
// Type only: the view model is part of the host <-> webview protocol, which is built on core types.
import type { PaperViewModel } from '../../protocol';
import { readableMath } from '../math/readable';

const MONTH_ABBREVIATIONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The longest abstract the webview hands to marked; longer text is cut (digests are untrusted and may be huge). */
export const ABSTRACT_MAX_CHARS = 20_000;

/** The longest panel (tab) title; longer paper titles are cut at a word boundary. */
export const PANEL_TITLE_MAX_CHARS = 60;

/**
 * A date as digests print it: `Mar 30, 2021`, or `Mar 6` when the year is unknown. An empty string
 * for no date or an impossible month, so that callers can simply leave the part out.
 */
export function formatPaperDate(date: PaperDate | null): string {
  if (date === null) return '';
  const month = MONTH_ABBREVIATIONS[date.month - 1];
  if (month === undefined) return '';
  return date.year === null ? `${month} ${date.day}` : `${month} ${date.day}, ${date.year}`;
}

/** One part of the metadata line under the title; `kind` lets the view pick an icon. */
export interface MetadataPart {
  kind: 'date' | 'authors' | 'submitter' | 'upvotes';
  text: string;
}

/**
 * The metadata line of a paper, in display order: date, authors count (or the submitter when the
 * digest gives no count), upvotes. Unknown fields are left out, so a paper may have no parts at all.
 */
export function paperMetadata(paper: Pick<Paper, 'date' | 'authors' | 'submitter' | 'upvotes'>): MetadataPart[] {
  const parts: MetadataPart[] = [];
  const date = formatPaperDate(paper.date);
  if (date) parts.push({ kind: 'date', text: date });
  if (paper.authors !== null) {
    parts.push({ kind: 'authors', text: plural(paper.authors, 'author') });
  } else if (paper.submitter !== null && paper.submitter.trim() !== '') {
    parts.push({ kind: 'submitter', text: paper.submitter.trim() });
  }
  if (paper.upvotes !== null) parts.push({ kind: 'upvotes', text: plural(paper.upvotes, 'upvote') });
  return parts;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A paper's links split, keeping their order, into code repositories (see isCodeLink) and the rest. */
export function splitLinks(links: readonly string[]): { codeLinks: string[]; otherLinks: string[] } {
  const codeLinks: string[] = [];
  const otherLinks: string[] = [];
  for (const link of links) (isCodeLink(link) ? codeLinks : otherLinks).push(link);
  return { codeLinks, otherLinks };
}

/**
 * The model the host sends to the paper view. `label` turns a source file into the name shown to the
 * user (the host passes a workspace-relative path); the file itself is kept so that "Reveal in
 * Digest" can name the source it means, which the host then checks against the paper's sources.
 * Links that are not http(s) (see isSafeExternalUrl) are left out: they could not be opened anyway.
 */
export function buildPaperViewModel(paper: Paper, preview: boolean, label: (file: string) => string): PaperViewModel {
  return {
    paper,
    ...splitLinks(paper.links.filter(isSafeExternalUrl)),
    sources: paper.sources.map((source) => ({ label: label(source.file), file: source.file, line: source.line })),
    preview,
  };
}

/**
 * The source of `paper` at `file` and `line`, or undefined. The host reveals only what this returns,
 * so a webview message can never make it open a path that is not one of the paper's digests.
 */
export function findSource(paper: Pick<Paper, 'sources'>, file: string, line: number): SourceRef | undefined {
  return paper.sources.find((source) => source.file === file && source.line === line);
}

/**
 * True for an absolute http or https URL with a host: the only links the paper view opens.
 * `javascript:`, `data:`, `file:`, `command:`, `vscode:` and relative or malformed URLs are all false.
 */
export function isSafeExternalUrl(url: string): boolean {
  // Checked on the raw text too: the URL parser forgives leading spaces, embedded tabs and newlines,
  // and extra slashes before the host ("https:///evil.example").
  if (!/^https?:\/\/[^\s/\\?#]\S*$/i.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * True when the paper view of `paper` shows a link to `url`, so that the host may open it: one of
 * the paper's links, or a link the page rendered from its abstract (markdown, where marked may have
 * percent-encoded the destination, decoded `&amp;`, or written a bare `www.` as `http://www.`).
 * The page renders hostile text, so a URL it posts is opened only when the paper itself holds it.
 */
export function isLinkOfPaper(paper: Pick<Paper, 'links' | 'abstract'>, url: string): boolean {
  if (!isSafeExternalUrl(url)) return false;
  if (paper.links.includes(url)) return true;
  const abstract = capText(paper.abstract, ABSTRACT_MAX_CHARS);
  const forms = new Set([url, url.replace(/^http:\/\/(?=www\.)/i, '')]);
  for (const form of [...forms]) {
    try {
      forms.add(decodeURI(form));
    } catch (error) {
      // A malformed escape cannot have come from decoding the abstract; the form as written is checked.
      if (!(error instanceof URIError)) throw error;
    }
  }
  const texts = [abstract, abstract.replace(/&amp;/gi, '&')];
  return [...forms].some((form) => form.length > 0 && texts.some((text) => containsWholeUrl(text, form)));
}

/** True when `url` occurs in `text` and is not the start of a longer URL there (`https://a.co` in `https://a.com`). */
function containsWholeUrl(text: string, url: string): boolean {
  for (let at = text.indexOf(url); at >= 0; at = text.indexOf(url, at + 1)) {
    if (!/[A-Za-z0-9\-_~%/?#=&+@]/.test(text.charAt(at + url.length))) return true;
  }
  return false;
}

/**
 * A panel title for a paper title: white space collapsed and, past PANEL_TITLE_MAX_CHARS, cut at the
 * last word boundary with an ellipsis (tabs have no room for a 200-character title).
 */
export function panelTitle(title: string): string {
  // A tab cannot typeset math: its LaTeX reads as Unicode, as in the tree.
  const clean = readableMath(title).replace(/\s+/g, ' ').trim();
  if (clean === '') return 'Paper';
  if (clean.length <= PANEL_TITLE_MAX_CHARS) return clean;
  const cut = clean.slice(0, PANEL_TITLE_MAX_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  // Cut at a word boundary unless that would leave too little of the title to recognise it.
  const head = space >= PANEL_TITLE_MAX_CHARS / 2 ? cut.slice(0, space) : cut;
  return `${head.replace(/[\s.,;:!?-]+$/, '')}…`;
}

/** `text` cut to at most `max` characters (plus an ellipsis), without splitting a surrogate pair. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
