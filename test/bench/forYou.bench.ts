/**
 * `npm run bench:foryou`: "For You" for a tag (core/search/forYou.ts, as the search worker runs it) on
 * libraries of 10,000 and 100,000 papers made from the seeds' vocabulary (topicLibrary.ts). For each
 * size, the index is built first (not timed); then, for tags of 10, 100 and 1,000 papers, one
 * request after the index changed (TF-IDF vectors built, then the classifier trained and every other
 * paper ranked) and one on an unchanged index (vectors reused). Wall time beside the process's CPU
 * time (user + system), fastest of 3 runs each; the budget (issue 12) is 1 s at 100,000 papers.
 *
 *     npm run bench:foryou [-- --sizes 10000,100000]
 */
import { parseArgs } from 'node:util';
import { ForYouFeatures } from '../../src/core/search/forYou';
import { SearchIndex } from '../../src/core/search/searchIndex';
import { topicLibrary } from './topicLibrary';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000' } } });
const sizes = values.sizes.split(',').map(Number);

interface Run {
  wallMs: number;
  cpuMs: number;
}

function measure(run: () => void): Run {
  let best: Run = { wallMs: Infinity, cpuMs: Infinity };
  for (let i = 0; i < 3; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    run();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (wallMs < best.wallMs) best = { wallMs, cpuMs: (used.user + used.system) / 1000 };
  }
  return best;
}

const rows: string[] = [
  '| papers | tag papers | passes | vectors + train + rank (wall / CPU ms) | train + rank, vectors reused (wall / CPU ms) |',
  '|---:|---:|---:|---:|---:|',
];
for (const size of sizes) {
  const documents = topicLibrary(size);
  const index = SearchIndex.build(documents);
  // A tag's papers: those whose title has one frequent word, as a reader's topic tag would be.
  const byWord = new Map<string, string[]>();
  for (const document of documents) {
    for (const word of new Set(document.title.toLowerCase().split(/[^a-z]+/))) {
      if (word.length > 4) byWord.set(word, [...(byWord.get(word) ?? []), document.key]);
    }
  }
  const words = [...byWord.values()].sort((a, b) => b.length - a.length);
  for (const tagSize of [10, 100, 1000]) {
    const positives = (words.find((keys) => keys.length >= tagSize) ?? words[0]).slice(0, tagSize);
    let passes = 0;
    const cold = measure(() => {
      passes = ForYouFeatures.from(index.documentTerms()).rank({ positives, notInterested: [], limit: 50 }).passes;
    });
    const features = ForYouFeatures.from(index.documentTerms());
    const warm = measure(() => {
      features.rank({ positives, notInterested: [], limit: 50 });
    });
    const row = `| ${size.toLocaleString('en')} | ${positives.length.toLocaleString('en')} | ${passes} | ${cold.wallMs.toFixed(0)} / ${cold.cpuMs.toFixed(0)} | ${warm.wallMs.toFixed(0)} / ${warm.cpuMs.toFixed(0)} |`;
    rows.push(row);
    console.error(row);
  }
}
console.log(rows.join('\n'));
