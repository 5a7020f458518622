/**
 * Libraries of any size for the search benchmark, made from the seed papers' real vocabulary with a
 * per-topic model: every synthetic paper has an anchor seed paper, and takes most of its title words
 * and abstract sentences from the anchor and its nearest seed neighbours (by shared words), the rest
 * from anywhere. So papers come in topics the way a real library does (which related papers need,
 * and which syntheticLibrary.ts's uniform word picks lack), yet no paper is a copy. Deterministic.
 */
import { parseDigest } from '../../src/core/digest/parser';
import type { SearchDocument } from '../../src/core/search/searchIndex';
import { SEED_FILES, seedText } from '../fixtures/digests/corpus';
import { random } from '../fixtures/digests/render';

interface SeedTopic {
  titleWords: string[];
  sentences: string[];
  neighbours: number[];
}

const TAGS = ['to-read', 'read', 'robotics', 'rl', 'vision', 'language', 'favourite', 'survey'];
const NEIGHBOURS = 5;

function seedTopics(): { topics: SeedTopic[]; allTitleWords: string[]; allSentences: string[]; prefixes: string[] } {
  const entries = SEED_FILES.flatMap((name) => parseDigest(seedText(name), name).entries);
  const seen = new Set<string>();
  const unique = entries.filter((entry) => !seen.has(entry.title) && seen.add(entry.title));
  const prefixes: string[] = [];
  const topics = unique.map((entry) => {
    const colon = entry.title.indexOf(':');
    if (colon > 0 && colon < 24) prefixes.push(entry.title.slice(0, colon));
    return {
      titleWords: entry.title
        .slice(colon + 1)
        .split(/\s+/)
        .filter((word) => /^[A-Za-z][A-Za-z-]{2,}$/.test(word)),
      sentences: entry.abstract.split(/(?<=[.!?])\s+(?=[A-Z])/).filter((sentence) => sentence.length > 30),
      neighbours: [] as number[],
      words: new Set(`${entry.title} ${entry.abstract}`.toLowerCase().match(/[a-z]{5,}/g) ?? []),
    };
  });
  // Nearest seed papers by Jaccard similarity of their longer words.
  for (const [i, topic] of topics.entries()) {
    const scored = topics.map((other, j) => {
      if (i === j) return { j, score: -1 };
      let shared = 0;
      for (const word of topic.words) if (other.words.has(word)) shared++;
      return { j, score: shared / (topic.words.size + other.words.size - shared || 1) };
    });
    topic.neighbours = scored
      .sort((a, b) => b.score - a.score)
      .slice(0, NEIGHBOURS)
      .map(({ j }) => j);
  }
  return {
    topics,
    allTitleWords: topics.flatMap((topic) => topic.titleWords),
    allSentences: topics.flatMap((topic) => topic.sentences),
    prefixes,
  };
}

/** Distinct words a library of `papers` papers has beyond the seeds' own (Heaps' law, 153,000 at 100,000 papers). */
export function realisticVocabularySize(papers: number): number {
  return Math.round(153_000 * Math.pow(papers / 100_000, 0.75));
}

const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'f', 'g', 'gr', 'h', 'k', 'l', 'm', 'n', 'p', 'pl', 'qu', 'r', 's', 'st', 't', 'tr', 'v', 'w', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou'];
const CODAS = ['', '', 'n', 'r', 's', 'l', 'm', 'x', 'nd', 'st'];
const SUFFIXES = ['', '', '', 'tion', 'ing', 'ness', 'ity', 'ment', 'ous', 'al', 'er', 'ics'];

/**
 * Words that grow with the library, as names of methods, datasets and people do: the n-th is made
 * of syllables from n alone, so every run and size agrees on it; about a quarter end in a suffix
 * (`*tion`, `*ing` match thousands).
 */
export function syntheticWord(n: number): string {
  const next = random(n * 2654435761 + 17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const syllables = 2 + Math.floor(next() * 3);
  let word = '';
  for (let i = 0; i < syllables; i++) word += pick(ONSETS) + pick(VOWELS) + (i === syllables - 1 ? pick(CODAS) : '');
  return word + pick(SUFFIXES) + (n % 7 === 0 ? String(n % 100) : '');
}

/**
 * Gives a library a vocabulary that grows with it (Zipf-like): every paper gets the new words that keep
 * the count at realisticVocabularySize(papers so far) and a few earlier ones, the earlier the likelier,
 * in its abstract and sometimes its title. Returns the number of distinct words added.
 */
export function growVocabulary(documents: SearchDocument[], seed = 5): number {
  const next = random(seed);
  let made = 0;
  documents.forEach((document, i) => {
    const words: string[] = [];
    while (made < realisticVocabularySize(i + 1)) words.push(syntheticWord(made++));
    for (let k = 0; k < 3; k++) words.push(syntheticWord(Math.floor(made * Math.pow(next(), 3))));
    document.abstract = `${document.abstract} ${words.join(' ')}.`;
    if (next() < 0.3) document.title = `${document.title} ${words[words.length - 1]}`;
  });
  return made;
}

/** `count` search documents (keys p0, p1, ...), about 10% tagged and 2% with a note. */
export function topicLibrary(count: number, seed = 42): SearchDocument[] {
  const { topics, allTitleWords, allSentences, prefixes } = seedTopics();
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const documents: SearchDocument[] = [];
  for (let i = 0; i < count; i++) {
    const anchor = Math.floor(next() * topics.length);
    const group = [anchor, anchor, ...topics[anchor].neighbours].map((index) => topics[index]);
    const fromGroup = <T>(field: (topic: SeedTopic) => T[], everywhere: T[], share: number): T => {
      const own = field(pick(group));
      return own.length > 0 && next() < share ? pick(own) : pick(everywhere);
    };
    const body = Array.from({ length: 5 + Math.floor(next() * 6) }, () => fromGroup((topic) => topic.titleWords, allTitleWords, 0.7)).join(' ');
    const title = next() < 0.3 && prefixes.length > 0 ? `${pick(prefixes)}-${Math.floor(next() * 99)}: ${body}` : body.charAt(0).toUpperCase() + body.slice(1);
    const abstract = Array.from({ length: 6 + Math.floor(next() * 5) }, () => fromGroup((topic) => topic.sentences, allSentences, 0.75)).join(' ');
    const tags = next() < 0.1 ? [pick(TAGS)] : [];
    const note = next() < 0.02 ? `My notes. ${fromGroup((topic) => topic.sentences, allSentences, 0.9)} Compare with ${pick(allTitleWords)}.` : '';
    documents.push({ key: `p${i}`, title, abstract, tags, note });
  }
  return documents;
}

/** A query of the benchmark, with the form it stands for (timed apart). */
export interface BenchQuery {
  form: string;
  query: string;
}

/**
 * Queries a reader would type, drawn from the library's own words (those of its titles and abstracts,
 * rare ones included): plain words, field queries, prefix and infix wildcards, misspellings at edit
 * distance 1 and 2 made by changing letters of a real word (so that they match it), presence (+/-) and
 * boosts. `count` per form.
 */
export function benchQueries(documents: readonly SearchDocument[], count = 30, seed = 7): BenchQuery[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const wordOf = (text: string) => {
    const words = text
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((word) => word.length > 4);
    return words.length > 0 ? pick(words) : 'learning';
  };
  const titleWord = () => wordOf(pick(documents).title);
  const anyWord = () => wordOf(next() < 0.5 ? pick(documents).title : pick(documents).abstract);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  /** `word` with `edits` letters (not the first) replaced by other letters: within that edit distance of it. */
  const misspell = (word: string, edits: number) => {
    const chars = [...word];
    const positions = new Set<number>();
    while (positions.size < Math.min(edits, chars.length - 1)) positions.add(1 + Math.floor(next() * (chars.length - 1)));
    for (const at of positions) {
      let letter = pick([...letters]);
      while (letter === chars[at]) letter = pick([...letters]);
      chars[at] = letter;
    }
    return chars.join('');
  };
  const forms: Record<string, () => string> = {
    'one word': () => titleWord(),
    'two words': () => `${titleWord()} ${titleWord()}`,
    'three words': () => `${titleWord()} ${titleWord()} ${anyWord()}`,
    'title:word': () => `title:${titleWord()}`,
    'abstract:two words': () => `abstract:${anyWord()} ${anyWord()}`,
    'prefix imit*': () => `${anyWord().slice(0, 4)}*`,
    'infix *tion': () => `*${pick(['tion', 'ing', 'ment', 'ness', 'ity', 'ous', 'ics', 'al'])}`,
    'word~1': () => `${misspell(anyWord(), 1)}~1`,
    'word~2': () => `${misspell(anyWord(), 2)}~2`,
    '+a -b': () => `+${titleWord()} -${titleWord()}`,
    '+a +b': () => `+${titleWord()} +${titleWord()}`,
    'a^3 b': () => `${titleWord()}^3 ${titleWord()}`,
  };
  return Object.entries(forms).flatMap(([form, make]) => Array.from({ length: count }, () => ({ form, query: make() })));
}
