/**
 * Is this text a digest? The parser reads any text as titles and abstracts, so a glob that also
 * finds `requirements.txt`, a licence, a build file, a README or a log would turn each into
 * "papers" with keys. This module is the one answer: a file is a digest when it carries the Daily
 * Papers family's own markers (the page's header lines, a lone digest date, `• N authors` / `·` /
 * date blocks) and at least one paper with a prose abstract, or, without markers, when most of what
 * the parser found are title/abstract pairs with prose abstracts and nothing in the text reads like
 * a licence, a package list, code, a log or a README.
 */
import type { ParsedDigest } from '../types';

/** The verdict on one file: a digest, or why it is not one (one sentence for the log). */
export type DigestVerdict = { digest: true } | { digest: false; reason: string };

/** Without the family's markers, a file needs this many papers with prose abstracts. */
export const MIN_UNMARKED_PAPERS = 2;
/** An abstract shorter than this many words is not a paper's abstract (the seeds' shortest has 31). */
const MIN_ABSTRACT_WORDS = 20;
/** With the family's markers, an entry with an abstract this long makes the file a digest. */
const MIN_MARKED_ABSTRACT_WORDS = 5;
/** Entries looked at in a file without markers, and characters of an abstract: enough to tell, cheap on a 100 MB digest. */
const SAMPLE_ENTRIES = 40;
const SAMPLE_ABSTRACT_CHARS = 800;
/** Lines looked at for the non-digest signals; enough to tell, cheap on a 100 MB digest. */
const SAMPLE_LINES = 400;

// The header lines of the Daily Papers page and e-mail, as the parser knows them; matched on the
// start of the text only (a title may be glued to "Subscribe").
const HEADER_MARKER = /^(?:new|subscribe|daily papers|by ?ak and the research community|get trending papers in your email inbox(?: once a day)?!?)$/i;
const GLUED_SUBSCRIBE = /^Subscribe\S/;
// A metadata line of the family anywhere, even one the parser could not place: `• 3 authors`, a lone `·`, `Submitted by`.
const METADATA_LINE = /^\s*(?:(?:[•·*-]\s*)?\d{1,5}\s+authors?|·|•?\s*submitted\s+by\b.*)\s*$/i;

const LICENCE =
  /permission is hereby granted|licensed under the|without warrant(?:y|ies) of any kind|gnu (?:lesser |affero )?general public license|redistribution and use in source and binary forms|mozilla public license|all rights reserved/i;
const LOG_LINE =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|\[?\d{2}:\d{2}:\d{2}[\].,\s]|\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\]?[\s:]|Traceback \(most recent call last\))/;
const PACKAGE_LINE =
  /^\s*(?:-[er]\s+\S+|[A-Za-z0-9][\w.-]*(?:\[[\w,.-]+\])?\s*(?:(?:==|>=|<=|~=|!=|===|<|>)\s*[\w.*+!-]+\s*(?:,\s*(?:==|>=|<=|~=|!=|<|>)\s*[\w.*+!-]+\s*)*)?(?:;.*)?)$/;
const CODE_LINE =
  /(?:[;{}]\s*$|^\s*[A-Za-z_][\w.]*\s*\(.*\)\s*$|^\s*(?:#include|import\s|from\s+\S+\s+import|def\s|class\s|function\s|const\s|let\s|var\s|return\b|if\s*\(|for\s*\())/;
const README_LINE =
  /^\s*(?:#{1,6}\s|```|\$\s|>>>\s)|\b(?:pip install|conda (?:install|create|env)|git clone|npm (?:install|run)|docker run|python3? \S+\.py)\b/i;
const README_TITLE =
  /^(?:installation|install|usage|getting started|quick ?start|requirements|dependencies|contributing|license|licence|citation|citing(?: this work)?|acknowledge?ments|contact|faq|changelog|table of contents|overview|features|examples?|documentation|setup|how to cite)$/i;

/**
 * Decides whether `parsed` (what parseDigest made of `text`) is a digest. Pure, and cheap beside the
 * parse: it looks at the first SAMPLE_LINES lines, the entries' metadata, and the first entries' abstracts.
 */
export function classifyDigest(text: string, parsed: ParsedDigest): DigestVerdict {
  if (parsed.entries.length === 0) return { digest: false, reason: 'It holds no title and abstract that read like a paper.' };
  const isProse = (entry: ParsedDigest['entries'][number]) => isPaperTitle(entry.title) && isProseAbstract(entry.abstract);
  const lines = sampleLines(text);
  const marked = hasHeaderMarker(lines) || parsed.digestDate !== null || parsed.entries.some(hasMetadata) || lines.some((line) => METADATA_LINE.test(line));
  // Marked files are the family's own: any entry with some abstract will do (a hostile digest's
  // abstracts full of markup are still papers). Usually the first entry settles it.
  if (marked && parsed.entries.some((entry) => isProse(entry) || wordCount(entry.abstract) >= MIN_MARKED_ABSTRACT_WORDS)) return { digest: true };
  // Without markers, the first entries tell: a digest does not turn into a README halfway.
  const sample = parsed.entries.slice(0, SAMPLE_ENTRIES);
  const prose = sample.filter(isProse).length;

  const signal = nonDigestSignal(lines, parsed);
  if (signal) return { digest: false, reason: `It reads like ${signal}, not a Daily Papers digest, so it gives no papers.` };
  if (prose >= MIN_UNMARKED_PAPERS && prose * 2 >= sample.length) return { digest: true };
  return {
    digest: false,
    reason:
      prose === 0
        ? 'It has no paper abstracts (a title line followed by sentences of prose) and no Daily Papers header, so it gives no papers.'
        : `It has no Daily Papers header, dates or author lines, and only ${prose} of its ${sample.length} title/abstract pairs read like papers, so it gives no papers.`,
  };
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function sampleLines(text: string): string[] {
  const lines: string[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (lines.length < SAMPLE_LINES && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    if (line.trim() !== '') lines.push(line);
    start = end + 1;
  }
  return lines;
}

function hasHeaderMarker(lines: readonly string[]): boolean {
  // The header comes first: a page copied whole, or an e-mail's first lines.
  return lines.slice(0, 12).some((line) => HEADER_MARKER.test(line.trim()) || GLUED_SUBSCRIBE.test(line.trim()));
}

function hasMetadata(entry: ParsedDigest['entries'][number]): boolean {
  return entry.authors !== null || entry.date !== null || entry.submitter !== null || entry.upvotes !== null;
}

/** A paper title: words with letters, not a heading, a command, a path or a line of code. */
function isPaperTitle(title: string): boolean {
  if (title.length < 4 || /^[#>$*\-=+[(<]/.test(title) || /[=;{}]/.test(title)) return false;
  const words = title.split(/\s+/);
  if (words.length > 40 || README_TITLE.test(title.trim())) return false;
  const letters = title.replace(/[^\p{L}]/gu, '').length;
  return letters * 2 >= title.replace(/\s/g, '').length;
}

/** Prose: enough words, mostly words of letters, with sentences, not code, numbers or shouting. */
function isProseAbstract(whole: string): boolean {
  const abstract = whole.length > SAMPLE_ABSTRACT_CHARS ? whole.slice(0, SAMPLE_ABSTRACT_CHARS) : whole;
  const words = abstract.split(/\s+/).filter(Boolean);
  if (words.length < MIN_ABSTRACT_WORDS) return false;
  if (!/[.!?。](?:\s|$)/u.test(abstract)) return false;
  const wordy = words.filter((word) => /^[("'\u201c]?\p{L}[\p{L}\p{M}'\u2019-]*[)"'\u201d,.;:!?]*$/u.test(word)).length;
  if (wordy < words.length * 0.6) return false;
  const upper = abstract.replace(/[^\p{Lu}]/gu, '').length;
  const letters = abstract.replace(/[^\p{L}]/gu, '').length;
  // A licence's disclaimer, in capitals.
  if (upper > letters * 0.5) return false;
  const codeish = words.filter((word) => /[=<>{}_\\]|\(\)|::|\$\{/.test(word)).length;
  return codeish <= words.length * 0.05;
}

/** What the text reads like when it is plainly not a digest, or null. */
function nonDigestSignal(lines: readonly string[], parsed: ParsedDigest): string | null {
  if (lines.length === 0) return null;
  const share = (test: RegExp) => lines.filter((line) => test.test(line)).length / lines.length;
  if (lines.some((line) => LICENCE.test(line)) || lines.slice(0, 3).some((line) => /\b(?:licen[cs]e|copyright)\b/i.test(line) && line.length < 80))
    return 'a software licence';
  if (share(LOG_LINE) >= 0.3) return 'a log';
  if (lines.filter((line) => !/^\s*#/.test(line)).every((line) => PACKAGE_LINE.test(line))) return 'a list of packages';
  if (share(CODE_LINE) >= 0.25) return 'code or a build file';
  const readmeTitles = parsed.entries.filter((entry) => README_TITLE.test(entry.title.trim())).length;
  if (readmeTitles > 0 || share(README_LINE) >= 0.05) return 'a README or documentation';
  return null;
}
