/**
 * Finds citation mentions in a document's text: pandoc citations in markdown, `\cite`-family
 * commands in LaTeX, and pandoc bracketed citations inside the comments of source code.
 *
 * Entry points:
 * - {@link scanCitations}: every mention in a text, with the exact range of each key.
 * - {@link citationSyntaxForLanguage} / {@link citationSyntaxForFileName}: how to read a document
 *   of a VS Code language id or a file name (markdown, LaTeX, or code with its comment tokens).
 * - {@link citationContextAt}: whether a cursor stands where a citation key is being typed, for
 *   completion.
 * - {@link mentionAt}: the mention under a cursor, for hover and go to definition.
 *
 * Positions are 0-based lines and UTF-16 character offsets within the line, exactly as VS Code's
 * `Position` counts them; `\r\n`, `\n` and a lone `\r` all end a line. Everything here is pure and
 * synchronous, and runs in linear time in the length of the text.
 */

/** How to read one document. */
export type CitationSyntax =
  | { readonly kind: 'markdown' }
  | { readonly kind: 'latex' }
  | {
      readonly kind: 'code';
      /** Tokens that start a comment running to the end of the line (`//`, `#`, `--`). */
      readonly lineComments: readonly string[];
      /** Open and close tokens of comments that may span lines (`/*`, `*\/`). */
      readonly blockComments?: readonly (readonly [string, string])[];
      /**
       * Quote characters of single-line string literals, so that a comment token inside a string
       * (`"http://..."`) does not start a comment. A string never runs past the end of its line.
       */
      readonly quotes?: readonly string[];
    };

/**
 * How a mention is written:
 * - `bracketed`: inside pandoc brackets, `[@key]`, `[see @key, p. 3]`, `[@a; @b]`, `[-@key]`;
 * - `bare`: pandoc's in-text form, `@key` or `@key [p. 3]` (markdown only: in code comments,
 *   `@param` and friends are not citations, so only bracketed mentions count there);
 * - `latex`: a key of a `\cite`-family command.
 */
export type CitationForm = 'bracketed' | 'bare' | 'latex';

/** One citation of one key. */
export interface CitationMention {
  /** The key as written (without `@`, braces or surrounding spaces). Case is kept. */
  readonly key: string;
  /** 0-based line of the key. */
  readonly line: number;
  /** UTF-16 offset of the key's first character in its line. */
  readonly start: number;
  /** UTF-16 offset just after the key's last character (exclusive). */
  readonly end: number;
  readonly form: CitationForm;
  /** Pandoc's `-@key` (author suppressed); always false for LaTeX. */
  readonly suppressAuthor: boolean;
}

/** The LaTeX commands whose mandatory argument is a comma-separated list of keys. */
export const LATEX_CITE_COMMANDS: readonly string[] = [
  'cite',
  'citep',
  'citet',
  'citealp',
  'citealt',
  'citeauthor',
  'citeyear',
  'citeyearpar',
  'nocite',
  'parencite',
  'textcite',
  'autocite',
  'footcite',
  'smartcite',
  'supercite',
  'fullcite',
  'footfullcite',
  'Cite',
  'Citep',
  'Citet',
  'Citealp',
  'Citealt',
  'Citeauthor',
  'Parencite',
  'Textcite',
  'Autocite',
  'Footcite',
  'Smartcite',
];
const LATEX_CITE_SET = new Set(LATEX_CITE_COMMANDS);

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const KEY_PUNCTUATION = ':.#$%&-+?<>~/';
/** Characters a partially typed pandoc key may contain (completion is lenient while typing). */
const PARTIAL_KEY_CHAR = /[\p{L}\p{N}_:.#$%&\-+?<>~/]/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && WORD_CHAR.test(ch);
}

/** Offsets where each line starts, and the conversion from an offset to a line and character. */
class LineMap {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.starts.push(i + 1);
      else if (ch === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[line];
  }

  /** The offset of the end of a line's text (before its line break). */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1] - 1;
    if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  offset(line: number, character: number): number {
    const clamped = Math.max(0, Math.min(line, this.starts.length - 1));
    return Math.min(this.starts[clamped] + Math.max(0, character), this.lineEnd(clamped));
  }
}

/**
 * The end of a pandoc key starting at `from` (its first character must already be a word char):
 * word chars, and single punctuation from `:.#$%&-+?<>~/` followed by a word char; `:` or `/`
 * followed by `/` is allowed too, as pandoc does so that URLs (`http://...`) can be keys, when more
 * of the key follows the slashes.
 */
function pandocKeyEnd(text: string, from: number, limit: number): number {
  let i = from + 1;
  while (i < limit) {
    const ch = text[i];
    if (isWordChar(ch)) {
      i++;
      continue;
    }
    // Astral letters (surrogate pairs) are word chars too.
    const code = text.codePointAt(i) ?? 0;
    if (code > 0xffff && WORD_CHAR.test(String.fromCodePoint(code))) {
      i += 2;
      continue;
    }
    const next = text[i + 1];
    if (i + 1 < limit && KEY_PUNCTUATION.includes(ch) && isWordCharAt(text, i + 1)) {
      i++;
      continue;
    }
    if (i + 1 < limit && (ch === ':' || ch === '/') && next === '/') {
      // Slashes go on only into more key: `@1//` cites `1`, not a key ending in a slash.
      let j = i + 1;
      while (j < limit && text[j] === '/') j++;
      if (j < limit && isWordCharAt(text, j)) {
        i = j;
        continue;
      }
    }
    break;
  }
  return i;
}

function isWordCharAt(text: string, i: number): boolean {
  const code = text.codePointAt(i);
  return code !== undefined && WORD_CHAR.test(String.fromCodePoint(code));
}

/** The character before `i`, or the whole astral code point when `i` follows a surrogate pair. */
function charBefore(text: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) return text.slice(i - 2, i);
  return text[i - 1];
}

interface RawMention {
  key: string;
  /** Offset of the key's first character. */
  offset: number;
  form: CitationForm;
  suppressAuthor: boolean;
}

interface BracketFrame {
  open: number;
  semicolons: number[];
  mentions: RawMention[];
}

/** The characters scanPandoc acts on; it jumps over everything else. */
const PANDOC_SPECIAL = /[\n\r\\`<[\];@]/g;
const AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>/y;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]\n\r]+\]:[ \t]/;

function isLineStart(text: string, i: number): boolean {
  return i === 0 || text[i - 1] === '\n' || text[i - 1] === '\r';
}

/** The offset of the next line break at or after `i`, or the text's length. */
function lineBreakFrom(text: string, i: number, limit: number): number {
  for (let j = i; j < limit; j++) {
    const ch = text[j];
    if (ch === '\n' || ch === '\r') return j;
  }
  return limit;
}

/** Whether a blank line starts right after the line break at `i`. */
function blankLineFollows(text: string, breakAt: number): boolean {
  let j = text.charCodeAt(breakAt) === 13 && text.charCodeAt(breakAt + 1) === 10 ? breakAt + 2 : breakAt + 1;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === 10 || code === 13) return true;
    if (code !== 32 && code !== 9) return false;
    j++;
  }
  return true;
}

/**
 * Scans `text[from, to)` as markdown inline text (a paragraph, or a comment's text) and pushes the
 * pandoc citations it holds. Skips code spans, HTML comments, autolinks, link destinations,
 * reference definitions and backslash-escaped characters. `bare` says whether in-text `@key`
 * mentions count. Brackets and code spans never run past a blank line.
 */
function scanPandoc(text: string, from: number, to: number, bare: boolean, out: RawMention[]): void {
  const stack: BracketFrame[] = [];
  const unclosedUntil = new Map<number, number>();
  let i = from;
  while (i < to) {
    PANDOC_SPECIAL.lastIndex = i;
    const special = PANDOC_SPECIAL.exec(text);
    if (!special || special.index >= to) break;
    i = special.index;
    const ch = text[i];
    if (ch === '\n' || ch === '\r') {
      if (blankLineFollows(text, i)) {
        // A paragraph ends: brackets still open were no citations, their keys are in-text ones.
        if (bare) for (const frame of stack) out.push(...frame.mentions);
        stack.length = 0;
        unclosedUntil.clear();
      }
      i++;
      continue;
    }
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '`') {
      let run = 1;
      while (text[i + run] === '`') run++;
      // A run with no closing run of its length before the paragraph ends is literal text; remember
      // that, so that many such runs in one paragraph cost linear time, not quadratic.
      const known = unclosedUntil.get(run);
      let close: number | undefined;
      if (known === undefined || known <= i) {
        close = codeSpanClose(text, i + run, to, run);
        if (close === undefined) unclosedUntil.set(run, paragraphEnd(text, i, to));
      }
      i = close ?? i + run;
      continue;
    }
    if (ch === '<') {
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        i = end < 0 || end + 3 > to ? to : end + 3;
        continue;
      }
      AUTOLINK.lastIndex = i;
      const autolink = AUTOLINK.exec(text);
      if (autolink && i + autolink[0].length <= to) {
        i += autolink[0].length;
        continue;
      }
      i++;
      continue;
    }
    if (ch === '[') {
      if (isLineStart(text, i - countLeadingSpaces(text, i)) && REFERENCE_DEFINITION.test(text.slice(lineStartOf(text, i), Math.min(to, i + 1024)))) {
        i = lineBreakFrom(text, i, to);
        continue;
      }
      // `![alt](src)` is an image, whose alt text is no citation bracket (its mentions stay bare).
      stack.push({ open: text[i - 1] === '!' ? -1 : i, semicolons: [], mentions: [] });
      i++;
      continue;
    }
    if (ch === ';' && stack.length > 0) {
      stack[stack.length - 1].semicolons.push(i);
      i++;
      continue;
    }
    if (ch === ']') {
      const frame = stack.pop();
      const isLink = text[i + 1] === '(';
      if (frame) closeBracket(frame, i, isLink, bare, out, stack);
      i++;
      if (isLink) i = linkDestinationEnd(text, i, to);
      continue;
    }
    if (ch === '@') {
      const mention = pandocMentionAt(text, i, to);
      if (mention) {
        if (stack.length > 0) stack[stack.length - 1].mentions.push(mention.raw);
        else if (bare) out.push(mention.raw);
        i = mention.next;
        continue;
      }
    }
    i++;
  }
  // Brackets left open at the end are no citations; their mentions are in-text ones.
  for (const frame of stack) if (bare) out.push(...frame.mentions);
}

function countLeadingSpaces(text: string, i: number): number {
  let n = 0;
  while (n < 4 && text[i - n - 1] === ' ') n++;
  return n;
}

function lineStartOf(text: string, i: number): number {
  let j = i;
  while (j > 0 && text[j - 1] !== '\n' && text[j - 1] !== '\r') j--;
  return j;
}

/** The offset after the closing backtick run of a code span, or undefined when it does not close. */
function codeSpanClose(text: string, from: number, to: number, run: number): number | undefined {
  let j = from;
  while (j < to) {
    const ch = text[j];
    if ((ch === '\n' || ch === '\r') && blankLineFollows(text, j)) return undefined;
    if (ch === '`') {
      let n = 1;
      while (text[j + n] === '`') n++;
      if (n === run) return j + n;
      j += n;
      continue;
    }
    j++;
  }
  return undefined;
}

/** The offset of the line break that starts the next blank line at or after `i`, or `to`. */
function paragraphEnd(text: string, i: number, to: number): number {
  for (let j = i; j < to; j++) {
    const ch = text[j];
    if ((ch === '\n' || ch === '\r') && blankLineFollows(text, j)) return j;
  }
  return to;
}

/** The offset after a link destination `(...)` starting at `i`, with balanced parentheses. */
function linkDestinationEnd(text: string, i: number, to: number): number {
  let depth = 0;
  for (let j = i; j < to; j++) {
    const ch = text[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if ((ch === '\n' || ch === '\r') && blankLineFollows(text, j)) return j;
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return to;
}

/**
 * Decides whether a closed bracket is a pandoc citation: every `;`-separated part holds a key, and
 * it is no link (`[text](url)`). Its mentions are `bracketed` if so; otherwise they are in-text
 * mentions of the enclosing bracket (or bare ones at the top level), as pandoc reads them.
 */
function closeBracket(frame: BracketFrame, close: number, isLink: boolean, bare: boolean, out: RawMention[], stack: BracketFrame[]): void {
  if (frame.mentions.length === 0) return;
  let valid = frame.open >= 0 && !isLink;
  if (valid) {
    // Mentions and semicolons are both in offset order: walk them together, each part needs a key.
    let m = 0;
    for (let b = 0; b <= frame.semicolons.length && valid; b++) {
      const partEnd = b < frame.semicolons.length ? frame.semicolons[b] : close;
      if (m < frame.mentions.length && frame.mentions[m].offset < partEnd) {
        while (m < frame.mentions.length && frame.mentions[m].offset < partEnd) m++;
      } else {
        valid = false;
      }
    }
  }
  if (valid) {
    for (const mention of frame.mentions) out.push({ ...mention, form: 'bracketed' });
  } else if (stack.length > 0) {
    stack[stack.length - 1].mentions.push(...frame.mentions);
  } else if (bare) {
    out.push(...frame.mentions);
  }
}

/** A pandoc citation key at the `@` at offset `at`, if one stands there. */
function pandocMentionAt(text: string, at: number, to: number): { raw: RawMention; next: number } | undefined {
  let before = charBefore(text, at);
  let suppressAuthor = false;
  if (before === '-') {
    suppressAuthor = true;
    before = charBefore(text, at - 1);
  }
  // `me@example.org` is an e-mail address, and `\@` an escaped at sign.
  if (isWordChar(before) || before === '\\') return undefined;
  if (suppressAuthor && before === '-') return undefined;
  if (text[at + 1] === '{') {
    // Pandoc's braced form `@{https://doi.org/...}`: any characters but spaces, braces balanced.
    let depth = 0;
    for (let j = at + 1; j < to; j++) {
      const ch = text[j];
      if (/\s/.test(ch)) return undefined;
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (depth === 0) {
          const key = text.slice(at + 2, j);
          if (key === '') return undefined;
          return { raw: { key, offset: at + 2, form: 'bare', suppressAuthor }, next: j + 1 };
        }
      }
    }
    return undefined;
  }
  if (!isWordCharAt(text, at + 1)) return undefined;
  const end = pandocKeyEnd(text, at + 1, to);
  return { raw: { key: text.slice(at + 1, end), offset: at + 1, form: 'bare', suppressAuthor }, next: end };
}

const FENCE_OPEN = /^[ \t>]*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?(`{3,}|~{3,})(.*)$/;

/** Markdown: the fenced code blocks' line ranges are skipped, the rest is scanned paragraph-wise. */
function scanMarkdown(text: string, lines: LineMap, out: RawMention[]): void {
  let segmentStart = 0;
  let line = 0;
  while (line < lines.lineCount) {
    const start = lines.lineStart(line);
    const lineText = text.slice(start, lines.lineEnd(line));
    const open = FENCE_OPEN.exec(lineText);
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) {
      scanPandoc(text, segmentStart, start, true, out);
      const fenceChar = open[1][0];
      const fenceLength = open[1].length;
      let closeLine = line + 1;
      for (; closeLine < lines.lineCount; closeLine++) {
        const candidate = text.slice(lines.lineStart(closeLine), lines.lineEnd(closeLine));
        const close = /^[ \t>]*(`{3,}|~{3,})[ \t]*$/.exec(candidate);
        if (close && close[1][0] === fenceChar && close[1].length >= fenceLength) break;
      }
      line = closeLine + 1;
      segmentStart = line < lines.lineCount ? lines.lineStart(line) : text.length;
      continue;
    }
    line++;
  }
  scanPandoc(text, segmentStart, text.length, true, out);
}

/** The comment regions of source code, as [start, end) offsets, in order. */
function commentRegions(text: string, syntax: Extract<CitationSyntax, { kind: 'code' }>): [number, number][] {
  const regions: [number, number][] = [];
  const lineTokens = syntax.lineComments.filter((token) => token !== '');
  const blocks = (syntax.blockComments ?? []).filter(([open, close]) => open !== '' && close !== '');
  const quotes = syntax.quotes ?? [];
  const tokens = [...blocks.map(([open]) => open), ...lineTokens, ...quotes];
  if (tokens.length === 0) return regions;
  // Jump from one possible token start to the next: the loop below then looks at that spot only.
  const next = new RegExp(tokens.map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  let i = 0;
  const n = text.length;
  outer: while (i < n) {
    next.lastIndex = i;
    const found = next.exec(text);
    if (!found) break;
    i = found.index;
    for (const [open, close] of blocks) {
      if (text.startsWith(open, i)) {
        const end = text.indexOf(close, i + open.length);
        const stop = end < 0 ? n : end;
        regions.push([i + open.length, stop]);
        i = end < 0 ? n : end + close.length;
        continue outer;
      }
    }
    for (const token of lineTokens) {
      if (text.startsWith(token, i)) {
        const end = lineBreakFrom(text, i + token.length, n);
        regions.push([i + token.length, end]);
        i = end;
        continue outer;
      }
    }
    const ch = text[i];
    if (quotes.includes(ch)) {
      let j = i + 1;
      while (j < n && text[j] !== ch && text[j] !== '\n' && text[j] !== '\r') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    i++;
  }
  return regions;
}

const LATEX_COMMAND = /\\([A-Za-z]+)\*?/y;

/** The offset just after a LaTeX `%` comment's line, if `%` at `i` starts one. */
function latexMasks(text: string): boolean[] | undefined {
  if (!text.includes('%') && !text.includes('\\begin{') && !text.includes('\\verb')) return undefined;
  const masked: boolean[] = new Array(text.length).fill(false);
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      const verbatim = /^\\begin\{(verbatim|Verbatim|lstlisting|minted|comment)\*?\}/.exec(text.slice(i, i + 40));
      if (verbatim) {
        const endToken = `\\end{${verbatim[1]}`;
        const end = text.indexOf(endToken, i + verbatim[0].length);
        const stop = end < 0 ? text.length : end;
        for (let j = i; j < stop; j++) masked[j] = true;
        i = stop;
        continue;
      }
      const verb = /^\\verb\*?([^A-Za-z\s*])/.exec(text.slice(i, i + 8));
      if (verb) {
        const end = text.indexOf(verb[1], i + verb[0].length);
        const stop = end < 0 ? lineBreakFrom(text, i, text.length) : end + 1;
        for (let j = i; j < stop; j++) masked[j] = true;
        i = stop;
        continue;
      }
      i += 2;
      continue;
    }
    if (ch === '%') {
      const end = lineBreakFrom(text, i, text.length);
      for (let j = i; j < end; j++) masked[j] = true;
      i = end;
      continue;
    }
    i++;
  }
  return masked;
}

/** LaTeX: `\cite[pre][post]{a, b}` and friends; `%` comments and verbatim text are skipped. */
function scanLatex(text: string, out: RawMention[]): void {
  const masked = latexMasks(text);
  let i = text.indexOf('\\');
  while (i >= 0 && i < text.length) {
    if (masked?.[i]) {
      i = text.indexOf('\\', i + 1);
      continue;
    }
    LATEX_COMMAND.lastIndex = i;
    const command = LATEX_COMMAND.exec(text);
    if (!command) {
      i = text.indexOf('\\', i + 2);
      continue;
    }
    let j = i + command[0].length;
    if (!LATEX_CITE_SET.has(command[1])) {
      i = text.indexOf('\\', j);
      continue;
    }
    // Up to two optional arguments (`[p.~3]`, `[see][]`), with spaces and comments around them.
    for (let optional = 0; optional < 2; optional++) {
      const k = skipLatexSpace(text, j, masked);
      if (text[k] !== '[') break;
      const close = text.indexOf(']', k);
      if (close < 0) break;
      j = close + 1;
    }
    j = skipLatexSpace(text, j, masked);
    if (text[j] !== '{') {
      i = text.indexOf('\\', i + 1);
      continue;
    }
    let k = j + 1;
    let keyStart = k;
    while (k <= text.length) {
      const ch = text[k];
      if (k === text.length || ch === ',' || ch === '}' || masked?.[k]) {
        pushLatexKey(text, keyStart, k, out);
        if (k === text.length || ch === '}') break;
        if (masked?.[k]) {
          k = lineBreakFrom(text, k, text.length);
          keyStart = k;
          continue;
        }
        keyStart = k + 1;
      } else if (ch === '{' || ch === '\\') {
        // Not a key list after all (`\cite{\foo{x}}`): give up on this command.
        break;
      }
      k++;
    }
    i = text.indexOf('\\', k);
  }
}

function skipLatexSpace(text: string, from: number, masked: boolean[] | undefined): number {
  let j = from;
  while (j < text.length && (/\s/.test(text[j]) || masked?.[j])) j++;
  return j;
}

function pushLatexKey(text: string, from: number, to: number, out: RawMention[]): void {
  const raw = text.slice(from, to);
  const key = raw.trim();
  // `\nocite{*}` cites everything, which is no key; a key never holds spaces.
  if (key === '' || key === '*' || /[\s"#'(),={}%~\\]/.test(key)) return;
  out.push({ key, offset: from + raw.indexOf(key), form: 'latex', suppressAuthor: false });
}

/**
 * Every citation mention in `text`, in document order, with the exact range of each key.
 *
 * - `markdown`: pandoc citations, bracketed (`[@doe99; @smith2000]`, `[see @doe99, pp. 33-35]`,
 *   `[-@doe99]`) and in-text (`@doe99`, `@doe99 [p. 33]`), and the braced form `@{key}`. Keys
 *   follow pandoc's grammar: a letter, digit or `_`, then alphanumerics and `_` with single
 *   internal punctuation among `:.#$%&-+?<>~/`. Not a mention: e-mail addresses (`@` right after a
 *   letter or digit), `\@`, anything inside code spans, fenced code blocks, HTML comments,
 *   autolinks, link destinations and reference definitions. A bracket that is a link
 *   (`[text](url)`) or has a `;`-part without a key is no citation bracket; its keys are in-text.
 *   Indented code blocks are not recognised (they are rare beside fences and cannot be told from
 *   list continuations without a full parser).
 * - `latex`: the keys of {@link LATEX_CITE_COMMANDS} (optionally starred) with up to two optional
 *   `[...]` arguments and comma-separated keys, spanning lines if need be; `%` comments and
 *   verbatim environments / `\verb` are skipped; `\nocite{*}` yields nothing.
 * - `code`: only bracketed pandoc citations, and only inside comments (line comments from the
 *   given tokens to the end of the line, and block comments); string literals with the given
 *   quote characters are skipped so that `"http://..."` starts no comment.
 *
 * Never throws; malformed input yields fewer mentions, never wrong ranges.
 */
export function scanCitations(text: string, syntax: CitationSyntax): CitationMention[] {
  const raw: RawMention[] = [];
  const lines = new LineMap(text);
  switch (syntax.kind) {
    case 'markdown':
      scanMarkdown(text, lines, raw);
      break;
    case 'latex':
      scanLatex(text, raw);
      break;
    case 'code':
      for (const [start, end] of commentRegions(text, syntax)) scanPandoc(text, start, end, false, raw);
      break;
    default:
      return assertNeverSyntax(syntax);
  }
  raw.sort((a, b) => a.offset - b.offset);
  return raw.map((mention) => {
    const { line, character } = lines.position(mention.offset);
    return {
      key: mention.key,
      line,
      start: character,
      end: character + mention.key.length,
      form: mention.form,
      suppressAuthor: mention.suppressAuthor,
    };
  });
}

function assertNeverSyntax(value: never): never {
  throw new Error(`Unknown citation syntax ${JSON.stringify(value)}`);
}

/**
 * The mention whose key contains the position, or touches it at its end (a cursor right after a
 * key still "stands on" it, as VS Code's word ranges do).
 */
export function mentionAt(mentions: readonly CitationMention[], line: number, character: number): CitationMention | undefined {
  return mentions.find((m) => m.line === line && m.start <= character && character <= m.end);
}

/** Where the cursor stands in a citation being typed: what completion should replace. */
export interface CitationCompletionContext {
  /** `pandoc` for `[@...]` (markdown and comments), `latex` for `\cite{...}`. */
  readonly kind: 'pandoc' | 'latex';
  /** 0-based line of the cursor. */
  readonly line: number;
  /** Start of the partial key (after `@`, or where the key will go when `needsAt`). */
  readonly start: number;
  /** End of the key under the cursor, past the cursor when the cursor is inside a key. */
  readonly end: number;
  /** The part of the key typed before the cursor. */
  readonly prefix: string;
  /** True after `;` in a pandoc bracket without `@` yet: the inserted text must bring its `@`. */
  readonly needsAt: boolean;
  /** Keys already cited in the same bracket or command (completion may rank them last). */
  readonly siblings: readonly string[];
}

/**
 * Whether the cursor at (`line`, `character`) stands where a citation key is being typed:
 * - markdown and code comments: after `[@`, after `@` or `;` inside a pandoc bracket opened on the
 *   same line (`[@a; @|`, `[@a; |`, `[see @|`); not after a bare `@` outside brackets, not in
 *   code spans or fenced code, and in code only inside a comment;
 * - LaTeX: inside the braces of a {@link LATEX_CITE_COMMANDS} command, after `{` or `,`, not in a
 *   `%` comment.
 * Returns undefined everywhere else.
 */
export function citationContextAt(text: string, line: number, character: number, syntax: CitationSyntax): CitationCompletionContext | undefined {
  const lines = new LineMap(text);
  if (line < 0 || line >= lines.lineCount) return undefined;
  const lineStart = lines.lineStart(line);
  const lineEnd = lines.lineEnd(line);
  const cursor = lines.offset(line, character);
  if (syntax.kind === 'latex') return latexContext(text, lineStart, lineEnd, cursor, line);

  let from = lineStart;
  if (syntax.kind === 'markdown') {
    if (insideFence(text, lines, line) || insideCodeSpan(text, lineStart, cursor)) return undefined;
  } else {
    const region = commentRegions(text.slice(0, lineEnd), syntax).find(([start, end]) => start <= cursor && cursor <= end);
    if (!region) return undefined;
    from = Math.max(region[0], lineStart);
  }
  const before = text.slice(from, cursor);
  const open = before.lastIndexOf('[');
  if (open < 0 || before.indexOf(']', open) >= 0) return undefined;
  const inside = before.slice(open + 1);
  const afterOpen = from + open + 1;

  let keyStart = cursor;
  while (keyStart > afterOpen && PARTIAL_KEY_CHAR.test(text[keyStart - 1])) keyStart--;
  let keyEnd = cursor;
  while (keyEnd < lineEnd && PARTIAL_KEY_CHAR.test(text[keyEnd])) keyEnd++;
  const prefix = text.slice(keyStart, cursor);
  const siblingsOf = (): string[] =>
    scanCitations(`[${inside}]`, { kind: 'markdown' })
      .map((m) => m.key)
      .filter((key) => key !== prefix);

  const at = text[keyStart - 1];
  if (at === '@' && keyStart - 1 >= afterOpen) {
    const beforeAt = keyStart - 2 >= afterOpen ? text[keyStart - 2] : ' ';
    if (beforeAt !== '-' && beforeAt !== '[' && !/\s|;/.test(beforeAt)) return undefined;
    return { kind: 'pandoc', line, start: keyStart - lineStart, end: keyEnd - lineStart, prefix, needsAt: false, siblings: siblingsOf() };
  }
  // After `;` (and spaces) in a bracket that already cites something: `[@a; |`.
  let k = keyStart;
  while (k > afterOpen && (text[k - 1] === ' ' || text[k - 1] === '\t')) k--;
  if (k > afterOpen && text[k - 1] === ';' && /@/.test(inside) && (prefix === '' || WORD_CHAR.test(prefix[0]))) {
    return { kind: 'pandoc', line, start: keyStart - lineStart, end: keyEnd - lineStart, prefix, needsAt: true, siblings: siblingsOf() };
  }
  return undefined;
}

function insideFence(text: string, lines: LineMap, line: number): boolean {
  let fence: { char: string; length: number } | undefined;
  for (let l = 0; l < line; l++) {
    const lineText = text.slice(lines.lineStart(l), lines.lineEnd(l));
    if (fence) {
      const close = /^[ \t>]*(`{3,}|~{3,})[ \t]*$/.exec(lineText);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = undefined;
      continue;
    }
    const open = FENCE_OPEN.exec(lineText);
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) fence = { char: open[1][0], length: open[1].length };
  }
  if (fence) return true;
  // The fence line itself is no place for a citation either.
  return FENCE_OPEN.test(text.slice(lines.lineStart(line), lines.lineEnd(line)));
}

/** Whether an odd number of backtick runs precede the cursor on its line (an open code span). */
function insideCodeSpan(text: string, lineStart: number, cursor: number): boolean {
  const before = text.slice(lineStart, cursor);
  const runs = before.match(/`+/g) ?? [];
  let open: string | undefined;
  for (const run of runs) {
    if (open === undefined) open = run;
    else if (run === open) open = undefined;
  }
  return open !== undefined;
}

const LATEX_CONTEXT = new RegExp(String.raw`\\(${LATEX_CITE_COMMANDS.join('|')})\*?(?:\s*\[[^\]]*\]){0,2}\s*\{([^{}\\]*)$`);

function latexContext(text: string, lineStart: number, lineEnd: number, cursor: number, line: number): CitationCompletionContext | undefined {
  const before = text.slice(lineStart, cursor);
  const comment = /(^|[^\\])(\\\\)*%/.exec(before);
  if (comment) return undefined;
  const match = LATEX_CONTEXT.exec(before);
  if (!match) return undefined;
  const list = match[2];
  const lastComma = list.lastIndexOf(',');
  const typed = list.slice(lastComma + 1);
  const prefix = typed.trimStart();
  const start = cursor - prefix.length;
  let end = cursor;
  while (end < lineEnd && !/[\s,}]/.test(text[end])) end++;
  const siblings = list
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '' && key !== prefix);
  return { kind: 'latex', line, start: start - lineStart, end: end - lineStart, prefix, needsAt: false, siblings };
}

/** Code languages' comment syntax, by VS Code language id. */
const C_LIKE = { lineComments: ['//'], blockComments: [['/*', '*/']] as [string, string][], quotes: ['"', "'", '`'] };
const HASH = { lineComments: ['#'], quotes: ['"', "'"] };
const CODE_LANGUAGES: Readonly<Record<string, Omit<Extract<CitationSyntax, { kind: 'code' }>, 'kind'>>> = {
  javascript: C_LIKE,
  javascriptreact: C_LIKE,
  typescript: C_LIKE,
  typescriptreact: C_LIKE,
  java: C_LIKE,
  c: C_LIKE,
  cpp: C_LIKE,
  'cuda-cpp': C_LIKE,
  csharp: C_LIKE,
  go: C_LIKE,
  rust: { lineComments: ['//'], blockComments: [['/*', '*/']], quotes: ['"'] },
  swift: C_LIKE,
  kotlin: C_LIKE,
  scala: C_LIKE,
  dart: C_LIKE,
  php: { lineComments: ['//', '#'], blockComments: [['/*', '*/']], quotes: ['"', "'"] },
  'objective-c': C_LIKE,
  'objective-cpp': C_LIKE,
  groovy: C_LIKE,
  jsonc: { lineComments: ['//'], blockComments: [['/*', '*/']], quotes: ['"'] },
  css: { lineComments: [], blockComments: [['/*', '*/']], quotes: ['"', "'"] },
  scss: C_LIKE,
  less: C_LIKE,
  python: {
    lineComments: ['#'],
    blockComments: [
      ['"""', '"""'],
      ["'''", "'''"],
    ],
    quotes: ['"', "'"],
  },
  shellscript: HASH,
  r: HASH,
  ruby: HASH,
  perl: HASH,
  powershell: { lineComments: ['#'], blockComments: [['<#', '#>']], quotes: ['"', "'"] },
  yaml: HASH,
  toml: HASH,
  makefile: { lineComments: ['#'] },
  dockerfile: { lineComments: ['#'] },
  julia: { lineComments: ['#'], blockComments: [['#=', '=#']], quotes: ['"'] },
  nix: { lineComments: ['#'], blockComments: [['/*', '*/']], quotes: ['"'] },
  elixir: HASH,
  coffeescript: HASH,
  lua: { lineComments: ['--'], blockComments: [['--[[', ']]']], quotes: ['"', "'"] },
  sql: { lineComments: ['--'], blockComments: [['/*', '*/']], quotes: ["'"] },
  haskell: { lineComments: ['--'], blockComments: [['{-', '-}']], quotes: ['"'] },
  elm: { lineComments: ['--'], blockComments: [['{-', '-}']], quotes: ['"'] },
  matlab: { lineComments: ['%'], blockComments: [['%{', '%}']], quotes: ['"'] },
  octave: { lineComments: ['%', '#'], quotes: ['"'] },
  erlang: { lineComments: ['%'], quotes: ['"'] },
  fortran: { lineComments: ['!'], quotes: ['"', "'"] },
  'fortran-modern': { lineComments: ['!'], quotes: ['"', "'"] },
  clojure: { lineComments: [';'], quotes: ['"'] },
  lisp: { lineComments: [';'], quotes: ['"'] },
  scheme: { lineComments: [';'], quotes: ['"'] },
  ocaml: { lineComments: [], blockComments: [['(*', '*)']], quotes: ['"'] },
  fsharp: { lineComments: ['//'], blockComments: [['(*', '*)']], quotes: ['"'] },
  vb: { lineComments: ["'"], quotes: ['"'] },
  bat: { lineComments: ['REM ', 'rem ', '::'] },
  html: { lineComments: [], blockComments: [['<!--', '-->']] },
  xml: { lineComments: [], blockComments: [['<!--', '-->']] },
  zig: { lineComments: ['//'], quotes: ['"'] },
  vue: {
    lineComments: ['//'],
    blockComments: [
      ['/*', '*/'],
      ['<!--', '-->'],
    ],
    quotes: ['"', "'", '`'],
  },
  svelte: {
    lineComments: ['//'],
    blockComments: [
      ['/*', '*/'],
      ['<!--', '-->'],
    ],
    quotes: ['"', "'", '`'],
  },
};

const MARKDOWN_LANGUAGES = new Set(['markdown', 'quarto', 'rmd', 'mdx', 'pandoc']);
const LATEX_LANGUAGES = new Set(['latex', 'tex', 'bibtex-style', 'context', 'doctex', 'latex-expl3', 'rsweave']);

/** The line-comment token Insert Citation writes for a code language (the first line token). */
export function lineCommentToken(languageId: string): string | undefined {
  const code = CODE_LANGUAGES[languageId];
  if (!code) return undefined;
  return code.lineComments[0];
}

/**
 * How to read a document of a VS Code language id: markdown (also Quarto, R Markdown, MDX),
 * LaTeX, a code language from a built-in table of common languages, or undefined for a language
 * Marginalia does not scan (plain text, JSON, ...).
 */
export function citationSyntaxForLanguage(languageId: string): CitationSyntax | undefined {
  if (MARKDOWN_LANGUAGES.has(languageId)) return { kind: 'markdown' };
  if (LATEX_LANGUAGES.has(languageId)) return { kind: 'latex' };
  const code = CODE_LANGUAGES[languageId];
  return code ? { kind: 'code', ...code } : undefined;
}

const EXTENSION_LANGUAGES: Readonly<Record<string, string>> = {
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  mkd: 'markdown',
  qmd: 'quarto',
  rmd: 'rmd',
  mdx: 'mdx',
  tex: 'latex',
  ltx: 'latex',
  latex: 'latex',
  sty: 'latex',
  cls: 'latex',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascriptreact',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescriptreact',
  java: 'java',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  hxx: 'cpp',
  cu: 'cuda-cpp',
  cuh: 'cuda-cpp',
  cs: 'csharp',
  go: 'go',
  rs: 'rust',
  swift: 'swift',
  kt: 'kotlin',
  kts: 'kotlin',
  scala: 'scala',
  dart: 'dart',
  php: 'php',
  m: 'objective-c',
  mm: 'objective-cpp',
  groovy: 'groovy',
  gradle: 'groovy',
  css: 'css',
  scss: 'scss',
  less: 'less',
  py: 'python',
  pyi: 'python',
  pyw: 'python',
  sh: 'shellscript',
  bash: 'shellscript',
  zsh: 'shellscript',
  r: 'r',
  rb: 'ruby',
  pl: 'perl',
  pm: 'perl',
  ps1: 'powershell',
  yml: 'yaml',
  yaml: 'yaml',
  toml: 'toml',
  jl: 'julia',
  nix: 'nix',
  ex: 'elixir',
  exs: 'elixir',
  coffee: 'coffeescript',
  lua: 'lua',
  sql: 'sql',
  hs: 'haskell',
  elm: 'elm',
  erl: 'erlang',
  f90: 'fortran-modern',
  f95: 'fortran-modern',
  f: 'fortran',
  clj: 'clojure',
  cljs: 'clojure',
  lisp: 'lisp',
  el: 'lisp',
  scm: 'scheme',
  ml: 'ocaml',
  mli: 'ocaml',
  fs: 'fsharp',
  fsx: 'fsharp',
  vb: 'vb',
  zig: 'zig',
  vue: 'vue',
  svelte: 'svelte',
  html: 'html',
  htm: 'html',
  xml: 'xml',
};
const FILE_NAME_LANGUAGES: Readonly<Record<string, string>> = { makefile: 'makefile', dockerfile: 'dockerfile' };

/** The VS Code language id Marginalia assumes for a file name (by extension), if it scans such files. */
export function languageForFileName(fileName: string): string | undefined {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const byName = FILE_NAME_LANGUAGES[base.toLowerCase()];
  if (byName) return byName;
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return EXTENSION_LANGUAGES[base.slice(dot + 1).toLowerCase()];
}

/** How to read a file, from its name: {@link citationSyntaxForLanguage} of {@link languageForFileName}. */
export function citationSyntaxForFileName(fileName: string): CitationSyntax | undefined {
  const language = languageForFileName(fileName);
  return language ? citationSyntaxForLanguage(language) : undefined;
}

/** The file extensions (lower case, without dot) whose files {@link citationSyntaxForFileName} reads. */
export const CITABLE_FILE_EXTENSIONS: readonly string[] = Object.keys(EXTENSION_LANGUAGES);

/** Every VS Code language id whose documents Marginalia reads citations in. */
export const CITABLE_LANGUAGES: readonly string[] = [...MARKDOWN_LANGUAGES, ...LATEX_LANGUAGES, ...Object.keys(CODE_LANGUAGES)];

/**
 * Whether the position stands inside a comment of a code document (for `code` syntax; always
 * false for markdown and LaTeX). Insert Citation writes a bare `[@key]` there instead of a new
 * comment.
 */
export function isInsideComment(text: string, line: number, character: number, syntax: CitationSyntax): boolean {
  if (syntax.kind !== 'code') return false;
  const lines = new LineMap(text);
  if (line < 0 || line >= lines.lineCount) return false;
  const offset = lines.offset(line, character);
  return commentRegions(text.slice(0, lines.lineEnd(line)), syntax).some(([start, end]) => start <= offset && offset <= end);
}
