/**
 * The extension host's end of a worker thread that answers requests: each request gets an id and
 * exactly one `ok` or `error` reply with it; anything else the worker posts (progress, log lines,
 * chunks of a large answer) goes to the subclass. An idle worker never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';

/** What every worker reply that answers a request looks like. */
export type AnswerReply = { id: number; type: 'ok'; value: unknown } | { id: number; type: 'error'; message: string };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export abstract class WorkerClient<Request extends { id: number; type: string }, Reply extends { type: string }> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  /**
   * @param script the bundled worker
   * @param closed the message of the error that pending requests get when the client is disposed
   * @param onProblem told when the worker dies (not when it is disposed)
   */
  protected constructor(
    script: string,
    private readonly closed: string,
    private readonly onProblem: (message: string) => void,
  ) {
    this.worker = new Worker(script);
    this.worker.on('message', (reply: Reply) => this.receive(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`${this.describe()} stopped (exit code ${code}).`)));
    this.worker.unref();
  }

  dispose(): void {
    this.fail(new Error(this.closed));
    void this.worker.terminate();
  }

  /** Posts `request` with a fresh id; `onSent` learns the id before any reply can come. */
  protected send(request: Omit<Request, 'id'>, onSent?: (id: number) => void): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // A worker with requests in flight keeps the process alive until they are answered.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      onSent?.(id);
      this.worker.postMessage({ ...request, id });
    });
  }

  /** Posts a message that is not a request (gets no reply), such as a receipt for a chunk. */
  protected post(message: object): void {
    if (!this.failure) this.worker.postMessage(message);
  }

  /** Handles a message that answers no request; returns false for the answers themselves. */
  protected abstract event(reply: Reply): boolean;

  /** The error a request gets from an `error` reply. */
  protected toError(reply: Reply & { type: 'error'; message: string }): Error {
    return new Error(reply.message);
  }

  /** How log lines name the worker ("The search worker"). */
  protected abstract describe(): string;

  private receive(reply: Reply): void {
    if (this.event(reply)) return;
    const answer = reply as unknown as AnswerReply;
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.worker.unref();
    if (answer.type === 'ok') pending.resolve(answer.value);
    else pending.reject(this.toError(reply as Reply & { type: 'error'; message: string }));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (error.message !== this.closed) this.onProblem(error.message);
  }
}
