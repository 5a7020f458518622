/**
 * The notes feature's face: "Open Note" and "Quote in Note" (trees, paper view, palette, the
 * paper view's context menu), the "has a note" badge on papers in the trees (a FileDecoration on
 * each paper item's `marginalia-paper:` resource), and the note preview in the paper view.
 */
import * as vscode from 'vscode';
import { noteExcerpt } from '../../core/notes/noteText';
import { assertNever, type HostMessage, type NotesHostMessage, type NotesWebviewMessage } from '../../protocol';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import { NoteError, type Notes } from './notes';
import type { PaperViewSection, SectionPanel } from '../paperView/section';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import type { CommandPapers } from '../shared/commandPapers';
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

export class NoteCommands extends Disposable implements PaperViewSection<'notes'>, vscode.FileDecorationProvider {
  readonly name = 'notes';
  private readonly partChanged = this.register(new vscode.EventEmitter<string | undefined>());
  private readonly decorationsChanged = this.register(new vscode.EventEmitter<vscode.Uri[]>());
  readonly onDidChange = this.partChanged.event;
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;

  constructor(
    private readonly notes: Notes,
    private readonly library: WorkspaceLibrary,
    private readonly panels: NotePanels,
    private readonly commandPapers: CommandPapers,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(vscode.window.registerFileDecorationProvider(this));
    this.register(
      notes.index.onDidChangeNote((key) => {
        this.partChanged.fire(key);
        this.decorationsChanged.fire([paperResourceUri(key)]);
      }),
    );
    // A note open in an editor previews what is typed, not only what is saved.
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId !== 'markdown' || event.contentChanges.length === 0) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (event.document.uri.scheme !== 'file') return;
          for (const key of this.notes.index.keysForFile(event.document.uri.fsPath)) this.partChanged.fire(key);
        }, 300);
      }),
    );
    this.register({ dispose: () => clearTimeout(timer) });

    const command = (id: string, run: CommandRun) => this.register(registerSafeCommand(id, run, (failed, error) => this.fail(failed, error)));

    command(CommandIds.openNote, async (first, all) => {
      // The paper being read comes before the tree's selection: the note is about what is on screen.
      const keys = await this.commandPapers.keys(first, all, { title: 'Open Note', activePaper: true });
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

  // --- The paper view's note section -------------------------------------------------------------

  async messages(key: string): Promise<NotesHostMessage[]> {
    const uri = this.notes.index.noteUri(key);
    const paper = this.library.get(key);
    const text = uri ? await this.notes.index.noteText(key) : undefined;
    if (!uri || text === undefined || !paper) return [{ type: 'didLoadNote', key, note: null }];
    return [{ type: 'didLoadNote', key, note: { path: vscode.workspace.asRelativePath(uri, false), excerpt: noteExcerpt(text, paper) } }];
  }

  receive({ key }: SectionPanel, message: NotesWebviewMessage): void {
    switch (message.type) {
      case 'openNote':
        void this.notes.open(key).catch((error: unknown) => this.fail(CommandIds.openNote, error));
        break;
      case 'quoteInNote':
        void this.notes.quote(key, message.text).then(
          (uri) => {
            if (uri) vscode.window.setStatusBarMessage(`Quoted into ${vscode.workspace.asRelativePath(uri, false)}`, 3000);
          },
          (error: unknown) => this.fail(CommandIds.quoteInNote, error),
        );
        break;
      default:
        assertNever(message);
    }
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
