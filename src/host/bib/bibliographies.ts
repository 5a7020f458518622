/**
 * The reader's `.bib` files as sources of citable papers: found with the `marginalia.bibliographies`
 * globs (by default every `.bib` of the workspace outside node_modules and the other ignored
 * folders) and the files the workspace's LaTeX names with `\bibliography{}` / `\addbibresource{}`,
 * read with citation-js (src/node/bib/bibFiles.ts), kept current as they change on disk. An entry
 * that does not parse is an error on its line in the Problems panel; the file's other entries, and
 * the other files, are read all the same.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AUTO_EXPORT_MARKER } from '../../core/bibliography/autoExport';
import { latexBibliography, type BibEntry } from '../../core/bibliography/bibEntries';
import type { Diagnostic } from '../../core/types';
import { IGNORED_FOLDERS_GLOB, isInIgnoredFolder, MAX_SCANNED_BYTES } from '../../core/workspaceFiles';
import type * as BibFilesModule from '../../node/bib/bibFiles.js';
import { Disposable } from '../lifecycle';
import { filesIn, underAny, watchFiles, type FolderEvents } from '../shared/fileWatching';

/** The setting's default: every .bib of the workspace. */
const DEFAULT_GLOBS = ['**/*.bib'];
/** A `.bib` larger than this is not read (a large shared bibliography is a few MB). */
const MAX_BIB_BYTES = 32 * 1024 * 1024;
/** The files whose changes can change the entries: bibliographies, and LaTeX that names them. */
const WATCHED_GLOB = '**/*.{bib,tex}';
/** Changes are gathered for this long before the bibliographies are read again. */
const DEBOUNCE_MS = 200;

export class Bibliographies extends Disposable {
  private all: BibEntry[] = [];
  private files: string[] = [];
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<void> = Promise.resolve();

  /** Fires after the entries changed. */
  readonly onDidChange = this.changed.event;

  /** @param folders folders created or deleted whole, which may hold .bib and .tex files */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    folders: FolderEvents,
  ) {
    super();
    this.diagnostics = this.register(vscode.languages.createDiagnosticCollection('marginalia-bibliographies'));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('marginalia.bibliographies')) this.schedule();
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()));
    this.register(watchFiles(WATCHED_GLOB, () => this.schedule()));
    this.register(
      folders.onDidCreateFolders(async (created) => {
        if ((await filesIn(created, WATCHED_GLOB, IGNORED_FOLDERS_GLOB)).length > 0) this.schedule();
      }),
    );
    this.register(
      folders.onDidDelete((deleted) => {
        if (this.files.some(underAny(deleted))) this.schedule();
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  /** Every entry of every bibliography, in file order (files sorted by path). */
  get entries(): readonly BibEntry[] {
    return this.all;
  }

  /** The `.bib` files read, sorted. */
  get bibFiles(): readonly string[] {
    return this.files;
  }

  /** Finds and reads every bibliography again; resolves when the entries are current. */
  reload(): Promise<void> {
    const run = this.queue.then(() => this.readAll());
    this.queue = run.catch((error: unknown) => {
      this.log.error(`Reading the bibliographies failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
    return this.queue;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), DEBOUNCE_MS);
  }

  private async readAll(): Promise<void> {
    const files = await this.findFiles();
    const entries: BibEntry[] = [];
    this.diagnostics.clear();
    const read: string[] = [];
    // citation-js is loaded only when there is a .bib to read: evaluating it costs the window's start a third of a second.
    let reader: typeof BibFilesModule | undefined;
    for (const file of files) {
      const uri = vscode.Uri.file(file);
      let text: string;
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > MAX_BIB_BYTES) {
          this.log.warn(`Skipped ${this.relative(file)}: it is over ${MAX_BIB_BYTES / 1024 / 1024} MiB`);
          continue;
        }
        text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
      } catch (error) {
        this.log.warn(`Cannot read ${this.relative(file)}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      // Marginalia's own auto-export holds library papers, not the reader's entries.
      if (text.replace(/^\ufeff/, '').startsWith(AUTO_EXPORT_MARKER)) continue;
      reader ??= await bibFiles();
      const result = reader.readBibliography(text, file);
      entries.push(...result.entries);
      read.push(file);
      if (result.diagnostics.length > 0) this.diagnostics.set(uri, result.diagnostics.map(toVscodeDiagnostic));
    }
    this.all = entries;
    this.files = read;
    this.log.info(`Read ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} from ${read.length} bibliograph${read.length === 1 ? 'y' : 'ies'}`);
    this.changed.fire();
  }

  /** The files of the globs, and the .bib files LaTeX documents of the workspace name. */
  private async findFiles(): Promise<string[]> {
    if (!vscode.workspace.workspaceFolders?.some((folder) => folder.uri.scheme === 'file')) return [];
    const found = new Set<string>();
    const globs = this.globs();
    const uris = await vscode.workspace.findFiles(globs.length === 1 ? globs[0] : `{${globs.join(',')}}`, IGNORED_FOLDERS_GLOB);
    for (const uri of uris) if (uri.scheme === 'file') found.add(uri.fsPath);
    for (const tex of await vscode.workspace.findFiles('**/*.tex', IGNORED_FOLDERS_GLOB)) {
      if (tex.scheme !== 'file') continue;
      try {
        const bytes = await vscode.workspace.fs.readFile(tex);
        if (bytes.length > MAX_SCANNED_BYTES) continue;
        for (const name of latexBibliography(new TextDecoder('utf-8').decode(bytes)).files) {
          const file = path.resolve(path.dirname(tex.fsPath), name);
          if (!isInIgnoredFolder(file) && (await exists(file))) found.add(file);
        }
      } catch (error) {
        this.log.warn(`Cannot read ${this.relative(tex.fsPath)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return [...found].sort();
  }

  private globs(): string[] {
    const configured = vscode.workspace.getConfiguration('marginalia').get<unknown>('bibliographies');
    const globs = Array.isArray(configured) ? configured.filter((glob): glob is string => typeof glob === 'string' && glob.trim() !== '') : [];
    return globs.length > 0 ? globs : DEFAULT_GLOBS;
  }

  private relative(file: string): string {
    return vscode.workspace.asRelativePath(file);
  }
}

function bibFiles(): Promise<typeof BibFilesModule> {
  return import('../../node/bib/bibFiles.js');
}

async function exists(file: string): Promise<boolean> {
  return vscode.workspace.fs.stat(vscode.Uri.file(file)).then(
    () => true,
    () => false,
  );
}

function toVscodeDiagnostic(diagnostic: Diagnostic): vscode.Diagnostic {
  const line = Math.max(0, diagnostic.line - 1);
  const result = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), diagnostic.message, vscode.DiagnosticSeverity.Error);
  result.source = 'Marginalia';
  return result;
}
