/**
 * Creating, opening and quoting into notes: `Notes` creates a note from the template, opens it
 * beside the paper view, and appends quotes to it (a WorkspaceEdit when the note is open, a temp
 * file + rename otherwise), one write at a time per note. Which file is a paper's note is the
 * NoteIndex's answer (noteIndex.ts).
 */
import * as vscode from 'vscode';
import { noteMarkdownText } from '../../core/escaping';
import { applyTextChange, frontMatterTagsChange, noteWritingOffset } from '../../core/notes/noteEdits';
import { DEFAULT_NOTE_TEMPLATE, TemplateError, formatQuote, quoteInsertion, renderNote } from '../../core/notes/noteText';
import { resolveInWorkspace, type NoteFiles } from '../../node/notes/noteFiles';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { type NoteIndex, workspaceRoot } from './noteIndex';

/** The setting naming the note template (under `marginalia.`). */
export const NOTES_TEMPLATE_SETTING = 'notes.template';
/** The setting that adds `[@key]` after each quote (under `marginalia.`). */
export const QUOTE_CITATION_SETTING = 'notes.quoteCitation';
/** The setting that keeps a note's front matter `tags:` following the paper's tags (under `marginalia.`). */
export const SYNC_TAGS_SETTING = 'notes.syncTags';

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
    const { uri, created } = await this.serialised(key, () => this.ensure(key));
    const editor = await this.show(uri, options.preserveFocus ?? false);
    if (created) {
      // A new note: the cursor goes where the reader writes, under the notes heading, not into the front matter.
      const position = editor.document.positionAt(noteWritingOffset(editor.document.getText()));
      editor.selection = new vscode.Selection(position, position);
      editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return editor;
  }

  /** Shows the note where it is already visible, else beside the active editor (the paper view). */
  private show(uri: vscode.Uri, preserveFocus: boolean): Thenable<vscode.TextEditor> {
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri.toString());
    return vscode.window.showTextDocument(uri, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus, preview: false });
  }

  /**
   * Appends `text` as a blockquote to the note of `key` (creating the note first if needed), with
   * the citation `[@key]` after it when `marginalia.notes.quoteCitation` is on. An open note is
   * changed through a WorkspaceEdit, so unsaved text stays (and a note that had no unsaved changes
   * is saved again); a closed one is rewritten atomically on disk. Then the note is shown beside
   * the paper view with the new quote selected and scrolled into view; the focus stays in the
   * paper view, so that the reader can go on quoting (the note's "Open Paper" lens leads back).
   */
  async quote(key: string, text: string): Promise<vscode.Uri | undefined> {
    // The selection is text the reader saw in the rendered abstract: written so that it renders as that text.
    const formatted = formatQuote(noteMarkdownText(text));
    if (formatted === '') {
      void vscode.window.showInformationMessage('Select some text of the abstract first, then choose Quote in Note.');
      return undefined;
    }
    const cite = vscode.workspace.getConfiguration('marginalia').get<boolean>(QUOTE_CITATION_SETTING) === true;
    const quote = cite ? `${formatted} [@${key}]` : formatted;
    return this.serialised(key, async () => {
      const { uri } = await this.ensure(key);
      const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString() && !open.isClosed);
      let before: number;
      if (document) {
        const wasDirty = document.isDirty;
        const existing = document.getText();
        const end = document.lineAt(document.lineCount - 1).range.end;
        const insertion = quoteInsertion(existing, quote);
        before = existing.length + insertion.indexOf('>');
        const edit = new vscode.WorkspaceEdit();
        edit.insert(uri, end, insertion);
        if (!(await vscode.workspace.applyEdit(edit)))
          throw new NoteError(`VS Code refused to change ${vscode.workspace.asRelativePath(uri)}; try again, or paste the quote yourself.`);
        if (!wasDirty) await document.save();
      } else {
        let start = 0;
        await this.files.append(uri.fsPath, (existing) => {
          const insertion = quoteInsertion(existing, quote);
          start = existing.length + insertion.indexOf('>');
          return insertion;
        });
        before = start;
        await this.index.update(uri);
      }
      this.log.info(`Quoted ${quote.length} characters into ${uri.fsPath}`);
      await this.revealQuote(uri, before, quote);
      return uri;
    });
  }

  /**
   * Makes the `tags:` of the note's front matter list the paper's tags in the library, changing
   * only that value (frontMatterTagsChange): through a WorkspaceEdit when the note is shown in an
   * editor or has unsaved changes (saved again when it had none), else atomically on disk. Nothing happens without a note,
   * without a `tags` field, in Restricted Mode, or when the tags already agree. True when changed.
   */
  syncTags(key: string): Promise<boolean> {
    return this.serialised(key, async () => {
      const uri = this.index.noteUri(key);
      if (!uri || !vscode.workspace.isTrusted) return false;
      const tags = this.library.tagsOf(key);
      // Through the editor when the reader has the note in front of them or unsaved text in it; else on disk, where a
      // document VS Code still holds without showing it (its model may be older than the file) is reloaded from.
      const document = vscode.workspace.textDocuments.find(
        (open) =>
          open.uri.toString() === uri.toString() &&
          !open.isClosed &&
          (open.isDirty || vscode.window.visibleTextEditors.some((editor) => editor.document === open)),
      );
      let changed: boolean;
      if (document) {
        const change = frontMatterTagsChange(document.getText(), tags);
        if (!change) return false;
        const wasDirty = document.isDirty;
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.insert);
        changed = await vscode.workspace.applyEdit(edit);
        if (!changed) throw new NoteError(`VS Code refused to change the tags of ${vscode.workspace.asRelativePath(uri)}; they follow at the next tag change.`);
        if (!wasDirty) await document.save();
      } else {
        changed = await this.files.rewrite(uri.fsPath, (existing) => {
          const change = frontMatterTagsChange(existing, tags);
          return change ? applyTextChange(existing, change) : null;
        });
      }
      if (changed) this.log.info(`Set the front matter tags of ${uri.fsPath} to [${tags.join(', ')}]`);
      return changed;
    });
  }

  /** Shows the note with the quote that starts at `start` selected, keeping the focus where it is. */
  private async revealQuote(uri: vscode.Uri, start: number, quote: string): Promise<void> {
    const editor = await this.show(uri, true);
    const text = editor.document.getText();
    // The quote as written, in the note's own line endings.
    const written = text.includes('\r\n') ? quote.replace(/\n/g, '\r\n') : quote;
    // The offset read on disk is off when the editor shows the text otherwise (a BOM): then the last copy of the quote is it.
    const at = text.slice(start, start + written.length) === written ? start : text.lastIndexOf(written);
    if (at === -1) return; // changed meanwhile: nothing to point at
    const range = new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + written.length));
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** The note of `key`, created from the template when there is none (`created` says so). */
  private async ensure(key: string): Promise<{ uri: vscode.Uri; created: boolean }> {
    if (!vscode.workspace.isTrusted) {
      const existing = this.index.noteUri(key);
      if (existing) return { uri: existing, created: false };
      throw new NoteError('Marginalia writes nothing in Restricted Mode: trust this workspace to create notes.');
    }
    const existing = this.index.noteUri(key);
    if (existing) return { uri: existing, created: false };
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
    return { uri, created };
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
