// `npm run bench:activation`: Marginalia's activation time and time to the first full Papers tree in
// a real VS Code (the harness's server and Chromium), for the four seeds and for a 10,000-paper
// library built from them; beside it, the floor: reading, parsing and merging the same digests in
// plain Node. Median of RUNS runs (default 3).
import { mkdtempSync, rmSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ensureServerInstalled } from '../vscode/install.mjs';
import { repoRoot } from '../vscode/paths.mjs';
import { startServer } from '../vscode/server.mjs';
import { launchChromium, workbenchUrl } from '../vscode/workbench.mjs';
import { writeSyntheticLibrary } from './syntheticLibrary.js';
import { findDigestFiles, readDigest } from '../../src/node/digest/digestFiles.js';
import { mergeDigests } from '../../src/core/library/merge.js';
import { LibraryRecords } from '../../src/core/library/libraryFile.js';
import type { ParsedDigest } from '../../src/core/types.js';

const runs = Number(process.env.RUNS ?? 3);

interface Result {
  activation: number;
  firstTree: number;
  papers: number;
  digests: number;
}

const probe = path.join(repoRoot, 'out', 'test', 'bench', 'activationProbe.js');
await esbuild.build({
  entryPoints: [path.join(repoRoot, 'test', 'bench', 'activationProbe.ts')],
  outfile: probe,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  external: ['vscode'],
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: [path.join(repoRoot, 'src', 'extension.ts')],
  outfile: path.join(repoRoot, 'dist', 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: true,
  logLevel: 'warning',
});
await ensureServerInstalled();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(folder: string): Promise<Result> {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    let result: Result | undefined;
    const done = new Promise<void>((resolve, reject) => {
      void page.exposeFunction('codeAutomationLog', (_type: string, message: unknown) => {
        const match = /BENCH-RESULT (\{.*\})/.exec(String(message));
        if (match) result = JSON.parse(match[1]) as Result;
      });
      void page.exposeFunction('codeAutomationExit', (code: number) => (code === 0 && result ? resolve() : reject(new Error(`the probe exited with ${code}`))));
    });
    await page.goto(workbenchUrl(server, { folder, extensionDevelopmentPath: repoRoot, extensionTestsPath: probe }));
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 180_000))]);
    return result!;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Read + parse + merge in plain Node: what the extension cannot do faster than. */
async function floor(folder: string): Promise<number> {
  const started = performance.now();
  const { files } = await findDigestFiles([folder]);
  const digests: ParsedDigest[] = [];
  for (const file of files) {
    const { digest } = await readDigest(file);
    if (digest) digests.push(digest);
  }
  mergeDigests(digests, new LibraryRecords());
  return performance.now() - started;
}

const cases: { name: string; make(folder: string): void }[] = [
  { name: 'seeds (4 digests)', make: (folder) => cpSync(path.join(repoRoot, 'seeds'), path.join(folder, 'seeds'), { recursive: true }) },
  { name: '10,000 papers (100 digests)', make: (folder) => writeSyntheticLibrary(path.join(folder, 'digests'), 10_000) },
];

const rows: string[] = [];
for (const { name, make } of cases) {
  const results: Result[] = [];
  const floors: number[] = [];
  for (let run = 0; run < runs; run++) {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'marginalia-bench-workspace-'));
    try {
      make(folder);
      floors.push(await floor(folder));
      results.push(await measure(folder));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  const activation = median(results.map((r) => r.activation));
  const firstTree = median(results.map((r) => r.firstTree));
  const base = median(floors);
  rows.push(
    `| ${name} | ${results[0].papers.toLocaleString('en')} | ${activation.toFixed(1)} ms | ${firstTree.toFixed(0)} ms | ${base.toFixed(0)} ms | ${(firstTree / base).toFixed(2)}x |`,
  );
  console.error(`${name}: done`);
}

console.log(`Median of ${runs} runs, on ${os.cpus().length} cores; times from the start of activate().`);
console.log('');
console.log('| library | papers | activate() returns | first full tree | floor: read + parse + merge in Node | tree / floor |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
