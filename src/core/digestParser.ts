/**
 * The digest parser: plain-text copies of Hugging Face Daily Papers pages and digest e-mails in,
 * entries and diagnostics out. It never throws and never drops a line silently: every line it
 * cannot place becomes a diagnostic.
 *
 * The family of layouts it reads (see PRODUCT.md, "Digests: the input"), in any combination:
 * header boilerplate (also glued to the first title), entries with or without blank lines between
 * title and abstract, abstracts on one line or hard-wrapped over several, an optional metadata block
 * (`• N authors` or a submitter line, a `·` line, a date with or without year and an optional upvote
 * count), CRLF, a BOM, trailing spaces and non-ASCII text.
 */
import { extractLinks } from './links';
import { collapseSpaces, isValidDay, monthNumber } from './text';
import type { Diagnostic, DigestEntry, ParsedDigest, PaperDate } from './types';

/** A title longer than this is taken for abstract text. */
const TITLE_MAX = 300;
/** A line longer than this was not hard-wrapped: an abstract on one line. */
const WRAP_MAX = 200;
/** Metadata lines are short; longer lines skip the metadata patterns altogether (speed). */
const META_MAX = 80;

const BOILERPLATE = [
  /^new$/i,
  /^subscribe$/i,
  /^daily papers$/i,
  /^by\s*ak and the research community$/i,
  /^get trending papers in your email inbox(?: once a day)?!?$/i,
];
// The same phrases when a copy glued the next line onto them ("SubscribeVideo PreTraining ...").
const GLUED_BOILERPLATE =
  /^(?:new|subscribe|daily papers|by\s*ak and the research community|get trending papers in your email inbox(?: once a day)?!?)(?=[\p{Lu}\p{N}"'“([])/iu;

const MONTH_WORD = '(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
const DATE_PATTERN = new RegExp(`^${MONTH_WORD}\\s+(\\d{1,2})(?:(,\\s*|\\s+)(\\d{4}))?(?:\\s+(\\d{1,7}))?$`, 'i');
const AUTHORS_PATTERN = /^(?:[•·*-]\s*)?(\d{1,5})\s+authors?$/i;
const BULLET_LINE = /^•\s*(.*)$/;
const SUBMITTED_BY = /^submitted\s+by\b:?\s*/i;

interface ParsedDate {
  date: PaperDate;
  upvotes: number | null;
}

/** Reads `Mar 30, 2021`, `Mar 6`, `Sep 18, 2024 3` and `Jun 26 1` (day, optional year, optional upvotes). */
export function parseDateLine(text: string): ParsedDate | null {
  const match = DATE_PATTERN.exec(text);
  if (!match) return null;
  const month = monthNumber(match[1]);
  const day = Number(match[2]);
  if (month === null || !isValidDay(month, day)) return null;
  let year: number | null = null;
  let upvotes: number | null = match[5] === undefined ? null : Number(match[5]);
  if (match[4] !== undefined) {
    const number = Number(match[4]);
    // "Mar 6, 2021" is a year; "Mar 6 2021" is one too when it could be one, else an upvote count.
    const separatorIsComma = match[3].includes(',');
    if (separatorIsComma || (number >= 1900 && number <= 2199)) {
      year = number;
    } else if (upvotes === null) {
      upvotes = number;
    } else {
      return null;
    }
  }
  return { date: { year, month, day }, upvotes };
}

type LineKind = 'blank' | 'text';

interface Line {
  kind: LineKind;
  /** Trimmed on both sides, tabs and control characters turned into spaces. */
  text: string;
  /** 1-based. */
  number: number;
  indented: boolean;
}

interface Draft {
  titleParts: string[];
  line: number;
  abstractLines: string[];
  /** The longest abstract line so far that was followed by another abstract line: the wrap width. */
  wrapWidth: number;
  authors: number | null;
  submitter: string | null;
  date: PaperDate | null;
  upvotes: number | null;
  hasMeta: boolean;
}

type State = 'header' | 'title' | 'abstract' | 'meta';

/**
 * Parses one digest. `file` is only copied into diagnostics and sources; the parser reads nothing.
 * Never throws: input it cannot make sense of becomes diagnostics.
 */
export function parseDigest(text: string, file: string): ParsedDigest {
  try {
    return new DigestParser(text, file).parse();
  } catch (error) {
    // A bug of ours must not take the extension down with it; say so as a diagnostic instead.
    return {
      file,
      digestDate: null,
      entries: [],
      diagnostics: [{ file, line: 0, severity: 'error', message: `Marginalia could not parse this file (${String(error)}); please report it with the file attached.` }],
    };
  }
}

class DigestParser {
  private readonly lines: Line[];
  private readonly entries: DigestEntry[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private digestDate: { month: number; day: number } | null = null;
  private draft: Draft | null = null;
  private state: State = 'header';
  /** Wrap width seen across the whole file (0 when nothing in it looks hard-wrapped). */
  private readonly fileWrapWidth: number;
  /** Whether this file puts blank lines between a title and its abstract. */
  private readonly blankAfterTitles: boolean;

  constructor(text: string, private readonly file: string) {
    this.lines = splitLines(text);
    this.fileWrapWidth = estimateWrapWidth(this.lines);
    this.blankAfterTitles = countBlank(this.lines) * 3 >= this.lines.length;
  }

  parse(): ParsedDigest {
    const lines = this.lines;
    let blankBefore = true;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.kind === 'blank') {
        blankBefore = true;
        continue;
      }
      this.handleLine(i, blankBefore);
      blankBefore = false;
    }
    this.finishDraft();
    if (!this.looksLikeDigest()) {
      return {
        file: this.file,
        digestDate: null,
        entries: [],
        diagnostics: [{
          file: this.file,
          line: 0,
          severity: 'error',
          message: 'This file does not look like a Hugging Face Daily Papers digest (titles each followed by an abstract); it was skipped.',
        }],
      };
    }
    if (this.entries.length === 0 && !this.diagnostics.some((d) => d.line === 0)) {
      this.diagnostics.unshift({
        file: this.file,
        line: 0,
        severity: 'warning',
        message: 'No papers found: this file does not look like a Hugging Face Daily Papers digest (a title line followed by its abstract).',
      });
    }
    return { file: this.file, digestDate: this.digestDate, entries: this.entries, diagnostics: this.diagnostics };
  }

  /**
   * Any text parses into "entries"; a digest's entries mostly have prose abstracts. A file where
   * most of them do not (source code, a CSV, a log) is not a digest.
   */
  private looksLikeDigest(): boolean {
    if (this.entries.length < 4) return true;
    let prose = 0;
    for (const entry of this.entries) {
      if (entry.abstract.length >= 60 && entry.abstract.split(' ').length >= 8) prose++;
    }
    return prose * 2 >= this.entries.length;
  }

  private handleLine(i: number, blankBefore: boolean): void {
    const line = this.lines[i];
    const text = line.text;

    if (text.length <= META_MAX && this.handleMeta(i)) return;

    switch (this.state) {
      case 'header':
      case 'meta':
        this.startEntryOrSkip(i);
        return;
      case 'title':
        this.afterTitle(i, blankBefore);
        return;
      case 'abstract':
        if (this.continuesAbstract(i, blankBefore)) {
          this.addAbstractLine(text);
        } else {
          this.startEntryOrSkip(i);
        }
        return;
    }
  }

  /** Metadata lines: authors count, submitter, the `·` separator and dates. True when consumed. */
  private handleMeta(i: number): boolean {
    const line = this.lines[i];
    const text = line.text;

    const date = parseDateLine(text.replace(/^·\s*/, ''));
    if (date) {
      const afterDot = text.startsWith('·') || this.previousText(i) === '·' || this.draft?.hasMeta === true;
      if (this.draft && (this.state === 'abstract' || this.state === 'meta' || this.state === 'title') && afterDot) {
        this.draft.date = date.date;
        this.draft.upvotes = date.upvotes;
        this.draft.hasMeta = true;
        this.state = this.state === 'title' ? 'title' : 'meta';
        return true;
      }
      // A lone date outside a metadata block dates the digest (or a day's section of it).
      if (date.upvotes === null && (this.state !== 'title' || this.draft === null)) {
        this.finishDraft();
        this.state = 'header';
        this.digestDate = { month: date.date.month, day: date.date.day };
        return true;
      }
      return false;
    }

    if (text === '·' || text === '•') {
      if (this.draft && this.state !== 'header') {
        this.draft.hasMeta = true;
        if (this.state !== 'title') this.state = 'meta';
      } else {
        this.report(line.number, 'warning', 'A metadata separator "·" that follows no paper; skipped.');
      }
      return true;
    }

    // "• 3 authors · Mar 30, 2021" on one line.
    if (text.includes('·') && this.draft && this.state !== 'header') {
      const parts = text.split('·').map((part) => part.trim()).filter(Boolean);
      const authors = parts.length > 0 ? AUTHORS_PATTERN.exec(parts[0]) : null;
      const dated = parts.length > 1 ? parseDateLine(parts[parts.length - 1]) : null;
      if (authors && (parts.length === 1 || dated) && parts.length <= 2) {
        this.draft.authors = Number(authors[1]);
        if (dated) {
          this.draft.date = dated.date;
          this.draft.upvotes = dated.upvotes;
        }
        this.draft.hasMeta = true;
        if (this.state !== 'title') this.state = 'meta';
        return true;
      }
    }

    const authors = AUTHORS_PATTERN.exec(text);
    if (authors) {
      if (this.draft && this.state !== 'header') {
        this.draft.authors = Number(authors[1]);
        this.draft.hasMeta = true;
        if (this.state !== 'title') this.state = 'meta';
      } else {
        this.report(line.number, 'warning', `An authors line ("${text}") that follows no paper; skipped.`);
      }
      return true;
    }

    // A submitter or organisation stands where the authors count would: just before the `·` line.
    if (this.draft && (this.state === 'abstract' || this.state === 'meta') && this.nextIsDot(i)) {
      const bullet = BULLET_LINE.exec(text);
      const plausible = bullet !== null || line.indented || this.state === 'meta' || !/[.!?]$/.test(text);
      if (plausible) {
        const name = collapseSpaces((bullet ? bullet[1] : text).replace(SUBMITTED_BY, ''));
        if (name) this.draft.submitter = name;
        this.draft.hasMeta = true;
        this.state = 'meta';
        return true;
      }
    }
    // "Submitted by" on a line of its own, the name on the next, then the `·`.
    if (this.draft && (this.state === 'abstract' || this.state === 'meta') && /^(?:•\s*)?submitted\s+by:?$/i.test(text) && this.nextIsDot(i + 1)) {
      this.draft.hasMeta = true;
      this.state = 'meta';
      return true;
    }
    return false;
  }

  private afterTitle(i: number, blankBefore: boolean): void {
    const draft = this.draft!;
    const text = this.lines[i].text;
    if (isBoilerplate(text)) {
      this.report(this.lines[i].number, 'info', `Skipped the page text "${text}".`);
      return;
    }
    // A title hard-wrapped over two or three lines of its own paragraph (digest e-mails).
    if (!blankBefore && this.blankAfterTitles && this.isTitleContinuation(i, draft)) {
      draft.titleParts.push(text);
      return;
    }
    // A title with no abstract, followed by the next paper's title and abstract.
    if (looksLikeTitle(text) && this.nextTextLooksLikeAbstractStart(i) && !looksLikeAbstractLine(text)) {
      this.startEntry(i);
      return;
    }
    this.addAbstractLine(text);
    this.state = 'abstract';
  }

  private isTitleContinuation(i: number, draft: Draft): boolean {
    const text = this.lines[i].text;
    if (draft.titleParts.length >= 3 || !looksLikeTitle(text)) return false;
    const title = draft.titleParts.join(' ');
    if (title.length + 1 + text.length > TITLE_MAX) return false;
    // Only when the title paragraph ends right after this line and an abstract follows the blank.
    const next = this.lines[i + 1];
    if (next === undefined || next.kind !== 'blank') return false;
    const width = this.fileWrapWidth;
    return width > 0 && title.length + 1 + firstWordLength(text) > width;
  }

  /** Decides whether text line `i` continues the current abstract or starts the next paper. */
  private continuesAbstract(i: number, blankBefore: boolean): boolean {
    const draft = this.draft!;
    const text = this.lines[i].text;
    const previous = draft.abstractLines[draft.abstractLines.length - 1];
    if (blankBefore) {
      // After a blank line only text that cannot be a title continues the abstract (a second paragraph).
      return text.length > TITLE_MAX || /^\p{Ll}/u.test(text) && !/^\p{Ll}+[\p{Lu}\p{N}]/u.test(text) && !/^\S+:\s/.test(text);
    }
    if (text.length > TITLE_MAX || !startsLikeTitle(text)) return true;
    if (previous.length > WRAP_MAX) {
      // The abstract was one long line: it is complete, unless this line is a lone page-text line.
      return false;
    }
    const width = Math.max(draft.wrapWidth, this.fileWrapWidth);
    if (width === 0) return false;
    if (!endsSentence(previous)) return false;
    if (previous.length + 1 + firstWordLength(text) <= width) return false;
    // The previous line was full, so the break may be a wrap; a title still shows by ending early.
    const next = this.lines[i + 1];
    if (next && next.kind === 'text' && !/[.]$/.test(text) && startsLikeTitle(next.text) && text.length + 1 + firstWordLength(next.text) <= width && !this.nextIsDot(i)) {
      return false;
    }
    return true;
  }

  private startEntryOrSkip(i: number): void {
    const line = this.lines[i];
    if (isBoilerplate(line.text)) {
      this.finishDraft();
      this.state = 'header';
      return;
    }
    this.startEntry(i);
  }

  private startEntry(i: number): void {
    this.finishDraft();
    const line = this.lines[i];
    let title = line.text;
    if (this.state === 'header') {
      // Boilerplate glued to the first title: "SubscribeVideo PreTraining (VPT): ...".
      for (let match = GLUED_BOILERPLATE.exec(title); match; match = GLUED_BOILERPLATE.exec(title)) {
        title = title.slice(match[0].length);
      }
    }
    this.draft = {
      titleParts: [title],
      line: line.number,
      abstractLines: [],
      wrapWidth: 0,
      authors: null,
      submitter: null,
      date: null,
      upvotes: null,
      hasMeta: false,
    };
    this.state = 'title';
  }

  private addAbstractLine(text: string): void {
    const draft = this.draft!;
    const last = draft.abstractLines[draft.abstractLines.length - 1];
    if (last !== undefined && last.length <= WRAP_MAX) draft.wrapWidth = Math.max(draft.wrapWidth, last.length);
    draft.abstractLines.push(text);
  }

  private finishDraft(): void {
    const draft = this.draft;
    this.draft = null;
    if (!draft) return;
    const title = collapseSpaces(draft.titleParts.join(' '));
    const abstract = joinWrapped(draft.abstractLines);
    if (!title) return;
    if (!abstract) {
      this.report(draft.line, 'warning', `No abstract follows the title "${shorten(title)}"; the paper is listed without one.`);
    }
    this.entries.push({
      title,
      abstract,
      authors: draft.authors,
      submitter: draft.submitter,
      date: draft.date,
      upvotes: draft.upvotes,
      links: extractLinks(abstract),
      line: draft.line,
    });
  }

  private nextTextLooksLikeAbstractStart(i: number): boolean {
    for (let j = i + 1; j < this.lines.length; j++) {
      const line = this.lines[j];
      if (line.kind === 'blank') continue;
      return looksLikeAbstractLine(line.text);
    }
    return false;
  }

  private nextIsDot(i: number): boolean {
    const next = this.lines[i + 1];
    return next !== undefined && next.kind === 'text' && (next.text === '·' || (next.text.startsWith('·') && parseDateLine(next.text.slice(1).trim()) !== null));
  }

  private previousText(i: number): string | null {
    for (let j = i - 1; j >= 0; j--) {
      if (this.lines[j].kind === 'text') return this.lines[j].text;
    }
    return null;
  }

  private report(line: number, severity: Diagnostic['severity'], message: string): void {
    this.diagnostics.push({ file: this.file, line, severity, message });
  }
}

// Control characters other than tab and the line breaks, and zero-width characters, are noise in a
// copied page; they would otherwise end up in titles and keys.
// eslint-disable-next-line no-control-regex
const NOISE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\u200e\u200f\u2060\ufeff]/g;

function splitLines(text: string): Line[] {
  const raw = text.split(/\r\n|\r|\n|\u2028|\u2029/);
  const lines: Line[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    let value = raw[i];
    if (NOISE.test(value)) value = value.replace(NOISE, '');
    NOISE.lastIndex = 0;
    if (value.includes('\t')) value = value.replace(/\t/g, ' ');
    const trimmed = value.trim();
    lines[i] = {
      kind: trimmed === '' ? 'blank' : 'text',
      text: trimmed,
      number: i + 1,
      indented: trimmed !== '' && value.charCodeAt(0) === 32,
    };
  }
  return lines;
}

function countBlank(lines: Line[]): number {
  let count = 0;
  for (const line of lines) if (line.kind === 'blank') count++;
  return count;
}

/**
 * The width a file was hard-wrapped at: the longest line that is followed directly by a line that
 * can only be a continuation (it starts with a lower-case word). 0 when no such pair exists.
 */
function estimateWrapWidth(lines: Line[]): number {
  let width = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i];
    const next = lines[i + 1];
    if (line.kind !== 'text' || next.kind !== 'text') continue;
    if (line.text.length < 20 || line.text.length > WRAP_MAX) continue;
    if (/^\p{Ll}+(?:[\s,.;:)]|$)/u.test(next.text)) width = Math.max(width, line.text.length);
  }
  return width;
}

/**
 * Joins hard-wrapped lines with single spaces; a word hyphenated at a line end ("pre-" / "trained")
 * is joined back without one.
 */
function joinWrapped(lines: string[]): string {
  if (lines.length === 0) return '';
  let result = lines[0];
  for (let i = 1; i < lines.length; i++) {
    const next = lines[i];
    if (/\p{L}-$/u.test(result) && /^\p{L}/u.test(next)) result += next;
    else result += ' ' + next;
  }
  return collapseSpaces(result);
}

function isBoilerplate(text: string): boolean {
  if (text.length > 60) return false;
  return BOILERPLATE.some((pattern) => pattern.test(text));
}

function firstWordLength(text: string): number {
  const space = text.indexOf(' ');
  return space === -1 ? text.length : space;
}

/** Titles start with a capital, a digit, a quote or bracket, or a word like "iVideoGPT" or "s1:". */
function startsLikeTitle(text: string): boolean {
  return /^[\p{Lu}\p{Lt}\p{N}"'“‘([¿¡]/u.test(text) || /^\p{Ll}+[\p{Lu}\p{N}]/u.test(text) || /^\S+:(\s|$)/u.test(text) || /^[^\p{L}\p{N}\s]/u.test(text) && !/^[,.;:)\]-]/.test(text);
}

function looksLikeTitle(text: string): boolean {
  return text.length <= TITLE_MAX && startsLikeTitle(text) && !/[.]$/.test(text);
}

function looksLikeAbstractLine(text: string): boolean {
  return text.length > WRAP_MAX || (text.length > 100 && /[.!?]$/.test(text));
}

function endsSentence(text: string): boolean {
  return /[.!?…]["'”’)\]]*$/.test(text) || /[.!?]\)?$/.test(text) || /https?:\/\/\S+$/.test(text) || /[)\]]$/.test(text);
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
