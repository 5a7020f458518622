// Loaded by VS Code as extensionTestsPath in the library benchmark (library.bench.mts). Watches the
// extension host's thread from before Marginalia activates, then measures three things a user waits
// for, each followed by the background work it sets off until the host is idle again:
//   activation: activate() with the Papers view open, until the first full tree (api.ready);
//   tagWrite:   the Add Tag command on one paper, until the library's change event shows the tag;
//   digestChange: a new digest of 50 papers written into the workspace, until the library has them;
//   groupByTag, expandUntagged, filter, clearFilter, sortByDate, showTags: the Papers tree grouped by
//   tag, its Untagged group opened (a paper in it revealed), filtered by a word, the filter cleared,
//   sorted by date, and the Tags view opened, each until the command is done; the result carries the epoch times of the step and of a second after it, in
//   which the runner looks for the window's longest task (the host cannot see the window draw).
// Each step prints `BENCH-PROGRESS {"step"}` when it starts and `BENCH-RESULT {json}` when it ends,
// which reach the runner through the workbench's codeAutomationLog. The probe reads its settings
// from probe.json beside the workspace folder. It uses only what both old and new Marginalia have:
// the command, api.ready, api.library.papers / onDidChange / tagsOf.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

interface ProbeConfig {
  tagKey: string;
  tag: string;
  /** Absolute path of the new digest's text, and where in the workspace to write it. */
  newDigestSource: string;
  newDigestTarget: string;
  newPapers: number;
  /** A step that has not finished by then fails. */
  stepTimeoutMs: number;
  /** Idle: a window this long with the host below idleCpu of a core, and no library change. */
  idleWindowMs: number;
  idleCpu: number;
  /** Give up waiting for idle after this long. */
  settleMaxMs: number;
  /** A reopened window: only activation is measured, as warmActivation. */
  warm?: boolean;
}

interface LibraryLike {
  papers: readonly unknown[];
  onDidChange(listener: () => void): vscode.Disposable;
  tagsOf?(key: string): readonly string[];
}

interface ApiLike {
  library: LibraryLike;
  ready: Promise<void>;
  timings?: { activation?: number; firstTree?: number };
  papersView?: { reveal?(key: string): Promise<boolean> };
}

/** After a view step, how long the window is watched for long frames. */
const DRAW_WINDOW_MS = 1500;

/** One measurement: wall and CPU time of the host process, and how its thread was blocked. */
interface Snapshot {
  wallMs: number;
  cpuMs: number;
  /** Longest interval of the 10 ms event-loop-delay timer (a block is about this minus 10 ms). */
  maxBlockMs: number;
  /** Gaps of the 10 ms interval probe over 110 ms, i.e. blocks of more than 100 ms. */
  blocksOver100: number;
  /** The interval probe's longest gap beyond its 10 ms. */
  maxDriftMs: number;
  rssMb: number;
  peakRssMb: number;
}

const TICK_MS = 10;

class Monitor {
  private readonly histogram = monitorEventLoopDelay({ resolution: TICK_MS });
  private last = performance.now();
  private blocks = 0;
  private maxDrift = 0;
  private started = 0;
  private cpu = process.cpuUsage();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => {
      const now = performance.now();
      const drift = now - this.last - TICK_MS;
      if (drift > 100) this.blocks++;
      if (drift > this.maxDrift) this.maxDrift = drift;
      this.last = now;
    }, TICK_MS);
  }

  start(): void {
    this.histogram.reset();
    this.blocks = 0;
    this.maxDrift = 0;
    this.last = performance.now();
    this.started = performance.now();
    this.cpu = process.cpuUsage();
  }

  snapshot(): Snapshot {
    const cpu = process.cpuUsage(this.cpu);
    // The interval timer may not have had its turn after the last block: count the gap until now too.
    const drift = performance.now() - this.last - TICK_MS;
    const maxDrift = Math.max(this.maxDrift, drift);
    return {
      wallMs: performance.now() - this.started,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxBlockMs: Math.max(this.histogram.max / 1e6, maxDrift + TICK_MS),
      blocksOver100: this.blocks + (drift > 100 ? 1 : 0),
      maxDriftMs: maxDrift,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  }

  dispose(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

function report(kind: 'BENCH-PROGRESS' | 'BENCH-RESULT', value: object): void {
  console.log(`${kind} ${JSON.stringify(value)}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
    }),
  ]);
}

/** Resolves on the first change event for which `done()` holds (checked once at once as well). */
function changeWhere(library: LibraryLike, done: () => boolean): { promise: Promise<number>; dispose(): void } {
  let subscription: vscode.Disposable | undefined;
  const promise = new Promise<number>((resolve) => {
    subscription = library.onDidChange(() => {
      if (done()) resolve(performance.now());
    });
  });
  return { promise, dispose: () => subscription?.dispose() };
}

/**
 * Waits until the host has been idle for a window (little CPU, no library change), then returns the
 * snapshot as of the start of that window: the background work a step set off.
 */
async function settle(monitor: Monitor, library: LibraryLike, config: ProbeConfig): Promise<Snapshot & { idle: boolean }> {
  let lastChange = performance.now();
  const subscription = library.onDidChange(() => {
    lastChange = performance.now();
  });
  const deadline = performance.now() + config.settleMaxMs;
  try {
    let windowStart = performance.now();
    let windowCpu = process.cpuUsage();
    let atWindowStart = monitor.snapshot();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = performance.now();
      const used = process.cpuUsage(windowCpu);
      const busy = (used.user + used.system) / 1000 / (now - windowStart) > config.idleCpu || lastChange > windowStart;
      if (busy) {
        windowStart = now;
        windowCpu = process.cpuUsage();
        atWindowStart = monitor.snapshot();
      } else if (now - windowStart >= config.idleWindowMs) {
        return { ...atWindowStart, idle: true };
      }
      if (now > deadline) return { ...monitor.snapshot(), idle: false };
    }
  } finally {
    subscription.dispose();
  }
}

/**
 * With BENCH_PROFILE_DIR set (in the environment of the server, which the extension host inherits),
 * a CPU profile of the extension host's thread, to find what a long block was: not for the tables.
 */
async function startProfile(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return undefined;
  const inspector = await import('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  // The gaps of a 5 ms timer over 80 ms, in the profile's clock (monotonic microseconds), so that a
  // block can be matched with the samples taken during it.
  const gaps: [number, number][] = [];
  let last = Number(process.hrtime.bigint() / 1000n);
  const timer = setInterval(() => {
    const now = Number(process.hrtime.bigint() / 1000n);
    if (now - last > 80_000) gaps.push([last, now]);
    last = now;
  }, 5);
  return {
    async stop(name) {
      clearInterval(timer);
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      const { mkdirSync, writeFileSync } = await import('node:fs');
      mkdirSync(dir, { recursive: true });
      const stamp = Date.now();
      writeFileSync(path.join(dir, `${name}-${stamp}.cpuprofile`), JSON.stringify(profile));
      writeFileSync(path.join(dir, `${name}-${stamp}.gaps.json`), JSON.stringify(gaps));
      session.disconnect();
    },
  };
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('the benchmark opens a folder');
  const config = JSON.parse(readFileSync(path.join(path.dirname(folder), 'probe.json'), 'utf8')) as ProbeConfig;
  const monitor = new Monitor();
  let profile: Awaited<ReturnType<typeof startProfile>>;
  try {
    const extension = vscode.extensions.getExtension<ApiLike>('marginalia.marginalia');
    if (!extension) throw new Error('Marginalia is not installed');

    // --- Activation, with the Papers view open as a user who uses Marginalia has it.
    const activation = config.warm ? 'warmActivation' : 'activation';
    report('BENCH-PROGRESS', { step: activation });
    const activeBefore = extension.isActive;
    profile = await startProfile();
    monitor.start();
    let view = 'opening';
    void Promise.resolve(vscode.commands.executeCommand('workbench.view.extension.marginalia')).then(
      () => (view = 'open'),
      (error: unknown) => (view = `not opened: ${String(error)}`),
    );
    const api = await withTimeout(Promise.resolve(extension.activate()), config.stepTimeoutMs, 'activation');
    await withTimeout(api.ready, config.stepTimeoutMs, 'first tree');
    const papers = api.library.papers.length;
    report('BENCH-RESULT', { step: activation, ...monitor.snapshot(), papers, activeBefore, view, timings: api.timings });
    console.log(`BENCH-DETAIL ${activation}: ${JSON.stringify({ ...api.timings, library: (api.library as { loadTimings?: unknown }).loadTimings })}`);
    report('BENCH-RESULT', { step: `${activation}Idle`, ...(await settle(monitor, api.library, config)) });
    if (papers === 0) throw new Error('the library is empty after activation');
    if (config.warm) return;

    // --- A tag written from the host.
    report('BENCH-PROGRESS', { step: 'tagWrite' });
    const library = api.library;
    const tagged = changeWhere(library, () => library.tagsOf?.(config.tagKey)?.includes(config.tag) ?? true);
    monitor.start();
    const started = performance.now();
    const command = Promise.resolve(vscode.commands.executeCommand('marginalia.addTag', config.tagKey, [config.tagKey], config.tag)).then(() =>
      performance.now(),
    );
    const changedAt = await withTimeout(tagged.promise, config.stepTimeoutMs, 'tag write');
    const atChange = monitor.snapshot();
    const commandAt = await withTimeout(command, config.stepTimeoutMs, 'tag command');
    tagged.dispose();
    report('BENCH-RESULT', { step: 'tagWrite', ...atChange, wallMs: changedAt - started, commandMs: commandAt - started });
    report('BENCH-RESULT', { step: 'tagWriteIdle', ...(await settle(monitor, library, config)) });

    // --- A new digest written into the workspace.
    report('BENCH-PROGRESS', { step: 'digestChange' });
    const before = library.papers.length;
    const grown = changeWhere(library, () => library.papers.length >= before + config.newPapers);
    const text = readFileSync(config.newDigestSource, 'utf8');
    monitor.start();
    const written = performance.now();
    mkdirSync(path.dirname(config.newDigestTarget), { recursive: true });
    writeFileSync(config.newDigestTarget, text);
    const grownAt = await withTimeout(grown.promise, config.stepTimeoutMs, 'digest change');
    const atGrown = monitor.snapshot();
    grown.dispose();
    report('BENCH-RESULT', { step: 'digestChange', ...atGrown, wallMs: grownAt - written, papers: library.papers.length });
    report('BENCH-RESULT', { step: 'digestChangeIdle', ...(await settle(monitor, library, config)) });

    // --- The tree's views of the whole library, as a reader switches them.
    const untagged = (library.papers as { key: string }[]).find((paper) => (library.tagsOf?.(paper.key) ?? []).length === 0)?.key;
    const viewSteps: [string, () => Thenable<unknown>][] = [
      ['groupByTag', () => vscode.commands.executeCommand('marginalia.groupByTag')],
      ['expandUntagged', () => Promise.resolve(untagged && api.papersView?.reveal ? api.papersView.reveal(untagged) : undefined)],
      ['filter', () => vscode.commands.executeCommand('marginalia.filter', 'imitation')],
      ['clearFilter', () => vscode.commands.executeCommand('marginalia.clearFilter')],
      ['sortByDate', () => vscode.commands.executeCommand('marginalia.sortByDate')],
      // The Tags view opened: VS Code asks it for its 1,000 tags' rows and counts.
      ['showTags', () => vscode.commands.executeCommand('marginalia.tags.focus')],
    ];
    for (const [step, run] of viewSteps) {
      report('BENCH-PROGRESS', { step });
      monitor.start();
      const startEpoch = Date.now();
      await withTimeout(Promise.resolve(run()), config.stepTimeoutMs, step);
      const done = monitor.snapshot();
      await new Promise((resolve) => setTimeout(resolve, DRAW_WINDOW_MS));
      const drawn = monitor.snapshot();
      report('BENCH-RESULT', { step, ...done, maxBlockMs: drawn.maxBlockMs, blocksOver100: drawn.blocksOver100, startEpoch, endEpoch: Date.now() });
    }
    // The next window (reopened) starts grouped by digest and sorted by title again, as the earlier runs did.
    await vscode.commands.executeCommand('marginalia.groupByDigest');
    await vscode.commands.executeCommand('marginalia.sortByTitle');
    await vscode.commands.executeCommand('marginalia.papers.focus');
  } finally {
    await profile?.stop('all-steps');
    monitor.dispose();
  }
}
