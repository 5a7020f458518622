// `npm run bench:library` (node --import tsx test/bench/library.bench.mts [options]): what a user
// waits for with a large library, each measurement in a fresh process, for the current tree and
// (with --baseline DIR) another checkout side by side, interleaved, in one markdown table per size.
//
//   CLI:  `marginalia search QUERY <digests> --root <ws>` cold (empty MARGINALIA_CACHE_DIR) and warm
//         (the same again), and `marginalia tag add --root <ws> KEY TAG` twice (the first change
//         and the next): wall time (measured here),
//         CPU time (user + sys) and peak RSS (from /usr/bin/time, else a preloaded reporter).
//   host: in a real VS Code (the harness's server and Chromium, test/vscode/), with the Papers view
//         open: activation to the first full tree, the Add Tag command to the library's change
//         event, a new digest of 50 papers to the library having them; each with the extension
//         host's CPU time, peak RSS, longest event-loop block and number of blocks over 100 ms, and
//         again up to when the host is idle (the background work the step set off). See libraryProbe.ts.
//   floor: reading the same digests and splitting them into lines in plain Node (libraryFloor.mjs),
//         what nothing can beat; every row shows its ratio to it (CLI rows to the whole process,
//         host rows to the reading alone, since the host pays no Node start).
//
// Options: --sizes 10000,100000 (default both), --runs N (median of N; default 3 at 10,000 papers
// and fewer, 1 above), --only cli|host, --baseline DIR (a checkout with its own built dist/),
// --current DIR (default: this repository), --snapshot (measure a built copy of this repository's
// working tree instead of its dist/), --query TEXT.
// Environment: BENCH_STEP_LIMIT_S (default 120): a measured step still running then is killed and
// its cell says so; BENCH_SETTLE_MAX_S (default 60): the longest wait for an idle host;
// BENCH_CACHE (default /tmp/marginalia-bench): generated workspaces, reused across runs.
//
// The workspace of each size is generated once (libraryWorkspace.ts): digests, then per tree the
// library file written by that tree's own CLI (`marginalia papers`), its 1,000 tags written with the
// tree's own library-file code (libraryTags.mts; the CLI as a fallback) and notes for 2 % of the
// papers. Each measured run works on a fresh copy (digests and notes hard-linked). Never asserts.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { ensureServerInstalled } from '../vscode/install.mjs';
import { repoRoot } from '../vscode/paths.mjs';
import { startServer } from '../vscode/server.mjs';
import { CODE_SERVER_VERSION } from '../vscode/versions.mjs';
import { launchChromium, workbenchUrl } from '../vscode/workbench.mjs';
import {
  DIGEST_FOLDER,
  GENERATOR_VERSION,
  NOTE_FRACTION,
  PAPERS_PER_DIGEST,
  TAG_COUNT,
  newPapersDigest,
  planTags,
  syntheticDigests,
  writeDigests,
  writeNotes,
} from './libraryWorkspace.js';

// --- Options -------------------------------------------------------------------------------------

const { values: options } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    runs: { type: 'string' },
    only: { type: 'string' },
    baseline: { type: 'string' },
    current: { type: 'string' },
    snapshot: { type: 'boolean' },
    query: { type: 'string', default: 'imitation learning' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (options.help) {
  process.stdout.write(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('//'))
      .map((line) => line.slice(3))
      .join('\n') + '\n',
  );
  process.exit(0);
}
const sizes = options.sizes.split(',').map((size) => Number(size.replace(/[_,]/g, '')));
if (sizes.some((size) => !Number.isInteger(size) || size < PAPERS_PER_DIGEST)) throw new Error(`--sizes takes whole numbers of at least ${PAPERS_PER_DIGEST}`);
if (options.only !== undefined && options.only !== 'cli' && options.only !== 'host') throw new Error('--only takes cli or host');
const runsFor = (size: number) => (options.runs !== undefined ? Number(options.runs) : size <= 10_000 ? 3 : 1);
const limitMs = Number(process.env.BENCH_STEP_LIMIT_S ?? 120) * 1000;
const settleMaxMs = Number(process.env.BENCH_SETTLE_MAX_S ?? 60) * 1000;
const cacheRoot = process.env.BENCH_CACHE ?? '/tmp/marginalia-bench';
const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const rusageReporter = path.join(repoRoot, 'test', 'bench', 'libraryRusage.mjs');

interface Tree {
  name: 'current' | 'baseline';
  dir: string;
  cli: string;
  /** Changes whenever the built CLI does: keys the tree's cached workspaces. */
  fingerprint: string;
  describe: string;
}

function makeTree(name: Tree['name'], dir: string): Tree {
  const resolved = path.resolve(dir);
  const cli = path.join(resolved, 'dist', 'cli.js');
  for (const file of [cli, path.join(resolved, 'dist', 'extension.js'), path.join(resolved, 'package.json')]) {
    if (!existsSync(file)) throw new Error(`${name} tree ${resolved}: ${file} is missing; run "npm ci && npm run build" there`);
  }
  const fingerprint = createHash('sha1').update(readFileSync(cli)).digest('hex').slice(0, 12);
  const git = (args: string[]) => spawnSync('git', ['-C', resolved, ...args], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean).length;
  const newestSource = newestMtime(path.join(resolved, 'src'));
  const built = Math.min(statSync(cli).mtimeMs, statSync(path.join(resolved, 'dist', 'extension.js')).mtimeMs);
  if (newestSource > built) log(`warning: ${name} tree ${resolved}: src/ is newer than dist/; "npm run build" there to measure the source`);
  const snapshot = path.join(resolved, 'SNAPSHOT');
  const where = existsSync(snapshot)
    ? `snapshot of ${readFileSync(snapshot, 'utf8').trim()}`
    : `${resolved} at ${git(['rev-parse', '--short', 'HEAD']) || '?'}${dirty ? ` + ${dirty} changed file(s)` : ''}`;
  return { name, dir: resolved, cli, fingerprint, describe: `${where}, dist/cli.js ${fingerprint}` };
}

function newestMtime(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function log(message: string): void {
  process.stderr.write(`[bench:library ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * --snapshot: copies this repository's working tree (tracked and untracked files git does not
 * ignore) into the cache and builds it there, so that the code measured stays what it was at the
 * start while others go on editing, and this repository's dist/ is left alone.
 */
function snapshotOfRepository(): string {
  const listed = spawnSync('git', ['-C', repoRoot, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const dir = path.join(cacheRoot, 'snapshot');
  rmSync(dir, { recursive: true, force: true });
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = path.join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(from, path.join(dir, file));
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the snapshot failed:\n${built.stdout}${built.stderr}`);
  const git = (args: string[]) => spawnSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const changed = git(['status', '--porcelain']).split('\n').filter(Boolean).length;
  writeFileSync(
    path.join(dir, 'SNAPSHOT'),
    `${repoRoot} at ${git(['rev-parse', '--short', 'HEAD'])}${changed ? ` + ${changed} changed or new file(s)` : ''}, copied ${new Date().toISOString()}\n`,
  );
  log(`snapshot of ${repoRoot} built in ${dir}`);
  return dir;
}

const trees: Tree[] = [makeTree('current', options.snapshot ? snapshotOfRepository() : (options.current ?? repoRoot))];
if (options.baseline) trees.push(makeTree('baseline', options.baseline));

// --- Measurements ----------------------------------------------------------------------------------

/** One measured value set; `killed` when the step outlived the limit; `error` when it failed. */
interface Measure {
  wallMs?: number;
  cpuMs?: number;
  peakRssMb?: number;
  maxBlockMs?: number;
  blocksOver100?: number;
  /** The window's longest task during a view step and 1.5 s after it (view steps only; 50 = none longer). */
  maxFrameMs?: number;
  killed?: boolean;
  error?: string;
  /** Notes shown after the cell (e.g. "not idle after 60 s"). */
  note?: string;
  /** Not measured, and why. */
  skipped?: string;
}

/** Runs a command in its own process group with the time limit; CPU and RSS from /usr/bin/time or the reporter. */
function measureProcess(
  command: string[],
  { cwd, env, limit = limitMs, okCodes = [0], stdout }: { cwd?: string; env?: NodeJS.ProcessEnv; limit?: number; okCodes?: number[]; stdout?: string },
): Promise<Measure & { output: string; code: number | null }> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'marginalia-bench-rusage-'));
  const usageFile = path.join(scratch, 'usage');
  let [program, ...args] = command;
  const childEnv = { ...process.env, ...env };
  if (timeBinary) {
    args = ['-f', '%e %U %S %M', '-o', usageFile, program, ...args];
    program = timeBinary;
  } else if (path.basename(program) === 'node' || program === process.execPath) {
    args = ['--import', pathToFileURL(rusageReporter).href, ...args];
    childEnv.MARGINALIA_BENCH_RUSAGE = usageFile;
  }
  return new Promise((resolve) => {
    const started = performance.now();
    // The child's stdout goes to a file (spawn takes a descriptor, not a path) or nowhere.
    const out = stdout === undefined ? undefined : openSync(stdout, 'w');
    const child = spawn(program, args, { cwd, env: childEnv, detached: true, stdio: ['ignore', out ?? 'ignore', 'pipe'] });
    if (out !== undefined) closeSync(out);
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    let killed = false;
    let cpuAtKillMs: number | undefined;
    const timer = setTimeout(() => {
      killed = true;
      cpuAtKillMs = groupCpuMs(child.pid!);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, limit);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const usage = existsSync(usageFile) ? readFileSync(usageFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : [];
      rmSync(scratch, { recursive: true, force: true });
      const result: Measure & { output: string; code: number | null } = { wallMs, output, code };
      if (usage.length === 4 && usage.every(Number.isFinite)) {
        result.cpuMs = (usage[1] + usage[2]) * 1000;
        result.peakRssMb = usage[3] / 1024;
      }
      if (killed) {
        result.killed = true;
        result.cpuMs = cpuAtKillMs;
        result.peakRssMb = undefined;
      } else if (code === null || !okCodes.includes(code)) result.error = `exit ${code}: ${output.trim().split('\n').slice(-3).join(' / ')}`;
      resolve(result);
    });
  });
}

/** CPU time (user + sys) so far of the processes of a process group, from /proc; undefined without /proc. */
function groupCpuMs(group: number): number | undefined {
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  let total = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // Fields after the command name (which may hold spaces): state is field 3, pgrp 5, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== group) continue;
      total += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return undefined;
  }
  return (total / ticks) * 1000;
}

// --- Workspaces -------------------------------------------------------------------------------------

interface Corpus {
  dir: string;
  /** The next day's digest (50 new papers): its text, and its path inside the workspace. */
  newDigestSource: string;
  newDigestTarget: string;
}

interface TreeWorkspace {
  ws: string;
  /** A paper without tags, for the tag writes. */
  tagKey: string;
}

function sizeDir(size: number): string {
  return path.join(cacheRoot, `${size}-g${GENERATOR_VERSION}`);
}

function corpusFor(size: number): Corpus {
  const dir = path.join(sizeDir(size), 'corpus');
  const meta = path.join(dir, 'corpus.json');
  if (!existsSync(meta)) {
    log(`${size.toLocaleString('en')} papers: generating digests into ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const generated = syntheticDigests(size);
    writeDigests(dir, generated.digests);
    const next = newPapersDigest(generated);
    writeFileSync(path.join(dir, 'new-digest.txt'), next.text);
    writeFileSync(meta, JSON.stringify({ newDigestTarget: next.file, digests: generated.digests.length }));
  }
  const { newDigestTarget } = JSON.parse(readFileSync(meta, 'utf8')) as { newDigestTarget: string };
  return { dir, newDigestSource: path.join(dir, 'new-digest.txt'), newDigestTarget };
}

/** The tree's own workspace of this size: its library file, its tags and notes; built once. */
async function workspaceFor(size: number, tree: Tree, corpus: Corpus): Promise<TreeWorkspace> {
  const dir = path.join(sizeDir(size), `${tree.name}-${tree.fingerprint}`);
  const done = path.join(dir, 'workspace.json');
  // Workspaces of earlier builds of this tree are not needed again.
  for (const entry of readdirSync(sizeDir(size))) {
    if (entry.startsWith(`${tree.name}-`) && entry !== path.basename(dir)) rmSync(path.join(sizeDir(size), entry), { recursive: true, force: true });
  }
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as TreeWorkspace;
  rmSync(dir, { recursive: true, force: true });
  const ws = path.join(dir, 'ws');
  mkdirSync(ws, { recursive: true });
  const link = spawnSync('cp', ['-al', path.join(corpus.dir, DIGEST_FOLDER), path.join(ws, DIGEST_FOLDER)]);
  if (link.status !== 0) throw new Error(`cp -al ${corpus.dir}: ${link.stderr.toString()}`);
  log(`${size.toLocaleString('en')} papers, ${tree.name}: marginalia papers (writes the library file)`);
  const papersJson = path.join(dir, 'papers.json');
  // Whatever the CLI caches while the workspace is built goes to a folder removed afterwards.
  const env = { MARGINALIA_CACHE_DIR: path.join(dir, 'build-cache') };
  const build = await measureProcess([process.execPath, tree.cli, 'papers', '--json', '--root', ws, path.join(ws, DIGEST_FOLDER)], {
    env,
    limit: 30 * 60_000,
    stdout: papersJson,
  });
  if (build.killed || build.error) throw new Error(`marginalia papers failed for ${tree.name}: ${build.error ?? 'killed after 30 min'}`);
  log(`  ${(build.wallMs! / 1000).toFixed(1)} s`);
  const papers = JSON.parse(readFileSync(papersJson, 'utf8')) as { key: string; title: string; abstract: string }[];
  const plan = planTags(papers.map((paper) => paper.key));
  const planJson = path.join(dir, 'tags.json');
  writeFileSync(planJson, JSON.stringify([...plan]));
  log(`  writing ${plan.size} tags with ${tree.name}'s own library-file code`);
  const tagged = await measureProcess(
    [process.execPath, '--import', 'tsx', path.join(repoRoot, 'test', 'bench', 'libraryTags.mts'), tree.dir, ws, papersJson, planJson],
    { cwd: tree.dir, limit: 10 * 60_000, okCodes: [0, 3] },
  );
  if (tagged.killed || tagged.error) throw new Error(`writing the tags failed for ${tree.name}: ${tagged.error ?? 'killed'}`);
  if (tagged.code === 3) {
    log(`  ${tagged.output.trim()}; falling back to ${plan.size} "marginalia tag add" runs`);
    let index = 0;
    for (const [tag, keys] of plan) {
      const run = await measureProcess([process.execPath, tree.cli, 'tag', 'add', '--root', ws, ...keys, tag], { env, limit: 60_000 });
      if (run.killed || run.error) throw new Error(`marginalia tag add failed for ${tree.name}: ${run.error ?? 'killed after 60 s'}`);
      if (index === 0 && run.wallMs! * plan.size > 15 * 60_000)
        throw new Error(`marginalia tag add takes ${(run.wallMs! / 1000).toFixed(1)} s a run for ${tree.name}: ${plan.size} runs would take over 15 minutes`);
      if (++index % 100 === 0) log(`  ${index} of ${plan.size} tags`);
    }
  }
  const tagged_ = new Set([...plan.values()].flat());
  const tagKey = papers.find((paper) => !tagged_.has(paper.key))?.key ?? papers[0].key;
  const notes = writeNotes(ws, papers);
  log(`  ${notes} notes (${(NOTE_FRACTION * 100).toFixed(0)} % of the papers)`);
  rmSync(env.MARGINALIA_CACHE_DIR, { recursive: true, force: true });
  const workspace: TreeWorkspace = { ws, tagKey };
  writeFileSync(done, JSON.stringify(workspace));
  return workspace;
}

/** A fresh copy of a workspace for one measured run: digests and notes hard-linked, the rest copied. */
function freshCopy(source: string, label: string): { root: string; ws: string; remove(): void } {
  const runs = path.join(cacheRoot, 'runs');
  mkdirSync(runs, { recursive: true });
  const root = mkdtempSync(path.join(runs, `${label}-`));
  const ws = path.join(root, 'ws');
  mkdirSync(ws);
  for (const entry of readdirSync(source)) {
    const from = path.join(source, entry);
    const linked = entry === DIGEST_FOLDER || entry === 'notes';
    const result = spawnSync('cp', [linked ? '-al' : '-a', from, path.join(ws, entry)]);
    if (result.status !== 0) throw new Error(`cp ${from}: ${result.stderr.toString()}`);
  }
  return { root, ws, remove: () => rmSync(root, { recursive: true, force: true }) };
}

// --- CLI and floor -----------------------------------------------------------------------------------

const CLI_STEPS = ['searchCold', 'searchWarm', 'searchSteady', 'tagAdd', 'tagAddAgain'] as const;
type CliStep = (typeof CLI_STEPS)[number];

async function measureCli(tree: Tree, workspace: TreeWorkspace): Promise<Record<CliStep, Measure>> {
  const copy = freshCopy(workspace.ws, `${tree.name}-cli`);
  const cache = mkdtempSync(path.join(os.tmpdir(), 'marginalia-bench-cache-'));
  try {
    const env = { MARGINALIA_CACHE_DIR: cache };
    const search = [process.execPath, tree.cli, 'search', options.query, path.join(copy.ws, DIGEST_FOLDER), '--root', copy.ws];
    // search exits 1 when nothing matched: still a measurement.
    const searchCold = await measureProcess(search, { env, okCodes: [0, 1] });
    log(`  ${tree.name} cold search: ${formatCell(searchCold)}`);
    const searchWarm = await measureProcess(search, { env, okCodes: [0, 1] });
    log(`  ${tree.name} warm search: ${formatCell(searchWarm)}`);
    // The copy's files are seconds old, so the first warm run checks their content (git's "racy"
    // rule); a user's digests are old files, as for this third run.
    const searchSteady = await measureProcess(search, { env, okCodes: [0, 1] });
    log(`  ${tree.name} steady search: ${formatCell(searchSteady)}`);
    // The first change parses the copied library file (no run has vouched for its text yet); the
    // next patches the lines of the paper alone, as every later change does.
    const tagAdd = await measureProcess([process.execPath, tree.cli, 'tag', 'add', '--root', copy.ws, workspace.tagKey, 'bench-cli-tag'], { env });
    log(`  ${tree.name} tag add: ${formatCell(tagAdd)}`);
    const tagAddAgain = await measureProcess([process.execPath, tree.cli, 'tag', 'add', '--root', copy.ws, workspace.tagKey, 'bench-cli-tag-2'], { env });
    log(`  ${tree.name} tag add again: ${formatCell(tagAddAgain)}`);
    return { searchCold, searchWarm, searchSteady, tagAdd, tagAddAgain };
  } finally {
    rmSync(cache, { recursive: true, force: true });
    copy.remove();
  }
}

async function measureFloor(corpus: Corpus): Promise<Measure & { innerMs: number }> {
  const run = await measureProcess([process.execPath, path.join(repoRoot, 'test', 'bench', 'libraryFloor.mjs'), path.join(corpus.dir, DIGEST_FOLDER)], {
    stdout: path.join(os.tmpdir(), `marginalia-bench-floor-${process.pid}.json`),
  });
  const file = path.join(os.tmpdir(), `marginalia-bench-floor-${process.pid}.json`);
  const inner = JSON.parse(readFileSync(file, 'utf8')) as { ms: number };
  rmSync(file, { force: true });
  return { ...run, innerMs: inner.ms };
}

// --- Host -------------------------------------------------------------------------------------------

const HOST_STEPS = [
  'activation',
  'activationIdle',
  'tagWrite',
  'tagWriteIdle',
  'digestChange',
  'digestChangeIdle',
  'groupByTag',
  'expandUntagged',
  'filter',
  'clearFilter',
  'sortByDate',
  'showTags',
  'warmActivation',
  'warmActivationIdle',
] as const;
type HostStep = (typeof HOST_STEPS)[number];

let probeFile: string | undefined;

async function buildProbe(): Promise<string> {
  if (probeFile) return probeFile;
  const outfile = path.join(cacheRoot, 'probe', 'libraryProbe.js');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'bench', 'libraryProbe.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  probeFile = outfile;
  return outfile;
}

interface ProbeResult {
  step: HostStep;
  wallMs: number;
  cpuMs: number;
  maxBlockMs: number;
  blocksOver100: number;
  peakRssMb: number;
  idle?: boolean;
  activeBefore?: boolean;
  papers?: number;
  view?: string;
  /** View steps: the step's start and a second after its end (Date.now() in the host). */
  startEpoch?: number;
  endEpoch?: number;
}

/**
 * Installed in the workbench page before it loads: the window's long tasks (the Long Tasks API:
 * every task of the page's main thread over 50 ms), as [epoch ms of its start, its length]. While
 * such a task runs the window draws no frame; requestAnimationFrame, the usual frame probe, never
 * fires in this harness's headless Chromium.
 */
function recordLongTasks(): void {
  const tasks: [number, number][] = [];
  (globalThis as unknown as { __marginaliaLongTasks: [number, number][] }).__marginaliaLongTasks = tasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push([performance.timeOrigin + entry.startTime, entry.duration]);
  }).observe({ type: 'longtask' as 'mark', buffered: true });
}

async function measureHost(tree: Tree, size: number, workspace: TreeWorkspace, corpus: Corpus): Promise<Record<HostStep, Measure>> {
  const probe = await buildProbe();
  const copy = freshCopy(workspace.ws, `${tree.name}-host`);
  writeFileSync(
    path.join(copy.root, 'probe.json'),
    JSON.stringify({
      tagKey: workspace.tagKey,
      tag: 'bench-host-tag',
      newDigestSource: corpus.newDigestSource,
      newDigestTarget: path.join(copy.ws, corpus.newDigestTarget),
      newPapers: PAPERS_PER_DIGEST,
      stepTimeoutMs: limitMs,
      idleWindowMs: 1000,
      idleCpu: 0.05,
      settleMaxMs,
    }),
  );
  const results = new Map<HostStep, Measure>();
  let current: HostStep | undefined;
  let stepStarted = performance.now();
  const lines: string[] = [];
  // The server (and so the extension host) inherits this process's environment: an empty cache
  // folder of its own makes every host run a cold one, and leaves nothing in ~/.cache.
  const cache = mkdtempSync(path.join(os.tmpdir(), 'marginalia-bench-cache-'));
  const previousCache = process.env.MARGINALIA_CACHE_DIR;
  process.env.MARGINALIA_CACHE_DIR = cache;
  const server = await startServer().finally(() => {
    if (previousCache === undefined) delete process.env.MARGINALIA_CACHE_DIR;
    else process.env.MARGINALIA_CACHE_DIR = previousCache;
  });
  const browser = await launchChromium();
  try {
    // Two windows, one after the other, on the same workspace and server: the first finds nothing in
    // the extension's storage (a first open); the second is the next morning's window, with the
    // parsed digests and the search index the first one left there.
    for (const warm of [false, true]) {
      if (warm) {
        if (!results.has('activation') || results.get('activation')?.killed) break;
        writeFileSync(
          path.join(copy.root, 'probe.json'),
          JSON.stringify({ ...JSON.parse(readFileSync(path.join(copy.root, 'probe.json'), 'utf8')), warm: true }),
        );
      }
      const page = await browser.newPage();
      let stepTimer: ReturnType<typeof setTimeout> | undefined;
      const finished = new Promise<string | undefined>((resolve) => {
        const arm = (ms: number, why: string) => {
          clearTimeout(stepTimer);
          stepTimer = setTimeout(() => resolve(why), ms);
        };
        arm(180_000, 'the probe did not start within 180 s');
        void page.exposeFunction('codeAutomationLog', async (_type: string, message: unknown) => {
          const text = String(message);
          lines.push(text.slice(0, 500));
          if (lines.length > 60) lines.shift();
          if (text.includes('BENCH-DETAIL')) log(`  ${tree.name} host: ${text.slice(text.indexOf('BENCH-DETAIL') + 13)}`);
          const progress = /BENCH-PROGRESS (\{.*\})/.exec(text);
          if (progress) {
            current = (JSON.parse(progress[1]) as { step: HostStep }).step;
            stepStarted = performance.now();
            log(`  ${tree.name} host: ${current}...`);
            // The probe times out on its own at the limit; this catches a host thread blocked for good.
            arm(limitMs + 15_000, 'killed');
          }
          const result = /BENCH-RESULT (\{.*\})/.exec(text);
          if (result) {
            const value = JSON.parse(result[1]) as ProbeResult;
            const measure: Measure = {
              wallMs: value.wallMs,
              cpuMs: value.cpuMs,
              maxBlockMs: value.maxBlockMs,
              blocksOver100: value.blocksOver100,
              peakRssMb: value.peakRssMb,
            };
            if (value.startEpoch !== undefined && value.endEpoch !== undefined) {
              // A task belongs to the step when it ran at some moment within it; none over 50 ms reads as 50.
              const [from, to] = [value.startEpoch, value.endEpoch];
              measure.maxFrameMs = await page
                .evaluate(
                  ([a, b]) => {
                    const tasks = (globalThis as unknown as { __marginaliaLongTasks?: [number, number][] }).__marginaliaLongTasks;
                    if (!tasks) return -1;
                    return tasks.filter(([at, length]) => at + length >= a && at <= b).reduce((longest, [, length]) => Math.max(longest, length), 50);
                  },
                  [from, to] as const,
                )
                .catch(() => -1);
              if (measure.maxFrameMs < 0) measure.maxFrameMs = undefined;
            }
            const notes: string[] = [];
            if (value.idle === false) notes.push(`not idle after ${settleMaxMs / 1000} s`);
            if (value.activeBefore) notes.push('Marginalia was active before the probe started');
            if (value.step === 'activation' && value.papers !== undefined && value.papers !== size) notes.push(`${value.papers} papers`);
            if (value.view !== undefined && value.view !== 'open') notes.push(`Papers view ${value.view}`);
            if (notes.length > 0) measure.note = notes.join('; ');
            results.set(value.step, measure);
            log(`  ${tree.name} host: ${value.step}: ${formatCell(measure)}`);
          }
        });
        void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code === 0 ? undefined : `the probe exited with ${code}`));
      });
      await page.addInitScript(recordLongTasks);
      await page.goto(workbenchUrl(server, { folder: copy.ws, extensionDevelopmentPath: tree.dir, extensionTestsPath: probe }));
      const failure = await finished;
      clearTimeout(stepTimer);
      if (failure) {
        // The probe gives up at the limit on its own (when the host's thread lets its timer run).
        const timedOut = failure === 'killed' || performance.now() - stepStarted >= limitMs || lines.some((line) => line.includes(': not done after '));
        if (current && !results.has(current)) results.set(current, timedOut ? { killed: true } : { error: failure });
        if (!timedOut) log(`  ${tree.name} host failed (${failure}); last lines:\n${lines.slice(-15).join('\n')}`);
        break;
      }
      await page.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    copy.remove();
    rmSync(cache, { recursive: true, force: true });
  }
  return Object.fromEntries(
    HOST_STEPS.map((step) => {
      const found = results.get(step);
      if (found) return [step, found];
      const idleOf = step.endsWith('Idle') ? results.get(step.slice(0, -4) as HostStep) : undefined;
      if (idleOf?.killed) return [step, { killed: true }];
      const earlier = HOST_STEPS.slice(0, HOST_STEPS.indexOf(step)).find((other) => results.get(other)?.killed || results.get(other)?.error);
      return [
        step,
        { skipped: earlier ? `not run (${LABELS[earlier].replace(/^host: /, '')} ${results.get(earlier)!.killed ? 'killed' : 'failed'})` : 'not run' },
      ];
    }),
  ) as Record<HostStep, Measure>;
}

// --- Table ------------------------------------------------------------------------------------------

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
}

/** The median of each value over the runs; killed or failed when any run was. */
function combine(measures: Measure[]): Measure {
  const killed = measures.find((m) => m.killed);
  if (killed) return { killed: true, cpuMs: killed.cpuMs };
  const failed = measures.find((m) => m.error);
  if (failed) return { error: failed.error };
  const skipped = measures.find((m) => m.skipped);
  if (skipped) return { skipped: skipped.skipped };
  const pick = (key: keyof Measure) => median(measures.map((m) => m[key]).filter((v): v is number => typeof v === 'number'));
  const notes = [...new Set(measures.map((m) => m.note).filter(Boolean))];
  return {
    wallMs: pick('wallMs'),
    cpuMs: pick('cpuMs'),
    peakRssMb: pick('peakRssMb'),
    maxBlockMs: pick('maxBlockMs'),
    blocksOver100: pick('blocksOver100'),
    maxFrameMs: pick('maxFrameMs'),
    note: notes.join('; ') || undefined,
  };
}

function ms(value: number | undefined): string {
  if (value === undefined) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
}

function formatCell(m: Measure): string {
  if (m.killed) return `> ${limitMs / 1000} s (killed${m.cpuMs === undefined ? '' : ` after ${ms(m.cpuMs)} CPU`})`;
  if (m.error) return `failed: ${m.error}`;
  if (m.skipped) return m.skipped;
  return `${ms(m.wallMs)} wall, ${ms(m.cpuMs)} CPU${m.peakRssMb ? `, ${m.peakRssMb.toFixed(0)} MB` : ''}${m.maxBlockMs !== undefined ? `, block ${ms(m.maxBlockMs)}` : ''}${m.maxFrameMs !== undefined ? `, window task ${ms(m.maxFrameMs)}` : ''}${m.note ? ` (${m.note})` : ''}`;
}

const LABELS: Record<CliStep | HostStep | 'floor', string> = {
  floor: 'floor: read + split the digests (plain Node process)',
  searchCold: 'CLI `search` cold (empty cache)',
  searchWarm: 'CLI `search` warm (second run, inputs seconds old)',
  searchSteady: 'CLI `search` warm (third run, as with older files)',
  tagAdd: 'CLI `tag add` one paper (the first change)',
  tagAddAgain: 'CLI `tag add` one paper (the next change)',
  activation: 'host: activation → first full tree',
  activationIdle: 'host: activation → idle',
  warmActivation: 'host: reopened window: activation → first full tree',
  warmActivationIdle: 'host: reopened window → idle',
  tagWrite: 'host: Add Tag → change event',
  tagWriteIdle: 'host: Add Tag → idle',
  digestChange: `host: new digest (${PAPERS_PER_DIGEST} papers) → in library`,
  digestChangeIdle: 'host: new digest → idle',
  groupByTag: 'host: Group by Tag',
  expandUntagged: 'host: open Untagged (reveal a paper in it)',
  filter: 'host: Filter Papers "imitation"',
  clearFilter: 'host: Clear Filter',
  sortByDate: 'host: Sort by Date',
  showTags: 'host: open the Tags view (1,000 tags)',
};

function cells(m: Measure | undefined, floorMs: number): string[] {
  if (!m) return ['', '', '', '', '', '', ''];
  if (m.killed)
    return [`> ${limitMs / 1000} s (killed)`, m.cpuMs === undefined ? '' : `> ${ms(m.cpuMs)}`, '', '', '', '', `> ${(limitMs / floorMs).toFixed(0)}×`];
  if (m.error) return [`failed: ${m.error.replace(/\|/g, '/').slice(0, 120)}`, '', '', '', '', '', ''];
  if (m.skipped) return [m.skipped, '', '', '', '', '', ''];
  const wall = `${ms(m.wallMs)}${m.note ? ` (${m.note})` : ''}`;
  const block = m.maxBlockMs === undefined ? '–' : ms(m.maxBlockMs);
  const blocks = m.blocksOver100 === undefined ? '–' : String(Math.round(m.blocksOver100));
  return [
    wall,
    ms(m.cpuMs),
    m.peakRssMb === undefined ? '–' : `${m.peakRssMb.toFixed(0)} MB`,
    block,
    blocks,
    m.maxFrameMs === undefined ? '–' : ms(m.maxFrameMs),
    m.wallMs === undefined ? '' : `${(m.wallMs / floorMs).toFixed(1)}×`,
  ];
}

/** current / baseline of wall or CPU time; a killed run counts as at least the limit. */
function ratio(current: Measure | undefined, baseline: Measure | undefined, key: 'wallMs' | 'cpuMs'): string {
  if (!current || !baseline) return '';
  if (current.error || baseline.error || current.skipped || baseline.skipped) return '';
  if (current.killed && baseline.killed) return 'both killed';
  const atKill = (m: Measure) => (key === 'wallMs' ? limitMs : m.cpuMs);
  if (baseline.killed) {
    const floor = atKill(baseline);
    return current[key] === undefined || !floor ? '' : `< ${(current[key] / floor).toFixed(3)}`;
  }
  if (current.killed) {
    const floor = atKill(current);
    return baseline[key] === undefined || !floor ? '' : `> ${(floor / baseline[key]).toFixed(1)}`;
  }
  if (current[key] === undefined || baseline[key] === undefined) return '';
  return (current[key] / baseline[key]).toFixed(2);
}

// --- Main -------------------------------------------------------------------------------------------

const loadAtStart = os.loadavg();
log(`trees: ${trees.map((tree) => `${tree.name} = ${tree.describe}`).join('; ')}`);
log(`sizes ${sizes.join(', ')}; step limit ${limitMs / 1000} s; ${os.cpus().length} cores; CPU/RSS via ${timeBinary ?? 'a preloaded reporter'}`);
if (options.only !== 'cli') await ensureServerInstalled((line) => log(line));

const tables: string[] = [];
for (const size of sizes) {
  const runs = runsFor(size);
  const corpus = corpusFor(size);
  const workspaces = new Map<Tree, TreeWorkspace>();
  for (const tree of trees) workspaces.set(tree, await workspaceFor(size, tree, corpus));
  const floors: (Measure & { innerMs: number })[] = [];
  const measured = new Map<Tree, Map<string, Measure[]>>(trees.map((tree) => [tree, new Map()]));
  const add = (tree: Tree, step: string, measure: Measure) => {
    const list = measured.get(tree)!.get(step) ?? [];
    list.push(measure);
    measured.get(tree)!.set(step, list);
  };
  const killedBefore = (tree: Tree, step: string) =>
    measured
      .get(tree)!
      .get(step)
      ?.some((m) => m.killed) ?? false;
  for (let run = 0; run < runs; run++) {
    // Alternate the order of the trees from run to run, so that neither always goes first.
    const order = run % 2 === 0 ? trees : [...trees].reverse();
    log(`${size.toLocaleString('en')} papers, run ${run + 1} of ${runs}`);
    const floor = await measureFloor(corpus);
    floors.push(floor);
    log(`  floor: ${formatCell(floor)} (${ms(floor.innerMs)} inside the process)`);
    if (options.only !== 'host') {
      for (const tree of order) {
        // A step that was killed once is not run again: it would only burn the limit again.
        if (CLI_STEPS.every((step) => killedBefore(tree, step))) {
          for (const step of CLI_STEPS) add(tree, step, { killed: true });
          continue;
        }
        const result = await measureCli(tree, workspaces.get(tree)!);
        for (const step of CLI_STEPS) add(tree, step, result[step]);
      }
    }
    if (options.only !== 'cli') {
      for (const tree of order) {
        if (killedBefore(tree, 'activation')) {
          for (const step of HOST_STEPS) add(tree, step, { killed: true });
          continue;
        }
        const result = await measureHost(tree, size, workspaces.get(tree)!, corpus);
        for (const step of HOST_STEPS) add(tree, step, result[step]);
      }
    }
  }
  const floor = combine(floors);
  const floorInner = median(floors.map((f) => f.innerMs))!;
  const steps = [...(options.only !== 'host' ? CLI_STEPS : []), ...(options.only !== 'cli' ? HOST_STEPS : [])];
  const header = [
    'step',
    ...trees.flatMap((tree) => [`${tree.name}: wall`, 'CPU', 'peak RSS', 'longest block', 'blocks > 100 ms', 'longest window task', '× floor']),
    ...(trees.length > 1 ? ['current / baseline: wall', 'CPU'] : []),
  ];
  const rows = [
    `| ${LABELS.floor} | ${trees.map(() => cells(floor, floor.wallMs!).join(' | ')).join(' | ')}${trees.length > 1 ? ' | 1.00 | 1.00' : ''} |`,
    ...steps.map((step) => {
      const floorMs = step.startsWith('search') || step.startsWith('tagAdd') ? floor.wallMs! : floorInner;
      const combined = trees.map((tree) => combine(measured.get(tree)!.get(step) ?? []));
      return `| ${LABELS[step]} | ${combined.map((m) => cells(m, floorMs).join(' | ')).join(' | ')}${trees.length > 1 ? ` | ${ratio(combined[0], combined[1], 'wallMs')} | ${ratio(combined[0], combined[1], 'cpuMs')}` : ''} |`;
    }),
  ];
  tables.push(
    [
      `### ${size.toLocaleString('en')} papers (${Math.ceil(size / PAPERS_PER_DIGEST)} digests, ${TAG_COUNT.toLocaleString('en')} tags, ${(NOTE_FRACTION * 100).toFixed(0)} % with notes), median of ${runs} run${runs === 1 ? '' : 's'}`,
      '',
      `| ${header.join(' | ')} |`,
      `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
      ...rows,
      '',
      `Floor: ${ms(floor.wallMs)} as a process (Node's start included; CLI rows are divided by it), ${ms(floorInner)} inside it (host rows are divided by that).`,
    ].join('\n'),
  );
}

console.log(`## Library benchmark (${new Date().toISOString().slice(0, 10)})`);
console.log('');
console.log(
  `On ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version} for the CLI, VS Code server of code-server ${CODE_SERVER_VERSION} for the host; a shared machine: load average ${loadAtStart[0].toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, so wall times vary more than CPU times.`,
);
for (const tree of trees) console.log(`- ${tree.name}: ${tree.describe}`);
console.log(
  `- query: "${options.query}"; step limit ${limitMs / 1000} s (BENCH_STEP_LIMIT_S); host CPU/RSS are the extension host's (with its worker threads), measured inside it; CLI CPU is user + sys of the process, peak RSS its max RSS.`,
);
console.log(
  "- longest window task (view steps): the longest task of the workbench page's main thread (the Long Tasks API in Chromium) from the step's start to 1.5 s after its command returned, during which the window draws no frame; 50 ms means none took longer (the API reports only longer ones).",
);
console.log(
  '- longest block: the longest interval of a 10 ms event-loop-delay timer (monitorEventLoopDelay), so a block is about this minus 10 ms; blocks > 100 ms counted by a 10 ms setInterval drift probe. "→ idle": until the host spent a whole second under 5 % CPU with no library change (at most BENCH_SETTLE_MAX_S).',
);
console.log('');
for (const table of tables) {
  console.log(table);
  console.log('');
}
console.log(
  "Left out: the text is synthetic (titles from a growing made-up vocabulary, abstracts reuse the seed abstracts' sentences, one digest layout, no e-mail or wrapped layouts, no non-ASCII); tags are Zipf-distributed but random, not correlated with topics; notes are short and uniform (front matter, a quote, two lines); no git, no other extensions' load, no real user interaction (the tree is open but nothing is expanded or scrolled, the commands get their arguments rather than a quick pick); the Tags and Related views stay collapsed; the page cache is warm (files were just written or copied); one workspace folder.",
);
