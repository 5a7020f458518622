/** Small text helpers shared by the parser, the library and the key generator. */

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

/** Month number (1-12) for an English month name or its abbreviation, case-insensitive; null otherwise. */
export function monthNumber(name: string): number | null {
  return MONTHS[name.toLowerCase().replace(/\.$/, '')] ?? null;
}

/** True when `day` exists in `month` (leap days allowed, since the year may be unknown). */
export function isValidDay(month: number, day: number): boolean {
  const lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return month >= 1 && month <= 12 && day >= 1 && day <= lengths[month - 1];
}

/**
 * The identity of a title for recognising the same paper across digests: Unicode-normalised,
 * case-folded, with every character that is not a letter or a digit removed. A title with no letter
 * or digit at all (emoji only) is identified by its characters other than white space instead, so that
 * it is still one paper and not the same paper as every other such title. Empty only for an empty title.
 */
export function titleIdentity(title: string): string {
  // Most titles are ASCII, which NFKC leaves as it is and whose letters and digits are [a-z0-9]
  // once lower-cased: a plain regex, quicker than normalising and a Unicode one (100,000 papers are
  // identified on every load).
  if (ASCII.test(title)) {
    const identity = title.toLowerCase().replace(NOT_ASCII_ALNUM, '');
    if (identity !== '') return identity;
  }
  const normalised = title.normalize('NFKC');
  const identity = normalised.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return identity || normalised.replace(/[\s\u200b\u2060\ufeff]+/gu, '');
}

const ASCII = /^[^\u0080-\uffff]*$/;
const NOT_ASCII_ALNUM = /[^a-z0-9]+/g;

/** Collapses runs of white space (including no-break and zero-width spaces) into one space and trims. */
export function collapseSpaces(text: string): string {
  // Most text has single spaces only; testing first avoids copying megabytes of abstracts.
  if (!NEEDS_COLLAPSE.test(text)) return text;
  return text.replace(SPACE_RUNS, ' ').trim();
}

const SPACE_RUNS = /[\s\u00a0\u200b\u2060\ufeff]+/g;
// Two spaces in a row, any white space other than a plain space, or a space at either end.
const NEEDS_COLLAPSE = /[^\S ]|[\u200b\u2060\ufeff]| {2}|^ | $/;

/**
 * The text on one line (white space runs become one space), cut to at most `max` characters plus
 * an ellipsis: at the last word boundary when that keeps more than six tenths of it, else mid-word.
 */
export function trimAtWord(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
