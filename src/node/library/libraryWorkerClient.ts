/**
 * The extension host's side of the library worker: starts dist/libraryWorker.js, sends it requests
 * and resolves each with its reply, gathering the papers that arrive in chunks before a load's reply.
 */
import type { Paper } from '../../core/types';
import type { LibraryWorkerReply, LibraryWorkerRequest, LibraryWorkerValues, PapersReceipt, WorkerErrorKind } from './libraryWorkerProtocol';
import { WorkerClient } from '../workerClient';

/** A request the worker refused; `kind` says whose words the message is in (see WorkerErrorKind). */
export class LibraryWorkerError extends Error {
  constructor(
    readonly kind: WorkerErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'LibraryWorkerError';
  }
}

type RequestOf<T extends LibraryWorkerRequest['type']> = Omit<Extract<LibraryWorkerRequest, { type: T }>, 'id'>;

export class LibraryWorkerClient extends WorkerClient<LibraryWorkerRequest, LibraryWorkerReply> {
  /** Papers received so far, by the id of the load they belong to. */
  private readonly chunks = new Map<number, Paper[]>();

  /**
   * @param script the bundled worker (dist/libraryWorker.js)
   * @param onLog the worker's log lines, and its death
   */
  constructor(
    script: string,
    private readonly onLog: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {
    super(script, 'The library was closed.', (message) => onLog('error', message));
  }

  /** Sends a request; resolves with its value and, for a load, the papers that came with it. */
  async request<T extends LibraryWorkerRequest['type']>(request: RequestOf<T> & { type: T }): Promise<{ value: LibraryWorkerValues[T]; papers: Paper[] }> {
    let id = 0;
    try {
      const value = (await this.send(request as Omit<LibraryWorkerRequest, 'id'>, (sent) => {
        id = sent;
        this.chunks.set(sent, []);
      })) as LibraryWorkerValues[T];
      return { value, papers: this.chunks.get(id) ?? [] };
    } finally {
      this.chunks.delete(id);
    }
  }

  protected event(reply: LibraryWorkerReply): boolean {
    if (reply.type === 'log') {
      this.onLog(reply.level, reply.message);
      return true;
    }
    if (reply.type === 'papers') {
      const papers = this.chunks.get(reply.id);
      if (papers) for (const paper of reply.papers) papers.push(paper);
      // The receipt waits for the next turn, so that the host's other work runs between two chunks.
      const receipt: PapersReceipt = { type: 'received', id: reply.id };
      setImmediate(() => this.post(receipt));
      return true;
    }
    return false;
  }

  protected toError(reply: Extract<LibraryWorkerReply, { type: 'error' }>): Error {
    return new LibraryWorkerError(reply.kind, reply.message);
  }

  protected describe(): string {
    return 'The library worker';
  }
}
