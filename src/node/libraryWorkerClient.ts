/**
 * The extension host's side of the library worker: starts dist/libraryWorker.js, sends it requests
 * and resolves each with its reply, gathering the papers that arrive in chunks before a load's reply.
 */
import { Worker } from 'node:worker_threads';
import type { Paper } from '../core/types';
import type { LibraryWorkerReply, LibraryWorkerRequest, LibraryWorkerValues, WorkerErrorKind } from './libraryWorkerProtocol';

/** A request the worker refused; `kind` says whose words the message is in (see WorkerErrorKind). */
export class LibraryWorkerError extends Error {
  constructor(readonly kind: WorkerErrorKind, message: string) {
    super(message);
    this.name = 'LibraryWorkerError';
  }
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void; papers: Paper[] };
type RequestOf<T extends LibraryWorkerRequest['type']> = Omit<Extract<LibraryWorkerRequest, { type: T }>, 'id'>;

export class LibraryWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  /**
   * @param script the bundled worker (dist/libraryWorker.js)
   * @param onLog the worker's log lines
   */
  constructor(script: string, private readonly onLog: (level: 'info' | 'warn' | 'error', message: string) => void) {
    this.worker = new Worker(script);
    this.worker.on('message', (reply: LibraryWorkerReply) => this.receive(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`The library worker stopped (exit code ${code}).`)));
    // An idle worker must not keep a process alive; one with requests in flight must.
    this.worker.unref();
  }

  /** Sends a request; resolves with its value and, for a load, the papers that came with it. */
  request<T extends LibraryWorkerRequest['type']>(request: RequestOf<T> & { type: T }): Promise<{ value: LibraryWorkerValues[T]; papers: Paper[] }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      const papers: Paper[] = [];
      this.pending.set(id, { resolve: (value) => resolve({ value: value as LibraryWorkerValues[T], papers }), reject, papers });
      this.worker.postMessage({ ...request, id });
    });
  }

  dispose(): void {
    this.fail(new Error('The library was closed.'));
    void this.worker.terminate();
  }

  private receive(reply: LibraryWorkerReply): void {
    if (reply.type === 'log') {
      this.onLog(reply.level, reply.message);
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.type === 'papers') {
      for (const paper of reply.papers) pending.papers.push(paper);
      return;
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'ok') pending.resolve(reply.value);
    else pending.reject(new LibraryWorkerError(reply.kind, reply.message));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (error.message !== 'The library was closed.') this.onLog('error', error.message);
  }
}
