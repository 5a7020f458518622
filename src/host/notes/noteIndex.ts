/**
 * Which markdown file of the workspace is which paper's note, kept current with a file watcher.
 * The rule itself is core/notes/noteCatalog.ts, which the CLI's search follows too; this side
 * lists the markdown files through VS Code, reads their front matter and says what changed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FRONT_MATTER_BYTES, MAX_MARKDOWN_FILES, NOTE_FILE_GLOB, NoteCatalog } from '../../core/notes/noteCatalog';
import { readNoteKey } from '../../core/notes/noteText';
import { IGNORED_FOLDERS_GLOB, isInIgnoredFolder } from '../../core/workspaceFiles';
import { mapLimited } from '../../node/concurrency';
import { readHead } from '../../node/notes/noteFiles';
import { NOTES_FOLDER_SETTING, notesFolder } from '../../node/notes/workspaceNotes';
import { Disposable } from '../lifecycle';
import { filesIn, underAny, watchFiles, type FolderEvents } from '../shared/fileWatching';
import type { NoteLookup } from './noteLookup';

export class NoteIndex extends Disposable implements NoteLookup {
  /** Every markdown file read, with the key its front matter names. */
  private readonly catalog = new NoteCatalog(path.sep, () => this.folder);
  /** The notes folder as last read from the settings (undefined: not read since they changed). */
  private folderCache: { value: string | undefined } | undefined;
  /** The update in progress for each file, so that its events are applied one after another. */
  private readonly updates = new Map<string, Promise<void>>();
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  private scanning: Promise<void> | undefined;
  private readonly decoder = new TextDecoder('utf-8');

  readonly onDidChangeNote = this.changed.event;

  /** @param folders folders created or deleted whole, whose notes may not be reported one by one */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    folders: FolderEvents,
  ) {
    super();
    // Every workspace folder's markdown files, as they change.
    this.register(watchFiles(NOTE_FILE_GLOB, (uri) => void this.update(uri)));
    this.register(folders.onDidCreateFolders((created) => void this.scanCreated(created)));
    this.register(
      folders.onDidDelete((deleted) => {
        const inside = underAny(deleted);
        for (const file of [...this.catalog.knownFiles()]) if (inside(file)) void this.update(vscode.Uri.file(file));
      }),
    );
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(`marginalia.${NOTES_FOLDER_SETTING}`)) return;
        this.folderCache = undefined;
        this.fireAll();
      }),
    );
    this.register(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.folderCache = undefined;
        void this.rescan();
      }),
    );
    this.register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.folderCache = undefined;
        this.fireAll();
      }),
    );
  }

  /** Reads the front matter of every markdown file in the workspace (the watcher keeps them current). */
  rescan(): Promise<void> {
    this.scanning = (async () => {
      const uris = (await vscode.workspace.findFiles(NOTE_FILE_GLOB, IGNORED_FOLDERS_GLOB, MAX_MARKDOWN_FILES)).filter((uri) => uri.scheme === 'file');
      // Read 16 at a time: one after another, 2,000 notes took seconds of round trips.
      const keys = await mapLimited(uris, 16, (uri) => this.readKey(uri));
      this.catalog.clear();
      uris.forEach((uri, index) => this.catalog.set(uri.fsPath, keys[index]));
      this.log.info(`Notes: read ${uris.length} markdown file(s), ${this.catalog.size.named} with a key`);
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
    return notesFolder(root, configured, (message) => this.log.warn(message));
  }

  /** `<notes folder>/<key>.md`, where a new note of `key` goes; undefined for a key that cannot be a file name. */
  defaultNoteFile(key: string): string | undefined {
    return this.catalog.defaultNoteFile(key);
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
    return this.catalog.noteFile(this.keysOfPaper(key));
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
    if (uri.scheme !== 'file' || isInIgnoredFolder(uri.fsPath)) return Promise.resolve();
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
    const before = this.catalog.keysOf(uri.fsPath);
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    if (exists) this.catalog.set(uri.fsPath, await this.readKey(uri));
    else this.catalog.delete(uri.fsPath);
    for (const key of new Set([...before, ...this.catalog.keysOf(uri.fsPath)])) this.fireKey(key);
  }

  private async scanCreated(folders: readonly vscode.Uri[]): Promise<void> {
    // Files the watcher reported already are known: read again, they would only fire their keys twice.
    const found = (await filesIn(folders, NOTE_FILE_GLOB, IGNORED_FOLDERS_GLOB)).filter((uri) => !this.catalog.has(uri.fsPath)).slice(0, MAX_MARKDOWN_FILES);
    await Promise.all(found.map((file) => this.update(file)));
  }

  keysWithNotes(): ReadonlySet<string> {
    const keys = this.catalog.keysWithNotes();
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

  paperOfNote(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    // Only a paper of the library: notes/README.md names no paper, whatever the folder says.
    for (const key of this.keysForFile(uri.fsPath)) {
      const canonical = this.canonicalOf(key);
      if (canonical !== undefined) return canonical;
    }
    return undefined;
  }

  /** The keys whose note `file` is now. */
  keysForFile(file: string): string[] {
    return this.catalog.keysOf(file).filter((key) => this.noteFile(key) === file);
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
    for (const key of this.catalog.everyKey()) this.fireKey(key);
  }
}

/** The first local workspace folder: where notes and `.marginalia/` live. */
export function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
