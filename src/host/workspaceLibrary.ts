/**
 * The library of the open workspace: finds the digests (setting `marginalia.digests`), parses
 * them, merges them into papers with their citation keys, keeps all of it current as digests are
 * created, changed or deleted, and puts the parser's diagnostics in the Problems panel.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { mergeDigests } from '../core/library';
import { LibraryFileError, type LibraryRecords } from '../core/libraryFile';
import type { Diagnostic, Paper, ParsedDigest } from '../core/types';
import { readDigest } from '../node/digestFiles';
import { LibraryStore } from '../node/libraryStore';
import { Disposable } from './lifecycle';

/** Where the library stands; drives the welcome view (`marginalia.libraryState`). */
export type LibraryState = 'loading' | 'noFolder' | 'empty' | 'corrupt' | 'ready';

/** Files excluded from digest discovery whatever the globs say. */
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.marginalia/**,**/.vscode-test/**}';
/** Above this many digests, reading shows a progress notification. */
const PROGRESS_THRESHOLD = 20;
/** Changes to digests are gathered for this long before the library is rebuilt. */
const DEBOUNCE_MS = 150;

export class WorkspaceLibrary extends Disposable {
  private readonly digests = new Map<string, ParsedDigest>();
  private readonly byKey = new Map<string, Paper>();
  private papersList: Paper[] = [];
  private records: LibraryRecords | null = null;
  private currentState: LibraryState = 'loading';
  private corruptReason: string | null = null;
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private readonly stateChanged = this.register(new vscode.EventEmitter<LibraryState>());
  private watchers: vscode.Disposable[] = [];
  private pending = new Set<string>();
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  private loading: Promise<void> | null = null;

  /** Fires after the papers changed (added, removed, re-parsed, keys or tags changed). */
  readonly onDidChange = this.changed.event;
  readonly onDidChangeState = this.stateChanged.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.diagnostics = this.register(vscode.languages.createDiagnosticCollection('marginalia'));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('marginalia.digests')) void this.reload();
    }));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reload()));
    this.register({ dispose: () => this.disposeWatchers() });
  }

  get papers(): readonly Paper[] {
    return this.papersList;
  }

  get state(): LibraryState {
    return this.currentState;
  }

  /**
   * The digest files read, in library order: by path, whether a file was there at the start or
   * created later (the map keeps insertion order, which would put a new digest last until a reload).
   */
  get digestFiles(): string[] {
    return [...this.digests.keys()].sort(comparePaths);
  }

  /** Digest metadata (its header date), for labels. */
  digest(file: string): ParsedDigest | undefined {
    return this.digests.get(file);
  }

  get(key: string): Paper | undefined {
    return this.byKey.get(key);
  }

  tagsOf(key: string): readonly string[] {
    return this.records?.get(key)?.tags ?? [];
  }

  /** Every tag in the library file with its number of papers, sorted by tag. */
  tagCounts(): { tag: string; count: number }[] {
    return this.records?.tagCounts() ?? [];
  }

  /**
   * Changes the library file (tags) through the store: under its lock, on what is on disk at that
   * moment, written atomically; then shows the result at once instead of waiting for the watcher.
   * Throws LibraryFileError, leaving the file untouched, when it does not parse.
   */
  async changeRecords<T>(change: (records: LibraryRecords) => T): Promise<T> {
    const root = this.root;
    if (!root) throw new Error('Open a folder first: tags are kept in the workspace.');
    let latest: LibraryRecords | undefined;
    const result = await new LibraryStore(root).update((records) => {
      const value = change(records);
      latest = records;
      return value;
    });
    if (latest && this.currentState === 'ready') {
      this.records = latest;
      this.changed.fire();
    }
    return result;
  }

  /** Why the library file could not be read, when the state is 'corrupt'. */
  get corruption(): string | null {
    return this.corruptReason;
  }

  /** The library file's location, or undefined without a workspace folder. */
  get libraryFile(): vscode.Uri | undefined {
    const root = this.root;
    return root ? vscode.Uri.file(new LibraryStore(root).file) : undefined;
  }

  /** A path relative to the workspace, for labels. */
  workspaceRelative(file: string): string {
    return vscode.workspace.asRelativePath(file, vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1);
  }

  /** The first local workspace folder: where `.marginalia/` lives. */
  private get root(): string | undefined {
    return vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath;
  }

  /** Finds and reads every digest from scratch. Resolves when the library is ready. */
  reload(): Promise<void> {
    if (this.loading) return this.loading.then(() => this.reload());
    this.loading = this.loadAll().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async loadAll(): Promise<void> {
    this.setState('loading');
    this.disposeWatchers();
    const root = this.root;
    if (!root) {
      this.digests.clear();
      this.diagnostics.clear();
      this.publish([], null);
      this.setState('noFolder');
      return;
    }
    const globs = this.globs();
    this.watch(globs);
    const started = Date.now();
    const uris = await vscode.workspace.findFiles(globPattern(globs), EXCLUDE);
    const files = uris.filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath).sort(comparePaths);
    this.log.info(`Found ${files.length} digest file(s) for ${JSON.stringify(globs)}`);

    const read = async (report?: (done: number) => void) => {
      this.digests.clear();
      this.diagnostics.clear();
      for (let i = 0; i < files.length; i++) {
        await this.readOne(files[i]);
        report?.(i + 1);
        // Give the extension host's other work a turn between files.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    if (files.length > PROGRESS_THRESHOLD) {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Marginalia: reading digests' },
        (progress) => {
          let last = 0;
          return read((done) => {
            progress.report({ increment: ((done - last) / files.length) * 100, message: `${done} of ${files.length}` });
            last = done;
          });
        },
      );
    } else {
      await read();
    }
    await this.rebuild();
    this.log.info(`Library ready: ${this.papersList.length} papers from ${this.digests.size} digest(s) in ${Date.now() - started} ms`);
  }

  /** Parses one file into `this.digests`; files that are not digests are left out quietly. */
  private async readOne(file: string): Promise<void> {
    const { digest, problems } = await readDigest(file);
    const uri = vscode.Uri.file(file);
    // A glob such as *.txt also finds READMEs and logs: a file that is not a digest is skipped
    // without filling the Problems panel, and said in the log.
    const notADigest = digest === null || (digest.entries.length === 0 && digest.diagnostics.every((d) => d.line === 0));
    if (notADigest) {
      this.digests.delete(file);
      this.diagnostics.delete(uri);
      const reason = [...problems, ...(digest?.diagnostics ?? [])].map((d) => d.message).join(' ');
      this.log.info(`Skipped ${this.workspaceRelative(file)}: ${reason}`);
      return;
    }
    this.digests.set(file, digest);
    this.diagnostics.set(uri, [...problems, ...digest.diagnostics].map(toVscodeDiagnostic));
  }

  /** Merges the parsed digests into papers, saving keys for new papers in the library file. */
  private async rebuild(): Promise<void> {
    const root = this.root;
    const digests = [...this.digests.keys()].sort(comparePaths).map((file) => this.digests.get(file)!);
    if (!root) return;
    const store = new LibraryStore(root);
    try {
      let papers: Paper[] = [];
      let records: LibraryRecords;
      if (vscode.workspace.isTrusted) {
        records = await store.update((current) => {
          papers = mergeDigests(digests, current).papers;
          return current;
        });
      } else {
        // Restricted Mode: show keys, but write nothing into a workspace the user has not trusted.
        records = await store.read();
        papers = mergeDigests(digests, records).papers;
      }
      this.corruptReason = null;
      this.publish(papers, records);
      this.setState(papers.length > 0 ? 'ready' : 'empty');
    } catch (error) {
      if (!(error instanceof LibraryFileError)) throw error;
      // Keys must come from the user's file: without it, show nothing rather than wrong keys.
      this.corruptReason = error.message;
      this.publish([], null);
      this.setState('corrupt');
      this.log.error(`${store.file}: ${error.message}`);
      const open = 'Open File';
      void vscode.window
        .showErrorMessage(`Marginalia cannot read ${LIBRARY_LABEL} (${error.message}). It was left untouched; fix it or restore it from git, and the library reloads.`, open)
        .then((choice) => {
          if (choice === open) void vscode.window.showTextDocument(vscode.Uri.file(store.file));
        });
    }
  }

  private publish(papers: Paper[], records: LibraryRecords | null): void {
    this.papersList = papers;
    this.records = records;
    this.byKey.clear();
    for (const paper of papers) this.byKey.set(paper.key, paper);
    this.changed.fire();
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
      const libraryWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '.marginalia/library.json'));
      const refresh = () => this.scheduleRebuild();
      libraryWatcher.onDidCreate(refresh);
      libraryWatcher.onDidChange(refresh);
      libraryWatcher.onDidDelete(refresh);
      this.watchers.push(libraryWatcher);
    }
  }

  private disposeWatchers(): void {
    for (const watcher of this.watchers.splice(0)) watcher.dispose();
  }

  private schedule(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || isExcluded(uri.fsPath)) return;
    this.pending.add(uri.fsPath);
    this.scheduleRebuild();
  }

  private scheduleRebuild(): void {
    clearTimeout(this.pendingTimer);
    this.pendingTimer = setTimeout(() => void this.applyPending(), DEBOUNCE_MS);
  }

  /** Re-reads the digests that changed and rebuilds the library, without re-reading the others. */
  private async applyPending(): Promise<void> {
    if (this.loading) {
      await this.loading;
    }
    const files = [...this.pending];
    this.pending.clear();
    for (const file of files) {
      const exists = await vscode.workspace.fs.stat(vscode.Uri.file(file)).then(() => true, () => false);
      if (exists) {
        await this.readOne(file);
      } else {
        this.digests.delete(file);
        this.diagnostics.delete(vscode.Uri.file(file));
      }
    }
    if (files.length > 0) this.log.info(`Re-read ${files.length} changed digest(s)`);
    await this.rebuild();
  }
}

const LIBRARY_LABEL = '.marginalia/library.json';

function globPattern(globs: string[]): string {
  return globs.length === 1 ? globs[0] : `{${globs.join(',')}}`;
}

function isExcluded(file: string): boolean {
  return file.split(path.sep).some((part) => part === 'node_modules' || part === '.git' || part === '.marginalia' || part === '.vscode-test');
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toVscodeDiagnostic(diagnostic: Diagnostic): vscode.Diagnostic {
  const line = Math.max(0, diagnostic.line - 1);
  const result = new vscode.Diagnostic(
    new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
    diagnostic.message,
    diagnostic.severity === 'error' ? vscode.DiagnosticSeverity.Error : diagnostic.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
  );
  result.source = 'Marginalia';
  return result;
}
