/**
 * Where the math is in digest text. Titles and abstracts carry LaTeX the way arXiv authors write it:
 * `$\texttt{SAILOR}$`, `\(ABCD \rightarrow D\)`, `$$ \sum_i x_i $$`, next to prices (`$0.031 each`)
 * that are no math at all. The rules follow pandoc's `tex_math_dollars`, which readers of these
 * papers already know:
 *
 * - `$...$` is inline math when the opening `$` has a non-space character right after it, the next
 *   `$` has a non-space character right before it and no digit right after it. When that next `$`
 *   fails the test, the opening `$` is a plain dollar sign (so `$5 and $10` stays text);
 * - `$$...$$` is display math, up to the next `$$`;
 * - `\(...\)` is inline math, up to the next `\)`;
 * - `\$` is an escaped dollar sign and never opens or closes math;
 * - no formula spans a blank line or is longer than {@link MAX_FORMULA_CHARS}, and an empty one is
 *   text: a stray delimiter never swallows the rest of an abstract.
 */

/** A run of digest text: either plain text, or a formula with its TeX source and its delimiters. */
export type MathSegment =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'math';
      /** The TeX between the delimiters, as written. */
      readonly tex: string;
      /** True for `$$...$$` (a display formula), false for `$...$` and `\(...\)`. */
      readonly display: boolean;
      /** The formula with its delimiters, exactly as written: what to show when it cannot be rendered. */
      readonly source: string;
    };

/** The longest formula taken as math; a longer "formula" is a stray delimiter and stays text. */
export const MAX_FORMULA_CHARS = 2000;

const BLANK_LINE = /\n[ \t\r]*\n/;

/** True when `text` may hold math, so that callers skip the split for the many titles without any. */
export function mayHoldMath(text: string): boolean {
  return text.includes('$') || text.includes('\\(');
}

/**
 * `text` cut into text and math segments, in order. Joining every segment's text (or source) gives
 * `text` back exactly. Text without a formula is one text segment (or none, when `text` is empty).
 */
export function splitMath(text: string): MathSegment[] {
  const segments: MathSegment[] = [];
  if (!mayHoldMath(text)) return text === '' ? segments : [{ kind: 'text', text }];
  let textStart = 0;
  let i = 0;
  const pushMath = (start: number, end: number, tex: string, display: boolean) => {
    if (start > textStart) segments.push({ kind: 'text', text: text.slice(textStart, start) });
    segments.push({ kind: 'math', tex, display, source: text.slice(start, end) });
    textStart = end;
    i = end;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      if (text[i + 1] === '(') {
        const close = text.indexOf('\\)', i + 2);
        if (close >= 0 && isFormula(text.slice(i + 2, close))) {
          pushMath(i, close + 2, text.slice(i + 2, close), false);
          continue;
        }
      }
      // A backslash and the character after it (`\$`, `\\`) go together as text.
      i += 2;
      continue;
    }
    if (ch !== '$') {
      i++;
      continue;
    }
    if (text[i + 1] === '$') {
      const close = findDollar(text, i + 2, true);
      if (close >= 0 && isFormula(text.slice(i + 2, close))) {
        pushMath(i, close + 2, text.slice(i + 2, close), true);
        continue;
      }
      // An empty pair (`$$ $$`) is text as a whole: its closing `$$` must not open the next formula.
      i = close >= 0 && text.slice(i + 2, close).trim() === '' ? close + 2 : i + 2;
      continue;
    }
    const close = findDollar(text, i + 1, false);
    if (close >= 0 && opensInline(text, i) && closesInline(text, close)) {
      const tex = text.slice(i + 1, close);
      if (isFormula(tex)) {
        pushMath(i, close + 1, tex, false);
        continue;
      }
    }
    i++;
  }
  if (textStart < text.length) segments.push({ kind: 'text', text: text.slice(textStart) });
  return segments;
}

/** The index of the next unescaped `$` (or `$$` when `double`) from `from`, or -1. */
function findDollar(text: string, from: number, double: boolean): number {
  for (let j = from; j < text.length && j - from <= MAX_FORMULA_CHARS; j++) {
    const ch = text[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '$') {
      if (!double) return j;
      if (text[j + 1] === '$') return j;
    }
  }
  return -1;
}

function opensInline(text: string, open: number): boolean {
  const next = text[open + 1];
  return next !== undefined && !/\s/.test(next);
}

function closesInline(text: string, close: number): boolean {
  return !/\s/.test(text[close - 1]) && !/[0-9]/.test(text[close + 1] ?? '');
}

function isFormula(tex: string): boolean {
  return tex.trim() !== '' && tex.length <= MAX_FORMULA_CHARS && !BLANK_LINE.test(tex);
}
