/**
 * The library worker's first load of a window, whose digest cache is empty, for this tree's built
 * worker and another tree's side by side, alternating run by run so that the machine's load falls on
 * both alike: wall time to the load's reply, this process's CPU time (the worker's and the receiving
 * of its papers) and the worker's own read/merge/publish timings. The part of bench:library's
 * "activation → first full tree" that happens in the worker, without VS Code around it.
 *
 *   npm run bench:worker-load -- WORKSPACE OTHER_TREE [RUNS]
 *
 * WORKSPACE: a folder with digests under daily-papers/ and a .marginalia/library.jsonl, such as
 * bench:library's generated one (/tmp/marginalia-bench/100000-g4/current-*\/ws); each run loads a
 * fresh copy. OTHER_TREE: a checkout with its own built dist/. Run `node esbuild.mjs` here first.
 * A benchmark, not a test; it leaves out VS Code, the host's thread and the other workers.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findDigestFiles } from '../../src/node/digest/digestFiles.js';
import { LibraryWorkerClient } from '../../src/node/library/libraryWorkerClient.js';
import { repoRoot } from '../vscode/paths.mjs';

const [workspace, otherTree, runsText = '4'] = process.argv.slice(2);
if (!workspace || !otherTree) throw new Error('usage: workerFirstLoad.bench.mts WORKSPACE OTHER_TREE [RUNS]');
const trees = [repoRoot, path.resolve(otherTree)];

interface Run {
  wall: number;
  cpu: number;
  timings: { readMs: number; mergeMs: number; publishMs: number };
}

async function firstLoad(tree: string): Promise<Run> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'marginalia-worker-load-'));
  try {
    const root = path.join(scratch, 'ws');
    cpSync(path.resolve(workspace), root, { recursive: true });
    const files = (await findDigestFiles([path.join(root, 'daily-papers')])).files.sort();
    const client = new LibraryWorkerClient(path.join(tree, 'dist', 'libraryWorker.js'), () => undefined);
    try {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const result = await client.request({ type: 'load', root, files, reread: 'all', trusted: true, cacheDir: path.join(scratch, 'cache') });
      const wall = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      if (result.papers.length === 0) throw new Error(`${tree}: the load gave no papers`);
      return { wall, cpu: (cpu.user + cpu.system) / 1000, timings: result.value.timings };
    } finally {
      client.dispose();
    }
  } finally {
    // The worker may still be writing the digest cache's deferred entries while it terminates.
    rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

const runs = new Map<string, Run[]>(trees.map((tree) => [tree, []]));
for (let i = 0; i < Number(runsText); i++) {
  for (const tree of trees) {
    const run = await firstLoad(tree);
    runs.get(tree)!.push(run);
    const { readMs, mergeMs, publishMs } = run.timings;
    console.log(
      `${tree}: ${Math.round(run.wall)} ms wall, ${Math.round(run.cpu)} ms CPU (read ${Math.round(readMs)}, merge ${Math.round(mergeMs)}, publish ${Math.round(publishMs)})`,
    );
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`\n| tree | wall (median) | CPU | read | merge | publish |\n|---|---:|---:|---:|---:|---:|`);
for (const [tree, list] of runs) {
  const cell = (pick: (run: Run) => number) => `${Math.round(median(list.map(pick)))} ms`;
  console.log(
    `| ${tree} | ${cell((r) => r.wall)} | ${cell((r) => r.cpu)} | ${cell((r) => r.timings.readMs)} | ${cell((r) => r.timings.mergeMs)} | ${cell((r) => r.timings.publishMs)} |`,
  );
}
console.log(`\n${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end.`);
