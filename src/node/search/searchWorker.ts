/**
 * The search index's thread. The extension host sends it the library in chunks and asks it
 * queries; indexing, reading and writing the cache all happen here, so that the extension host's
 * thread never runs a long task for search (issue 6: none over 100 ms). Bundled as dist/searchWorker.js.
 */
import { promises as fs } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { ForYouFeatures } from '../../core/search/forYou';
import { SearchIndex, SearchIndexFormatError } from '../../core/search/searchIndex';
import { IndexFileError, decodeIndexFile, encodeIndexFile } from './indexFile';
import type { SearchDocument } from '../../core/search/searchIndex';
import type { TextsMessage, WorkerReply, WorkerRequest, WorkerValues } from './searchWorkerProtocol';

/** Updates are written to the cache this long after the last one, so that a burst costs one write. */
const SAVE_DELAY_MS = 2000;

interface Sync {
  fromCache: boolean;
  seen: Set<string>;
  changed: number;
  total: number;
  done: number;
  loadMs: number;
  cacheProblem?: string;
  lastChunkAt: number;
}

let index = new SearchIndex();
/** For You's vectors of `index`, built on the first request after the index last changed. */
let forYouFeatures: ForYouFeatures | null = null;
let sync: Sync | null = null;
let cacheFile: string | null = null;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let saving: Promise<void> = Promise.resolve();

const port = parentPort;
if (!port) throw new Error('searchWorker.js runs as a worker thread only.');

// One request at a time, in order: `begin` reads the cache before the first chunk is indexed.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest | TextsMessage) => {
  // The client's answer to needTexts comes while a search waits in the queue: it is no request.
  if (request.type === 'texts') {
    textsWanted.get(request.token)?.(request.documents);
    textsWanted.delete(request.token);
    return;
  }
  queue = queue
    .then(() => handle(request))
    .then(
      (value) => post({ id: request.id, type: 'ok', value }),
      (error: unknown) => post({ id: request.id, type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
});

function post(reply: WorkerReply): void {
  port!.postMessage(reply);
}

/** Searches waiting for papers' fields from the client, by token. */
const textsWanted = new Map<number, (documents: (SearchDocument | null)[]) => void>();
let nextToken = 1;

/**
 * Runs a query; one with a phrase first asks the client for the fields of the papers that have all
 * its words (the worker keeps no text), then checks the phrase on them.
 */
async function search(query: string, limit: number): Promise<WorkerValues['search']> {
  const keys = index.phraseCandidates(query, limit);
  if (keys === null) return index.search(query, limit);
  const documents = new Map<string, SearchDocument>();
  if (keys.length > 0) {
    const token = nextToken++;
    const answer = new Promise<(SearchDocument | null)[]>((resolve) => textsWanted.set(token, resolve));
    post({ type: 'needTexts', token, keys });
    (await answer).forEach((document, i) => {
      if (document) documents.set(keys[i], document);
    });
  }
  return index.search(query, limit, (key) => documents.get(key));
}

async function handle(request: WorkerRequest): Promise<WorkerValues[WorkerRequest['type']]> {
  // Anything but a query may change the index.
  if (request.type !== 'search' && request.type !== 'related' && request.type !== 'relatedToText' && request.type !== 'forYou' && request.type !== 'flush') {
    forYouFeatures = null;
  }
  switch (request.type) {
    case 'begin':
      return begin(request.cacheFile, request.total);
    case 'documents': {
      const current = requireSync();
      for (const document of request.documents) {
        if (current.fromCache) {
          if (index.upsert(document)) current.changed++;
          current.seen.add(document.key);
        } else {
          index.addForBuild(document);
          current.changed++;
        }
      }
      current.done += request.documents.length;
      current.lastChunkAt = performance.now();
      post({ type: 'progress', done: current.done, total: current.total });
      return null;
    }
    case 'end':
      return end();
    case 'upsert': {
      let changed = 0;
      for (const document of request.documents) if (index.upsert(document)) changed++;
      if (changed > 0) scheduleSave();
      return changed;
    }
    case 'remove': {
      let removed = 0;
      for (const key of request.keys) if (index.remove(key)) removed++;
      if (removed > 0) scheduleSave();
      return removed;
    }
    case 'search':
      return search(request.query, request.limit);
    case 'related':
      return index.related(request.key, request.limit);
    case 'relatedToText':
      return index.relatedToText(request.text, request.limit, request.excludeKey);
    case 'forYou': {
      const started = performance.now();
      forYouFeatures ??= ForYouFeatures.from(index.documentTerms());
      const result = forYouFeatures.rank({ positives: request.positives, notInterested: request.notInterested, limit: request.limit });
      return { ...result, ms: performance.now() - started };
    }
    case 'flush':
      if (saveTimer !== undefined) {
        clearTimeout(saveTimer);
        saveTimer = undefined;
        saving = saving.then(save, save);
      }
      await saving;
      return null;
    default:
      throw new Error(`Unknown request ${JSON.stringify(request)}`);
  }
}

function requireSync(): Sync {
  if (!sync) throw new Error('Documents arrived outside a begin/end synchronisation.');
  return sync;
}

async function begin(file: string | null, total: number): Promise<WorkerValues['begin']> {
  cacheFile = file;
  clearTimeout(saveTimer);
  await saving;
  const started = performance.now();
  let cacheProblem: string | undefined;
  let loaded: SearchIndex | null = null;
  if (file) {
    try {
      const bytes = await fs.readFile(file);
      loaded = SearchIndex.deserialize(decodeIndexFile(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') cacheProblem = 'no cache yet';
      else if (error instanceof SearchIndexFormatError || error instanceof IndexFileError) cacheProblem = error.reason;
      else cacheProblem = error instanceof Error ? error.message : String(error);
    }
  } else {
    cacheProblem = 'no storage for a cache';
  }
  const loadMs = performance.now() - started;
  index = loaded ?? new SearchIndex();
  sync = { fromCache: loaded !== null, seen: new Set(), changed: 0, total, done: 0, loadMs, cacheProblem, lastChunkAt: performance.now() };
  return { loaded: loaded?.size ?? 0, loadMs, cacheProblem };
}

async function end(): Promise<WorkerValues['end']> {
  const current = requireSync();
  sync = null;
  if (current.fromCache) {
    for (const key of index.keysInOrder()) {
      if (!current.seen.has(key) && index.remove(key)) current.changed++;
    }
  } else {
    index.compact();
  }
  const indexMs = performance.now() - current.lastChunkAt;
  const origin = !current.fromCache ? 'built' : current.changed > 0 ? 'updated' : 'cache';
  // Saved before the reply, so that whoever waits for the index knows the cache is written too.
  if (origin !== 'cache' && cacheFile) {
    clearTimeout(saveTimer);
    saving = saving.then(save, save);
    await saving;
  }
  return { origin, documents: index.size, changed: current.changed, loadMs: current.loadMs, indexMs, cacheProblem: current.cacheProblem, stats: index.stats() };
}

function scheduleSave(delay = SAVE_DELAY_MS): void {
  if (!cacheFile) return;
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    saving = saving.then(save, save);
  }, delay);
}

/** Writes the cache atomically: a temporary file beside it, then a rename over it. */
async function save(): Promise<void> {
  const file = cacheFile;
  if (!file) return;
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await fs.writeFile(temporary, encodeIndexFile(index.serialize()));
    await fs.rename(temporary, file);
  } catch (error) {
    post({ type: 'cacheError', message: `Writing ${file} failed: ${error instanceof Error ? error.message : String(error)}` });
    await fs
      .rm(temporary, { force: true })
      .catch((cleanup: unknown) => post({ type: 'cacheError', message: `Removing ${temporary} failed: ${String(cleanup)}` }));
  }
}
