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

/**
 * A few hundred queries a reader would type, drawn from the library's own words: plain words, field
 * queries, wildcards, misspellings with an edit distance, presence (+/-) and boosts.
 */
export function benchQueries(documents: readonly SearchDocument[], count = 300, seed = 7): string[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const titleWord = () => {
    const words = pick(documents)
      .title.toLowerCase()
      .split(/[^a-z]+/)
      .filter((word) => word.length > 3);
    return words.length > 0 ? pick(words) : 'learning';
  };
  const misspell = (word: string) => {
    const at = 1 + Math.floor(next() * (word.length - 2));
    return `${word.slice(0, at)}${word[at + 1] ?? ''}${word[at]}${word.slice(at + 2)}`;
  };
  const forms: (() => string)[] = [
    () => titleWord(),
    () => `${titleWord()} ${titleWord()}`,
    () => `${titleWord()} ${titleWord()} ${titleWord()}`,
    () => `title:${titleWord()}`,
    () => `abstract:${titleWord()} ${titleWord()}`,
    () => `${titleWord().slice(0, 4)}*`,
    () => `${misspell(titleWord())}~1`,
    () => `+${titleWord()} -${titleWord()}`,
    () => `+${titleWord()} +${titleWord()}`,
    () => `${titleWord()}^3 ${titleWord()}`,
  ];
  return Array.from({ length: count }, (_, i) => forms[i % forms.length]());
}
