/**
 * Notes in the workspace: `NoteIndex` knows which markdown file is which paper's note (by the `key`
 * in its front matter, else by its name `<notes folder>/<key>.md`) and keeps that current with a
 * file watcher; `Notes` creates a note from the template, opens it beside the paper view, and
 * appends quotes to it (a WorkspaceEdit when the note is open, a temp file + rename otherwise),
 * one write at a time per note.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_NOTE_TEMPLATE, TemplateError, formatQuote, isSafeNoteName, quoteInsertion, readNoteKey, renderNote } from '../../core/notes/noteText';
import { NoteFiles, mapLimited, readHead, resolveInWorkspace } from '../../node/notes/noteFiles';
import { Disposable } from '../lifecycle';
import type { NoteLookup } from './noteLookup';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';

/** The setting naming the notes folder, and its default. */
export const NOTES_FOLDER_SETTING = 'notes.folder';
export const NOTES_TEMPLATE_SETTING = 'notes.template';
const DEFAULT_NOTES_FOLDER = 'notes';
/** Markdown files never read for front matter. */
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.marginalia/**,**/.vscode-test/**}';
/** Front matter is at the top: reading more of a big markdown file would be wasted. */
const FRONT_MATTER_BYTES = 64 * 1024;
/** The most markdown files scanned for front matter keys. */
const MAX_MARKDOWN_FILES = 20_000;

/** A user-facing failure: `message` is the one sentence to show; the rest goes to the log. */
export class NoteError extends Error {
  constructor(message: string, readonly action?: { label: string; run: () => unknown }) {
    super(message);
    this.name = 'NoteError';
  }
}

export class NoteIndex extends Disposable implements NoteLookup {
  /** fsPath of every markdown file read -> the key its front matter names (undefined: none). */
  private readonly files = new Map<string, string | undefined>();
  /** Front matter key -> the files naming it: a paper's note is found without scanning every note. */
  private readonly byNamedKey = new Map<string, Set<string>>();
  /** The notes folder as last read from the settings (undefined: not read since they changed). */
  private folderCache: { value: string | undefined } | undefined;
  /** The update in progress for each file, so that its events are applied one after another. */
  private readonly updates = new Map<string, Promise<void>>();
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  private scanning: Promise<void> | undefined;
  private watcher: vscode.Disposable | undefined;
  private readonly decoder = new TextDecoder('utf-8');

  readonly onDidChangeNote = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.register({ dispose: () => this.watcher?.dispose() });
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(`marginalia.${NOTES_FOLDER_SETTING}`)) return;
      this.folderCache = undefined;
      this.fireAll();
    }));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => {
      this.folderCache = undefined;
      void this.rescan();
    }));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      this.folderCache = undefined;
      this.fireAll();
    }));
  }

  /** Reads the front matter of every markdown file in the workspace, and watches them. */
  rescan(): Promise<void> {
    this.watcher?.dispose();
    this.watcher = undefined;
    const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === 'file');
    if (folder) {
      // A RelativePattern: a bare glob string is not reliably watched by every VS Code host.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*.md'));
      watcher.onDidCreate((uri) => void this.update(uri));
      watcher.onDidChange((uri) => void this.update(uri));
      watcher.onDidDelete((uri) => void this.update(uri));
      // A folder created with files already in it (a git pull, a copy, mkdir and write at once) can
      // reach the watcher as the folder alone: inotify watches a new folder only once it exists.
      // So a new folder is searched for markdown files itself.
      const folders = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**'), false, true, true);
      folders.onDidCreate((uri) => void this.scanCreated(uri));
      this.watcher = vscode.Disposable.from(watcher, folders);
    }
    this.scanning = (async () => {
      const uris = (await vscode.workspace.findFiles('**/*.md', EXCLUDE, MAX_MARKDOWN_FILES)).filter((uri) => uri.scheme === 'file');
      // Read 16 at a time: one after another, 2,000 notes took seconds of round trips.
      const keys = await mapLimited(uris, 16, (uri) => this.readKey(uri));
      this.files.clear();
      this.byNamedKey.clear();
      uris.forEach((uri, index) => this.setFile(uri.fsPath, keys[index]));
      this.log.info(`Notes: read ${uris.length} markdown file(s), ${[...this.files.values()].filter(Boolean).length} with a key`);
      this.fireAll();
    })();
    return this.scanning;
  }

  /** Resolves when the first scan is done. */
  get ready(): Promise<void> {
    return this.scanning ?? Promise.resolve();
  }

  /** The notes folder (`marginalia.notes.folder`, confined to the first workspace folder), or undefined without a folder. */
  get folder(): string | undefined {
    // Asked once per paper when the search index is built: the settings are read once per change.
    this.folderCache ??= { value: this.readFolder() };
    return this.folderCache.value;
  }

  private readFolder(): string | undefined {
    const root = workspaceRoot();
    if (!root) return undefined;
    const configured = vscode.workspace.getConfiguration('marginalia').get<string>(NOTES_FOLDER_SETTING);
    const value = typeof configured === 'string' && configured.trim() !== '' ? configured : DEFAULT_NOTES_FOLDER;
    const resolved = resolveInWorkspace(root, value);
    if (resolved) return resolved;
    this.log.warn(`marginalia.notes.folder "${value}" leads outside the workspace; using "${DEFAULT_NOTES_FOLDER}".`);
    return path.join(root, DEFAULT_NOTES_FOLDER);
  }

  /** `<notes folder>/<key>.md`, where a new note of `key` goes; undefined for a key that cannot be a file name. */
  defaultNoteFile(key: string): string | undefined {
    const folder = this.folder;
    return folder && isSafeNoteName(key) ? path.join(folder, `${key}.md`) : undefined;
  }

  noteUri(key: string): vscode.Uri | undefined {
    const file = this.noteFile(key);
    return file ? vscode.Uri.file(file) : undefined;
  }

  /**
   * Lets a paper's note be found by any of its keys (a note written before a merge made another key
   * canonical), and reports changes under canonical keys too (set once, at the composition root).
   */
  resolveKeysWith(keysOf: (key: string) => readonly string[], canonicalOf: (key: string) => string | undefined): void {
    this.keysOfPaper = keysOf;
    this.canonicalOf = canonicalOf;
  }

  private keysOfPaper: (key: string) => readonly string[] = (key) => [key];
  private canonicalOf: (key: string) => string | undefined = () => undefined;

  /** The note file of the paper `key` names: the note of its key, else of the first alias that has one. */
  noteFile(key: string): string | undefined {
    for (const candidate of this.keysOfPaper(key)) {
      const file = this.noteFileOf(candidate);
      if (file) return file;
    }
    return undefined;
  }

  /** The note file of exactly `key`: one whose front matter names it (the default file first), else the default file when it names no other key. */
  private noteFileOf(key: string): string | undefined {
    const fallback = this.defaultNoteFile(key);
    if (fallback && this.files.has(fallback)) {
      const named = this.files.get(fallback);
      if (named === undefined || named === key) return fallback;
    }
    let found: string | undefined;
    for (const file of this.byNamedKey.get(key) ?? []) if (found === undefined || file < found) found = file;
    return found;
  }

  hasNote(key: string): boolean {
    return this.noteFile(key) !== undefined;
  }

  async noteText(key: string): Promise<string | undefined> {
    const uri = this.noteUri(key);
    if (!uri) return undefined;
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      return this.decoder.decode(await vscode.workspace.fs.readFile(uri));
    } catch (error) {
      this.log.warn(`Could not read the note ${uri.fsPath}: ${errorText(error)}`);
      return undefined;
    }
  }

  /** Records a note just written, without waiting for the watcher. */
  update(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file' || isExcluded(uri.fsPath)) return Promise.resolve();
    // One file's events are applied in order: a create read while the file was still empty must
    // not finish after (and undo) the change event that follows it.
    const previous = this.updates.get(uri.fsPath) ?? Promise.resolve();
    const next = previous.then(() => this.apply(uri));
    this.updates.set(uri.fsPath, next);
    void next.finally(() => {
      if (this.updates.get(uri.fsPath) === next) this.updates.delete(uri.fsPath);
    });
    return next;
  }

  private async apply(uri: vscode.Uri): Promise<void> {
    const before = this.keysOf(uri.fsPath);
    const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
    if (exists) this.setFile(uri.fsPath, await this.readKey(uri));
    else this.deleteFile(uri.fsPath);
    for (const key of new Set([...before, ...this.keysOf(uri.fsPath)])) this.fireKey(key);
  }

  private async scanCreated(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file' || uri.path.endsWith('.md') || isExcluded(uri.fsPath)) return;
    const stat = await vscode.workspace.fs.stat(uri).then((value) => value, () => undefined);
    if (stat?.type !== vscode.FileType.Directory) return;
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*.md'), EXCLUDE, MAX_MARKDOWN_FILES);
    await Promise.all(found.map((file) => this.update(file)));
  }

  keysWithNotes(): ReadonlySet<string> {
    const keys = new Set<string>(this.byNamedKey.keys());
    const folder = this.folder;
    for (const file of this.files.keys()) if (folder && path.dirname(file) === folder && file.endsWith('.md')) keys.add(path.basename(file, '.md'));
    for (const key of [...keys]) {
      const canonical = this.canonicalOf(key);
      if (canonical !== undefined) keys.add(canonical);
    }
    return keys;
  }

  /** Tells listeners about `key`, and about the paper's canonical key when `key` is an alias. */
  private fireKey(key: string): void {
    this.changed.fire(key);
    const canonical = this.canonicalOf(key);
    if (canonical !== undefined && canonical !== key) this.changed.fire(canonical);
  }

  private setFile(file: string, key: string | undefined): void {
    this.deleteFile(file);
    this.files.set(file, key);
    if (key === undefined) return;
    const files = this.byNamedKey.get(key);
    if (files) files.add(file);
    else this.byNamedKey.set(key, new Set([file]));
  }

  private deleteFile(file: string): void {
    const key = this.files.get(file);
    this.files.delete(file);
    if (key === undefined) return;
    const files = this.byNamedKey.get(key);
    files?.delete(file);
    if (files?.size === 0) this.byNamedKey.delete(key);
  }

  /** The keys whose note `file` is now. */
  keysForFile(file: string): string[] {
    return this.keysOf(file).filter((key) => this.noteFile(key) === file);
  }

  /** The keys whose note `file` is or could be: its front matter key, and the key of its name inside the notes folder. */
  private keysOf(file: string): string[] {
    const keys: string[] = [];
    const named = this.files.get(file);
    if (named) keys.push(named);
    const folder = this.folder;
    if (folder && path.dirname(file) === folder && file.endsWith('.md')) keys.push(path.basename(file, '.md'));
    return keys;
  }

  private async readKey(uri: vscode.Uri): Promise<string | undefined> {
    try {
      // Notes on disk are read directly, only as far as their front matter; others through VS Code.
      if (uri.scheme === 'file') return readNoteKey(await readHead(uri.fsPath, FRONT_MATTER_BYTES));
      const bytes = await vscode.workspace.fs.readFile(uri);
      return readNoteKey(this.decoder.decode(bytes.subarray(0, FRONT_MATTER_BYTES)));
    } catch (error) {
      this.log.warn(`Could not read ${uri.fsPath} for its front matter: ${errorText(error)}`);
      return undefined;
    }
  }

  private fireAll(): void {
    const keys = new Set<string>();
    for (const [file, named] of this.files) {
      if (named) keys.add(named);
      if (file.endsWith('.md')) keys.add(path.basename(file, '.md'));
    }
    for (const key of keys) this.fireKey(key);
  }
}

/** Creating, opening and quoting into notes. */
export class Notes extends Disposable {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly files = new NoteFiles();

  constructor(
    readonly index: NoteIndex,
    private readonly library: WorkspaceLibrary,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /**
   * Opens the note of `key` beside the active editor (the paper view), creating it from the
   * template when it does not exist. Never overwrites: an existing note is opened as it is.
   */
  async open(key: string, options: { preserveFocus?: boolean } = {}): Promise<vscode.TextEditor> {
    const uri = await this.serialised(key, () => this.ensure(key));
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri.toString());
    return vscode.window.showTextDocument(uri, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.Beside,
      preserveFocus: options.preserveFocus ?? false,
      preview: false,
    });
  }

  /**
   * Appends `text` as a blockquote to the note of `key` (creating the note first if needed). An
   * open note is changed through a WorkspaceEdit, so unsaved text stays (and a note that had no
   * unsaved changes is saved again); a closed one is rewritten atomically on disk.
   */
  async quote(key: string, text: string): Promise<vscode.Uri | undefined> {
    const quote = formatQuote(text);
    if (quote === '') {
      void vscode.window.showInformationMessage('Select some text of the abstract first, then choose Quote in Note.');
      return undefined;
    }
    return this.serialised(key, async () => {
      const uri = await this.ensure(key);
      const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString() && !open.isClosed);
      if (document) {
        const wasDirty = document.isDirty;
        const end = document.lineAt(document.lineCount - 1).range.end;
        const edit = new vscode.WorkspaceEdit();
        edit.insert(uri, end, quoteInsertion(document.getText(), quote));
        if (!(await vscode.workspace.applyEdit(edit))) throw new NoteError(`VS Code refused to change ${vscode.workspace.asRelativePath(uri)}; try again, or paste the quote yourself.`);
        if (!wasDirty) await document.save();
      } else {
        await this.files.append(uri.fsPath, (existing) => quoteInsertion(existing, quote));
        await this.index.update(uri);
      }
      this.log.info(`Quoted ${quote.length} characters into ${uri.fsPath}`);
      return uri;
    });
  }

  /** The note of `key`, created from the template when there is none. */
  private async ensure(key: string): Promise<vscode.Uri> {
    if (!vscode.workspace.isTrusted) {
      const existing = this.index.noteUri(key);
      if (existing) return existing;
      throw new NoteError('Marginalia writes nothing in Restricted Mode: trust this workspace to create notes.');
    }
    const existing = this.index.noteUri(key);
    if (existing) return existing;
    const paper = this.library.get(key);
    if (!paper) throw new NoteError(`No paper has the key "${key}" in this library.`);
    const file = this.index.defaultNoteFile(key);
    if (!file) throw new NoteError(`The key "${key}" cannot be used as a file name, so Marginalia cannot create its note; create one yourself with "key: ${key}" in its front matter.`);
    const text = renderNote(await this.template(), {
      paper,
      tags: this.library.tagsOf(key),
      today: today(),
      sources: [...new Set(paper.sources.map((source) => this.library.workspaceRelative(source.file)))],
    });
    const created = await this.files.create(file, text);
    this.log.info(created ? `Created the note ${file}` : `The note ${file} exists already; opened it as it is`);
    const uri = vscode.Uri.file(file);
    await this.index.update(uri);
    return uri;
  }

  /** The template text: `marginalia.notes.template` (a workspace file) or the default one. Throws NoteError with a way to fix it. */
  private async template(): Promise<string> {
    const configured = vscode.workspace.getConfiguration('marginalia').get<string>(NOTES_TEMPLATE_SETTING);
    if (typeof configured !== 'string' || configured.trim() === '') return DEFAULT_NOTE_TEMPLATE;
    const openSettings = { label: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', `marginalia.${NOTES_TEMPLATE_SETTING}`) };
    const root = workspaceRoot();
    const file = root ? resolveInWorkspace(root, configured) : undefined;
    if (!file) throw new NoteError(`The note template "${configured}" is not a path inside the workspace; set marginalia.notes.template to a workspace-relative file, or clear it for the default template.`, openSettings);
    const text = await this.files.read(file).catch((error: unknown) => {
      this.log.error(`Reading the note template ${file}: ${errorText(error)}`);
      return null;
    });
    if (text === null) throw new NoteError(`The note template "${configured}" does not exist or cannot be read; create it, or fix marginalia.notes.template.`, openSettings);
    // Checked here, with a dummy paper, so that a mistake names the template and not the paper.
    try {
      renderNote(text, { paper: { key: 'key', aliases: [], title: 'Title', abstract: '', authors: null, submitter: null, date: null, upvotes: null, links: [], sources: [] }, tags: [], today: today(), sources: [] });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw new NoteError(`The note template "${configured}" has a mistake at ${error.message}.`, { label: 'Open Template', run: () => vscode.window.showTextDocument(vscode.Uri.file(file)) });
    }
    return text;
  }

  /** Runs `work` after every earlier write to the note of `key` has finished. */
  private serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }
}

/** The first local workspace folder: where notes and `.marginalia/` live. */
export function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath;
}

function isExcluded(file: string): boolean {
  return file.split(path.sep).some((part) => part === 'node_modules' || part === '.git' || part === '.marginalia' || part === '.vscode-test');
}

/** Today in local time, YYYY-MM-DD. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
