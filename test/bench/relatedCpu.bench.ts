/**
 * Related papers' CPU time alone (user + system, so that a loaded machine does not inflate it): a
 * library of the benchmark's topics with the realistic vocabulary, the first request (which computes
 * the word weights), then 100 papers' related papers, each the fastest of 3 runs. Also the build's
 * CPU time, the index's typed arrays (SearchIndex.stats) and its serialised size (the cache).
 *
 *     node --import tsx test/bench/relatedCpu.bench.ts [papers]    (default 10000)
 */
import { SearchIndex } from '../../src/core/search/searchIndex';
import { growVocabulary, topicLibrary } from './topicLibrary';

const papers = Number(process.argv[2] ?? 10_000);
const documents = topicLibrary(papers);
growVocabulary(documents);
const buildStart = process.cpuUsage();
const index = SearchIndex.build(documents);
const buildUsed = process.cpuUsage(buildStart);

const cpuMs = (run: () => void) => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

const first = cpuMs(() => index.related(documents[0].key, 10));
const times: number[] = [];
for (let i = 0; i < 100; i++) {
  const key = documents[(i * 7919) % documents.length].key;
  times.push(Math.min(...[0, 1, 2].map(() => cpuMs(() => index.related(key, 10)))));
}
times.sort((a, b) => a - b);
console.log(
  `${papers} papers: build ${((buildUsed.user + buildUsed.system) / 1000).toFixed(0)} ms CPU, typed arrays ${(index.stats().typedArrayBytes / 1e6).toFixed(1)} MB, serialised ${(index.serialize().byteLength / 1e6).toFixed(1)} MB`,
);
console.log(
  `${papers} papers: first related request ${first.toFixed(1)} ms CPU; related p50 ${times[49].toFixed(2)} ms, p95 ${times[94].toFixed(2)} ms CPU (100 papers, fastest of 3 each)`,
);
