/**
 * The realistic workspace of the library benchmark (library.bench.mts): Daily Papers digests of 50
 * papers a day under `daily-papers/<year>/<date>.txt`, some papers trending again in later digests,
 * 1,000 distinct tags over the papers (Zipf-like: a few tags on many papers, most on a handful) and
 * notes for 2 % of the papers. The library file itself is not made here: the product writes it.
 *
 * Unlike syntheticLibrary.ts, whose titles use only the seed titles' words (a fixed vocabulary, so
 * keys collide far more than in a real library), titles here draw from a vocabulary that grows as
 * papers are added: each word is either a new pronounceable token or an earlier word picked in
 * proportion to its use (a Yule-Simon process, whose word frequencies follow a Zipf-like law), and
 * most paper names before a colon are new ("Vorakin: ..."), as on Hugging Face. Abstracts open with
 * a sentence made from the title and go on with sentences of the seed abstracts. Deterministic for a
 * given seed.
 *
 * Digest files are named without "digest" and live outside `digests/` on purpose: the extension's
 * `workspaceContains` activation events would otherwise activate it before the benchmark's probe can
 * start watching the extension host's event loop. The default `marginalia.digests` globs include
 * `daily-papers/**\/*.txt`, so the extension reads them all the same.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { titleIdentity } from '../../src/core/text';
import { DEFAULT_OPTIONS, MONTHS, random, renderDigest, type SourceEntry } from '../fixtures/digests/render';
import { seedVocabulary } from './syntheticLibrary';

/** Bump when anything below changes what is generated: cached workspaces are keyed by it. */
export const GENERATOR_VERSION = 4;

/** Where the digests live in the workspace. */
export const DIGEST_FOLDER = 'daily-papers';
export const PAPERS_PER_DIGEST = 50;
export const TAG_COUNT = 1_000;
export const NOTE_FRACTION = 0.02;

const CONSONANTS = ['b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'th', 'st', 'tr', 'gr', 'pl', 'qu', 'x'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'y'];
const ENDINGS = ['', '', '', 'n', 'r', 's', 'x', 'l', 'm', 'former', 'net', 'gen', 'bench', 'flow', 'fusion'];

/** A paper of the synthetic library, with the digest entry that first lists it. */
export interface SyntheticPaper extends SourceEntry {
  title: string;
}

/** Generates papers with distinct title identities; `avoid` holds identities that must not be reused. */
export class PaperGenerator {
  private readonly next: () => number;
  private readonly vocabulary = seedVocabulary();
  /** Every word occurrence so far: a uniform pick from it is a pick in proportion to use. */
  private readonly wordStream: string[];
  private readonly nameStream: string[];
  private readonly seen = new Set<string>();

  constructor(seed: number, avoid: Iterable<string> = []) {
    this.next = random(seed);
    this.wordStream = [...this.vocabulary.words];
    this.nameStream = [...this.vocabulary.prefixes];
    for (const identity of avoid) this.seen.add(identity);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }

  private token(): string {
    const syllables = 1 + Math.floor(this.next() * 3);
    let text = '';
    for (let i = 0; i < syllables; i++) text += this.pick(CONSONANTS) + this.pick(VOWELS);
    return text + this.pick(ENDINGS);
  }

  /** A title word: new with probability 1/8 (so the vocabulary keeps growing), else an earlier one. */
  private word(): string {
    if (this.next() < 0.125) {
      const word = this.next() < 0.3 ? capitalise(this.token()) : this.token();
      this.wordStream.push(word);
      return word;
    }
    const word = this.pick(this.wordStream);
    this.wordStream.push(word);
    return word;
  }

  /** A paper's short name: mostly new (a made-up word, an acronym, a CamelCase pair), sometimes a known name with a version. */
  private name(): string {
    const roll = this.next();
    let name: string;
    if (roll < 0.2 && this.nameStream.length > 0) {
      const known = this.pick(this.nameStream);
      name = `${known}${this.next() < 0.6 ? `-${1 + Math.floor(this.next() * 9)}${this.next() < 0.3 ? `.${Math.floor(this.next() * 10)}` : ''}` : ''}`;
    } else if (roll < 0.5) {
      const letters = 3 + Math.floor(this.next() * 4);
      name = Array.from({ length: letters }, () => String.fromCharCode(65 + Math.floor(this.next() * 26))).join('');
    } else if (roll < 0.75) {
      name = capitalise(this.token()) + capitalise(this.token());
    } else {
      name = capitalise(this.token());
    }
    this.nameStream.push(name);
    return name;
  }

  paper(): SyntheticPaper {
    for (;;) {
      const length = 4 + Math.floor(this.next() * 8);
      const words = Array.from({ length }, () => this.word());
      const body = words.join(' ');
      const named = this.next() < 0.55;
      const name = named ? this.name() : '';
      const title = named ? `${name}: ${capitalise(body)}` : capitalise(body);
      const identity = titleIdentity(title);
      if (this.seen.has(identity)) continue;
      this.seen.add(identity);
      const opening = `${named ? `We introduce ${name}, an approach to` : 'We study'} ${body.toLowerCase()}.`;
      const abstract = [opening, ...Array.from({ length: 5 + Math.floor(this.next() * 6) }, () => this.pick(this.vocabulary.sentences))].join(' ');
      const dated = this.next() < 0.9;
      return {
        title,
        abstract,
        authors: this.next() < 0.95 ? 1 + Math.floor(this.next() * 15) : null,
        submitter: null,
        date: dated ? { year: 2019 + Math.floor(this.next() * 7), month: 1 + Math.floor(this.next() * 12), day: 1 + Math.floor(this.next() * 28) } : null,
        upvotes: dated && this.next() < 0.7 ? Math.floor(this.next() ** 3 * 400) : null,
      };
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The digest of one day: its file name (relative to the workspace) and its text. */
export interface DigestFile {
  file: string;
  text: string;
}

const FIRST_DAY = Date.UTC(2020, 0, 1);

function dayOf(index: number): { year: number; month: number; day: number; iso: string } {
  const date = new Date(FIRST_DAY + index * 86_400_000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), iso: date.toISOString().slice(0, 10) };
}

function renderDay(dayIndex: number, entries: SourceEntry[]): DigestFile {
  const day = dayOf(dayIndex);
  const header = [...DEFAULT_OPTIONS.header.slice(0, -1), `${MONTHS[day.month - 1]} ${day.day}`];
  return { file: path.join(DIGEST_FOLDER, String(day.year), `${day.iso}.txt`), text: renderDigest(entries, { header }).text };
}

/**
 * `count` distinct papers as daily digests of PAPERS_PER_DIGEST new papers each, plus, in about a
 * third of the digests, one to four papers of the previous week trending again (with other upvotes).
 */
export function syntheticDigests(count: number, seed = 7): { digests: DigestFile[]; papers: SyntheticPaper[] } {
  const generator = new PaperGenerator(seed);
  const next = random(seed + 1);
  const papers: SyntheticPaper[] = [];
  const digests: DigestFile[] = [];
  for (let day = 0; papers.length < count; day++) {
    const fresh: SourceEntry[] = [];
    while (fresh.length < PAPERS_PER_DIGEST && papers.length < count) {
      const paper = generator.paper();
      papers.push(paper);
      fresh.push(paper);
    }
    const entries = [...fresh];
    const recent = papers.length - fresh.length;
    if (recent > 0 && next() < 0.35) {
      const repeats = 1 + Math.floor(next() * 4);
      for (let i = 0; i < repeats; i++) {
        const earlier = papers[Math.max(0, recent - 1 - Math.floor(next() * PAPERS_PER_DIGEST * 7))];
        const again = { ...earlier, upvotes: earlier.upvotes === null ? null : earlier.upvotes + Math.floor(next() * 50) };
        entries.splice(Math.floor(next() * entries.length), 0, again);
      }
    }
    digests.push(renderDay(day, entries));
  }
  return { digests, papers };
}

/**
 * The next day's digest: `count` papers all new to `existing` (the papers of syntheticDigests),
 * in the folder of the last digest (a new folder's files may reach a file watcher as the folder alone).
 */
export function newPapersDigest(
  existing: { papers: readonly SyntheticPaper[]; digests: readonly DigestFile[] },
  count = PAPERS_PER_DIGEST,
  seed = 99_991,
): DigestFile {
  const generator = new PaperGenerator(
    seed,
    existing.papers.map((paper) => titleIdentity(paper.title)),
  );
  const entries = Array.from({ length: count }, () => generator.paper());
  const day = renderDay(existing.digests.length, entries);
  const lastFolder = path.dirname(existing.digests[existing.digests.length - 1].file);
  return { file: path.join(lastFolder, path.basename(day.file)), text: day.text };
}

/** Writes digests under `root`. */
export function writeDigests(root: string, digests: readonly DigestFile[]): void {
  for (const digest of digests) {
    const file = path.join(root, digest.file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, digest.text);
  }
}

/**
 * TAG_COUNT distinct tags over `keys`: 70 % of the papers get one to four tags, a tag chosen with
 * probability ~ 1/rank (Zipf), and every tag is on at least one paper. Returns tag -> keys.
 */
export function planTags(keys: readonly string[], seed = 3): Map<string, string[]> {
  const next = random(seed);
  const words = seedVocabulary()
    .words.map((word) => word.toLowerCase().replace(/[^a-z0-9-]/g, ''))
    .filter((word) => word.length >= 3);
  const names = new Set<string>();
  for (const fixed of ['to-read', 'read', 'favourite', 'cite-in-thesis', 'reproduce', 'survey', 'baseline', 'dataset']) names.add(fixed);
  while (names.size < TAG_COUNT) {
    const a = words[Math.floor(next() * words.length)];
    const b = words[Math.floor(next() * words.length)];
    names.add(next() < 0.4 ? a : `${a}-${b}`);
  }
  const tags = [...names];
  // Cumulative Zipf weights for picking by rank.
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 1; rank <= tags.length; rank++) cumulative.push((sum += 1 / rank));
  const pickTag = () => {
    const target = next() * sum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return tags[low];
  };
  const plan = new Map<string, Set<string>>(tags.map((tag) => [tag, new Set()]));
  for (const key of keys) {
    if (next() >= 0.7) continue;
    const count = 1 + Math.floor(next() ** 2 * 4);
    for (let i = 0; i < count; i++) plan.get(pickTag())!.add(key);
  }
  tags.forEach((tag, index) => {
    if (plan.get(tag)!.size === 0) plan.get(tag)!.add(keys[(index * 7919) % keys.length]);
  });
  return new Map([...plan].map(([tag, set]) => [tag, [...set].sort()]));
}

/**
 * Notes for NOTE_FRACTION of the papers, as `notes/<key>.md` with YAML front matter (`key`,
 * `title`), a heading, a quote of the abstract's start and a few lines citing other papers.
 */
export function writeNotes(root: string, papers: readonly { key: string; title: string; abstract: string }[], seed = 5): number {
  const next = random(seed);
  const folder = path.join(root, 'notes');
  mkdirSync(folder, { recursive: true });
  let written = 0;
  for (const paper of papers) {
    if (next() >= NOTE_FRACTION) continue;
    const other = papers[Math.floor(next() * papers.length)];
    const text = [
      '---',
      `key: ${paper.key}`,
      `title: ${JSON.stringify(paper.title)}`,
      '---',
      '',
      `# ${paper.title}`,
      '',
      `> ${paper.abstract.slice(0, 300)}`,
      '',
      '## Notes',
      '',
      `- Compare with [@${other.key}] (${other.title.slice(0, 60)}).`,
      '- Ablations in section 4 look thin; check the appendix.',
      '',
    ].join('\n');
    writeFileSync(path.join(folder, `${paper.key}.md`), text);
    written++;
  }
  return written;
}
