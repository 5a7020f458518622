/**
 * `npm run bench:cite`: the two figures the citation features promise.
 *
 * 1. The initial workspace scan of a generated 2,000-file workspace (TypeScript, Python, markdown
 *    and LaTeX files citing a 10,000-paper library), read from disk and scanned by the same
 *    batched scan the extension runs (core scanInBatches, setImmediate between batches). Reports
 *    the wall time, the longest synchronous batch, and the event loop's delay during the scan
 *    (what a keystroke waiting for the extension host would feel).
 * 2. Completion latency on a 10,000-paper library (test/bench/syntheticLibrary.ts): for each of
 *    many typed prefixes, find the cursor's citation context in a 400-line document and rank the
 *    candidates, building the items' texts as the provider does. Reports p50 / p95 / max; the
 *    target is < 50 ms. Also the Insert Citation quick pick's search per keystroke.
 *
 *     npm run bench:cite [-- --files 2000 --papers 10000 --queries 500]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { shortTitle } from '../../src/core/citations/format';
import { CitationIndex, scanInBatches } from '../../src/core/citations/citationIndex';
import { MAX_SCANNED_BYTES } from '../../src/core/workspaceFiles';
import { citationContextAt, citationSyntaxForFileName } from '../../src/core/citations/scanner';
import { mergeDigests } from '../../src/core/library/merge';
import { LibraryRecords } from '../../src/core/library/libraryFile';
import { parseDigest } from '../../src/core/digest/parser';
import { PaperFinder } from '../../src/core/citations/paperFinder';
import type { Paper } from '../../src/core/types';
import { random, renderDigest } from '../fixtures/digests/render';
import { syntheticEntries } from './syntheticLibrary';

const { values } = parseArgs({
  options: { files: { type: 'string', default: '2000' }, papers: { type: 'string', default: '10000' }, queries: { type: 'string', default: '500' } },
});
const FILES = Number(values.files);
const PAPERS = Number(values.papers);
const QUERIES = Number(values.queries);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function library(count: number): Paper[] {
  const entries = syntheticEntries(count);
  const digests = [];
  for (let start = 0, i = 0; start < entries.length; start += 100, i++) {
    digests.push(parseDigest(renderDigest(entries.slice(start, start + 100)).text, `synthetic-${i}.txt`));
  }
  return mergeDigests(digests, new LibraryRecords()).papers;
}

/** A generated workspace: code, notes and LaTeX that cite `keys` now and then, in realistic amounts. */
function writeWorkspace(folder: string, count: number, keys: readonly string[]): number {
  const next = random(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const kind = next();
    const dir = path.join(folder, `pkg${i % 40}`);
    mkdirSync(dir, { recursive: true });
    const lines: string[] = [];
    const length = 40 + Math.floor(next() * 400);
    let file: string;
    if (kind < 0.35) {
      file = path.join(dir, `module${i}.ts`);
      for (let l = 0; l < length; l++) {
        lines.push(
          next() < 0.03
            ? `// [@${pick(keys)}] ${pick(keys)} explains this (2024)`
            : `export const value${l} = compute("${l}", ${l}) /* note */ + other${l % 7};`,
        );
      }
    } else if (kind < 0.6) {
      file = path.join(dir, `module${i}.py`);
      for (let l = 0; l < length; l++) {
        lines.push(next() < 0.03 ? `    # [@${pick(keys)}] see the paper` : `    result_${l} = process(data["${l}"], mail="me@example.org")  # plain comment`);
      }
    } else if (kind < 0.9) {
      file = path.join(dir, `note${i}.md`);
      for (let l = 0; l < length; l++) {
        const r = next();
        lines.push(
          r < 0.05
            ? `As argued [see @${pick(keys)}, p. 3; @${pick(keys)}], this holds.`
            : r < 0.08
              ? '```'
              : `Plain prose line ${l} with \`code\` and a [link](https://example.org/@x).`,
        );
      }
    } else {
      file = path.join(dir, `chapter${i}.tex`);
      for (let l = 0; l < length; l++) {
        lines.push(
          next() < 0.05
            ? `Known results~\\citep[p.~4]{${pick(keys)}, ${pick(keys)}} % comment \\cite{x}`
            : `Some \\emph{text} on line ${l} with 5\\% of the data.`,
        );
      }
    }
    const text = `${lines.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    writeFileSync(file, text);
  }
  return bytes;
}

async function listFiles(folder: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

async function benchScan(papers: readonly Paper[]): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'marginalia-cite-bench-'));
  try {
    const bytes = writeWorkspace(
      folder,
      FILES,
      papers.map((paper) => paper.key),
    );
    const files = await listFiles(folder);
    const index = new CitationIndex();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const result = await scanInBatches({
      files,
      read: async (file) => ((await stat(file)).size > MAX_SCANNED_BYTES ? undefined : readFile(file, 'utf8')),
      syntaxOf: (file) => citationSyntaxForFileName(file),
      index,
      yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
    });
    delay.disable();
    console.log(
      `Initial scan of ${files.length} files (${(bytes / 1e6).toFixed(1)} MB): ${result.totalMs.toFixed(0)} ms wall, ` +
        `${result.mentions} mentions in ${index.fileCount} files; longest synchronous batch ${result.longestBatchMs.toFixed(1)} ms; ` +
        `event-loop delay during the scan p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function benchCompletion(papers: readonly Paper[]): Promise<void> {
  const started = performance.now();
  const finder = new PaperFinder(papers);
  const buildMs = performance.now() - started;
  const next = random(11);
  const body = Array.from({ length: 400 }, (_, i) => `Line ${i} of the note, citing [@${papers[i % papers.length].key}] and some prose.`).join('\n');
  const prefixes: string[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const paper = papers[Math.floor(next() * papers.length)];
    const source = next() < 0.5 ? paper.key : (paper.title.split(/\s+/)[Math.floor(next() * 3)] ?? paper.key);
    prefixes.push(source.replace(/[^\p{L}\p{N}_]/gu, '').slice(0, Math.floor(next() * 6)));
  }
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let items = 0;
  for (const prefix of prefixes) {
    const text = `${body}\nSee [@${prefix}`;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const context = citationContextAt(text, 400, 6 + prefix.length, { kind: 'markdown' });
    if (!context) throw new Error(`no completion context for ${JSON.stringify(prefix)}`);
    const matches = finder.complete(context.prefix, 100);
    // What the provider builds per item besides VS Code's own objects.
    for (const { paper } of matches) items += shortTitle(paper.title, 70).length + paper.abstract.slice(0, 300).length;
    times.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  console.log(
    `Completion on ${papers.length} papers (finder built in ${buildMs.toFixed(0)} ms), ${QUERIES} prefixes: ` +
      `p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms (target < 50 ms; ${items} characters of item text built); ` +
      `CPU time p50 ${percentile(cpuTimes, 50).toFixed(2)} ms, p95 ${percentile(cpuTimes, 95).toFixed(2)} ms (wall time includes waiting for a shared CPU; load average ${(await import('node:os')).loadavg()[0].toFixed(1)})`,
  );

  const words = ['policy', 'learning robot', 'diffusion', 'transformer agents', 'offline reinforcement', 'vision language model', 'zzz'];
  const searchTimes: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const query of words) {
      // Each keystroke of the query, as the quick pick sees it.
      for (let n = 1; n <= query.length; n++) {
        const t0 = performance.now();
        finder.search(query.slice(0, n), 200);
        searchTimes.push(performance.now() - t0);
      }
    }
  }
  searchTimes.sort((a, b) => a - b);
  console.log(
    `Insert Citation quick pick search (titles + abstracts) per keystroke: p50 ${percentile(searchTimes, 50).toFixed(2)} ms, p95 ${percentile(searchTimes, 95).toFixed(2)} ms, max ${searchTimes[searchTimes.length - 1].toFixed(2)} ms`,
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const papers = library(PAPERS);
  console.log(`Library: ${papers.length} synthetic papers built in ${(performance.now() - started).toFixed(0)} ms`);
  await benchCompletion(papers);
  await benchScan(papers);
}

void main();
