/**
 * Search's CPU time per query form, this tree's SearchIndex against another tree's, in one process
 * on the same library (realistic vocabulary), the two alternating query by query so that the
 * machine's load falls on both alike: `node --import tsx test/bench/rankingAb.bench.ts /work/main 20000`.
 * It also says for how many queries the two trees' results differ (hits, scores to the bit, matched
 * words, total, hints; at 20 and 50 results), for a change meant to be faster only. A benchmark, not a test.
 */
import * as path from 'node:path';
import { SearchIndex } from '../../src/core/search/searchIndex';
import { benchQueries, growVocabulary, topicLibrary } from './topicLibrary';

async function main(): Promise<void> {
  const [otherRoot, sizeText = '20000'] = process.argv.slice(2);
  if (!otherRoot) throw new Error('usage: rankingAb.bench.ts OTHER_TREE [PAPERS]');
  const other = (await import(path.join(path.resolve(otherRoot), 'src/core/search/searchIndex.ts'))) as { SearchIndex: typeof SearchIndex };
  const documents = topicLibrary(Number(sizeText));
  growVocabulary(documents);
  const ours = SearchIndex.build(documents);
  const theirs = other.SearchIndex.build(documents);
  const queries = benchQueries(documents);
  const cpu = (run: () => void) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = process.cpuUsage();
      run();
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return best;
  };
  const times = new Map<string, { ours: number[]; theirs: number[] }>();
  const differ: string[] = [];
  for (const query of queries) {
    for (const limit of [20, 50]) {
      if (JSON.stringify(ours.search(query.query, limit)) !== JSON.stringify(theirs.search(query.query, limit))) differ.push(`${query.query} (${limit})`);
    }
    const entry = times.get(query.form) ?? { ours: [], theirs: [] };
    times.set(query.form, entry);
    entry.theirs.push(cpu(() => theirs.search(query.query, 20)));
    entry.ours.push(cpu(() => ours.search(query.query, 20)));
  }
  const p95 = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))];
  console.log(`${documents.length} papers; p95 CPU ms per form, ${otherRoot} | this tree`);
  for (const [form, { ours: a, theirs: b }] of times) console.log(`| \`${form}\` | ${p95(b).toFixed(2)} | ${p95(a).toFixed(2)} |`);
  console.log(
    `Results differ for ${differ.length} of ${2 * queries.length} queries and limits${differ.length > 0 ? `: ${differ.slice(0, 10).join(', ')}` : ''}.`,
  );
}

void main();
