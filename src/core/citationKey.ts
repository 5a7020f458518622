/**
 * Readable citation keys made from a title, and the rules every key obeys.
 *
 * Digests carry no author names, so keys come from the title: the short name before a colon when
 * there is one ("PASTA: ..." -> `pasta`, "Video PreTraining (VPT): ..." -> `vpt`), otherwise the
 * first three significant words in camel case (`dataQualityImitation`), then the year when known.
 * Keys use only ASCII letters and digits, so they are valid as BibTeX keys and as pandoc citation
 * keys (`[@key]`) alike, and safe as file names.
 */

const STOPWORDS = new Set([
  'a', 'an', 'the', 'of', 'on', 'in', 'for', 'to', 'with', 'and', 'or', 'via', 'by', 'from', 'is',
  'are', 'at', 'as', 'into', 'onto', 'towards', 'toward', 'through', 'using', 'do', 'does', 'can',
  'we', 'you', 'your', 'our', 'its', 'it', 'be', 'not', 'how', 'what', 'when', 'why', 'which',
  'this', 'that', 'than', 'without', 'beyond', 'about', 'between', 'under', 'over', 'all',
]);

const MAX_WORDS = 3;
const MAX_STEM_LENGTH = 32;

/** A key as Marginalia writes it: ASCII letters and digits, starting with a letter or digit. */
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9]*$/;

/**
 * Pandoc's rule for a citation key (letters, digits and `_`, with single internal punctuation among
 * `:.#$%&-+?<>~/`), which also covers keys a user typed by hand in a note.
 */
export const PANDOC_KEY_PATTERN = /^[\p{L}\p{N}_](?:[:.#$%&\-+?<>~/]?[\p{L}\p{N}_])*$/u;

/** Splits a title into ASCII word tokens, folding accents ("Schrödinger" -> "Schrodinger"). */
function asciiWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

function camel(words: string[]): string {
  return words
    .map((word, index) => {
      const lower = word.toLowerCase();
      return index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

function significant(words: string[]): string[] {
  const kept = words.filter((word) => !STOPWORDS.has(word.toLowerCase()));
  return kept.length > 0 ? kept : words;
}

/**
 * The key stem for a title, without year or disambiguating suffix. Always matches KEY_PATTERN
 * ("paper" when the title has no ASCII letter or digit at all).
 */
export function keyStem(title: string): string {
  let words: string[] = [];
  const colon = title.indexOf(':');
  if (colon > 0 && colon <= 60) {
    const prefix = title.slice(0, colon);
    const acronym = /\(([A-Za-z][A-Za-z0-9-]{1,15})\)\s*$/.exec(prefix);
    if (acronym) {
      words = asciiWords(acronym[1]);
    } else {
      // A short name before the colon is the paper's name ("Game On: ..."), stop words included.
      const prefixWords = asciiWords(prefix);
      const shorter = significant(prefixWords);
      if (prefixWords.length > 0 && prefixWords.length <= MAX_WORDS) words = prefixWords;
      else if (shorter.length <= MAX_WORDS) words = shorter;
    }
  }
  if (words.length === 0) words = significant(asciiWords(title)).slice(0, MAX_WORDS);
  // Whole words only: drop trailing words rather than cut one in half.
  while (words.length > 1 && camel(words).length > MAX_STEM_LENGTH) words = words.slice(0, -1);
  const stem = camel(words).slice(0, MAX_STEM_LENGTH);
  return stem || 'paper';
}

/** The plain key for a title and year: `keyStem(title)` followed by the year when known. */
export function baseKey(title: string, year: number | null): string {
  return year === null ? keyStem(title) : `${keyStem(title)}${year}`;
}

/**
 * The n-th disambiguating suffix: 0 -> "a", 25 -> "z", 26 -> "aa", ... (as Better BibTeX does).
 */
export function keySuffix(n: number): string {
  let suffix = '';
  let rest = n;
  do {
    suffix = String.fromCharCode(97 + (rest % 26)) + suffix;
    rest = Math.floor(rest / 26) - 1;
  } while (rest >= 0);
  return suffix;
}

/**
 * The first key derived from `base` that is not taken: `base` itself, then `base` + "a", "b", ...
 * `taken` holds lower-cased keys, because BibTeX tools treat keys that differ only in case as one.
 */
export function uniqueKey(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 0; ; n++) {
    const candidate = base + keySuffix(n);
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}
