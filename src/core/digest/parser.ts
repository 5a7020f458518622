/**
 * The digest parser: plain-text copies of Hugging Face Daily Papers pages and digest e-mails in,
 * entries and diagnostics out. It never throws and never drops a line silently: every line it
 * cannot place becomes a diagnostic.
 *
 * The family of layouts it reads (see PRODUCT.md, "Digests: the input"), in any combination:
 * header boilerplate (also glued to the first title), entries with or without blank lines between
 * title and abstract, abstracts on one line or hard-wrapped over several (Python's textwrap with or
 * without breaking on hyphens, `fold -s`), an optional metadata block (`• N authors` or a
 * submitter / organisation line, a `·` line, a date with or without year and an optional upvote
 * count), CRLF or lone CR line ends, a BOM, trailing white space and non-ASCII text.
 *
 * How it works. Lines are first sorted into blank lines, boilerplate, metadata and text. The text
 * lines between two boilerplate or metadata lines form a *section*: one entry or many, with or
 * without blank lines. Each section is read as the most plausible sequence of titles, lines of a
 * wrapped title, first abstract lines and further abstract lines: every step between two
 * neighbouring lines gets a score and the best path is kept (a small Viterbi pass, linear in the
 * number of lines). The evidence is local: does a line read like a title (Title Case, "NAME: ...",
 * no final full stop), does the line before it end a sentence, is there a blank line between them,
 * and, in hard-wrapped files, could a greedy wrapper have broken the text there (the line before
 * is "full": the next word would not have fitted on it). The wrap width is estimated once per
 * file from lines that can only be continuations.
 *
 * Limitations (the behaviour chosen is tested in test/unit/digest/variants.test.ts and
 * test/unit/digest/parserProperties.test.ts): where the layout leaves a line ambiguous, the parser picks
 * a reading and keeps every word; nothing is dropped, but a paper may be cut or merged.
 * - A title hard-wrapped over several lines is read as one title only where a blank line follows
 *   it. With no blank line after it, its second line becomes the first line of the abstract.
 * - With no blank lines and hard-wrapped abstracts, a line that a wrapper could have made (the
 *   line before it full and ending a sentence, the line itself no wider than the wrap width and
 *   full) is told from a title only by reading like one. A sentence-case title there joins the
 *   abstract before it; a Title-Case run of abstract text there ("Direct Alignment Algorithms
 *   (DDAs) like Direct Preference") becomes a title. On the seeds so wrapped, about 1 paper in 500.
 * - Likewise a title with no abstract there may take the next title for its abstract's first line.
 * - A word longer than the wrap width that a wrapper cut in two (a long URL, a run of CJK text) is
 *   joined back without a space when the cut line is as wide as the widest wrapped line; a long
 *   word that merely ends there is then joined to the next word too, unless a sentence ends there.
 *   A wrapper counting bytes rather than characters (GNU fold on non-ASCII text) defeats this.
 * - A title in lower case ("attention is all you need") is read as one only where it cannot be a
 *   wrapped line: after a blank line, or in a file that does not wrap its abstracts.
 * - A user name alone on a line before the `·` ("akhaliq") after an abstract that ends without a
 *   full stop is read as the abstract's last word.
 * - A digest of only one or two short wrapped papers shows little of its wrap width; the parser
 *   then trusts the fit of each break rather than the width of lines.
 */
import { extractLinks } from './links';
import { collapseSpaces, isValidDay, monthNumber } from '../text';
import type { Diagnostic, DigestEntry, ParsedDigest, PaperDate } from '../types';

/** A title longer than this is taken for abstract text. */
const TITLE_MAX = 300;
/** Where the wrap width is unknown, a line shorter than this was not wrapped. */
const UNKNOWN_WRAP_MIN = 40;
/** A line longer than this was not hard-wrapped: an abstract on one line. */
const WRAP_MAX = 200;
/** Metadata lines are short; longer lines skip the metadata patterns altogether (speed). */
const META_MAX = 80;

// Page text of the Daily Papers site, whole lines, spelt as the page spells them: a title or a
// wrapped line may well be "New" or "Subscribers".
const BOILERPLATE = [
  'new',
  'Subscribe',
  'Daily Papers',
  'byAK and the research community',
  'by AK and the research community',
  'Get trending papers in your email inbox!',
  'Get trending papers in your email inbox',
  'Get trending papers in your email inbox once a day!',
  'Get trending papers in your email inbox once a day',
];
const BOILERPLATE_SET = new Set(BOILERPLATE);
const BOILERPLATE_MAX = Math.max(...BOILERPLATE.map((phrase) => phrase.length));

const MONTH_WORD =
  '(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
const DATE_PATTERN = new RegExp(`^${MONTH_WORD}\\s+(\\d{1,2})(?:(,\\s*|\\s+)(\\d{4}))?(?:\\s+(\\d{1,7}))?$`, 'i');
const GLUED_DATE = new RegExp(`^(${MONTH_WORD}\\s+\\d{1,2})(?=[^\\s,])`, 'i');
/** "September 30, 2024 1234567", the longest date line. */
const DATE_MAX = 32;
const AUTHOR_WORD = /author/i;
const AUTHORS_PATTERN = /^(?:[•·*-]\s*)?(\d{1,5})\s+authors?$/i;
const SUBMITTED_BY = /^(?:•\s*)?submitted\s+by\b:?\s*/i;
const SUBMITTED_BY_NAME = /^(?:•\s*)?submitted\s+by:?\s+\S+$/i;

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

/** What a line is, decided from the line itself and its neighbours, before sections are split. */
type Kind =
  | 'blank'
  | 'boilerplate'
  /** A date: the digest's ("Mar 11") or, inside a metadata block, the paper's. */
  | 'date'
  /** The `·` separator, alone or followed by the date ("· Mar 30, 2021"). */
  | 'dot'
  /** `• 3 authors`, possibly followed by `· Mar 30, 2021`. */
  | 'authors'
  /** A submitter or organisation: "Submitted by ...", or a name just before the `·` or the authors. */
  | 'who'
  | 'text';

interface Line {
  kind: Kind;
  /** Trimmed, runs of white space made one space, control and zero-width characters removed. */
  text: string;
  /** 1-based. */
  number: number;
  indented: boolean;
  /** The line ended with white space in the file (as `fold -s` leaves it where it breaks). */
  trailingBlank: boolean;
  /**
   * Length of the trimmed line as it stands in the file (before white space runs are collapsed),
   * in code points as wrappers count; for lines longer than TITLE_MAX, in UTF-16 units.
   */
  width: number;
  /** titleScore, computed once (NaN until then). */
  title: number;
  date?: ParsedDate;
  authors?: number;
  /** A `who` line's name, when the line also holds the date ("osanseviero Omar Sanseviero · Aug 28, 2022 17"). */
  name?: string;
}

interface Draft {
  titleParts: Line[];
  line: number;
  abstractLines: Line[];
  authors: number | null;
  submitter: string | null;
  date: PaperDate | null;
  upvotes: number | null;
  /** A metadata line was seen: the abstract is over. */
  hasMeta: boolean;
}

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
      diagnostics: [
        { file, line: 0, severity: 'error', message: `Marginalia could not parse this file (${String(error)}); please report it with the file attached.` },
      ],
    };
  }
}

// Scores of the section splitter, in rough log-odds: 0 is "as expected", negative is "surprising".
/** A title with no abstract. */
const EMPTY_ABSTRACT = -5;
/** A line continuing an abstract where a greedy wrapper could not have broken the line. */
const NOT_A_WRAP = -8;
/** A line that a greedy wrapper would have broken just there. */
const WRAP_FITS = 2;
/** ... but the line before it ends a sentence or a link, as an abstract's last line does. */
const SENTENCE_ENDS_AT_WRAP = -2.5;
/** ... and the line is wider than the widest the wrap width was estimated from. */
const WIDER_THAN_SEEN = -1.5;
/** Text after a blank line continuing the abstract before it (a second paragraph). */
const SECOND_PARAGRAPH = -8;
/** A title in the middle of a paragraph, in a file that puts blank lines between entries. */
const TITLE_MID_RUN = -4;
/** A line read as the next line of a wrapped title, which is rarer than a wrapped abstract line. */
const TITLE_MORE_COST = -2;
/** A title in lower case, possible only where the line cannot be a wrapped one. */
const LOWER_CASE_TITLE = -6;
/** An abstract whose first line does not start like a sentence (lower case, a bracket). */
const ABSTRACT_START_COST = -3;
const IMPOSSIBLE = -1e6;
/** A line read into the paper above that scores this much as a title is reported (reportAbsorbedTitle). */
const ABSORBED_TITLE_SCORE = 1;
/** A line that scores this much as a title is reported even where a wrapper could have made it. */
const STRONG_TITLE_SCORE = 2.5;

// The states of a text line in splitSection.
const TITLE = 0;
const TITLE_MORE = 1;
const ABSTRACT_START = 2;
const ABSTRACT = 3;
// Listed so that on a tie the reading with fewer titles wins: a stray title makes a bogus paper.
const STATES = [ABSTRACT, ABSTRACT_START, TITLE_MORE, TITLE];
const NOT_TITLE_MORE = [ABSTRACT, ABSTRACT_START, TITLE];
const TITLES = [TITLE_MORE, TITLE];
const ONLY_TITLE = [TITLE];
const ABSTRACTS = [ABSTRACT, ABSTRACT_START];
/** An abstract of one short line that is not a sentence is suspicious: it is more likely a title. */
const SHORT_ABSTRACT = 60;
/** ... and how suspicious. */
const SHORT_ABSTRACT_COST = -3;

class DigestParser {
  private readonly lines: Line[];
  private readonly entries: DigestEntry[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private digestDate: { month: number; day: number } | null = null;
  private draft: Draft | null = null;
  /** After boilerplate or a digest date: the next text may carry boilerplate glued to its start. */
  private inHeader = true;
  /**
   * The file's hard-wrap width as far as its lines show it: the widest line that a wrapper broke
   * (0: its abstracts are not hard-wrapped). The true width may be a little more.
   */
  private readonly wrapWidth: number;
  /** The lines a diagnostic names already. */
  private readonly reportedLines = new Set<number>();
  /** The widest a wrapped line can be: no line the wrapper broke had room for the next word. */
  private readonly wrapLimit: number;
  /** The file has (almost) no blank lines between text lines: entries follow line after line. */
  private readonly tight: boolean;

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.lines = splitLines(text);
    classify(this.lines);
    [this.wrapWidth, this.wrapLimit] = estimateWrapWidth(this.lines);
    // Count the blank runs before a text line that follows an entry's text or metadata: those at
    // the start or around the header's boilerplate say nothing about how entries are separated.
    let gaps = 0;
    let textLines = 0;
    let previous: Kind = 'blank';
    for (let i = 0; i < this.lines.length; i++) {
      const kind = this.lines[i].kind;
      if (kind === 'blank') continue;
      if (kind === 'text') {
        textLines++;
        if (previous !== 'blank' && previous !== 'boilerplate' && this.lines[i - 1].kind === 'blank') gaps++;
      }
      previous = kind;
    }
    this.tight = gaps * 50 < textLines;
  }

  parse(): ParsedDigest {
    const lines = this.lines;
    // A section: the text lines (and the blank lines between them) up to the next boilerplate or
    // metadata line. Sections always start with nothing open: a new entry, or a skipped line.
    let section: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      const kind = lines[i].kind;
      if (kind === 'text') {
        section.push(i);
      } else if (kind !== 'blank') {
        this.handleSection(section);
        section = [];
        // A name line before a `·` after a paper that has its metadata already is no submitter
        // of it: read it as text (a title, most likely). "Submitted by ..." says what it is.
        const draft = this.draft;
        const explicit = SUBMITTED_BY.test(lines[i].text);
        if (kind === 'who' && !explicit && (draft === null || draft.date !== null || draft.authors !== null || draft.submitter !== null)) {
          lines[i].kind = 'text';
          section.push(i);
          continue;
        }
        this.handleOther(i);
      }
    }
    this.handleSection(section);
    this.finishDraft();
    if (!this.looksLikeDigest()) {
      return {
        file: this.file,
        digestDate: null,
        entries: [],
        diagnostics: [
          {
            file: this.file,
            line: 0,
            severity: 'error',
            message: 'This file does not look like a Hugging Face Daily Papers digest (titles each followed by an abstract); it was skipped.',
          },
        ],
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
    // Source code: many lines end with a brace, or with a semicolon after code ("f(x);", "a = 1;"),
    // which prose lines hardly ever do.
    let code = 0;
    let text = 0;
    for (const line of this.lines) {
      if (line.kind !== 'text') continue;
      text++;
      const last = line.text.charCodeAt(line.text.length - 1);
      if (last === 123 /* { */ || last === 125 /* } */ || (last === 59 /* ; */ && CODE_STATEMENT.test(line.text))) code++;
    }
    if (code >= 4 && code * 8 > text) return false;
    // Otherwise entries mostly have prose abstracts (a CSV, a log or binary noise do not).
    let prose = 0;
    let other = 0;
    for (const entry of this.entries) {
      // Titles without abstract are reported one by one; they say nothing about the file.
      if (entry.abstract === '') continue;
      if (entry.abstract.length >= 60 && hasWords(entry.abstract, 8)) prose++;
      else other++;
    }
    return prose + other < 4 || prose >= other;
  }

  /** Blank lines, boilerplate and metadata. */
  private handleOther(i: number): void {
    const line = this.lines[i];
    const draft = this.draft;
    switch (line.kind) {
      case 'blank':
        return;
      case 'boilerplate':
        this.finishDraft();
        this.inHeader = true;
        return;
      case 'authors':
        if (!draft) return this.report(line.number, 'warning', `An authors line ("${line.text}") that follows no paper; skipped.`);
        draft.authors = line.authors!;
        if (line.date) this.setDate(draft, line.date);
        draft.hasMeta = true;
        return;
      case 'who':
        if (!draft) return this.report(line.number, 'warning', `A submitter line ("${line.text}") that follows no paper; skipped.`);
        draft.submitter = collapseSpaces((line.name ?? line.text).replace(SUBMITTED_BY, '')) || null;
        // A title whose abstract is missing stands where a submitter would: said, if it reads like one.
        if (
          !SUBMITTED_BY.test(line.text) &&
          line.name === undefined &&
          draft.submitter !== null &&
          draft.submitter.split(' ').length >= 4 &&
          titleScore(line) >= ABSORBED_TITLE_SCORE
        ) {
          this.report(
            line.number,
            'info',
            `Read the line "${shorten(line.text)}" as the submitter of the paper above; if it is the title of a paper of its own, give it an abstract.`,
          );
        }
        if (line.date && !draft.date) this.setDate(draft, line.date);
        draft.hasMeta = true;
        return;
      case 'dot':
        if (!draft) return this.report(line.number, 'warning', 'A metadata separator "·" that follows no paper; skipped.');
        if (line.date) this.setDate(draft, line.date);
        draft.hasMeta = true;
        return;
      case 'date':
        this.handleDate(i);
        return;
      case 'text':
        return;
    }
  }

  private handleDate(i: number): void {
    const line = this.lines[i];
    const date = line.date!;
    const draft = this.draft;
    const previous = this.previousNonBlank(i);
    // Inside a metadata block (after the `·` or the authors line) the date is the paper's. So is a
    // date with a year or upvotes right after an abstract: a digest's own date has neither.
    const inBlock = previous !== null && (previous.kind === 'dot' || previous.kind === 'authors' || previous.kind === 'who');
    const paperLike = date.date.year !== null || date.upvotes !== null;
    if (draft && !draft.date && (inBlock || (paperLike && draft.abstractLines.length > 0))) {
      this.setDate(draft, date);
      draft.hasMeta = true;
      return;
    }
    // A lone date outside a metadata block dates the digest (the first one: a second digest
    // pasted below keeps its entries but not its date); in the header it may carry a year.
    if (!paperLike || (draft === null && date.upvotes === null)) {
      this.finishDraft();
      this.inHeader = true;
      if (this.digestDate === null) {
        this.digestDate = { month: date.date.month, day: date.date.day };
      } else {
        this.report(line.number, 'info', `Read the date "${line.text}" on a line of its own as the start of another digest pasted into this file.`);
      }
      return;
    }
    this.report(line.number, 'warning', `A date line ("${line.text}") that follows no paper; skipped.`);
  }

  private setDate(draft: Draft, date: ParsedDate): void {
    draft.date = date.date;
    draft.upvotes = date.upvotes;
  }

  /** Splits a section's text lines (indices into `lines`) into entries: titles and abstract lines. */
  private handleSection(section: number[]): void {
    if (section.length === 0) return;
    this.finishDraft();
    let first = 0;
    // Boilerplate glued to the first title goes first ("SubscribeVideo PreTraining ..."), and so
    // do lines of nothing but glued page text ("byAK and the research communityMar 11").
    while (this.inHeader && first < section.length && this.stripGluedBoilerplate(section[first])) first++;
    this.inHeader = false;
    // Nothing is open, so the section must start with a title: report lines that cannot be one.
    while (first < section.length && openingTitleScore(this.lines[section[first]]) === IMPOSSIBLE) {
      const line = this.lines[section[first]];
      this.report(line.number, 'warning', `Could not place the line "${shorten(line.text)}": it follows no paper and cannot be a title; skipped.`);
      first++;
    }
    const indices = section.slice(first);
    if (indices.length === 0) return;
    const states = this.splitSection(indices);
    for (let k = 0; k < indices.length; k++) {
      const line = this.lines[indices[k]];
      if (k > 0 && states[k] !== TITLE) {
        const next = k + 1 < indices.length && indices[k] + 1 === indices[k + 1] ? this.lines[indices[k + 1]] : undefined;
        this.reportAbsorbedTitle(this.lines[indices[k - 1]], line, next, states[k], indices[k - 1] + 1 < indices[k]);
      }
      switch (states[k]) {
        case TITLE:
          this.startEntry(indices[k]);
          break;
        case TITLE_MORE:
          // A title line repeated (a copy and paste twice over) is the same title, not its second line.
          if (line.text === this.draft!.titleParts[this.draft!.titleParts.length - 1].text) break;
          this.draft!.titleParts.push(line);
          break;
        case ABSTRACT_START:
          this.draft!.abstractLines.push(line);
          break;
        case ABSTRACT: {
          const previous = this.lines[indices[k - 1]];
          if (previous.number + 1 < line.number) {
            this.report(line.number, 'info', `Read the paragraph at line ${line.number} as more of the abstract above it.`);
          } else if (!this.fitsWrap(previous, line) && (this.wrapWidth > 0 || previous.width > WRAP_MAX)) {
            // Neither a wrapped line nor a title: stray text, kept where it stands but reported.
            // (In a file with no sign of hard wrapping, a line after a short one may still be a
            // wrapped line: only one after a whole one-line abstract is surely stray.)
            this.report(
              line.number,
              'warning',
              `The line "${shorten(line.text)}" neither continues the abstract above it nor reads like a title; it was added to that abstract.`,
            );
          }
          this.draft!.abstractLines.push(line);
          break;
        }
      }
    }
  }

  /**
   * A line that reads like a title of its own but was read as part of the paper above (a title
   * whose abstract is missing takes the next title for its abstract; a title repeated on the next
   * line reads as a wrapped title) is named, so that no paper disappears without a word. Lines a
   * wrapper could have made are left alone unless they repeat the line before.
   */
  private reportAbsorbedTitle(previous: Line, line: Line, next: Line | undefined, state: number, blank: boolean): void {
    const score = titleScore(line);
    if (score === IMPOSSIBLE || this.reportedLines.has(line.number)) return;
    const repeated = line.text === previous.text;
    // An abstract's first line in a hard-wrapped file is full (the next line's first word would
    // not have fitted on it); a later one continues the line before it. A line in strong Title
    // Case after a sentence's end is a title even where a wrapper could have broken there.
    const strong = score >= STRONG_TITLE_SCORE && endsSentence(previous.text);
    const wrapped =
      state === ABSTRACT_START
        ? next !== undefined && this.fitsWrap(line, next) && score < STRONG_TITLE_SCORE
        : !blank && this.fitsWrap(previous, line) && !strong;
    // A title in sentence case: short, no sentence or clause ending, and not as wide as a wrapped line.
    const short = line.width < (this.wrapWidth > 0 ? this.wrapWidth * 0.75 : UNKNOWN_WRAP_MIN * 3);
    const sentenceCase = short && !endsSentence(line.text) && !/[,;:–-]$/.test(line.text) && (state !== ABSTRACT || blank);
    const titleLike = score >= ABSORBED_TITLE_SCORE || sentenceCase;
    if (!repeated && (wrapped || !titleLike)) return;
    if (repeated && state === TITLE_MORE) {
      this.report(line.number, 'info', `The line "${shorten(line.text)}" repeats the title above it; it was read once.`);
      return;
    }
    const where = state === TITLE_MORE ? 'the rest of the title above it' : 'part of the abstract above it';
    // Two titles read as one: the first line is no paper's title either.
    if (state === TITLE_MORE && !repeated && !this.reportedLines.has(previous.number)) {
      this.report(
        previous.number,
        'info',
        `The title "${shorten(previous.text)}" was read together with the next line, which reads like a title of its own; if they are two papers, put a blank line and an abstract after each.`,
      );
    }
    this.report(
      line.number,
      'info',
      `The line "${shorten(line.text)}" reads like a title but was read as ${where}; if it is a paper of its own, put a blank line and its abstract after it.`,
    );
  }

  /**
   * The most plausible reading of a section: for each text line, whether it starts an entry
   * (TITLE), continues a title wrapped over several lines (TITLE_MORE), starts an abstract
   * (ABSTRACT_START) or continues one (ABSTRACT). Scores of each step are summed and the best path
   * kept (Viterbi); a step looks only at two neighbouring lines and at the blank lines between them.
   */
  private splitSection(indices: number[]): Uint8Array {
    const n = indices.length;
    const score = STATES.map(() => new Float64Array(n));
    const back = STATES.map(() => new Uint8Array(n));
    const midRun = this.tight ? 0 : TITLE_MID_RUN;
    score[TITLE][0] = openingTitleScore(this.lines[indices[0]]);
    score[TITLE_MORE][0] = score[ABSTRACT_START][0] = score[ABSTRACT][0] = IMPOSSIBLE;
    // Best predecessor among `from` states, with an extra score per predecessor.
    const pick = (k: number, to: number, from: readonly number[], extra: readonly number[], add: number): void => {
      let best = -Infinity;
      for (const state of from) {
        const value = score[state][k - 1] + extra[state];
        if (value > best) {
          best = value;
          back[to][k] = state;
        }
      }
      score[to][k] = best + add;
    };
    const none = [0, 0, 0, 0];
    for (let k = 1; k < n; k++) {
      const previous = this.lines[indices[k - 1]];
      const line = this.lines[indices[k]];
      const blank = indices[k - 1] + 1 < indices[k];
      // A line in lower case is a title only where it cannot be a wrapped line: after a blank
      // line, or in a file that does not wrap its abstracts.
      const title = blank || this.wrapWidth === 0 ? openingTitleScore(line) : titleScore(line);
      // A title: whatever was open before ends on the previous line. A wrapped title ends with
      // its paragraph; a title mid-paragraph is rare where blank lines separate entries.
      pick(k, TITLE, blank ? STATES : NOT_TITLE_MORE, entryEnds(previous), title + (blank ? 0 : midRun));
      // The next line of a wrapped title: it fits the wrap, and reads like the rest of a title.
      // (Only worth working out where a title can precede: most wrapped lines cannot be titles.)
      const titleBefore = Math.max(score[TITLE][k - 1], score[TITLE_MORE][k - 1]) > IMPOSSIBLE / 2;
      if (!blank && titleBefore && this.continuesTitle(previous, line)) {
        const fits = this.wrapWidth > 0 ? WRAP_FITS : 0;
        pick(k, TITLE_MORE, TITLES, none, fits + TITLE_MORE_COST + Math.min(0, titleCase(line.text, 0)));
      } else {
        score[TITLE_MORE][k] = IMPOSSIBLE;
      }
      // An abstract's first line: abstracts are prose, so reading like a title speaks against it.
      pick(k, ABSTRACT_START, blank ? TITLES : ONLY_TITLE, none, abstractStartScore(line) - Math.max(0, title));
      // An abstract's next line: a wrapped line, or a paragraph after a blank line.
      pick(k, ABSTRACT, ABSTRACTS, none, blank ? SECOND_PARAGRAPH : this.continuation(previous, line));
    }
    // Metadata, boilerplate or the end of the file follows: whatever is open ends here.
    const ends = entryEnds(this.lines[indices[n - 1]]);
    let state = ABSTRACT;
    for (const candidate of STATES) {
      if (score[candidate][n - 1] + ends[candidate] > score[state][n - 1] + ends[state]) state = candidate;
    }
    const states = new Uint8Array(n);
    for (let k = n - 1; k >= 0; k--) {
      states[k] = state;
      state = back[state][k];
    }
    return states;
  }

  /** How plausible it is that `line` continues the abstract line `previous` in the same paragraph. */
  private continuation(previous: Line, line: Line): number {
    if (!this.fitsWrap(previous, line)) return NOT_A_WRAP;
    // That the previous line is full is near certain for a wrap and a coincidence before a title;
    // that it ends a sentence is the reverse.
    const ended = endsSentence(previous.text) || LINK_WORD.test(lastWord(previous.text));
    // A line wider than the estimate is possible (the estimate may fall short in a short digest)
    // but less likely than one within it.
    const wider = line.width > this.wrapWidth;
    return WRAP_FITS + (ended ? SENTENCE_ENDS_AT_WRAP : 0) + (wider ? WIDER_THAN_SEEN : 0);
  }

  /** Could a greedy wrapper at the file's width have broken the text between these two lines? */
  private fitsWrap(previous: Line, line: Line): boolean {
    const width = this.wrapWidth;
    if (width === 0) return false;
    // A line longer than any the wrapper could make was not wrapped: a whole abstract on one line,
    // or a title.
    if (previous.width > this.wrapLimit || line.width > this.wrapLimit) return false;
    // A wrapper breaks a line only when the next word does not fit on it.
    return previous.width + 1 + firstWordWidth(line.text) >= width;
  }

  /**
   * Could `line` be the next line of a title hard-wrapped like the abstracts? Only in a file with
   * blank lines, since splitSection ends a wrapped title with its paragraph: with no blank line
   * after it, a title's second line cannot be told from the first line of its abstract.
   */
  private continuesTitle(previous: Line, line: Line): boolean {
    // Titles may end with "?" or "!", hardly ever with a full stop; they have words in them.
    if (previous.text.endsWith('.') || line.text.endsWith('.') || !/[\p{L}\p{N}]/u.test(line.text)) return false;
    // With no evidence of the wrap width (a file of one or two papers), at least the first line is
    // long and the next one no longer.
    if (this.wrapWidth === 0) return previous.width >= UNKNOWN_WRAP_MIN && line.width <= previous.width;
    return this.fitsWrap(previous, line);
  }

  /**
   * Removes boilerplate glued to the first title: "SubscribeVideo PreTraining (VPT): ...". True
   * when nothing but page text was left (the line is then no title).
   */
  private stripGluedBoilerplate(i: number): boolean {
    const line = this.lines[i];
    for (let stripping = false; ; stripping = true) {
      if (stripping && this.isPageText(line.text)) return true;
      let stripped = stripGlued(line.text);
      // The digest's date glued to the title: "Mar 11Thought Cloning ...".
      const date = stripped === null ? GLUED_DATE.exec(line.text.slice(0, 24)) : null;
      if (date) {
        const parsed = parseDateLine(date[1]);
        const rest = line.text.slice(date[0].length);
        if (parsed && startsLikeTitle(rest)) {
          this.digestDate ??= { month: parsed.date.month, day: parsed.date.day };
          stripped = rest;
        }
      }
      if (stripped === null) return false;
      // The width stays: it is what a wrapper saw, glue included.
      line.text = stripped;
    }
  }

  /** What is left of a line of glued page text may be page text too: "SubscribeDaily Papers". */
  private isPageText(text: string): boolean {
    if (BOILERPLATE_SET.has(text)) return true;
    const date = parseDateLine(text);
    if (date === null || date.upvotes !== null) return false;
    this.digestDate ??= { month: date.date.month, day: date.date.day };
    return true;
  }

  private startEntry(i: number): void {
    this.finishDraft();
    const line = this.lines[i];
    this.draft = {
      titleParts: [line],
      line: line.number,
      abstractLines: [],
      authors: null,
      submitter: null,
      date: null,
      upvotes: null,
      hasMeta: false,
    };
  }

  private finishDraft(): void {
    const draft = this.draft;
    this.draft = null;
    if (!draft) return;
    const title = joinWrapped(draft.titleParts, this.wrapWidth);
    const abstract = joinWrapped(draft.abstractLines, this.wrapWidth);
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

  private previousNonBlank(i: number): Line | null {
    for (let j = i - 1; j >= 0; j--) {
      if (this.lines[j].kind !== 'blank') return this.lines[j];
    }
    return null;
  }

  private report(line: number, severity: Diagnostic['severity'], message: string): void {
    this.diagnostics.push({ file: this.file, line, severity, message });
    this.reportedLines.add(line);
  }
}

// Control characters other than tab and the line breaks, and zero-width characters, are noise in a
// copied page; they would otherwise end up in titles and keys.
// eslint-disable-next-line no-control-regex
const NOISE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\u200e\u200f\u2060\ufeff]/g;
// Anything that makes a line need more than trimming: noise, white space other than a plain
// space. Lines of printable ASCII (most of them) skip the test.
// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\u0000-\u001f\u007f\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u2060\u3000\ufeff]/;
const NOT_PRINTABLE_ASCII = /[^ -~]/;
const SPACE_RUN = /\s+/g;

function splitLines(text: string): Line[] {
  // Splitting on "\n" alone is twice as fast; most files have no other line breaks.
  const other = text.includes('\r') || text.includes('\u2028') || text.includes('\u2029');
  const raw = other ? text.split(/\r\n|\r|\n|\u2028|\u2029/) : text.split('\n');
  const lines: Line[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const value = raw[i];
    let trimmed = value.trim();
    let normal = trimmed;
    // Only lines with unusual characters or a double space need normalising; includes() is far
    // cheaper than a regular expression for the double space.
    if ((NOT_PRINTABLE_ASCII.test(trimmed) && UNUSUAL.test(trimmed)) || trimmed.includes('  ')) {
      // Noise goes; tabs and other white space count as spaces for the width, as a wrapper saw them.
      trimmed = trimmed.replace(NOISE, '').replace(/\s/g, ' ').trim();
      normal = trimmed.replace(SPACE_RUN, ' ');
    }
    lines[i] = {
      kind: normal === '' ? 'blank' : 'text',
      text: normal,
      number: i + 1,
      indented: normal !== '' && (value.charCodeAt(0) === 32 || value.charCodeAt(0) === 9),
      trailingBlank: normal !== '' && (value.charCodeAt(value.length - 1) === 32 || value.charCodeAt(value.length - 1) === 9),
      width: trimmed.length <= TITLE_MAX ? codePointLength(trimmed) : trimmed.length,
      title: NaN,
    };
  }
  return lines;
}

/** Sorts lines into boilerplate, metadata and text. Only short lines are tried as metadata. */
function classify(lines: Line[]): void {
  for (const line of lines) {
    if (line.kind !== 'text' || line.text.length > META_MAX) continue;
    const text = line.text;
    if (text.length <= BOILERPLATE_MAX && BOILERPLATE_SET.has(text)) {
      line.kind = 'boilerplate';
      continue;
    }
    // Cheap tests first: most short lines are wrapped abstract text, not metadata.
    const date = text.length <= DATE_MAX ? parseDateLine(text) : null;
    if (date) {
      line.kind = 'date';
      line.date = date;
      continue;
    }
    if (text === '·' || text === '•') {
      line.kind = 'dot';
      continue;
    }
    if (text.startsWith('·')) {
      const dated = parseDateLine(text.slice(1).trim());
      if (dated) {
        line.kind = 'dot';
        line.date = dated;
        continue;
      }
    }
    // "• 3 authors", or "• 3 authors · Mar 30, 2021" on one line.
    if (!AUTHOR_WORD.test(text)) continue;
    const dot = text.indexOf('·', 1);
    const authors = AUTHORS_PATTERN.exec(dot === -1 ? text : text.slice(0, dot).trim());
    if (authors) {
      const dated = dot === -1 ? null : parseDateLine(text.slice(dot + 1).trim());
      if (dot === -1 || dated) {
        line.kind = 'authors';
        line.authors = Number(authors[1]);
        if (dated) line.date = dated;
      }
    }
  }
  // A submitter or organisation and the date on one line: "osanseviero Omar Sanseviero · Aug 28, 2022 17".
  for (const line of lines) {
    if (line.kind !== 'text' || line.text.length > META_MAX) continue;
    const dot = line.text.lastIndexOf(' · ');
    if (dot <= 0) continue;
    const dated = parseDateLine(line.text.slice(dot + 3).trim());
    const name = line.text.slice(0, dot).trim();
    if (dated && looksLikeNameText(name)) {
      line.kind = 'who';
      line.date = dated;
      line.name = name;
    }
  }
  // A submitter or organisation stands where the authors count would: just before the `·` (or
  // before the authors count, when a page shows both), blank lines allowed between. "Submitted by
  // ..." says what it is wherever it stands.
  let next: Line | undefined;
  for (let i = lines.length - 1; i >= 1; i--) {
    const line = lines[i];
    if (line.kind === 'blank') continue;
    const following = next;
    next = line;
    if (line.kind !== 'text' || line.text.length > META_MAX) continue;
    // Or just before a paper's date (a year or upvotes), when the abstract before it has ended:
    // "Google DeepMind" / "Aug 28, 2022 17" with no `·` between.
    const beforeDate =
      following?.kind === 'date' && (following.date!.date.year !== null || following.date!.upvotes !== null) && endsSentence(previousText(lines, i) ?? '');
    const beforeMeta = following !== undefined && (following.kind === 'dot' || following.kind === 'authors' || beforeDate);
    if (beforeMeta ? looksLikeName(line, lines[i - 1]) : SUBMITTED_BY_NAME.test(line.text)) line.kind = 'who';
  }
  // "Submitted by" on a line of its own, the name on the next.
  for (let i = 0; i + 1 < lines.length; i++) {
    if (lines[i].kind === 'text' && lines[i + 1].kind === 'who' && /^(?:•\s*)?submitted\s+by:?$/i.test(lines[i].text)) lines[i].kind = 'who';
  }
}

/**
 * A submitter or organisation line ("Submitted by akhaliq", "  NVIDIA", "OpenMOSS-Team OpenMOSS"):
 * short, no URL, and not the end of a sentence (which would make it an abstract's last line).
 */
function looksLikeName(line: Line, previous: Line | undefined): boolean {
  const text = line.text;
  if (SUBMITTED_BY.test(text) || text.startsWith('•')) return true;
  if (text.length > 60 || /[.!?,;:。]$/.test(text)) return false;
  // The rest of a URL or of a word cut by a wrapper ("https://arnold-" / "benchmark.github.io"),
  // or of a sentence wrapped just before its last word ("...rewards and" / "transition").
  if (text.includes('/') || /\p{L}\.\p{L}/u.test(text)) return false;
  // Wrapped text is never indented; a page's metadata often is ("  NVIDIA").
  if (line.indented) return true;
  const afterSubmittedBy = previous !== undefined && SUBMITTED_BY.test(previous.text);
  if (previous?.kind === 'text' && !afterSubmittedBy && (previous.text.endsWith('-') || endScore(previous) === -4)) return false;
  return looksLikeNameText(text);
}

/**
 * The words of a submitter or organisation: a user name ("akhaliq"), a user name and a display
 * name ("osanseviero Omar Sanseviero"), or an organisation ("NVIDIA", "OpenMOSS-Team OpenMOSS").
 */
function looksLikeNameText(text: string): boolean {
  if (text.length > 60 || /[.!?,;:。]$/.test(text) || text.includes('/')) return false;
  // A user name is one word; a user name then a display name in capitals is a submitter line;
  // other runs of lower-case words are the end of a sentence.
  if (/^\p{Ll}/u.test(text)) return !text.includes(' ') || /^[\p{Ll}\d][\p{L}\d_.-]*(?: [\p{Lu}][\p{L}'’.-]*){1,4}$/u.test(text);
  return text.split(' ').length <= 6;
}

/** The text of the nearest non-blank line before `lines[i]`, or null when it is not a text line. */
function previousText(lines: Line[], i: number): string | null {
  for (let j = i - 1; j >= 0; j--) {
    if (lines[j].kind === 'blank') continue;
    return lines[j].kind === 'text' ? lines[j].text : null;
  }
  return null;
}

/**
 * The width a file was hard-wrapped at, as bounds: the widest line a wrapper broke, and the widest
 * a wrapped line can be. A wrapper breaks a line when the next word does not fit, so each broken
 * line plus a space plus the next line's first word is wider than the width (`fold -s`, which
 * counts the blank it breaks at, allows one character less): the narrowest such sum bounds every
 * wrapped line. The lines that show a break are those followed in the same paragraph by a line
 * that can only be a continuation: it cannot start a title, starts with a lower-case word, or the
 * break falls inside a hyphenated word or inside CJK text. A line after a one-line abstract is a
 * title, whatever follows it, and shows nothing. [0, 0] when no line shows a break.
 */
function estimateWrapWidth(lines: Line[]): [number, number] {
  let width = 0;
  const sums: number[] = [];
  let unwrapped = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i];
    const next = lines[i + 1];
    if (line.kind === 'text' && line.width > WRAP_MAX) unwrapped++;
    if (line.kind !== 'text' || next.kind !== 'text') continue;
    if (line.width < 20 || line.width > WRAP_MAX || next.width > WRAP_MAX) continue;
    if (i > 0 && lines[i - 1].kind === 'text' && lines[i - 1].width > WRAP_MAX) continue;
    if (
      !startsLikeTitle(next.text) ||
      /^\p{Ll}+(?:[\s,.;:)]|$)/u.test(next.text) ||
      brokenInsideCjk(line.text, next.text) ||
      brokenAfterHyphen(line.text, next.text)
    ) {
      width = Math.max(width, line.width);
      sums.push(line.width + 1 + firstWordWidth(next.text));
    }
  }
  // A few stray lines in a file of one-line abstracts do not make it hard-wrapped.
  if (width === 0 || sums.length * 4 < unwrapped) return [0, 0];
  // A pair that is no break after all (a title before a lower-case abstract) gives a sum below
  // the widest line; leave those out, and the narrowest remaining sum too when there are others.
  const bounds = sums.filter((sum) => sum >= width).sort((a, b) => a - b);
  return [width, bounds.length >= 3 ? bounds[1] : bounds.length > 0 ? bounds[0] : width];
}

// Scripts written without spaces between words or sentences (and Hangul): a line ending in one of
// their letters or punctuation marks ("。") followed by one of their letters was cut by a wrapper.
const CJK_END = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\u3000-\u303f\uff01-\uff60]$/u;
const CJK_START = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;

function brokenInsideCjk(text: string, next: string): boolean {
  return CJK_END.test(text.slice(-2)) && CJK_START.test(next);
}

/** "Vision-" / "Language": a line ending inside a hyphenated word (not "self-" / "and cross-"). */
function brokenAfterHyphen(text: string, next: string): boolean {
  return /[\p{L}\p{N}]-$/u.test(text.slice(-2)) && /^[\p{L}\p{N}]/u.test(next) && !SUSPENDED_HYPHEN.test(next);
}

/**
 * Joins hard-wrapped lines with single spaces, except where the wrapper cut inside a word: after
 * a hyphen ("Vision-" / "Language"; not "self-" / "and cross-attention"), around a double hyphen
 * ("degree--" / "of"), and inside a word longer than a line (a long URL cut at the wrap width).
 */
function joinWrapped(lines: Line[], wrapWidth: number): string {
  if (lines.length === 0) return '';
  let result = lines[0].text;
  for (let i = 1; i < lines.length; i++) {
    const next = lines[i].text;
    result += cutInsideWord(lines[i - 1], next, wrapWidth) ? next : ' ' + next;
  }
  // Lines are trimmed and single-spaced already (splitLines): no need to collapse megabytes again.
  return result;
}

const SUSPENDED_HYPHEN = /^(?:and|or|nor|to|vs\.?|versus)(?:[\s,;:.)]|$)/i;

function cutInsideWord(line: Line, next: string, wrapWidth: number): boolean {
  const previous = line.text;
  const last = previous.charCodeAt(previous.length - 1);
  if (last === 45 /* - */) {
    const tail = previous.slice(-8);
    // "degree--" / "of--freedom": textwrap breaks after an em-dash written as hyphens.
    if (/[\p{L}\p{N}_!"'&.,?]-{2,}$/u.test(tail) && /^[\p{L}\p{N}_]/u.test(next)) return true;
    // "Vision-" / "Language": a hyphenated word broken after its hyphen. A hyphen before "and"
    // ("self- and cross-attention") is a word of its own.
    if (brokenAfterHyphen(tail, next)) return true;
    // A URL cut after a hyphen ("https://x.io/abc-" / "1def").
    if (lastWord(previous).includes('://') && /^\S/.test(next)) return true;
  }
  // "degree" / "--of--freedom".
  if (next.startsWith('--') && /^--+[\p{L}\p{N}_]/u.test(next) && /[\p{L}\p{N}_!"'&.,?]$/u.test(previous.slice(-2))) return true;
  // CJK text has no spaces: a break inside it is a wrapper's.
  if (brokenInsideCjk(previous, next)) return true;
  // A word longer than a line, cut where the line was full: the two halves together are longer
  // than any line, which two separate words side by side hardly ever are (unless a sentence ends
  // there, "...智能。" / "Language", outside a URL; or a URL starts, "website" / "https://...").
  if (
    wrapWidth > 0 &&
    line.width >= wrapWidth &&
    line.width <= TITLE_MAX &&
    !(endsSentence(previous) && (!lastWord(previous).includes('/') || /^[\p{Lu}\p{Lo}]/u.test(next))) &&
    !/^https?:\/\//i.test(next)
  ) {
    const cut = lastWord(previous);
    const rest = firstWord(next);
    if (codePointLength(cut) + codePointLength(rest) > wrapWidth) return true;
  }
  return false;
}

/** Whether `text` has at least `count` space-separated words (without splitting all of it). */
function hasWords(text: string, count: number): boolean {
  let at = -1;
  for (let words = 1; words < count; words++) {
    at = text.indexOf(' ', at + 1);
    if (at === -1) return false;
  }
  return true;
}

function lastWord(text: string): string {
  const space = text.lastIndexOf(' ');
  return space === -1 ? text : text.slice(space + 1);
}

function firstWord(text: string): string {
  const space = text.indexOf(' ');
  return space === -1 ? text : text.slice(0, space);
}

function firstWordWidth(text: string): number {
  return codePointLength(firstWord(text));
}

/** Length in code points, as wrappers count: an emoji is one, not two UTF-16 units. */
function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) length--;
  }
  return length;
}

/** Removes one boilerplate phrase glued to the start of `text`; null when there is none. */
function stripGlued(text: string): string | null {
  for (const phrase of BOILERPLATE) {
    if (!text.startsWith(phrase) || text.length === phrase.length) continue;
    const rest = text.slice(phrase.length);
    // Glued to something that starts like a title: "SubscribeVideo", "SubscribeiVideoGPT", but
    // not "Subscriber Churn" or "newton".
    if (startsLikeTitle(rest)) return rest;
  }
  return null;
}

/**
 * Titles start with a capital, a digit, a letter of a script without case (CJK), a quote, bracket
 * or symbol (emoji), or a word like "iVideoGPT" or "s1:".
 */
function startsLikeTitle(text: string): boolean {
  // Fast answers for ASCII capitals and digits; the patterns below for everything else.
  const first = text.charCodeAt(0);
  if ((first >= 65 && first <= 90) || (first >= 48 && first <= 57)) return true;
  return (
    /^[\p{Lu}\p{Lt}\p{Lo}\p{N}"'“‘([¿¡]/u.test(text) ||
    /^\p{Ll}+[\p{Lu}\p{N}]/u.test(text) ||
    /^\S+:(?:\s|$)/u.test(text) ||
    (/^[^\p{L}\p{N}\s]/u.test(text) && !/^[,.;:!?)\]}…/-]/.test(text))
  );
}

/** Short words that stay lower-case in Title Case. */
const MINOR_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'nor',
  'but',
  'for',
  'of',
  'on',
  'in',
  'to',
  'at',
  'by',
  'as',
  'via',
  'with',
  'from',
  'into',
  'over',
  'vs',
  'is',
  'are',
  'be',
  'its',
  'than',
  'up',
  'per',
]);

/**
 * How much a line reads like a title (0: neutral); IMPOSSIBLE when it cannot be one. Title Case
 * and "NAME: ..." count for; a final full stop, a comma, a URL or a second sentence count against.
 */
function titleScore(line: Line): number {
  if (Number.isNaN(line.title)) line.title = computeTitleScore(line);
  return line.title;
}

const INNER_CAPITAL = /^\p{Ll}+\p{Lu}/u;
const SECOND_SENTENCE = /\.\s+\p{Lu}/u;
const CODE_STATEMENT = /[)\]'"`]\s*;$|\s=\s|^(?:import|export|const|let|var|return)\b/;
const FIRST_WORD_COMMA = /^(?:\S+,\s\p{Ll}|\S+\s\p{Ll}\S*,\s)/u;
const SENTENCE_START = /^(?:[\p{Lu}\p{Lt}\p{Lo}\p{N}"'“‘¿¡]|\p{Ll}+[\p{Lu}\p{N}])/u;

function computeTitleScore(line: Line): number {
  const text = line.text;
  if (line.kind !== 'text' || text.length > TITLE_MAX || !startsLikeTitle(text)) return IMPOSSIBLE;
  let score = 0;
  const last = text[text.length - 1];
  if ((last === '.' && !text.endsWith('...')) || last === '。') score -= 4;
  else if (last === ',' || last === ';' || last === '-' || last === '–') score -= 5;
  else if (last === ':') score -= 2;
  // Titles end with a word, a bracket, a quote, "?" or "!"; not with "&", "=", ">" or "/".
  else if (/[^\p{L}\p{N}\p{M}\p{So})\]}"'”’?!…]$/u.test(text.slice(-2))) score -= 2;
  if (text.includes('://')) score -= 4;
  if (SECOND_SENTENCE.test(text)) score -= 3;
  // "However, we ...", "Our method, ...": a sentence ("Show, Don't Tell" is a title).
  if (FIRST_WORD_COMMA.test(text)) score -= 2;
  const colon = text.indexOf(': ');
  if (colon > 0 && colon < 40 && !text.slice(0, colon).includes(', ')) score += 1.5;
  return score + titleCase(text, 1);
}

/**
 * titleScore where the line cannot be a wrapped line (a section's first, a line after a blank line,
 * any line of a file that does not wrap its abstracts): there a line in lower case ("attention is
 * all you need") is a title too, if an unusual one.
 */
function openingTitleScore(line: Line): number {
  const score = titleScore(line);
  if (score !== IMPOSSIBLE || line.kind !== 'text' || line.text.length > TITLE_MAX || !/^\p{L}/u.test(line.text)) return score;
  return LOWER_CASE_TITLE;
}

/**
 * Title Case: from -3 to 3 with the share of capitalised words among the words (from the
 * `from`-th, 0-based) that Title Case capitalises; 0 with fewer than two such words.
 */
function titleCase(text: string, from: number): number {
  let capitalised = 0;
  let counted = 0;
  const words = text.split(' ');
  for (let i = from; i < words.length; i++) {
    let word = words[i];
    // Brackets and quotes before a word do not count: "(ADS)", "“Speaks”".
    let start = 0;
    while (start < word.length && OPENERS.includes(word[start])) start++;
    if (start > 0) word = word.slice(start);
    const code = word.charCodeAt(0);
    if (code >= 97 && code <= 122) {
      // A lower-case ASCII letter: a minor word, a lower-case word, or "iVideoGPT".
      if (word.length <= 6 && MINOR_WORDS.has(stripTrailing(word))) continue;
      counted++;
      if (hasInnerCapital(word)) capitalised++;
    } else if (code >= 65 && code <= 90) {
      if (word.length <= 6 && MINOR_WORDS.has(stripTrailing(word).toLowerCase())) continue;
      counted++;
      capitalised++;
    } else if (code > 127 && /^\p{L}/u.test(word)) {
      counted++;
      if (word[0] !== word[0].toLowerCase() || INNER_CAPITAL.test(word)) capitalised++;
    }
  }
  return counted >= 2 ? (capitalised / counted - 0.5) * 6 : 0;
}

const OPENERS = '("“‘\'[';

/** The word without the punctuation after it ("of," -> "of"). */
function stripTrailing(word: string): string {
  let end = word.length;
  while (end > 0 && !/[A-Za-z]/.test(word[end - 1])) end--;
  return end === word.length ? word : word.slice(0, end);
}

/** "iVideoGPT", "xLSTM": lower-case ASCII letters, then a capital. */
function hasInnerCapital(word: string): boolean {
  for (let i = 1; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code >= 65 && code <= 90) return true;
    if (code < 97 || code > 122) return code > 127 && INNER_CAPITAL.test(word);
  }
  return false;
}

/**
 * How plausibly `line` starts an abstract: abstracts start like sentences, with a capital, a
 * digit, a quote or a name like "iVideoGPT"; not in lower case or with a bracket ("(DITTO), ...").
 */
function abstractStartScore(line: Line): number {
  return SENTENCE_START.test(line.text) ? 0 : ABSTRACT_START_COST;
}

/**
 * The score of an entry ending on `line`, for each state `line` may be in: a title with no
 * abstract, a one-line abstract that is short and no sentence, an abstract that does not end like a
 * sentence are unusual.
 */
function entryEnds(line: Line): number[] {
  const end = endScore(line);
  const short = line.width < SHORT_ABSTRACT && !endsSentence(line.text);
  return [EMPTY_ABSTRACT, EMPTY_ABSTRACT, end + (short ? SHORT_ABSTRACT_COST : 0), end];
}

/**
 * Did an abstract plausibly end with this line? Abstracts end with a sentence (0), or a link or a
 * bracket (-1: "Project page: x.github.io"); anything else is a sentence cut short (-4).
 */
function endScore(line: Line): number {
  if (endsSentence(line.text)) return 0;
  if (/[)\]]$/.test(line.text.slice(-1)) || LINK_WORD.test(lastWord(line.text))) return -1;
  return -4;
}

// A URL or a bare domain ("rlif-page.github.io", "tinyurl.com/3mc6793z") as a last word.
const LINK_WORD = /^(?:https?:\/\/\S+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:\/\S*)?)$/i;

function endsSentence(text: string): boolean {
  return /[.!?。！？…]["'”’)\]]*$/u.test(text.slice(-4));
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
