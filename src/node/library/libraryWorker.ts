/**
 * The library's thread. The extension host sends it the digest files of the workspace; reading and
 * parsing them, merging them into papers, and reading and writing the library file all happen here,
 * so that the host's thread never runs a long task for the library (none over 100 ms at 100,000
 * papers). Papers go back in chunks, and after the first load only those that changed.
 * Bundled as dist/libraryWorker.js.
 */
import { parentPort } from 'node:worker_threads';
import { LibraryConflictError, LibraryFileError, TagError, type LibraryRecords } from '../../core/library/libraryFile';
import { compareTitles } from '../../core/papers/grouping';
import type { Paper, ParsedDigest } from '../../core/types';
import { readDigestsCached } from '../digest/digestCache';
import { readDigest } from '../digest/digestFiles';
import { FileAccessError, LockTimeoutError } from './fileLock';
import { LibraryStore } from './libraryStore';
import { openLibrary, type OpenedLibrary } from './openLibrary';
import { CHUNKS_IN_FLIGHT } from './libraryWorkerProtocol';
import type {
  DigestFileReport,
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

/** Papers per message: about 1.5 MB of text, a few milliseconds for the host to clone. */
const CHUNK = 1000;

const port = parentPort;
if (!port) throw new Error('libraryWorker.js runs as a worker thread only.');

/** Parsed digests by file; a file not in here is read on the next load. */
const digests = new Map<string, ParsedDigest>();
/** Each paper as last sent, to send only what changed. */
let sent = new Map<string, Paper>();
let store: LibraryStore | null = null;
/** The last load's result and the records it came from, for a load that finds nothing changed (see load). */
let lastResult: LoadResult | null = null;
let lastRecords: LibraryRecords | null = null;
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
port.on('message', (request: LibraryWorkerRequest | PapersReceipt) => {
  if (request.type === 'received') return receipts.received();
  queue = queue
    .then(() => handle(request))
    .then(
      (value) => post({ id: request.id, type: 'ok', value }),
      (error: unknown) => post({ id: request.id, type: 'error', kind: errorKind(error), message: errorMessage(error) }),
    );
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

async function load(id: number, reread: string[] | 'all', shown = false): Promise<LoadResult> {
  const { root, files, trusted, cacheDir } = last!;
  const listed = new Set(files);
  const dropped = [...digests.keys()].filter((file) => !listed.has(file));
  for (const file of dropped) digests.delete(file);
  if (reread === 'all') digests.clear();
  const toRead = files.filter((file) => !digests.has(file) || (reread !== 'all' && reread.includes(file)));
  // Our own tag write makes the watcher ask for a load: nothing to read and the file as we wrote it
  // means the library is as we last sent it, so 100,000 papers are not merged and sent again.
  // Tag changes made since went into those same records (the store reuses them), so their tags are current.
  if (
    reread !== 'all' &&
    toRead.length === 0 &&
    dropped.length === 0 &&
    root &&
    lastResult &&
    lastRecords &&
    trusted &&
    (await storeFor(root).isUnchanged(lastRecords))
  ) {
    const nothing = { removed: [], sent: 0, files: [], dropped: [], newDisputes: [], warning: undefined, unchanged: true };
    if (shown) return { ...lastResult, ...nothing, order: [], tags: [], statuses: [], queue: [], disputes: [] };
    return { ...lastResult, ...nothing, tags: lastRecords.tagged(), statuses: lastRecords.statuses(), queue: lastRecords.queue() };
  }
  const started = performance.now();
  const reports = await readFiles(toRead, digests.size === 0 ? cacheDir : null);
  timings.readMs = performance.now() - started;

  const ordered = [...files].sort(comparePaths).flatMap((file) => digests.get(file) ?? []);
  const base = { removed: [] as string[], files: reports, dropped };
  if (!root) return publish(id, { ...base, state: 'empty', corruption: null, papers: [], records: null });
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
    return publish(id, {
      ...base,
      state: 'corrupt',
      corruption: { message: error.message, conflict: error instanceof LibraryConflictError },
      papers: [],
      records: null,
    });
  }
  timings.mergeMs = performance.now() - merging;
  const { papers, records, warning } = opened;
  return publish(id, { ...base, state: papers.length > 0 ? 'ready' : 'empty', corruption: null, papers, records, warning });
}

async function readFiles(files: string[], cacheDir: string | null): Promise<DigestFileReport[]> {
  const reports: DigestFileReport[] = [];
  const take = (file: string, digest: ParsedDigest | null, problems: ParsedDigest['diagnostics']) => {
    // A glob such as *.txt also finds READMEs and logs: a file that is not a digest is skipped
    // without filling the Problems panel, and said in the log.
    const notADigest = digest === null || (digest.entries.length === 0 && digest.diagnostics.every((d) => d.line === 0));
    if (notADigest) {
      digests.delete(file);
      reports.push({ file, digestDate: null, problems: [], skipped: [...problems, ...(digest?.diagnostics ?? [])].map((d) => d.message).join(' ') });
      return;
    }
    digests.set(file, digest);
    reports.push({ file, digestDate: digest.digestDate, problems: [...problems, ...digest.diagnostics] });
  };
  if (cacheDir && files.length > 1) {
    // The first load of a window: parsed digests come from the cache where their files are unchanged.
    const cached = await readDigestsCached(files, cacheDir, { log: (line) => log('info', line) });
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

/** What the load in progress spent where (see LoadResult.timings). */
const timings = { readMs: 0, mergeMs: 0, publishMs: 0 };

async function publish(
  id: number,
  result: Omit<LoadResult, 'order' | 'sent' | 'tags' | 'statuses' | 'queue' | 'disputes' | 'newDisputes' | 'timings'> & {
    papers: Paper[];
    records: LibraryRecords | null;
  },
): Promise<LoadResult> {
  const publishing = performance.now();
  const { papers, records, ...rest } = result;
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
  timings.publishMs = performance.now() - publishing;
  lastResult = {
    ...rest,
    timings: { ...timings },
    removed,
    order: byTitle(papers),
    sent: count,
    tags: records?.tagged() ?? [],
    statuses: records?.statuses() ?? [],
    queue: records?.queue() ?? [],
    disputes: records?.disputes() ?? [],
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
 * takes about 100 ms, which is better spent here than on the host's thread.
 */
function byTitle(papers: readonly Paper[]): string[] {
  return [...papers].sort((a, b) => compareTitles(a.title, b.title) || comparePaths(a.key, b.key)).map((paper) => paper.key);
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected request ${JSON.stringify(value)}`);
}
