/**
 * The library's thread. The extension host sends it the digest files of the workspace; reading and
 * parsing them, merging them into papers, and reading and writing the library file all happen here,
 * so that the host's thread never runs a long task for the library (none over 100 ms at 100,000
 * papers). Papers go back in chunks, and after the first load only those that changed.
 * Bundled as dist/libraryWorker.js.
 */
import { promises as fs } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { LibraryConflictError, LibraryFileError, TagError, type LibraryRecords } from '../../core/library/libraryFile';
import { PaperFinder } from '../../core/citations/paperFinder';
import { sortByTitle } from '../../core/papers/grouping';
import type { Paper, ParsedDigest } from '../../core/types';
import { readDigestsCached } from '../digest/digestCache';
import { readDigest } from '../digest/digestFiles';
import { FileAccessError, LockTimeoutError } from './fileLock';
import { LibraryStore } from './libraryStore';
import { openLibrary, type OpenedLibrary } from './openLibrary';
import {
  keysAgree,
  readSnapshot,
  readSummary,
  snapshotFile,
  statDigest,
  summaryFile,
  writeSnapshot,
  writeSummary,
  type DigestStat,
  type LibrarySnapshot,
  type RecordsSummary,
} from './librarySnapshot';
import { isRacy } from '../fileStamp';
import { mapLimited } from '../concurrency';
import { titleIdentity } from '../../core/text';
import { CHUNKS_IN_FLIGHT } from './libraryWorkerProtocol';
import type {
  DigestFileReport,
  FindResult,
  PapersReceipt,
  LibraryWorkerReply,
  LibraryWorkerRequest,
  LoadResult,
  StatusOperation,
  StatusResult,
  TagOperation,
  TagResult,
  WorkerErrorKind,
} from './libraryWorkerProtocol';
import { sameList } from '../../core/sameList';

/** Papers per message: about 1.5 MB of text, a few milliseconds for the host to clone. */
const CHUNK = 1000;

const port = parentPort;
if (!port) throw new Error('libraryWorker.js runs as a worker thread only.');

/** Parsed digests by file; a file not in here is read on the next load. */
const digests = new Map<string, ParsedDigest>();
/**
 * The digest files whose papers the last load took from the snapshot (librarySnapshot.ts): known,
 * but not parsed in `digests`. A load that must merge reads them first. Null otherwise.
 */
let servedFiles: Set<string> | null = null;
/** Each digest file's stat, taken before the content in `digests` was read (for the snapshot). */
const readStats = new Map<string, DigestStat>();
/** The last report of each digest file (for the snapshot). */
const reportsByFile = new Map<string, DigestFileReport>();
/** The papers of the last publish, in merge order, and their keys in title order. */
let lastPapers: Paper[] | null = null;
/**
 * Each digest's parse and report as the last published load had them: a digest re-read since
 * without a publish (the snapshot's check of a racy digest, a load whose merge failed) is compared
 * with these, not with what the worker holds now (see load).
 */
let publishedDigests = new Map<string, { digest: ParsedDigest | undefined; report: DigestFileReport | undefined }>();
let lastOrder: string[] = [];
/** Each paper as last sent, to send only what changed. */
let sent = new Map<string, Paper>();
let store: LibraryStore | null = null;
/** The last load's result and the records it came from, for a load that finds nothing changed (see load). */
let lastResult: LoadResult | null = null;
let lastRecords: LibraryRecords | null = null;
/**
 * The tags as the host was last told them: a load's whole list, then each tag change's. A load
 * asked with `shown` (the host shows what it was told) sends null for tags that equal these.
 */
let hostTags: Map<string, readonly string[]> | null = null;
/** The snapshot on disk and the papers it holds (the array published from it or written to it), for its records summary. */
let snapshotOf: { id: string; papers: Paper[] } | null = null;
let last: { root: string | null; files: string[]; trusted: boolean; cacheDir: string | null } | null = null;

class WorkerError extends Error {
  constructor(
    readonly kind: WorkerErrorKind,
    message: string,
  ) {
    super(message);
  }
}

// One request at a time, in order: a tag change never runs in the middle of a load.
let queue: Promise<void> = Promise.resolve();
/**
 * The digest cache's writes from a cached read (readDigestsCached's deferSave), started once the
 * load's reply is posted: at 100,000 papers, encoding them is seconds of CPU that the first window
 * need not wait for. They run beside later requests; the next cached read (a load of every digest)
 * waits for them first, so that it finds their entries rather than parsing those digests again.
 */
let cacheSave: (() => Promise<void>) | null = null;
let cacheSaving: Promise<void> | null = null;
function startCacheSave(): void {
  const save = cacheSave;
  cacheSave = null;
  if (save) cacheSaving = save();
}
port.on('message', (request: LibraryWorkerRequest | PapersReceipt) => {
  if (request.type === 'received') return receipts.received();
  if (request.type === 'find') return answerFind(request);
  queue = queue
    .then(() => handle(request))
    .then(
      (value) => post({ id: request.id, type: 'ok', value }),
      (error: unknown) => post({ id: request.id, type: 'error', kind: errorKind(error), message: errorMessage(error) }),
    )
    .then(startCacheSave);
});

function post(reply: LibraryWorkerReply): void {
  port!.postMessage(reply);
}

/** The `papers` chunks posted and not yet receipted by the host (see CHUNKS_IN_FLIGHT). */
const receipts = {
  outstanding: 0,
  waiter: null as (() => void) | null,
  received(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  },
  /** Posts a chunk, first waiting until fewer than CHUNKS_IN_FLIGHT are unreceipted. */
  async post(id: number, papers: Paper[]): Promise<void> {
    while (this.outstanding >= CHUNKS_IN_FLIGHT) await new Promise<void>((resolve) => (this.waiter = resolve));
    this.outstanding++;
    post({ id, type: 'papers', papers });
  },
};

function log(level: 'info' | 'warn', message: string): void {
  post({ type: 'log', level, message });
}

async function handle(request: LibraryWorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'load':
      last = { root: request.root, files: request.files, trusted: request.trusted, cacheDir: request.cacheDir };
      return load(request.id, request.reread, request.shown ?? false);
    case 'tag':
      return tag(request.operation);
    case 'status':
      return status(request.operation);
    case 'find':
      return find(request);
    case 'resolve': {
      if (!last?.root) throw new WorkerError('internal', 'Open a folder first: the library file is kept in the workspace.');
      const { markers } = await storeFor(last.root).resolve();
      log('info', `Resolved the library file's merge conflict: removed ${markers} marker line(s)`);
      return { ...(await load(request.id, [])), markers };
    }
    default:
      return assertNever(request);
  }
}

function storeFor(root: string): LibraryStore {
  if (store?.root !== root) store = new LibraryStore(root, { log: (line) => log('warn', line) });
  return store;
}

/** The most digests read again that a load compares with what was read before (see load). */
const MAX_COMPARED_REREADS = 16;

async function load(id: number, reread: string[] | 'all', shown = false): Promise<LoadResult> {
  const { root, files, trusted, cacheDir } = last!;
  // The first load of a window: the library as the last window left it, when nothing changed since.
  const first = reread === 'all' && digests.size === 0 && servedFiles === null && lastResult === null;
  if (first && root && trusted && cacheDir && files.length > 1) {
    const served = await loadFromSnapshot(id, root, files, cacheDir);
    if (served) return served;
  }
  const listed = new Set(files);
  const known = servedFiles ? new Set([...servedFiles, ...digests.keys()]) : new Set(digests.keys());
  const dropped = [...known].filter((file) => !listed.has(file));
  for (const file of dropped) forget(file);
  if (reread === 'all') {
    digests.clear();
    servedFiles = null;
  }
  let toRead = files.filter((file) => !(digests.has(file) || servedFiles?.has(file)) || (reread !== 'all' && reread.includes(file)));
  // Our own tag write makes the watcher ask for a load: nothing to read and the file as we wrote it
  // means the library is as we last sent it, so 100,000 papers are not merged and sent again.
  // Tag changes made since went into those same records (the store reuses them), so their tags are current.
  const unchanged = async (): Promise<LoadResult | null> => {
    if (reread === 'all' || dropped.length > 0 || !root || !lastResult || !lastRecords || !trusted || !(await storeFor(root).isUnchanged(lastRecords)))
      return null;
    const nothing = { removed: [], sent: 0, files: [], dropped: [], newDisputes: [], warning: undefined, unchanged: true, fromSnapshot: false };
    if (shown) return { ...lastResult, ...nothing, order: [], tags: [], statuses: [], queue: [], disputes: [] };
    return { ...lastResult, ...nothing, tags: tagsToSend(lastRecords.tagged(), false), statuses: lastRecords.statuses(), queue: lastRecords.queue() };
  };
  if (toRead.length === 0) {
    const same = await unchanged();
    if (same) return same;
  }
  // A digest the watcher reports again often holds what was read (a save's create and change
  // events, one after the other, or a touch): when every digest read again is as it was, the
  // library is as last sent, and 100,000 papers are not merged and sent again for it.
  // (A few files at most: many changed digests, as a pull brings, are a change.)
  const compared = servedFiles === null && reread !== 'all' && toRead.length <= MAX_COMPARED_REREADS && toRead.every((file) => publishedDigests.has(file));
  // The papers came from the snapshot and now must be merged: the parsed digests are read first,
  // from the digest cache (the changed ones are parsed).
  if (servedFiles) {
    toRead = files;
    servedFiles = null;
  }
  const started = performance.now();
  const reports = await readFiles(toRead, digests.size === 0 ? cacheDir : null);
  timings.readMs = performance.now() - started;
  const asPublished = (file: string) => {
    const published = publishedDigests.get(file)!;
    return sameData(digests.get(file), published.digest) && sameData(reportsByFile.get(file), published.report);
  };
  if (compared && toRead.every(asPublished)) {
    const same = await unchanged();
    if (same) {
      // A touch changed the digests' stats: the snapshot must have them, or the next window will not trust it.
      if (cacheDir && lastPapers && same.state === 'ready' && !same.warning) scheduleSnapshot(root!, lastPapers);
      return same;
    }
  }

  const ordered = [...files].sort(comparePaths).flatMap((file) => digests.get(file) ?? []);
  const base = { removed: [] as string[], files: reports, dropped };
  if (!root) return publish(id, shown, { ...base, state: 'empty', corruption: null, papers: [], records: null });
  const libraryStore = storeFor(root);
  const merging = performance.now();
  let opened: OpenedLibrary;
  try {
    // Restricted Mode: show keys, but write nothing into a workspace the user has not trusted. A
    // folder that cannot be written (read-only, permissions, a live lock held too long): show the
    // library with the keys it has, and say once that new keys are not saved.
    opened = await openLibrary(libraryStore, ordered, { save: trusted, unsavable: 'read' });
  } catch (error) {
    if (!(error instanceof LibraryFileError)) throw error;
    // Keys must come from the user's file: without it, show nothing rather than wrong keys.
    return publish(id, shown, {
      ...base,
      state: 'corrupt',
      corruption: { message: error.message, conflict: error instanceof LibraryConflictError },
      papers: [],
      records: null,
    });
  }
  timings.mergeMs = performance.now() - merging;
  const { papers, records, warning } = opened;
  const result = await publish(id, shown, { ...base, state: papers.length > 0 ? 'ready' : 'empty', corruption: null, papers, records, warning });
  // Keys of new papers not saved, or not trusted to save them: the next window must merge anew.
  if (result.state === 'ready' && trusted && !warning && cacheDir) scheduleSnapshot(root, papers);
  return result;
}

/**
 * The first load from the snapshot the last window left (librarySnapshot.ts), when every digest is
 * as it was then and the library file, read and normalised under its lock as on every open, still
 * gives each paper its key. Null when it cannot: the caller merges the digests.
 */
async function loadFromSnapshot(id: number, root: string, files: string[], cacheDir: string): Promise<LoadResult | null> {
  const started = performance.now();
  const stats = await statAll(files);
  if (stats.some((stat) => stat === null)) return null;
  const snapshot = await readSnapshot(snapshotFile(cacheDir), root, stats as DigestStat[], (line) => log('info', line));
  if (!snapshot?.id) return null;
  timings.readMs = performance.now() - started;
  const merging = performance.now();
  // The library file as it was when it last agreed with these papers: their keys and tags are the
  // summary's, and the file's records are parsed after the papers are out, for the next change.
  const summary = await readSummary(summaryFile(cacheDir), root, snapshot.id, (line) => log('info', line));
  if (summary && (await storeFor(root).fileFingerprint()) === summary.fingerprint) {
    timings.mergeMs = performance.now() - merging;
    servedFiles = new Set(files);
    snapshotOf = { id: snapshot.id, papers: snapshot.papers };
    for (const report of snapshot.reports) reportsByFile.set(report.file, report);
    log(
      'info',
      `Library from the snapshot of the last window: ${snapshot.papers.length} papers of ${files.length} unchanged digest(s), the library file unchanged since`,
    );
    const result = await publish(id, false, { ...fromSnapshot(snapshot), records: null, summary });
    queue = queue
      .then(() => adoptRecords(root, snapshot, summary, result))
      .catch((error: unknown) => log('warn', `library file: not read after the snapshot (${errorMessage(error)})`));
    return result;
  }
  let agreed = false;
  let records: LibraryRecords;
  try {
    records = await storeFor(root).update((current) => {
      agreed = keysAgree(snapshot, current);
      return current;
    });
  } catch {
    // A library file that cannot be read or written: the full load has the words for it.
    return null;
  }
  if (!agreed) {
    log('info', 'library snapshot: not used, since the library file changed the keys of its papers; merging the digests');
    return null;
  }
  timings.mergeMs = performance.now() - merging;
  servedFiles = new Set(files);
  snapshotOf = { id: snapshot.id, papers: snapshot.papers };
  for (const report of snapshot.reports) reportsByFile.set(report.file, report);
  log('info', `Library from the snapshot of the last window: ${snapshot.papers.length} papers of ${files.length} unchanged digest(s)`);
  const result = await publish(id, false, { ...fromSnapshot(snapshot), records });
  scheduleSummary();
  return result;
}

/** The parts of a load result a snapshot gives. */
function fromSnapshot(snapshot: LibrarySnapshot) {
  return {
    removed: [],
    files: snapshot.reports,
    dropped: [],
    state: 'ready' as const,
    corruption: null,
    papers: snapshot.papers,
    order: snapshot.order,
    warning: undefined,
    fromSnapshot: true,
  };
}

/**
 * After a load from the snapshot and its records summary: the library file's records, read and
 * normalised under the lock as on every open, so that the next tag change finds them in memory. They
 * must give the papers the keys the summary vouched for; if they do not (a summary that lies), the
 * summary is dropped and the window's next load merges the digests. When the file still has the
 * summary's bytes, the load's answer is what they say, and a load that finds nothing changed since
 * (the watcher after this window's own tag write) is answered from memory, as after any load.
 */
async function adoptRecords(root: string, snapshot: LibrarySnapshot, summary: RecordsSummary, answer: LoadResult): Promise<void> {
  if (lastPapers !== snapshot.papers) return;
  const store = storeFor(root);
  const records = await store.update((current) => current);
  if (lastPapers !== snapshot.papers) return;
  if (!keysAgree(snapshot, records)) {
    log('warn', 'library records summary: the library file does not give the snapshot its keys; reading everything again on the next change');
    if (last?.cacheDir) await fs.rm(summaryFile(last.cacheDir), { force: true });
    return;
  }
  lastRecords = records;
  // A file changed since the summary was believed (a CLI write, a pull) keeps lastResult empty: its watcher load merges and sends it.
  if (lastResult === null && store.fingerprint(records) === summary.fingerprint) lastResult = answer;
}

/** How long the library must be quiet before its records summary is written (after a load or a change). */
const SUMMARY_DELAY_MS = 1000;
let summaryTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleSummary(): void {
  clearTimeout(summaryTimer);
  summaryTimer = setTimeout(() => {
    queue = queue.then(saveSummary).catch((error: unknown) => log('warn', `library records summary: not written (${errorMessage(error)})`));
  }, SUMMARY_DELAY_MS);
  summaryTimer.unref?.();
}

/**
 * Writes the records summary of the snapshot on disk (librarySnapshot.ts), when the papers shown are
 * the snapshot's and the library file still holds the bytes of the records in memory.
 */
async function saveSummary(): Promise<void> {
  const current = last;
  const records = lastRecords;
  if (!current?.cacheDir || !current.root || !current.trusted || !records || !snapshotOf || snapshotOf.papers !== lastPapers) return;
  if (records.newDisputes.length > 0) return;
  const store = storeFor(current.root);
  if (!(await store.isUnchanged(records))) return;
  const fingerprint = store.fingerprint(records);
  if (!fingerprint) return;
  const summary: RecordsSummary = {
    snapshot: snapshotOf.id,
    fingerprint,
    tags: records.tagged(),
    statuses: records.statuses(),
    queue: records.queue(),
    disputes: records.disputes(),
  };
  await writeSummary(summaryFile(current.cacheDir), current.root, summary, (line) => log('warn', line));
}

/** The tags a load sends: null when the host shows exactly these already (see hostTags). */
function tagsToSend(tagged: [string, string[]][], shown: boolean): [string, string[]][] | null {
  if (shown && hostTags && hostTags.size === tagged.length && tagged.every(([key, tags]) => sameList(hostTags!.get(key), tags))) return null;
  hostTags = new Map(tagged);
  return tagged;
}

/** Drops what the worker knows of a digest file that is no longer in the library. */
function forget(file: string): void {
  digests.delete(file);
  servedFiles?.delete(file);
  readStats.delete(file);
  reportsByFile.delete(file);
}

async function statAll(files: readonly string[]): Promise<(DigestStat | null)[]> {
  return mapLimited(files, 16, (file) => statDigest(file));
}

/** How long the library must be quiet before its snapshot is written (a write of 100,000 papers takes the worker about a second). */
const SNAPSHOT_DELAY_MS = 3000;
let snapshotTimer: ReturnType<typeof setTimeout> | undefined;

/** Writes the snapshot of `papers` once the library has been quiet for SNAPSHOT_DELAY_MS, between requests. */
function scheduleSnapshot(root: string, papers: Paper[]): void {
  clearTimeout(snapshotTimer);
  snapshotTimer = setTimeout(() => {
    queue = queue.then(() => saveSnapshot(root, papers)).catch((error: unknown) => log('warn', `library snapshot: not written (${errorMessage(error)})`));
  }, SNAPSHOT_DELAY_MS);
  snapshotTimer.unref?.();
}

async function saveSnapshot(root: string, papers: Paper[]): Promise<void> {
  const current = last;
  // Another load came since, or the papers came from a snapshot: nothing to write, or not yet.
  if (!current?.cacheDir || current.root !== root || servedFiles || papers !== lastPapers) return;
  // A digest read within the clock's granularity of its last change could have changed again
  // unseen (librarySnapshot.ts): read again, it must give the same digest as the one merged.
  for (const file of current.files) {
    const stat = readStats.get(file);
    if (!stat || !isRacy(stat, stat.takenAtMs)) continue;
    const before = JSON.stringify([digests.get(file) ?? null, reportsByFile.get(file) ?? null]);
    await readFiles([file], null);
    if (JSON.stringify([digests.get(file) ?? null, reportsByFile.get(file) ?? null]) !== before) return;
    const again = readStats.get(file);
    if (!again || isRacy(again, again.takenAtMs)) return scheduleSnapshot(root, papers);
  }
  const stats = current.files.map((file) => readStats.get(file));
  const reports = current.files.map((file) => reportsByFile.get(file));
  if (stats.some((stat) => !stat) || reports.some((report) => !report)) return;
  const identities = papers.map((paper) => titleIdentity(paper.title) || paper.title);
  const id = await writeSnapshot(
    snapshotFile(current.cacheDir),
    { root, digests: stats as DigestStat[], reports: reports as DigestFileReport[], papers, identities, order: lastOrder },
    (line) => log('warn', line),
  );
  if (id === null) return;
  snapshotOf = { id, papers };
  await saveSummary();
}

async function readFiles(files: string[], cacheDir: string | null): Promise<DigestFileReport[]> {
  const reports: DigestFileReport[] = [];
  // For the snapshot: each digest's stat, taken before it is read (a change after it then shows).
  // The digest cache takes them itself, before it reads.
  const keepStats = (stats: readonly (DigestStat | null)[]) =>
    files.forEach((file, i) => {
      const stat = stats[i];
      if (stat) readStats.set(file, stat);
      else readStats.delete(file);
    });
  const cachedRead = cacheDir !== null && files.length > 1;
  if (last?.cacheDir && !cachedRead) keepStats(await statAll(files));
  const report = (entry: DigestFileReport) => {
    reports.push(entry);
    reportsByFile.set(entry.file, entry);
  };
  const take = (file: string, digest: ParsedDigest | null, problems: ParsedDigest['diagnostics']) => {
    // A glob such as *.txt also finds READMEs and logs: a file that is not a digest is skipped
    // without filling the Problems panel, and said in the log.
    const notADigest = digest === null || (digest.entries.length === 0 && digest.diagnostics.every((d) => d.line === 0));
    if (notADigest) {
      digests.delete(file);
      report({ file, digestDate: null, problems: [], skipped: [...problems, ...(digest?.diagnostics ?? [])].map((d) => d.message).join(' ') });
      return;
    }
    digests.set(file, digest);
    report({ file, digestDate: digest.digestDate, problems: [...problems, ...digest.diagnostics] });
  };
  if (cachedRead) {
    // The first load of a window: parsed digests come from the cache where their files are unchanged.
    await cacheSaving;
    const cached = await readDigestsCached(files, cacheDir, { log: (line) => log('info', line), deferSave: true });
    cacheSave = cached.save;
    if (last?.cacheDir) keepStats(cached.fileStamps);
    const byFile = new Map(cached.digests.map((digest) => [digest.file, digest]));
    const problemsOf = new Map<string, ParsedDigest['diagnostics']>();
    for (const problem of cached.problems) problemsOf.set(problem.file, [...(problemsOf.get(problem.file) ?? []), problem]);
    for (const file of files) take(file, byFile.get(file) ?? null, problemsOf.get(file) ?? []);
    log('info', `Read ${files.length} digest(s): ${cached.stats.reused} from the cache, ${cached.stats.parsed} parsed`);
    return reports;
  }
  for (const file of files) {
    const { digest, problems } = await readDigest(file);
    take(file, digest, problems);
  }
  return reports;
}

/** The citation finder of `lastPapers` (core/citations/paperFinder.ts), made when first asked for. */
let finder: { papers: Paper[]; finder: PaperFinder } | null = null;
/** A library at least this big has its finder made in the background after a load, so that the first completion finds it ready. */
const BACKGROUND_FINDER_PAPERS = 5000;
/** How long after a load the finder is made in the background (a load changes the papers several times in a row). */
const FINDER_SETTLE_MS = 2000;
let finderTimer: ReturnType<typeof setTimeout> | undefined;

function currentFinder(): PaperFinder {
  const papers = lastPapers ?? [];
  if (finder?.papers !== papers) finder = { papers, finder: PaperFinder.update(papers, finder?.finder) };
  return finder.finder;
}

function find(request: Extract<LibraryWorkerRequest, { type: 'find' }>): FindResult {
  const matches = currentFinder().find(request.mode, request.query, request.limit);
  return { matches: matches.map(({ paper, rank }) => [paper.key, rank]) };
}

function answerFind(request: Extract<LibraryWorkerRequest, { type: 'find' }>): void {
  try {
    post({ id: request.id, type: 'ok', value: find(request) });
  } catch (error) {
    post({ id: request.id, type: 'error', kind: errorKind(error), message: errorMessage(error) });
  }
}

/** Makes the finder of a big library once it has been quiet for FINDER_SETTLE_MS. */
function scheduleFinder(): void {
  clearTimeout(finderTimer);
  if ((lastPapers?.length ?? 0) < BACKGROUND_FINDER_PAPERS) return;
  finderTimer = setTimeout(currentFinder, FINDER_SETTLE_MS);
  finderTimer.unref?.();
}

/** What the load in progress spent where (see LoadResult.timings). */
const timings = { readMs: 0, mergeMs: 0, publishMs: 0 };

async function publish(
  id: number,
  shown: boolean,
  result: Omit<LoadResult, 'order' | 'sent' | 'tags' | 'statuses' | 'queue' | 'disputes' | 'newDisputes' | 'timings'> & {
    papers: Paper[];
    records: LibraryRecords | null;
    /** The papers' keys in title order, when known (from the snapshot); else sorted here. */
    order?: string[];
    /** Without records: what the library file said of these papers (see librarySnapshot.ts). */
    summary?: RecordsSummary;
  },
): Promise<LoadResult> {
  const publishing = performance.now();
  const { papers, records, order = byTitle(papers), summary, ...rest } = result;
  lastPapers = papers;
  publishedDigests = new Map(
    [...new Set([...digests.keys(), ...reportsByFile.keys()])].map((file) => [file, { digest: digests.get(file), report: reportsByFile.get(file) }]),
  );
  lastOrder = order;
  const next = new Map<string, Paper>();
  let chunk: Paper[] = [];
  let count = 0;
  for (const paper of papers) {
    next.set(paper.key, paper);
    const before = sent.get(paper.key);
    if (before !== undefined && sameData(before, paper)) continue;
    chunk.push(paper);
    count++;
    if (chunk.length === CHUNK) {
      await receipts.post(id, chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await receipts.post(id, chunk);
  const removed = [...sent.keys()].filter((key) => !next.has(key));
  sent = next;
  // Once every chunk is out: a finder made while they are sent would hold them up for a second.
  scheduleFinder();
  timings.publishMs = performance.now() - publishing;
  lastResult = {
    ...rest,
    timings: { ...timings },
    removed,
    order,
    sent: count,
    tags: tagsToSend(records?.tagged() ?? summary?.tags ?? [], shown),
    statuses: records?.statuses() ?? summary?.statuses ?? [],
    queue: records?.queue() ?? summary?.queue ?? [],
    disputes: records?.disputes() ?? summary?.disputes ?? [],
    newDisputes: [...(records?.newDisputes ?? [])],
  };
  // Only a ready library can be answered from memory next time.
  const answer = lastResult;
  lastRecords = records;
  if (answer.state !== 'ready' || !records) lastResult = null;
  return answer;
}

async function tag(operation: TagOperation): Promise<TagResult> {
  if (!last?.root) throw new WorkerError('internal', 'Open a folder first: tags are kept in the workspace.');
  let changedTags: [string, string[]][] = [];
  const changed = await storeFor(last.root).update(
    (records) => {
      const keys =
        operation.kind === 'add'
          ? records.addTag(operation.keys, operation.tag)
          : operation.kind === 'remove'
            ? records.removeTag(operation.keys, operation.tag)
            : records.renameTag(operation.from, operation.to);
      changedTags = keys.map((key) => [key, [...(records.get(key)?.tags ?? [])]]);
      return keys;
    },
    { mentions: operation.kind === 'rename' ? [operation.from] : operation.keys },
  );
  if (changed.length > 0) scheduleSummary();
  // The host takes these into what it shows (see hostTags).
  for (const [key, tags] of changedTags) {
    if (tags.length > 0) hostTags?.set(key, tags);
    else hostTags?.delete(key);
  }
  return { changed, tags: changedTags };
}

async function status(operation: StatusOperation): Promise<StatusResult> {
  if (!last?.root) throw new WorkerError('internal', 'Open a folder first: reading status is kept in the workspace.');
  let result: StatusResult = { changed: [], statuses: [], queue: [] };
  await storeFor(last.root).update((records) => {
    const changed =
      operation.kind === 'set'
        ? records.setStatus(operation.keys, operation.status)
        : operation.kind === 'enqueue'
          ? records.enqueue(operation.keys)
          : operation.kind === 'dequeue'
            ? records.dequeue(operation.keys)
            : records.moveInQueue(operation.key, operation.index)
              ? [records.get(operation.key)!.key]
              : [];
    result = { changed, statuses: changed.map((key) => [key, records.statusOf(key)]), queue: records.queue() };
  });
  if (result.changed.length > 0) scheduleSummary();
  return result;
}

function errorKind(error: unknown): WorkerErrorKind {
  if (error instanceof WorkerError) return error.kind;
  if (error instanceof TagError) return 'tag';
  if (error instanceof LibraryConflictError) return 'conflict';
  if (error instanceof LibraryFileError) return 'corrupt';
  if (error instanceof FileAccessError || error instanceof LockTimeoutError) return 'access';
  return 'internal';
}

function errorMessage(error: unknown): string {
  if (error instanceof TagError) return error.reason;
  if (errorKind(error) !== 'internal') return (error as Error).message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * True when two values of plain JSON data (papers) are equal. A paper's first load compares
 * nothing, and a reload compares without writing 100,000 papers out as JSON text.
 */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key) || !sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * The keys of `papers` in title order (ties by key): the host keeps its papers so, and each group
 * of the tree, gathered in that order, is then sorted by title in one pass. Sorting 100,000 titles
 * takes about 200 ms (sortByTitle), which is better spent here than on the host's thread.
 */
function byTitle(papers: readonly Paper[]): string[] {
  return sortByTitle(
    papers,
    (paper) => paper.title,
    (a, b) => comparePaths(a.key, b.key),
  ).map((paper) => paper.key);
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected request ${JSON.stringify(value)}`);
}
