/**
 * The extension host's side of the search worker: starts dist/searchWorker.js, sends it requests and
 * resolves each with its reply. Sending the library happens in chunks with a yield between them, so
 * that structured-cloning 100,000 papers never holds the host's thread for long.
 */
import type { SearchDocument } from '../../core/search/searchIndex';
import type { SyncSummary, TextsMessage, WorkerReply, WorkerRequest, WorkerValues } from './searchWorkerProtocol';
import { WorkerClient } from '../workerClient';

/** Documents per message: about a megabyte of text, a few milliseconds to clone. */
const CHUNK = 500;
/** Between chunks the sender yields when it has run this long. */
const SLICE_MS = 8;

type RequestOf<T extends WorkerRequest['type']> = Omit<Extract<WorkerRequest, { type: T }>, 'id'>;

export class SearchWorkerClient extends WorkerClient<WorkerRequest, WorkerReply> {
  /**
   * Every document the worker holds, as last sent (the caller's own objects, not copies): a search
   * with a phrase asks for some of them, to check where the phrase's words stand (the worker keeps
   * no text, so that a million papers' index fits its memory).
   */
  private readonly documents = new Map<string, SearchDocument>();

  /**
   * @param script the bundled worker (dist/searchWorker.js)
   * @param onProgress called as documents are indexed during a synchronisation
   * @param onProblem called with problems that concern no request (writing the cache failed, the worker died)
   */
  constructor(
    script: string,
    private readonly onProgress: (done: number, total: number) => void,
    private readonly reportProblem: (message: string) => void,
  ) {
    super(script, 'The search index was closed.', reportProblem);
  }

  request<T extends WorkerRequest['type']>(request: RequestOf<T> & { type: T }): Promise<WorkerValues[T]> {
    // Narrowed as a whole request (its id is not read).
    const message = request as unknown as WorkerRequest;
    if (message.type === 'begin') this.documents.clear();
    else if (message.type === 'documents' || message.type === 'upsert') for (const document of message.documents) this.documents.set(document.key, document);
    else if (message.type === 'remove') for (const key of message.keys) this.documents.delete(key);
    return this.send(request as Omit<WorkerRequest, 'id'>) as Promise<WorkerValues[T]>;
  }

  /**
   * Sends the whole library: the worker reads `cacheFile` (when given), keeps what is unchanged,
   * indexes the rest and writes the cache again if anything changed. `documents` is read lazily in
   * slices, so a caller can build documents as it goes.
   */
  async synchronise(
    cacheFile: string | null,
    total: number,
    documents: Iterable<SearchDocument>,
    isCancelled: () => boolean = () => false,
  ): Promise<SyncSummary | undefined> {
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

  protected event(reply: WorkerReply): boolean {
    if (reply.type === 'progress') {
      this.onProgress(reply.done, reply.total);
      return true;
    }
    if (reply.type === 'cacheError') {
      this.reportProblem(reply.message);
      return true;
    }
    if (reply.type === 'needTexts') {
      const answer: TextsMessage = { type: 'texts', token: reply.token, documents: reply.keys.map((key) => this.documents.get(key) ?? null) };
      this.post(answer);
      return true;
    }
    return false;
  }

  protected describe(): string {
    return 'The search worker';
  }
}
