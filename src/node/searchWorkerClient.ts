/**
 * The extension host's side of the search worker: starts dist/searchWorker.js, sends it requests and
 * resolves each with its reply. Sending the library happens in chunks with a yield between them, so
 * that structured-cloning 100,000 papers never holds the host's thread for long.
 */
import { Worker } from 'node:worker_threads';
import type { SearchDocument } from '../core/search/searchIndex';
import type { SyncSummary, WorkerReply, WorkerRequest, WorkerValues } from './searchWorkerProtocol';

/** Documents per message: about a megabyte of text, a few milliseconds to clone. */
const CHUNK = 500;
/** Between chunks the sender yields when it has run this long. */
const SLICE_MS = 8;

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type RequestOf<T extends WorkerRequest['type']> = Omit<Extract<WorkerRequest, { type: T }>, 'id'>;

export class SearchWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  /**
   * @param script the bundled worker (dist/searchWorker.js)
   * @param onProgress called as documents are indexed during a synchronisation
   * @param onProblem called with problems that concern no request (writing the cache failed, the worker died)
   */
  constructor(script: string, private readonly onProgress: (done: number, total: number) => void, private readonly onProblem: (message: string) => void) {
    this.worker = new Worker(script);
    this.worker.on('message', (reply: WorkerReply) => this.receive(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`The search worker stopped (exit code ${code}).`)));
    // An idle worker must not keep a process alive; one with requests in flight must (see request()).
    this.worker.unref();
  }

  request<T extends WorkerRequest['type']>(request: RequestOf<T> & { type: T }): Promise<WorkerValues[T]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<WorkerValues[T]>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  /**
   * Sends the whole library: the worker reads `cacheFile` (when given), keeps what is unchanged,
   * indexes the rest and writes the cache again if anything changed. `documents` is read lazily in
   * slices, so a caller can build documents as it goes.
   */
  async synchronise(cacheFile: string | null, total: number, documents: Iterable<SearchDocument>, isCancelled: () => boolean = () => false): Promise<SyncSummary | undefined> {
    await this.request({ type: 'begin', cacheFile, total });
    let chunk: SearchDocument[] = [];
    let sliceStart = performance.now();
    const sends: Promise<unknown>[] = [];
    for (const document of documents) {
      chunk.push(document);
      if (chunk.length < CHUNK) continue;
      sends.push(this.request({ type: 'documents', documents: chunk }));
      chunk = [];
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      if (isCancelled()) break;
    }
    if (chunk.length > 0) sends.push(this.request({ type: 'documents', documents: chunk }));
    await Promise.all(sends);
    const summary = await this.request({ type: 'end' });
    return isCancelled() ? undefined : summary;
  }

  dispose(): void {
    this.fail(new Error('The search index was closed.'));
    void this.worker.terminate();
  }

  private receive(reply: WorkerReply): void {
    if (reply.type === 'progress') {
      this.onProgress(reply.done, reply.total);
      return;
    }
    if (reply.type === 'cacheError') {
      this.onProblem(reply.message);
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'ok') pending.resolve(reply.value);
    else pending.reject(new Error(reply.message));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (error.message !== 'The search index was closed.') this.onProblem(error.message);
  }
}
