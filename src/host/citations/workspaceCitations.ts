/**
 * The workspace's citation index: every mention of a citation key in the workspace's markdown,
 * LaTeX and code files. Built in the background after activation, in batches that yield to the
 * extension host; then kept current file by file, from a file watcher (files changed on disk) and
 * from open documents' edits (debounced, only the edited document rescanned). Respects
 * `files.exclude` and `search.exclude`, and skips node_modules, .git, binary and very large files.
 */
import * as vscode from 'vscode';
import { CITABLE_FILE_EXTENSIONS, type CitationSyntax, citationSyntaxForFileName, citationSyntaxForLanguage } from '../../core/citations/scanner';
import { CitationIndex, type IndexedMention, looksBinary, scanInBatches } from '../../core/citations/citationIndex';
import { IGNORED_FOLDER_GLOBS, IGNORED_FOLDERS_GLOB, MAX_SCANNED_BYTES, isInIgnoredFolder } from '../../core/workspaceFiles';
import { Disposable } from '../lifecycle';
import { filesIn, underAny, watchFiles, type FolderEvents } from '../shared/fileWatching';

/** Edits to an open document are gathered for this long before it is rescanned. */
const DOCUMENT_DEBOUNCE_MS = 300;
/** File system events are gathered for this long before the files are read. */
const WATCHER_DEBOUNCE_MS = 200;
/** Discovery stops here; the log says so. */
const MAX_FILES = 50_000;

const FILE_GLOB = `**/*.{${CITABLE_FILE_EXTENSIONS.join(',')}}`;

/** One mention, located for VS Code. */
export interface CitationLocation {
  readonly uri: vscode.Uri;
  readonly range: vscode.Range;
  readonly key: string;
  readonly form: IndexedMention['form'];
  /** The trimmed line, for lists. */
  readonly lineText: string;
}

/** How the index stands, for the paper view's "Cited in" and for tests. */
export type CitationIndexState = 'idle' | 'scanning' | 'ready';

export class WorkspaceCitations extends Disposable {
  private readonly index = new CitationIndex();
  /** Every file (URI string) the index covers, with or without mentions. */
  private readonly known = new Set<string>();
  private readonly changed = this.register(new vscode.EventEmitter<ReadonlySet<string>>());
  private readonly stateChanged = this.register(new vscode.EventEmitter<CitationIndexState>());
  private readonly documentTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly pendingFiles = new Set<string>();
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private currentState: CitationIndexState = 'idle';
  private firstScan: Promise<void> | undefined;
  private lastScan: Promise<void> = Promise.resolve();
  private resolveReady!: () => void;

  /** Fires with the keys whose mentions changed (a batch of the initial scan, a file, an edit). */
  readonly onDidChange = this.changed.event;
  readonly onDidChangeState = this.stateChanged.event;
  /** Resolves when the first full scan has finished. */
  readonly ready = new Promise<void>((resolve) => {
    this.resolveReady = resolve;
  });

  /** @param folders folders created or deleted whole, whose files may not be reported one by one */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    folders: FolderEvents,
  ) {
    super();
    this.register(watchFiles(FILE_GLOB, (uri) => this.scheduleFile(uri)));
    this.register(
      folders.onDidCreateFolders(async (created) => {
        // Files the watcher reported already are known: only the others are read.
        for (const uri of await filesIn(created, FILE_GLOB, IGNORED_FOLDERS_GLOB)) if (!this.known.has(uri.toString())) this.scheduleFile(uri);
      }),
    );
    this.register(
      folders.onDidDelete((deleted) => {
        const inside = underAny(deleted);
        for (const file of this.known) {
          const uri = vscode.Uri.parse(file, true);
          if (inside(uri.fsPath)) this.scheduleFile(uri);
        }
      }),
    );
    this.register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.scheduleDocument(event.document);
      }),
    );
    this.register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        // Closing without saving drops the edits: what counts again is the file on disk.
        if (this.known.has(document.uri.toString())) this.scheduleFile(document.uri);
      }),
    );
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('files.exclude') || event.affectsConfiguration('search.exclude')) void this.rescan();
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()));
    this.register({
      dispose: () => {
        this.generation++;
        for (const timer of this.documentTimers.values()) clearTimeout(timer);
        clearTimeout(this.pendingTimer);
      },
    });
  }

  get state(): CitationIndexState {
    return this.currentState;
  }

  /** Starts the first scan (once); later calls return the same promise. */
  start(): Promise<void> {
    this.firstScan ??= this.rescan();
    return this.firstScan;
  }

  /**
   * Lets a query by a paper's key find its aliases too, and reports changes under canonical keys
   * (set once, at the composition root, from the library).
   */
  resolveKeysWith(keysOf: (key: string) => readonly string[], canonicalOf: (key: string) => string | undefined): void {
    this.keysOf = keysOf;
    this.canonicalOf = canonicalOf;
  }

  private keysOf: (key: string) => readonly string[] = (key) => [key];
  private canonicalOf: (key: string) => string | undefined = () => undefined;

  /** Every mention of the paper `key` names (its key or any alias) in the workspace, by file path then position. */
  mentionsOf(key: string): CitationLocation[] {
    return this.mentionsOfKeys(this.keysOf(key));
  }

  /** Fires the keys whose mentions changed, with the canonical key of each alias among them. */
  private fireChanged(keys: ReadonlySet<string>): void {
    const all = new Set(keys);
    for (const key of keys) {
      const canonical = this.canonicalOf(key);
      if (canonical !== undefined) all.add(canonical);
    }
    this.changed.fire(all);
  }

  /** Every mention of any of `keys`, by file path then position. */
  private mentionsOfKeys(keys: readonly string[]): CitationLocation[] {
    if (keys.length <= 1) return this.index.mentionsOf(keys[0] ?? '').map(toLocation);
    return keys
      .flatMap((key) => this.index.mentionsOf(key))
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.start - b.start))
      .map(toLocation);
  }

  /** Every key cited in the workspace, with the number of files citing it. */
  citedKeys(): Map<string, number> {
    return this.index.citedKeys();
  }

  /** Figures for the log and tests. */
  get stats(): { files: number; filesWithMentions: number; mentions: number } {
    return { files: this.known.size, filesWithMentions: this.index.fileCount, mentions: this.index.mentionCount };
  }

  /** Waits until pending file and document updates have been applied (for tests and commands). */
  async settled(): Promise<void> {
    await this.lastScan;
    while (this.pendingFiles.size > 0 || this.documentTimers.size > 0 || this.pendingTimer !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.lastScan;
  }

  /** Scans the whole workspace again (settings or folders changed). */
  rescan(): Promise<void> {
    const generation = ++this.generation;
    this.setState('scanning');
    const run = this.scanAll(generation).then(
      () => {
        if (generation === this.generation) {
          this.setState('ready');
          this.resolveReady();
        }
      },
      (error: unknown) => {
        this.log.error(`Scanning the workspace for citations failed: ${describeError(error)}`);
        if (generation === this.generation) {
          this.setState('ready');
          this.resolveReady();
        }
      },
    );
    this.lastScan = run;
    return run;
  }

  private async scanAll(generation: number): Promise<void> {
    const started = performance.now();
    const exclude = excludeGlob();
    const uris = await vscode.workspace.findFiles(FILE_GLOB, exclude, MAX_FILES);
    if (generation !== this.generation) return;
    if (uris.length >= MAX_FILES)
      this.log.warn(`Citation index: the workspace has more than ${MAX_FILES} citable files; only the first ${MAX_FILES} are scanned.`);
    const files = uris.map((uri) => uri.toString()).sort();
    const removed = this.index.clear();
    this.known.clear();
    for (const file of files) this.known.add(file);
    if (removed.size > 0) this.fireChanged(removed);
    const result = await scanInBatches({
      files,
      read: (file) => this.readText(vscode.Uri.parse(file, true)),
      syntaxOf: (file) => this.syntaxOf(vscode.Uri.parse(file, true)),
      index: this.index,
      yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
      cancelled: () => generation !== this.generation,
      onBatch: (changed) => this.fireChanged(changed),
    });
    if (result.cancelled) return;
    this.log.info(
      `Citation index: ${result.mentions} mention(s) in ${this.index.fileCount} of ${result.scanned} scanned file(s) ` +
        `(${result.skipped} skipped) in ${Math.round(performance.now() - started)} ms; longest batch ${result.longestBatchMs.toFixed(1)} ms`,
    );
  }

  /** The text to index for a file: the open document's (it may hold unsaved edits), else the file's. */
  private async readText(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory || stat.size > MAX_SCANNED_BYTES) return undefined;
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (looksBinary(bytes)) return undefined;
      return new TextDecoder('utf-8').decode(bytes);
    } catch (error) {
      if (!(error instanceof vscode.FileSystemError && error.code === 'FileNotFound')) {
        this.log.warn(`Citation index: could not read ${uri.fsPath}: ${describeError(error)}`);
      }
      return undefined;
    }
  }

  private syntaxOf(uri: vscode.Uri): CitationSyntax | undefined {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    return (open && citationSyntaxForLanguage(open.languageId)) ?? citationSyntaxForFileName(uri.path);
  }

  private scheduleDocument(document: vscode.TextDocument): void {
    const file = document.uri.toString();
    if (!this.known.has(file)) return;
    clearTimeout(this.documentTimers.get(file));
    this.documentTimers.set(
      file,
      setTimeout(() => {
        this.documentTimers.delete(file);
        if (document.isClosed || !this.known.has(file)) return;
        const syntax = citationSyntaxForLanguage(document.languageId) ?? citationSyntaxForFileName(document.uri.path);
        const changed = syntax ? this.index.setFile(file, document.getText(), syntax) : this.index.removeFile(file);
        if (changed.size > 0) this.fireChanged(changed);
      }, DOCUMENT_DEBOUNCE_MS),
    );
  }

  private scheduleFile(uri: vscode.Uri): void {
    if (isInIgnoredFolder(uri.path)) return;
    this.pendingFiles.add(uri.toString());
    clearTimeout(this.pendingTimer);
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      this.lastScan = this.lastScan.then(() => this.applyPending());
    }, WATCHER_DEBOUNCE_MS);
  }

  /** Rescans the files the watcher reported, each alone. */
  private async applyPending(): Promise<void> {
    const files = [...this.pendingFiles];
    this.pendingFiles.clear();
    const changed = new Set<string>();
    for (const file of files) {
      const uri = vscode.Uri.parse(file, true);
      // An open document with edits is the truth for its file until it is saved or closed.
      const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === file);
      if (open?.isDirty) continue;
      const exists = await vscode.workspace.fs.stat(uri).then(
        () => true,
        () => false,
      );
      if (!exists) {
        this.known.delete(file);
        for (const key of this.index.removeFile(file)) changed.add(key);
        continue;
      }
      if (!this.known.has(file)) {
        if (!(await isIncluded(uri))) continue;
        this.known.add(file);
      }
      const text = await this.readText(uri);
      const syntax = this.syntaxOf(uri);
      const keys = text === undefined || syntax === undefined ? this.index.removeFile(file) : this.index.setFile(file, text, syntax);
      for (const key of keys) changed.add(key);
    }
    if (changed.size > 0) this.fireChanged(changed);
  }

  private setState(state: CitationIndexState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateChanged.fire(state);
  }
}

function toLocation(mention: IndexedMention): CitationLocation {
  return {
    uri: vscode.Uri.parse(mention.file, true),
    range: new vscode.Range(mention.line, mention.start, mention.line, mention.end),
    key: mention.key,
    form: mention.form,
    lineText: mention.lineText,
  };
}

/** `files.exclude` and `search.exclude` (the patterns set to true), plus the folders never scanned. */
function excludeGlob(): string {
  const patterns = new Set(IGNORED_FOLDER_GLOBS);
  for (const section of ['files', 'search']) {
    const configured = vscode.workspace.getConfiguration(section).get<Record<string, unknown>>('exclude') ?? {};
    for (const [pattern, enabled] of Object.entries(configured)) {
      // `{ when: ... }` conditions need sibling files; a plain true is what excludes for good. A
      // pattern with braces of its own cannot sit inside the {a,b} group, so it is left to VS Code.
      if (enabled === true && !/[{}]/.test(pattern)) patterns.add(pattern);
    }
  }
  return `{${[...patterns].map((pattern) => pattern.replace(/^\//, '')).join(',')}}`;
}

/** Whether a file the watcher reported is one the scan would have found (same include and excludes). */
async function isIncluded(uri: vscode.Uri): Promise<boolean> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return false;
  const relative = vscode.workspace.asRelativePath(uri, false);
  const escaped = relative.replace(/[[\]{}*?]/g, (ch) => `[${ch}]`);
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, escaped), excludeGlob(), 1);
  return found.length > 0;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
