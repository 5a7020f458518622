/**
 * Readable citation keys made from a title, and the rules every key obeys.
 *
 * Digests carry no author names, so keys come from the title: the short name before a colon when
 * there is one ("PASTA: ..." -> `pasta`, "Video PreTraining (VPT): ..." -> `vpt`), otherwise the
 * first three significant words in camel case (`dataQualityImitation`). A key depends on the title
 * alone (see keyCandidates), so clones that read the same digests in any order agree on it. Keys use
 * only ASCII letters and digits, so they are valid as BibTeX keys and as pandoc citation keys
 * (`[@key]`) alike, and safe as file names on every platform.
 */
import { titleIdentity } from '../text';
import type { Paper } from '../types';

const STOPWORDS = new Set([
  'a',
  'an',
  'the',
  'of',
  'on',
  'in',
  'for',
  'to',
  'with',
  'and',
  'or',
  'via',
  'by',
  'from',
  'is',
  'are',
  'at',
  'as',
  'into',
  'onto',
  'towards',
  'toward',
  'through',
  'using',
  'do',
  'does',
  'can',
  'we',
  'you',
  'your',
  'our',
  'its',
  'it',
  'be',
  'not',
  'how',
  'what',
  'when',
  'why',
  'which',
  'this',
  'that',
  'than',
  'without',
  'beyond',
  'about',
  'between',
  'under',
  'over',
  'all',
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

/** Every key that names `paper`: its canonical key first, then its aliases (keys it had before a merge). */
export function keysOfPaper(paper: Pick<Paper, 'key' | 'aliases'>): string[] {
  return [paper.key, ...paper.aliases];
}

/**
 * The key stem for a title, without year or disambiguating suffix. Always matches KEY_PATTERN
 * ("paper" when the title has no ASCII letter or digit at all).
 */
export function keyStem(title: string): string {
  return stemParts(title).stem;
}

/** The stem, and the significant title words after the ones it took (for settling collisions). */
function stemParts(title: string): { stem: string; rest: string[] } {
  let words: string[] = [];
  let rest: string[] | null = null;
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
    // The words after the name, less any that repeat it ("PASTA: Pasta Is All You Need" -> need).
    const named = new Set(words.map((word) => word.toLowerCase()));
    if (words.length > 0) rest = significant(asciiWords(title.slice(colon + 1))).filter((word) => !named.has(word.toLowerCase()));
  }
  if (words.length === 0) {
    const all = significant(asciiWords(title));
    words = all.slice(0, MAX_WORDS);
    rest = all.slice(MAX_WORDS);
  }
  // Whole words only: drop trailing words rather than cut one in half.
  while (words.length > 1 && camel(words).length > MAX_STEM_LENGTH) words = words.slice(0, -1);
  const stem = camel(words).slice(0, MAX_STEM_LENGTH);
  return { stem: stem || 'paper', rest: stem ? (rest ?? []) : [] };
}

/**
 * Device names that Windows refuses as file names, with any extension (`con.md` too). A key becomes
 * a note's file name, so no key may be one of them, in any case.
 */
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** True when `key` cannot be a file name on Windows (see WINDOWS_DEVICE_NAME). */
export function isReservedKey(key: string): boolean {
  return WINDOWS_DEVICE_NAME.test(key);
}

/** How many further title words a key may take to settle a collision before it takes a hash. */
const MAX_EXTRA_WORDS = 2;
const MAX_KEY_LENGTH = 48;

/**
 * The keys a paper with `title` may get, best first; the first one nobody holds is its key. Every
 * candidate comes from the title alone, never from the year (unknown for most digest papers, so a key
 * with it would depend on which digest was read first) and never from the order in which papers
 * arrived, so two clones that need a key for the same title choose among the same candidates:
 *
 * 1. the stem (`keyStem`): `genie`, `thoughtCloning`;
 * 2. the stem and the next significant title words, one by one: `genieGenerative`, `genieGenerativeInteractive`;
 * 3. the stem and a short hash of the title's identity, then a longer one: `genie4k2q`, `genie0f3a9c1d`.
 *
 * A title without an ASCII letter or digit (emoji, CJK) has only the hash forms, on `paper`. No
 * candidate is a Windows device name; all match KEY_PATTERN.
 */
export function keyCandidates(title: string): string[] {
  const identity = titleIdentity(title);
  const { stem, rest } = stemParts(title);
  const candidates: string[] = [];
  const hasWords = asciiWords(title).length > 0;
  if (hasWords && !isReservedKey(stem)) candidates.push(stem);
  let key = stem;
  for (const word of rest.slice(0, MAX_EXTRA_WORDS)) {
    const longer = key + camel(['x', word]).slice(1);
    if (longer.length > MAX_KEY_LENGTH) break;
    key = longer;
    if (!isReservedKey(key)) candidates.push(key);
  }
  const hash = fnv1a(identity);
  candidates.push(
    `${stem}${hash.toString(36).padStart(7, '0').slice(-4)}`,
    `${stem}${hash.toString(16).padStart(8, '0')}${fnv1a(`${identity}\u0000`).toString(16).padStart(8, '0')}`,
  );
  return [...new Set(candidates)];
}

/** 32-bit FNV-1a over the UTF-16 code units: small, stable on every platform, good enough to spread keys. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
