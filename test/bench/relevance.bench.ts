/**
 * `npm run bench:relevance`: how good search and related papers are, on the seed papers, against
 * labels judged by a person (test/fixtures/relevance/): precision@5 and nDCG@10 for Marginalia's
 * SearchIndex, plain lunr and a plain TF-IDF cosine, in the same run on the same data.
 *
 * - Search: the queries of queries.json (`tune` may be looked at while changing the ranking;
 *   `heldout` never is), each with the papers that answer it.
 * - Related: for every paper with a topic it shares with another paper, the relevant papers are those
 *   that share a topic label with it (topics.json). Papers at positions 2, 5, 8, ... of the
 *   key-sorted list are held out; the rest may be tuned on.
 * - "Marginalia, template notes": the same index where every paper has a note made from the default
 *   note template (front matter, title heading, quoted abstract): related papers should not move.
 * - "Marginalia, quotes read as words": the same index with the queries' double quotes taken out, which
 *   shows what checking phrases costs or gains on these labels.
 * - "label ceiling": the best any ranking could reach, since a query or paper with fewer than five
 *   relevant papers cannot fill five places (precision@5 at most min(relevant, 5) / 5).
 *
 * A benchmark, not a test: it asserts nothing and reports figures.
 *
 *     npm run bench:relevance [-- --verbose]    (per query and per paper lists on stderr)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import lunr from 'lunr';
import { DEFAULT_NOTE_TEMPLATE, renderNote } from '../../src/core/notes/noteText';
import { SearchIndex, type SearchDocument } from '../../src/core/search/searchIndex';
import type { Paper } from '../../src/core/types';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'relevance');
const { values: options } = parseArgs({ options: { verbose: { type: 'boolean', default: false } } });

interface Query {
  query: string;
  relevant: string[];
}

/** Ranks keys for a query text, or for a paper's related papers; at most `limit`. */
interface Engine {
  name: string;
  search(query: string, limit: number): string[];
  related(key: string, limit: number): string[];
}

// --- Metrics -------------------------------------------------------------------------------------

function precisionAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let hits = 0;
  for (const key of ranked.slice(0, k)) if (relevant.has(key)) hits++;
  return hits / k;
}

/** Binary-relevance nDCG: the ideal ranking puts min(|relevant|, k) relevant papers first. */
function ndcgAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((key, i) => {
    if (relevant.has(key)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

interface Score {
  p5: number;
  ndcg10: number;
}

function mean(scores: Score[]): Score {
  const n = Math.max(scores.length, 1);
  return { p5: scores.reduce((s, x) => s + x.p5, 0) / n, ndcg10: scores.reduce((s, x) => s + x.ndcg10, 0) / n };
}

function score(ranked: string[], relevant: string[]): Score {
  const set = new Set(relevant);
  return { p5: precisionAt(ranked, set, 5), ndcg10: ndcgAt(ranked, set, 10) };
}

// --- Data ----------------------------------------------------------------------------------------

function loadPapers(): Paper[] {
  // The keys the labels use are the CLI's; --read-only leaves the library file alone.
  const json = execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'papers', '--json', '--read-only', 'seeds/'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(json) as Paper[];
}

function templateNote(paper: Paper): string {
  return renderNote(DEFAULT_NOTE_TEMPLATE, { paper, tags: [], today: '2026-01-01', sources: paper.sources.map((source) => source.file) });
}

// --- Baselines -----------------------------------------------------------------------------------

/** Plain lunr: title (boost 3) and abstract, queries as typed; related is the title and abstract as a query. */
function lunrEngine(documents: SearchDocument[]): Engine {
  const index = lunr(function () {
    this.ref('key');
    this.field('title', { boost: 3 });
    this.field('abstract');
    for (const document of documents) this.add(document);
  });
  const byKey = new Map(documents.map((document) => [document.key, document]));
  return {
    name: 'lunr 2.3.9',
    search(query, limit) {
      try {
        return index
          .search(query)
          .slice(0, limit)
          .map((hit) => hit.ref);
      } catch {
        return []; // lunr's QueryParseError: a user of plain lunr sees nothing
      }
    },
    related(key, limit) {
      const document = byKey.get(key)!;
      const tokens = lunr.tokenizer(`${document.title} ${document.abstract}`).map((token) => token.toString());
      return index
        .query((query) => {
          for (const token of tokens) query.term(token, { usePipeline: true });
        })
        .filter((hit) => hit.ref !== key)
        .slice(0, limit)
        .map((hit) => hit.ref);
    },
  };
}

/** Words as the TF-IDF baseline sees them: lower case, lunr's stop words out, lunr's stemmer applied. */
function stems(text: string): string[] {
  const out: string[] = [];
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (word.length < 2 || lunr.stopWordFilter(new lunr.Token(word, {})) === undefined) continue;
    out.push(lunr.stemmer(new lunr.Token(word, {})).toString());
  }
  return out;
}

/**
 * A plain TF-IDF cosine over title + abstract (log term frequency, log idf, unit vectors). Queries
 * are read as plain words: field names, `*`, `~n`, `^n`, quotes and `+` are dropped, `-word` words
 * are left out.
 */
function tfidfEngine(documents: SearchDocument[]): Engine {
  const df = new Map<string, number>();
  const counts = documents.map((document) => {
    const tf = new Map<string, number>();
    for (const stem of stems(`${document.title} ${document.abstract}`)) tf.set(stem, (tf.get(stem) ?? 0) + 1);
    for (const stem of tf.keys()) df.set(stem, (df.get(stem) ?? 0) + 1);
    return tf;
  });
  const idf = (stem: string) => Math.log(documents.length / (df.get(stem) ?? documents.length));
  const vector = (tf: Map<string, number>) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [stem, count] of tf) {
      const w = (1 + Math.log(count)) * idf(stem);
      if (w > 0) v.set(stem, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [stem, w] of v) v.set(stem, w / norm);
    return v;
  };
  const vectors = counts.map(vector);
  const rank = (query: Map<string, number>, limit: number, skip = -1) =>
    vectors
      .map((v, i) => {
        let dot = 0;
        for (const [stem, w] of query) dot += w * (v.get(stem) ?? 0);
        return { i, dot };
      })
      .filter(({ i, dot }) => dot > 0 && i !== skip)
      .sort((a, b) => b.dot - a.dot || (documents[a.i].key < documents[b.i].key ? -1 : 1))
      .slice(0, limit)
      .map(({ i }) => documents[i].key);
  const index = new Map(documents.map((document, i) => [document.key, i]));
  return {
    name: 'TF-IDF cosine',
    search(query, limit) {
      const words = query
        .split(/\s+/)
        .filter((token) => !token.startsWith('-'))
        .map((token) => token.replace(/^[+"]*(\w+:)?/, '').replace(/[~^]\d*|\*/g, ''))
        .join(' ');
      const tf = new Map<string, number>();
      for (const stem of stems(words)) tf.set(stem, (tf.get(stem) ?? 0) + 1);
      return rank(vector(tf), limit);
    },
    related(key, limit) {
      const i = index.get(key)!;
      return rank(vectors[i], limit, i);
    },
  };
}

function marginaliaEngine(name: string, documents: SearchDocument[]): Engine {
  const index = SearchIndex.build(documents);
  // Phrases are checked on the papers' text, as the CLI and the extension do.
  const byKey = new Map(documents.map((document) => [document.key, document]));
  return {
    name,
    search: (query, limit) => index.search(query, limit, (key) => byKey.get(key)).hits.map((hit) => hit.key),
    related: (key, limit) => index.related(key, limit).map((hit) => hit.key),
  };
}

// --- The run -------------------------------------------------------------------------------------

function main(): void {
  const papers = loadPapers();
  const topicsFile = JSON.parse(readFileSync(path.join(fixtures, 'topics.json'), 'utf8')) as { topics: Record<string, string[]> };
  const queriesFile = JSON.parse(readFileSync(path.join(fixtures, 'queries.json'), 'utf8')) as { tune: Query[]; heldout: Query[] };
  const known = new Set(papers.map((paper) => paper.key));
  const unknown = [...Object.values(topicsFile.topics).flat(), ...[...queriesFile.tune, ...queriesFile.heldout].flatMap((q) => q.relevant)].filter(
    (key) => !known.has(key),
  );
  if (unknown.length > 0) throw new Error(`The labels name keys the seeds do not have: ${[...new Set(unknown)].join(', ')}.`);

  // A paper's relevant set for related: the other papers that share one of its topics.
  const topicsOf = new Map<string, string[]>();
  for (const [topic, keys] of Object.entries(topicsFile.topics)) for (const key of keys) topicsOf.set(key, [...(topicsOf.get(key) ?? []), topic]);
  const relatedSets = new Map<string, string[]>();
  for (const paper of papers) {
    const mine = new Set(topicsOf.get(paper.key) ?? []);
    const others = papers.filter((other) => other.key !== paper.key && (topicsOf.get(other.key) ?? []).some((topic) => mine.has(topic)));
    if (others.length > 0)
      relatedSets.set(
        paper.key,
        others.map((other) => other.key),
      );
  }
  const sortedKeys = [...relatedSets.keys()].sort();
  const relatedTune = sortedKeys.filter((_, i) => i % 3 !== 2);
  const relatedHeldout = sortedKeys.filter((_, i) => i % 3 === 2);

  const plain: SearchDocument[] = papers.map((paper) => ({ key: paper.key, title: paper.title, abstract: paper.abstract, tags: [], note: '' }));
  const withNotes: SearchDocument[] = papers.map((paper) => ({ ...plain.find((d) => d.key === paper.key)!, note: templateNote(paper) }));
  const marginalia = marginaliaEngine('Marginalia', plain);
  // What strict phrases cost on these labels, whose phrase queries were judged as the topic they name.
  const quotesAsWords: Engine = {
    ...marginalia,
    name: 'Marginalia, quotes read as words',
    search: (query, limit) => marginalia.search(query.replace(/"/g, ' '), limit),
  };
  const engines = [marginalia, marginaliaEngine('Marginalia, template notes', withNotes), quotesAsWords, lunrEngine(plain), tfidfEngine(plain)];

  const rows: string[] = [];
  for (const engine of engines) {
    const searchOf = (queries: Query[]) =>
      mean(
        queries.map((q) => {
          const ranked = engine.search(q.query, 10);
          const s = score(ranked, q.relevant);
          if (options.verbose)
            console.error(`${engine.name} | search ${JSON.stringify(q.query)} p@5 ${s.p5.toFixed(2)} ndcg ${s.ndcg10.toFixed(2)} | ${ranked.join(' ')}`);
          return s;
        }),
      );
    const relatedOf = (keys: string[]) =>
      mean(
        keys.map((key) => {
          const ranked = engine.related(key, 10);
          const s = score(ranked, relatedSets.get(key)!);
          if (options.verbose) console.error(`${engine.name} | related ${key} p@5 ${s.p5.toFixed(2)} | ${ranked.join(' ')}`);
          return s;
        }),
      );
    const cells = [searchOf(queriesFile.tune), searchOf(queriesFile.heldout), relatedOf(relatedTune), relatedOf(relatedHeldout)];
    rows.push(`| ${engine.name} | ${cells.map((c) => `${c.p5.toFixed(2)} | ${c.ndcg10.toFixed(2)}`).join(' | ')} |`);
  }

  // The best figures any ranking could reach on these labels: a query or paper with fewer than five
  // relevant papers caps precision@5 (nDCG@10's ideal is always reachable, 1.00).
  const ceiling = (sets: string[][]) => mean(sets.map((relevant) => ({ p5: Math.min(relevant.length, 5) / 5, ndcg10: 1 })));
  const ceilingCells = [
    ceiling(queriesFile.tune.map((q) => q.relevant)),
    ceiling(queriesFile.heldout.map((q) => q.relevant)),
    ceiling(relatedTune.map((key) => relatedSets.get(key)!)),
    ceiling(relatedHeldout.map((key) => relatedSets.get(key)!)),
  ];
  rows.push(`| best any ranking can reach (label ceiling) | ${ceilingCells.map((c) => `${c.p5.toFixed(2)} | ${c.ndcg10.toFixed(2)}`).join(' | ')} |`);

  console.log(
    `${papers.length} seed papers, ${Object.keys(topicsFile.topics).length} topics; search: ${queriesFile.tune.length} tuning and ${queriesFile.heldout.length} held-out queries; related: ${relatedTune.length} tuning and ${relatedHeldout.length} held-out papers.\n`,
  );
  console.log(
    '| engine | search P@5 (tune) | nDCG@10 (tune) | search P@5 (held out) | nDCG@10 (held out) | related P@5 (tune) | nDCG@10 (tune) | related P@5 (held out) | nDCG@10 (held out) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
}

main();
