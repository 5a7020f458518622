/**
 * The notes feature's face: "Open Note" and "Quote in Note" (trees, paper view, palette, the
 * paper view's context menu), the "has a note" badge on papers in the trees (a FileDecoration on
 * each paper item's `marginalia-paper:` resource), and the note preview in the paper view.
 */
import * as vscode from 'vscode';
import { noteExcerpt } from '../../core/notes/noteText';
import type { HostMessage, WebviewMessage } from '../../protocol';
import { CommandIds } from '../commandIds';
import { keysFromArguments, pickPaper } from '../library/libraryCommands';
import { Disposable } from '../lifecycle';
import { NoteError, type Notes } from './noteIndex';
import type { PaperViewPart } from '../paperView/paperPanel';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';

/** The scheme of the resource URIs that paper tree items carry, so that decorations can find them. */
export const PAPER_RESOURCE_SCHEME = 'marginalia-paper';

/** The resource URI of a paper's tree items. */
export function paperResourceUri(key: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PAPER_RESOURCE_SCHEME, path: `/${key}` });
}

/** What the note commands need of the paper views. */
export interface NotePanels {
  readonly activePaperKey: string | undefined;
  postToActive(message: HostMessage): boolean;
}

export class NoteCommands extends Disposable implements PaperViewPart, vscode.FileDecorationProvider {
  private readonly partChanged = this.register(new vscode.EventEmitter<string | undefined>());
  private readonly decorationsChanged = this.register(new vscode.EventEmitter<vscode.Uri[]>());
  readonly onDidChange = this.partChanged.event;
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;

  constructor(
    private readonly notes: Notes,
    private readonly library: WorkspaceLibrary,
    private readonly panels: NotePanels,
    private readonly selectedKeys: () => string[],
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(vscode.window.registerFileDecorationProvider(this));
    this.register(notes.index.onDidChangeNote((key) => {
      this.partChanged.fire(key);
      this.decorationsChanged.fire([paperResourceUri(key)]);
    }));
    // A note open in an editor previews what is typed, not only what is saved.
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.register(vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.languageId !== 'markdown' || event.contentChanges.length === 0) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (event.document.uri.scheme !== 'file') return;
        for (const key of this.notes.index.keysForFile(event.document.uri.fsPath)) this.partChanged.fire(key);
      }, 300);
    }));
    this.register({ dispose: () => clearTimeout(timer) });

    const command = (id: string, run: CommandRun) => this.register(registerSafeCommand(id, run, (failed, error) => this.fail(failed, error)));

    command(CommandIds.openNote, async (first, all) => {
      const keys = await this.targetKeys(first, all, 'Open Note');
      let editor: vscode.TextEditor | undefined;
      for (const key of keys) editor = await this.notes.open(key);
      return editor?.document.uri;
    });

    // From the paper view's context menu (first: its data-vscode-context) the page is asked for its
    // selection; from a script or test, the key and the text are the arguments.
    command(CommandIds.quoteInNote, async (first, text) => {
      if (typeof first === 'string' && typeof text === 'string') return this.notes.quote(first, text);
      if (!this.panels.postToActive({ type: 'didRequestQuote' })) {
        void vscode.window.showInformationMessage('Select text in a paper view’s abstract first, then choose Quote in Note.');
      }
      return undefined;
    });
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== PAPER_RESOURCE_SCHEME) return undefined;
    const key = uri.path.slice(1);
    if (!this.notes.index.hasNote(key)) return undefined;
    return { badge: '✎', tooltip: 'Has a note', propagate: false };
  }

  // --- The paper view part ------------------------------------------------------------------------

  async messages(key: string): Promise<HostMessage[]> {
    const uri = this.notes.index.noteUri(key);
    const paper = this.library.get(key);
    const text = uri ? await this.notes.index.noteText(key) : undefined;
    if (!uri || text === undefined || !paper) return [{ type: 'didLoadNote', key, note: null }];
    return [{ type: 'didLoadNote', key, note: { path: vscode.workspace.asRelativePath(uri, false), excerpt: noteExcerpt(text, paper) } }];
  }

  receive(key: string, message: WebviewMessage): void {
    if (message.type === 'openNote') {
      void this.notes.open(key).catch((error: unknown) => this.fail(CommandIds.openNote, error));
    } else if (message.type === 'quoteInNote') {
      void this.notes.quote(key, message.text).then(
        (uri) => {
          if (uri) vscode.window.setStatusBarMessage(`Quoted into ${vscode.workspace.asRelativePath(uri, false)}`, 3000);
        },
        (error: unknown) => this.fail(CommandIds.quoteInNote, error),
      );
    }
  }

  /** The papers a note command acts on: its arguments, else the active paper view, else the Papers tree's selection, else one the user picks. */
  private async targetKeys(first: unknown, all: unknown, title: string): Promise<string[]> {
    const keys = keysFromArguments(first, all);
    if (keys.length > 0) return keys;
    // The paper view's context menu passes its data-vscode-context.
    const fromWebview = typeof first === 'object' && first !== null ? (first as { paperKey?: unknown }).paperKey : undefined;
    if (typeof fromWebview === 'string') return [fromWebview];
    const active = this.panels.activePaperKey;
    if (active) return [active];
    const selected = this.selectedKeys();
    if (selected.length > 0) return selected;
    const key = await pickPaper(this.library, title);
    return key ? [key] : [];
  }

  private fail(id: string, error: unknown): void {
    if (error instanceof NoteError) {
      this.log.warn(`${id}: ${error.message}`);
      const action = error.action;
      void vscode.window.showErrorMessage(error.message, ...(action ? [action.label] : [])).then((choice) => {
        if (action && choice === action.label) void action.run();
      });
      return;
    }
    reportError(this.log, id, error, 'Marginalia could not write the note');
  }
}
