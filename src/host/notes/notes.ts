/**
 * Creating, opening and quoting into notes: `Notes` creates a note from the template, opens it
 * beside the paper view, and appends quotes to it (a WorkspaceEdit when the note is open, a temp
 * file + rename otherwise), one write at a time per note. Which file is a paper's note is the
 * NoteIndex's answer (noteIndex.ts).
 */
import * as vscode from 'vscode';
import { noteMarkdownText } from '../../core/escaping';
import { DEFAULT_NOTE_TEMPLATE, TemplateError, formatQuote, quoteInsertion, renderNote } from '../../core/notes/noteText';
import { resolveInWorkspace, type NoteFiles } from '../../node/notes/noteFiles';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { type NoteIndex, workspaceRoot } from './noteIndex';

/** The setting naming the note template (under `marginalia.`). */
export const NOTES_TEMPLATE_SETTING = 'notes.template';

/** A user-facing failure: `message` is the one sentence to show; the rest goes to the log. */
export class NoteError extends Error {
  constructor(
    message: string,
    readonly action?: { label: string; run: () => unknown },
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

/** Creating, opening and quoting into notes. */
export class Notes extends Disposable {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** @param files writes notes on the local disk (built at the composition root, like every adapter) */
  constructor(
    readonly index: NoteIndex,
    private readonly files: NoteFiles,
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
    // The selection is text the reader saw in the rendered abstract: written so that it renders as that text.
    const quote = formatQuote(noteMarkdownText(text));
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
        if (!(await vscode.workspace.applyEdit(edit)))
          throw new NoteError(`VS Code refused to change ${vscode.workspace.asRelativePath(uri)}; try again, or paste the quote yourself.`);
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
    if (!file)
      throw new NoteError(
        `The key "${key}" cannot be used as a file name, so Marginalia cannot create its note; create one yourself with "key: ${key}" in its front matter.`,
      );
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
    const openSettings = {
      label: 'Open Settings',
      run: () => vscode.commands.executeCommand('workbench.action.openSettings', `marginalia.${NOTES_TEMPLATE_SETTING}`),
    };
    const root = workspaceRoot();
    const file = root ? resolveInWorkspace(root, configured) : undefined;
    if (!file)
      throw new NoteError(
        `The note template "${configured}" is not a path inside the workspace; set marginalia.notes.template to a workspace-relative file, or clear it for the default template.`,
        openSettings,
      );
    const text = await this.files.read(file).catch((error: unknown) => {
      this.log.error(`Reading the note template ${file}: ${errorText(error)}`);
      return null;
    });
    if (text === null)
      throw new NoteError(`The note template "${configured}" does not exist or cannot be read; create it, or fix marginalia.notes.template.`, openSettings);
    // Checked here, with a dummy paper, so that a mistake names the template and not the paper.
    try {
      renderNote(text, {
        paper: { key: 'key', aliases: [], title: 'Title', abstract: '', authors: null, submitter: null, date: null, upvotes: null, links: [], sources: [] },
        tags: [],
        today: today(),
        sources: [],
      });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw new NoteError(`The note template "${configured}" has a mistake at ${error.message}.`, {
        label: 'Open Template',
        run: () => vscode.window.showTextDocument(vscode.Uri.file(file)),
      });
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

/** Today in local time, YYYY-MM-DD. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
