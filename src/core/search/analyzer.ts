/**
 * Text to index terms: lower-cased runs of letters and digits, lunr's English stop words dropped and
 * lunr's Porter stemmer applied, so that what the index holds and what a query asks for are made
 * the same way. Stems are memoised: a library has a few tens of thousands of distinct words but
 * millions of word occurrences.
 */
import lunr from 'lunr';

/** Words shorter than this are not indexed ("c" of "C++", "a"). */
const MIN_WORD_LENGTH = 2;
/** Words longer than this are cut: a 10 kB "word" (a pasted hash, base64) is not worth a term. */
const MAX_WORD_LENGTH = 40;

const WORD = /[\p{L}\p{N}]+/gu;

/** Above this many memoised words the memo starts again (queries bring words the index never saw). */
const MAX_MEMO = 1_000_000;

/** Turns words into stems, memoising them. */
export class Analyzer {
  /** Lower-cased word -> stem, or '' for a stop word. */
  private readonly stems = new Map<string, string>();

  /** The stem of a lower-cased word, or '' when it is a stop word or too short. */
  stem(word: string): string {
    let stem = this.stems.get(word);
    if (stem === undefined) {
      stem = word.length < MIN_WORD_LENGTH || isStopWord(word) ? '' : lunr.stemmer(new lunr.Token(word, {})).toString();
      if (this.stems.size >= MAX_MEMO) this.stems.clear();
      this.stems.set(word, stem);
    }
    return stem;
  }

  /** Calls `each(stem, word)` for every indexable word of `text`, in order. */
  forEachTerm(text: string, each: (stem: string, word: string) => void): void {
    WORD.lastIndex = 0;
    for (let match = WORD.exec(text); match !== null; match = WORD.exec(text)) {
      let word = match[0].toLowerCase();
      if (word.length > MAX_WORD_LENGTH) word = word.slice(0, MAX_WORD_LENGTH);
      const stem = this.stem(word);
      if (stem !== '') each(stem, word);
    }
  }
}

/** The lower-cased words of `text` (letters and digits), stop words included, for query parsing. */
export function splitWords(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((word) => (word.length > MAX_WORD_LENGTH ? word.slice(0, MAX_WORD_LENGTH) : word));
}

/** camelCase and snake_case identifiers as words, for text selected in code. */
export function splitIdentifiers(text: string): string {
  return text.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2').replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2');
}

function isStopWord(word: string): boolean {
  return lunr.stopWordFilter(new lunr.Token(word, {})) === undefined;
}

/** How many spelling classes spellingClass tells apart (one bit each in a posting's spelling mask). */
export const SPELLING_CLASSES = 8;

/**
 * Which form of its stem a word is, as one of SPELLING_CLASSES classes judged from the letters the
 * word has beyond the stem: 0 the base and plural (behavior, behaviors, study, studies), 1 -ing,
 * 2 -ed, 3 -al/-ally (behavioral), 4 -ion/-ment (imitation), 5 -er/-or, 6 -ate/-ize, 7 any other.
 * It depends on the word and its stem alone, so an index built in any order, or updated, classes a
 * word the same way; search ranks a paper with the word's own class above one with only its stem.
 */
export function spellingClass(word: string, stem: string): number {
  let shared = 0;
  const end = Math.min(word.length, stem.length);
  while (shared < end && word.charCodeAt(shared) === stem.charCodeAt(shared)) shared++;
  const rest = word.slice(shared);
  if (rest === 'd' || rest.endsWith('ed')) return 2;
  if (rest.length <= 1 || rest === 'es' || rest === 'ies') return 0;
  if (rest.endsWith('ing') || rest.endsWith('ings')) return 1;
  if (rest.endsWith('al') || rest.endsWith('als') || rest.endsWith('ally')) return 3;
  if (rest.endsWith('ion') || rest.endsWith('ions') || rest.endsWith('ment') || rest.endsWith('ments')) return 4;
  if (rest.endsWith('er') || rest.endsWith('ers') || rest.endsWith('or') || rest.endsWith('ors')) return 5;
  if (rest.endsWith('ate') || rest.endsWith('ates') || rest.endsWith('ize') || rest.endsWith('izes') || rest.endsWith('ise') || rest.endsWith('ises')) return 6;
  return 7;
}
