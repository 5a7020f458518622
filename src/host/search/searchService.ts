/**
 * Search and related papers for the open workspace. Keeps the search worker's index in step with the
 * library (and with notes, through NoteLookup): the first time in full (the worker keeps what its
 * cache already has), afterwards only the papers that changed. The index is cached in the
 * extension's storage for this workspace, never in the workspace itself.
 */
import * as vscode from 'vscode';
import { MAX_INDEXED_NOTE_CHARS, type SearchDocument, type SearchHit, type SearchResult } from '../../core/search/searchIndex';
import type { SearchWorkerClient } from '../../node/search/searchWorkerClient';
import type { SyncSummary, WorkerValues } from '../../node/search/searchWorkerProtocol';
import type { Library } from '../library/library';
import { Disposable } from '../lifecycle';
import type { NoteLookup } from '../notes/noteLookup';
import { yieldTurn } from '../shared/turns';
import { sameList } from '../../core/sameList';

/** What the index follows of the library (a test indexes a library of its own making). */
export type IndexedLibrary = Pick<Library, 'papers' | 'state' | 'get' | 'tagsOf' | 'onDidChange'>;

/** Libraries above this size show their indexing in the status bar's progress. */
const PROGRESS_THRESHOLD = 2000;
/** Library changes are gathered this long before the index follows them. */
const DEBOUNCE_MS = 200;
/** Host-side loops yield after this long. */
const SLICE_MS = 8;
const CACHE_FILE = 'search-index-v1.bin';

export type SearchState = 'idle' | 'indexing' | 'ready' | 'failed';

export class SearchService extends Disposable {
  /** What the worker holds, by key: compared with the library to send only what changed. */
  private sent = new Map<string, SearchDocument>();
  private readonly notes = new Map<string, string>();
  private synced = false;
  private running: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private currentState: SearchState = 'idle';
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private readonly stateChanged = this.register(new vscode.EventEmitter<SearchState>());
  private firstSync!: () => void;
  /** Where the worker's progress goes during a full synchronisation. */
  private progress: ((done: number, total: number) => void) | undefined;

  /** Fires after the index changed (built, loaded, or updated). */
  readonly onDidChangeIndex = this.changed.event;
  readonly onDidChangeState = this.stateChanged.event;
  /** Resolves when the index first holds the library (or indexing failed). */
  readonly ready = new Promise<void>((resolve) => {
    this.firstSync = resolve;
  });
  /** How the last full synchronisation went: `origin` says whether the cache was used. */
  lastSync: SyncSummary | undefined;
  /** Full synchronisations so far (one per window, unless the worker had to start over). */
  syncCount = 0;

  /**
   * @param client the search worker, built by the composition root with `workerProgress` as its
   *   progress callback; the service owns it from here on and disposes it with itself
   */
  constructor(
    private readonly library: IndexedLibrary,
    private readonly noteLookup: NoteLookup | undefined,
    private readonly storageUri: vscode.Uri | undefined,
    private readonly client: SearchWorkerClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register({ dispose: () => this.client.dispose() });
    this.register(library.onDidChange(() => this.schedule()));
    if (noteLookup) this.register(noteLookup.onDidChangeNote((key) => this.noteChanged(key)));
    this.schedule(0);
  }

  /** The worker's progress while it indexes: shown during a full synchronisation, ignored otherwise. */
  workerProgress(done: number, total: number): void {
    this.progress?.(done, total);
  }

  get state(): SearchState {
    return this.currentState;
  }

  /** Runs a query in lunr's syntax; see SearchIndex.search. */
  search(query: string, limit = 50): Promise<SearchResult> {
    return this.client.request({ type: 'search', query, limit });
  }

  related(key: string, limit = 10): Promise<SearchHit[]> {
    return this.client.request({ type: 'related', key, limit });
  }

  relatedToText(text: string, limit = 10, excludeKey?: string): Promise<SearchHit[]> {
    return this.client.request({ type: 'relatedToText', text, limit, excludeKey });
  }

  /** For You: the papers most like `positives` (a tag's papers); see core/search/forYou.ts. */
  forYou(positives: string[], notInterested: string[], limit = 20): Promise<WorkerValues['forYou']> {
    return this.client.request({ type: 'forYou', positives, notInterested, limit });
  }

  /** Follows the library now instead of after the debounce (for tests and Reindex). */
  refresh(): Promise<void> {
    clearTimeout(this.timer);
    return this.enqueue();
  }

  /** Brings the index in step with the library and writes the cache now rather than a moment later. */
  async flush(): Promise<void> {
    await this.refresh();
    await this.client.request({ type: 'flush' });
  }

  private schedule(delay = DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.enqueue(), delay);
  }

  private enqueue(): Promise<void> {
    this.running = this.running
      .then(() => this.follow())
      .catch((error: unknown) => {
        this.setState('failed');
        this.log.error(`Search index: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        void vscode.window.showErrorMessage(
          'Marginalia could not index the papers, so search and related papers are unavailable; see the Marginalia log, then run "Marginalia: Reindex Digests".',
        );
        this.firstSync();
      });
    return this.running;
  }

  /** Brings the worker's index in step with the library. */
  private async follow(): Promise<void> {
    if (this.isDisposed || this.library.state === 'loading') return;
    if (!this.synced) {
      await this.fullSync();
      return;
    }
    const started = performance.now();
    const current = await this.documents();
    const changed: SearchDocument[] = [];
    let slice = performance.now();
    for (const [key, document] of current) {
      if (!sameDocument(this.sent.get(key), document)) changed.push(document);
      if (performance.now() - slice > SLICE_MS) {
        await yieldTurn();
        slice = performance.now();
      }
    }
    const removed = [...this.sent.keys()].filter((key) => !current.has(key));
    if (changed.length === 0 && removed.length === 0) return;
    this.sent = current;
    if (removed.length > 0) await this.client.request({ type: 'remove', keys: removed });
    for (let i = 0; i < changed.length; i += 500) await this.client.request({ type: 'upsert', documents: changed.slice(i, i + 500) });
    this.log.info(`Search index: updated ${changed.length} and removed ${removed.length} paper(s) in ${Math.round(performance.now() - started)} ms`);
    this.changed.fire();
  }

  private async fullSync(): Promise<void> {
    this.setState('indexing');
    const started = performance.now();
    const documents = await this.documents();
    const cacheFile = await this.cacheFile();
    const run = (report?: (done: number, total: number) => void) => {
      this.progress = report;
      return this.client
        .synchronise(cacheFile, documents.size, documents.values(), () => this.isDisposed)
        .finally(() => {
          this.progress = undefined;
        });
    };
    let summary: SyncSummary | undefined;
    if (documents.size > PROGRESS_THRESHOLD) {
      summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Marginalia: indexing papers' }, (progress) => {
        let last = 0;
        return run((done, total) => {
          progress.report({ increment: ((done - last) / Math.max(total, 1)) * 100, message: `${done.toLocaleString('en')} of ${total.toLocaleString('en')}` });
          last = done;
        });
      });
    } else {
      summary = await run();
    }
    if (!summary) return;
    this.sent = documents;
    this.synced = true;
    this.lastSync = summary;
    this.syncCount++;
    const why = summary.cacheProblem ? ` (cache: ${summary.cacheProblem})` : '';
    this.log.info(
      `Search index ${summary.origin === 'cache' ? 'loaded from the cache' : summary.origin === 'updated' ? `loaded from the cache, ${summary.changed} paper(s) updated` : 'built'}${why}: ${summary.documents} papers, ${summary.stats.terms} terms, in ${Math.round(performance.now() - started)} ms (worker: load ${Math.round(summary.loadMs)} ms, index ${Math.round(summary.indexMs)} ms)`,
    );
    this.setState('ready');
    this.changed.fire();
    this.firstSync();
  }

  /** The library as search documents, by key, with tags and note text. */
  private async documents(): Promise<Map<string, SearchDocument>> {
    const documents = new Map<string, SearchDocument>();
    // Asked once, not once per paper: at 100,000 papers most have no note.
    const noted = this.noteLookup?.keysWithNotes() ?? new Set<string>();
    let slice = performance.now();
    for (const paper of this.library.papers) {
      const note = noted.has(paper.key) ? await this.noteOf(paper.key) : '';
      const tags = this.library.tagsOf(paper.key);
      // The document sent last time when nothing of it changed: a tag change at 100,000 papers then
      // makes one new document, not 100,000 (and the garbage of 100,000).
      const previous = this.sent.get(paper.key);
      const same =
        previous !== undefined &&
        previous.title === paper.title &&
        previous.abstract === paper.abstract &&
        previous.note === note &&
        sameList(previous.tags, tags);
      documents.set(paper.key, same ? previous : { key: paper.key, title: paper.title, abstract: paper.abstract, tags: [...tags], note });
      if (performance.now() - slice > SLICE_MS) {
        await yieldTurn();
        slice = performance.now();
      }
    }
    return documents;
  }

  private async noteOf(key: string): Promise<string> {
    if (!this.noteLookup) return '';
    const known = this.notes.get(key);
    if (known !== undefined) return known;
    if (!this.noteLookup.noteUri(key)) return '';
    const text = ((await this.noteLookup.noteText(key)) ?? '').slice(0, MAX_INDEXED_NOTE_CHARS);
    this.notes.set(key, text);
    return text;
  }

  private noteChanged(key: string): void {
    this.notes.delete(key);
    if (this.library.get(key)) this.schedule();
  }

  private async cacheFile(): Promise<string | null> {
    if (!this.storageUri || this.storageUri.scheme !== 'file') return null;
    try {
      await vscode.workspace.fs.createDirectory(this.storageUri);
      return vscode.Uri.joinPath(this.storageUri, CACHE_FILE).fsPath;
    } catch (error) {
      this.log.warn(`Search index: no cache, since ${this.storageUri.fsPath} cannot be created: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private setState(state: SearchState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateChanged.fire(state);
  }
}

function sameDocument(a: SearchDocument | undefined, b: SearchDocument): boolean {
  return a === b || (a !== undefined && a.title === b.title && a.abstract === b.abstract && a.note === b.note && sameList(a.tags, b.tags));
}
