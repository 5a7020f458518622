/**
 * The library of the open workspace: finds the digests (setting `marginalia.digests`), has the
 * library worker read and merge them into papers with their citation keys, keeps all of it current
 * as digests and the library file change, and puts the parser's diagnostics in the Problems panel.
 * Every long task runs in the worker; this side only applies what comes back.
 */
import type { FindMode, PaperMatch } from '../../core/citations/paperFinder';
import { notificationText } from '../../core/escaping';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LIBRARY_FILE_PATH, type KeyDispute } from '../../core/library/libraryFile';
import type { Diagnostic, Paper } from '../../core/types';
import { IGNORED_FOLDERS_GLOB, isInIgnoredFolder } from '../../core/workspaceFiles';
import { LibraryWorkerError, type LibraryWorkerClient } from '../../node/library/libraryWorkerClient';
import type { ReadingStatus } from '../../core/library/readingStatus';
import type { LibraryCorruption, LoadResult, StatusOperation, TagOperation } from '../../node/library/libraryWorkerProtocol';
import { Disposable } from '../lifecycle';
import { filesIn, underAny, type FolderEvents } from '../shared/fileWatching';
import type { Library, LibraryState } from './library';
import { yieldTurn } from '../shared/turns';
import { readableMath } from '../../core/math/readable';

/** Above this many digests, reading shows a progress notification. */
const PROGRESS_THRESHOLD = 20;
/** Changes to digests are gathered for this long before the library is rebuilt. */
const DEBOUNCE_MS = 150;

/** What the tree needs of a digest file: its header date. */
export interface DigestInfo {
  file: string;
  digestDate: { month: number; day: number } | null;
}

export class WorkspaceLibrary extends Disposable implements Library {
  private readonly digests = new Map<string, DigestInfo>();
  private readonly byKey = new Map<string, Paper>();
  /** Alias -> canonical key. */
  private readonly aliases = new Map<string, string>();
  private papersList: Paper[] = [];
  private tags = new Map<string, readonly string[]>();
  private tagCountsCache: { tag: string; count: number }[] | null = null;
  /** Papers of the library (not merely records of the file) that have a tag. */
  private taggedCount = 0;
  private retired = new Map<string, KeyDispute>();
  /** Papers whose reading status is not unread. */
  private statuses = new Map<string, ReadingStatus>();
  private queueKeys: readonly string[] = [];
  private currentState: LibraryState = 'loading';
  private corruptReason: LibraryCorruption | null = null;
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private readonly stateChanged = this.register(new vscode.EventEmitter<LibraryState>());
  private watchers: vscode.Disposable[] = [];
  private files: string[] = [];
  private pending = new Set<string>();
  private pendingLibrary = false;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Loads, updates, tag changes and conflict resolution, one at a time in the order asked: each
   * reads and sets the file list and applies its result whole, so none sees another half done.
   */
  private queue: Promise<unknown> = Promise.resolve();
  /** A full reload asked for and not yet started; later asks share it. */
  private queuedReload: Promise<void> | null = null;
  /** The last can't-write warning shown, so that each is shown once, not on every change. */
  private lastWarning: string | undefined;

  /** Fires after the papers changed (added, removed, re-parsed, keys or tags changed). */
  readonly onDidChange = this.changed.event;
  readonly onDidChangeState = this.stateChanged.event;

  /**
   * @param worker the library's thread, which reads digests and the library file
   * @param cacheDir where the worker keeps parsed digests between windows (the extension's storage)
   * @param folders folders created or deleted whole (a git pull of a month of digests), whose files may not be reported one by one
   */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly worker: LibraryWorkerClient,
    private readonly cacheDir: string | null,
    folders: FolderEvents,
  ) {
    super();
    this.register(folders.onDidCreateFolders((created) => void this.foldersCreated(created)));
    this.register(
      folders.onDidDelete((deleted) => {
        const inside = underAny(deleted);
        for (const file of this.files) if (inside(file)) this.schedule(vscode.Uri.file(file));
      }),
    );
    this.diagnostics = this.register(vscode.languages.createDiagnosticCollection('marginalia'));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('marginalia.digests')) void this.reload();
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reload()));
    this.register({ dispose: () => this.disposeWatchers() });
    this.register({ dispose: () => clearTimeout(this.pendingTimer) });
  }

  get papers(): readonly Paper[] {
    return this.papersList;
  }

  get state(): LibraryState {
    return this.currentState;
  }

  /** The digest files read, in library order (by path). */
  get digestFiles(): string[] {
    return [...this.digests.keys()].sort(comparePaths);
  }

  /** Digest metadata (its header date), for labels. */
  digest(file: string): DigestInfo | undefined {
    return this.digests.get(file);
  }

  /** The paper a key names: its canonical key or one of its aliases. */
  get(key: string): Paper | undefined {
    return this.byKey.get(key) ?? this.byKey.get(this.aliases.get(key) ?? '');
  }

  /** The canonical key of `key` (itself, or the key an alias stands for); undefined for no paper. */
  canonicalKey(key: string): string | undefined {
    return this.byKey.has(key) ? key : this.aliases.get(key);
  }

  /** For a key retired after a merge (two papers held it): the papers it named. */
  dispute(key: string): KeyDispute | undefined {
    return this.retired.get(key);
  }

  /**
   * The papers matching what the user types, found by the worker's citation finder: folding 100,000
   * titles and abstracts for it takes a second and 180 MB, which this thread does not spend.
   */
  async find(mode: FindMode, query: string, limit: number): Promise<PaperMatch[]> {
    if (this.papersList.length === 0) return [];
    const { value } = await this.worker.request({ type: 'find', mode, query, limit });
    const matches: PaperMatch[] = [];
    // A paper the worker knows and this side has not taken yet (a load in progress) is left out.
    for (const [key, rank] of value.matches) {
      const paper = this.get(key);
      if (paper) matches.push({ paper, rank });
    }
    return matches;
  }

  tagsOf(key: string): readonly string[] {
    // Asked for every paper when views are built: canonical keys first, aliases only if need be.
    return this.tags.get(key) ?? (this.aliases.size > 0 ? this.tags.get(this.aliases.get(key) ?? '') : undefined) ?? NO_TAGS;
  }

  /** The reading status of the paper `key` names ('unread' unless set). */
  statusOf(key: string): ReadingStatus {
    return this.statuses.get(key) ?? (this.aliases.size > 0 ? this.statuses.get(this.aliases.get(key) ?? '') : undefined) ?? 'unread';
  }

  /** The Reading Queue's canonical keys, in the reader's order (papers of the library only). */
  get readingQueue(): readonly string[] {
    return this.queueKeys;
  }

  /** The canonical keys of the library's papers marked `status` (not 'unread', which is not stored). */
  keysWithStatus(status: Exclude<ReadingStatus, 'unread'>): string[] {
    const keys: string[] = [];
    for (const [key, marked] of this.statuses) if (marked === status && this.byKey.has(key)) keys.push(key);
    return keys;
  }

  /** How many papers of the library have each status. */
  statusCounts(): Record<ReadingStatus, number> {
    const counts: Record<ReadingStatus, number> = { unread: 0, reading: 0, read: 0, 'not-interested': 0 };
    for (const [key, status] of this.statuses) if (this.byKey.has(key)) counts[status]++;
    counts.unread = this.papersList.length - counts.reading - counts.read - counts['not-interested'];
    return counts;
  }

  /**
   * Changes reading status or the Reading Queue in the library file, through the worker's store, as
   * changeTags does; shows the result at once. Returns the canonical keys changed. Throws
   * LibraryWorkerError like changeTags (kind 'tag' for an unknown key).
   */
  changeStatus(operation: StatusOperation): Promise<string[]> {
    return this.serially(async () => {
      if (!this.root) throw new LibraryWorkerError('internal', 'Open a folder first: reading status is kept in the workspace.');
      const { value } = await this.worker.request({ type: 'status', operation });
      if (value.changed.length > 0 && this.currentState === 'ready') {
        const statuses = new Map(this.statuses);
        for (const [key, status] of value.statuses) {
          if (status === 'unread') statuses.delete(key);
          else statuses.set(key, status);
        }
        this.statuses = statuses;
        this.queueKeys = value.queue.filter((key) => this.byKey.has(key));
        this.changed.fire();
      }
      return value.changed;
    });
  }

  /**
   * Every paper's tags (canonical key -> tags; untagged papers are absent). The map is replaced,
   * never changed, when tags change: keep one to compare with a later one.
   */
  tagAssignments(): ReadonlyMap<string, readonly string[]> {
    return this.tags;
  }

  /** Where the last full load spent its time, for the log and the benchmark. */
  loadTimings: (LoadResult['timings'] & { totalMs: number; fromSnapshot: boolean }) | undefined;

  /** How many papers of the library have no tag. */
  get untaggedCount(): number {
    return this.papersList.length - this.taggedCount;
  }

  /** Every tag in the library file with its number of papers, sorted by tag. */
  tagCounts(): { tag: string; count: number }[] {
    if (!this.tagCountsCache) {
      const counts = new Map<string, number>();
      for (const tags of this.tags.values()) for (const tag of tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      this.tagCountsCache = [...counts].sort(([a], [b]) => comparePaths(a, b)).map(([tag, count]) => ({ tag, count }));
    }
    return this.tagCountsCache;
  }

  /**
   * Changes tags in the library file, through the worker's store: under its lock, on what is on disk
   * at that moment, written atomically; then shows the result at once instead of waiting for the
   * watcher. Returns the canonical keys changed. Throws LibraryWorkerError: kind 'tag' for an invalid
   * tag or unknown key, 'corrupt'/'conflict' when the file does not parse (left untouched), 'access'.
   */
  changeTags(operation: TagOperation): Promise<string[]> {
    return this.serially(() => this.changeTagsNow(operation));
  }

  private async changeTagsNow(operation: TagOperation): Promise<string[]> {
    if (!this.root) throw new LibraryWorkerError('internal', 'Open a folder first: tags are kept in the workspace.');
    const { value } = await this.worker.request({ type: 'tag', operation });
    if (value.changed.length > 0 && this.currentState === 'ready') {
      const tags = new Map(this.tags);
      for (const [key, list] of value.tags) {
        const counted = this.byKey.has(key);
        if (counted && tags.has(key) !== list.length > 0) this.taggedCount += list.length > 0 ? 1 : -1;
        if (list.length > 0) tags.set(key, list);
        else tags.delete(key);
      }
      this.tags = tags;
      this.tagCountsCache = null;
      this.changed.fire();
    }
    return value.changed;
  }

  /** Settles git conflict markers in the library file, keeping both sides, and reloads. Returns the markers removed. */
  resolveConflict(): Promise<number> {
    return this.serially(async () => {
      const { value, papers } = await this.worker.request({ type: 'resolve' });
      await this.apply(value, papers);
      return value.markers;
    });
  }

  /** Why the library file could not be read, when the state is 'corrupt'. */
  get corruption(): string | null {
    return this.corruptReason?.message ?? null;
  }

  /** True when the library file cannot be read because a git merge stopped in it. */
  get hasMergeConflict(): boolean {
    return this.corruptReason?.conflict ?? false;
  }

  /** The library file's location, or undefined without a workspace folder. */
  get libraryFile(): vscode.Uri | undefined {
    const root = this.root;
    return root ? vscode.Uri.file(path.join(root, LIBRARY_FILE_PATH)) : undefined;
  }

  /** A path relative to the workspace, for labels. */
  workspaceRelative(file: string): string {
    return vscode.workspace.asRelativePath(file, vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1);
  }

  /**
   * Whether the workspace holds a file the digest globs match, without reading any: one findFiles
   * for a single result, cheap enough to decide at activation (the first start's reveal).
   */
  async hasDigestFiles(): Promise<boolean> {
    if (!this.root) return false;
    const found = await vscode.workspace.findFiles(globPattern(this.globs()), IGNORED_FOLDERS_GLOB, 1);
    return found.some((uri) => uri.scheme === 'file');
  }

  /** The first local workspace folder: where `.marginalia/` lives. */
  private get root(): string | undefined {
    return vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath;
  }

  /** Finds and reads every digest from scratch. Resolves when the library is ready. */
  reload(): Promise<void> {
    this.queuedReload ??= this.serially(() => {
      this.queuedReload = null;
      return this.loadAll();
    });
    return this.queuedReload;
  }

  /** Runs `task` after every task asked for before it has finished, failed or not. */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadAll(): Promise<void> {
    this.setState('loading');
    this.disposeWatchers();
    const root = this.root;
    if (!root) {
      this.digests.clear();
      this.diagnostics.clear();
      this.files = [];
      this.publishEmpty();
      this.setState('noFolder');
      return;
    }
    const globs = this.globs();
    this.watch(globs);
    const started = Date.now();
    const uris = await vscode.workspace.findFiles(globPattern(globs), IGNORED_FOLDERS_GLOB);
    this.files = uris
      .filter((uri) => uri.scheme === 'file')
      .map((uri) => uri.fsPath)
      .sort(comparePaths);
    this.log.info(`Found ${this.files.length} digest file(s) for ${JSON.stringify(globs)}`);
    const request = () =>
      this.worker.request({ type: 'load', root, files: this.files, reread: 'all', trusted: vscode.workspace.isTrusted, cacheDir: this.cacheDir });
    const { value, papers } =
      this.files.length > PROGRESS_THRESHOLD
        ? await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Marginalia: reading ${this.files.length.toLocaleString()} digests` },
            request,
          )
        : await request();
    this.digests.clear();
    this.diagnostics.clear();
    await this.apply(value, papers);
    const { readMs, mergeMs, publishMs } = value.timings;
    this.loadTimings = { ...value.timings, totalMs: Date.now() - started, fromSnapshot: value.fromSnapshot === true };
    this.log.info(
      `Library ready: ${this.papersList.length} papers from ${this.digests.size} digest(s) in ${Date.now() - started} ms (worker: ${value.fromSnapshot ? 'the snapshot of the last window' : 'read'} ${Math.round(readMs)} ms, library file and ${value.fromSnapshot ? 'keys checked' : 'merge'} ${Math.round(mergeMs)} ms, sending ${Math.round(publishMs)} ms)`,
    );
  }

  /** Takes a load's result: changed papers, the order, tags, disputes, diagnostics. */
  private async apply(result: LoadResult, changedPapers: Paper[]): Promise<void> {
    for (const file of result.dropped) {
      this.digests.delete(file);
      this.diagnostics.delete(vscode.Uri.file(file));
    }
    // One call for every file's problems: each set() is a message to the window, and 2,000 digests
    // set one by one held the host for most of a second. Files without problems need no entry,
    // unless they had problems before.
    const problems: [vscode.Uri, vscode.Diagnostic[] | undefined][] = [];
    for (const report of result.files) {
      const uri = vscode.Uri.file(report.file);
      if (report.skipped !== undefined) {
        this.digests.delete(report.file);
        if (this.diagnostics.has(uri)) problems.push([uri, undefined]);
        this.log.info(`Skipped ${this.workspaceRelative(report.file)}: ${report.skipped}`);
        continue;
      }
      this.digests.set(report.file, { file: report.file, digestDate: report.digestDate });
      if (report.problems.length > 0) problems.push([uri, report.problems.map(toVscodeDiagnostic)]);
      else if (this.diagnostics.has(uri)) problems.push([uri, undefined]);
    }
    if (problems.length > 0) this.diagnostics.set(problems);
    if (result.state === 'corrupt') {
      this.corruptReason = result.corruption;
      this.publishEmpty();
      this.setState('corrupt');
      this.reportCorrupt();
      return;
    }
    this.corruptReason = null;
    // At 100,000 papers these loops take long enough to be felt: a turn for the host between slices.
    for (const key of result.removed) this.byKey.delete(key);
    for (let i = 0; i < changedPapers.length; i++) {
      this.byKey.set(changedPapers[i].key, changedPapers[i]);
      if (i % SLICE === SLICE - 1) await yieldTurn();
    }
    const papers: Paper[] = [];
    const aliases = new Map<string, string>();
    // Null: the tags this side shows are still the library's (the worker knows what it told us).
    const tags = result.tags === null ? this.tags : new Map(result.tags);
    let tagged = 0;
    for (let i = 0; i < result.order.length; i++) {
      const paper = this.byKey.get(result.order[i]);
      if (paper) {
        papers.push(paper);
        for (const alias of paper.aliases) aliases.set(alias, paper.key);
        if (tags.has(paper.key)) tagged++;
      }
      if (i % SLICE === SLICE - 1) await yieldTurn();
    }
    this.papersList = papers;
    this.aliases.clear();
    for (const [alias, key] of aliases) this.aliases.set(alias, key);
    this.taggedCount = tagged;
    if (tags !== this.tags) {
      this.tags = tags;
      this.tagCountsCache = null;
    }
    this.retired = new Map(result.disputes.map((dispute) => [dispute.key, dispute]));
    this.statuses = new Map(result.statuses);
    this.queueKeys = result.queue.filter((key) => this.byKey.has(key));
    this.changed.fire();
    this.setState(this.papersList.length > 0 ? 'ready' : 'empty');
    if (result.warning && result.warning !== this.lastWarning) {
      this.log.warn(result.warning);
      void vscode.window.showWarningMessage(result.warning);
    }
    this.lastWarning = result.warning;
    if (result.newDisputes.length > 0) this.reportDisputes(result.newDisputes.map((key) => this.retired.get(key)!).filter(Boolean));
  }

  private publishEmpty(): void {
    this.taggedCount = 0;
    this.papersList = [];
    this.byKey.clear();
    this.aliases.clear();
    this.tags = new Map();
    this.tagCountsCache = null;
    this.retired = new Map();
    this.statuses = new Map();
    this.queueKeys = [];
    this.changed.fire();
  }

  private reportCorrupt(): void {
    const reason = this.corruptReason;
    if (!reason) return;
    this.log.error(`${LIBRARY_FILE_PATH}: ${reason.message}`);
    const resolve = 'Resolve Merge Conflict';
    const open = 'Open File';
    const message = reason.conflict
      ? `A git merge stopped in ${LIBRARY_FILE_PATH}: it has conflict markers. Resolve keeps the keys and tags of both sides.`
      : `Marginalia cannot read ${LIBRARY_FILE_PATH} (${reason.message}). It was left untouched; fix it or restore it from git, and the library reloads.`;
    void vscode.window.showErrorMessage(message, ...(reason.conflict ? [resolve, open] : [open])).then((choice) => {
      if (choice === resolve) void vscode.commands.executeCommand('marginalia.resolveLibraryConflict');
      const file = this.libraryFile;
      if (choice === open && file) void vscode.window.showTextDocument(file);
    });
  }

  private reportDisputes(disputes: KeyDispute[]): void {
    for (const dispute of disputes) {
      const papers = dispute.papers.map((paper) => `"${notificationText(readableMath(paper.title))}" (now ${paper.key})`).join(' and ');
      this.log.warn(`The key ${dispute.key} named ${dispute.papers.length} papers after a merge: ${papers}`);
      const find = 'Find Citations';
      void vscode.window
        .showWarningMessage(
          `After a merge, the key "${dispute.key}" named ${dispute.papers.length} papers: ${papers}. It now names neither; each citation of it offers a fix.`,
          find,
        )
        .then((choice) => {
          if (choice === find)
            void vscode.commands.executeCommand('workbench.action.findInFiles', { query: dispute.key, triggerSearch: true, matchWholeWord: true });
        });
    }
  }

  private setState(state: LibraryState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateChanged.fire(state);
  }

  private globs(): string[] {
    const configured = vscode.workspace.getConfiguration('marginalia').get<string[]>('digests');
    const globs = Array.isArray(configured) ? configured.filter((glob) => typeof glob === 'string' && glob.trim() !== '') : [];
    return globs.length > 0 ? globs : ['**/*.txt'];
  }

  private watch(globs: string[]): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const folder of folders) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, globPattern(globs)));
      watcher.onDidCreate((uri) => this.schedule(uri));
      watcher.onDidChange((uri) => this.schedule(uri));
      watcher.onDidDelete((uri) => this.schedule(uri));
      this.watchers.push(watcher);
    }
    // The library file itself: a git pull or another window may change keys and tags.
    const root = this.root;
    if (root) {
      const libraryWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '.marginalia/{library.jsonl,library.json}'));
      const refresh = () => {
        this.pendingLibrary = true;
        this.scheduleUpdate();
      };
      libraryWatcher.onDidCreate(refresh);
      libraryWatcher.onDidChange(refresh);
      libraryWatcher.onDidDelete(refresh);
      this.watchers.push(libraryWatcher);
    }
  }

  /** Folders that arrived whole: their digests are found and read like files the watcher reported. */
  private async foldersCreated(folders: readonly vscode.Uri[]): Promise<void> {
    if (this.watchers.length === 0) return;
    // Digests the watcher reported already are listed (or pending): read again, 30 digests of a pull cost a second's merge twice.
    const listed = new Set(this.files);
    for (const uri of await filesIn(folders, globPattern(this.globs()), IGNORED_FOLDERS_GLOB)) {
      if (!listed.has(uri.fsPath) && !this.pending.has(uri.fsPath)) this.schedule(uri);
    }
  }

  private disposeWatchers(): void {
    for (const watcher of this.watchers.splice(0)) watcher.dispose();
  }

  private schedule(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || isInIgnoredFolder(uri.fsPath)) return;
    this.pending.add(uri.fsPath);
    this.scheduleUpdate();
  }

  private scheduleUpdate(): void {
    clearTimeout(this.pendingTimer);
    this.pendingTimer = setTimeout(() => {
      this.serially(() => this.applyPending()).catch((error: unknown) => {
        this.log.error(`Updating the library failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      });
    }, DEBOUNCE_MS);
  }

  /** Re-reads the digests that changed (and the library file) in the worker, without re-reading the others. */
  private async applyPending(): Promise<void> {
    const root = this.root;
    const changed = [...this.pending];
    this.pending.clear();
    const libraryChanged = this.pendingLibrary;
    this.pendingLibrary = false;
    if (!root || (changed.length === 0 && !libraryChanged)) return;
    const files = new Set(this.files);
    for (const file of changed) {
      const exists = await vscode.workspace.fs.stat(vscode.Uri.file(file)).then(
        () => true,
        () => false,
      );
      if (exists) files.add(file);
      else files.delete(file);
    }
    this.files = [...files].sort(comparePaths);
    const { value, papers } = await this.worker.request({
      type: 'load',
      root,
      files: this.files,
      reread: changed,
      trusted: vscode.workspace.isTrusted,
      cacheDir: this.cacheDir,
      shown: this.currentState === 'ready',
    });
    if (changed.length > 0) this.log.info(`Re-read ${changed.length} changed digest(s)`);
    // The library file as this window last wrote it (its own tag change): nothing to show anew.
    if (value.unchanged && this.currentState === 'ready') return;
    await this.apply(value, papers);
  }
}

const NO_TAGS: readonly string[] = [];
/** Papers handled between two turns of the host's event loop. */
const SLICE = 5000;

function globPattern(globs: string[]): string {
  return globs.length === 1 ? globs[0] : `{${globs.join(',')}}`;
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toVscodeDiagnostic(diagnostic: Diagnostic): vscode.Diagnostic {
  const line = Math.max(0, diagnostic.line - 1);
  const result = new vscode.Diagnostic(
    new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
    diagnostic.message,
    diagnostic.severity === 'error'
      ? vscode.DiagnosticSeverity.Error
      : diagnostic.severity === 'warning'
        ? vscode.DiagnosticSeverity.Warning
        : vscode.DiagnosticSeverity.Information,
  );
  result.source = 'Marginalia';
  return result;
}
