/**
 * The paper view's note section: the start of the paper's note (what is typed in an open editor,
 * not only what is saved), its Open Note button, and the quotes the page sends.
 */
import * as vscode from 'vscode';
import { noteExcerpt } from '../../core/notes/noteText';
import { assertNever, type NotesHostMessage, type NotesWebviewMessage } from '../../protocol';
import { CommandIds } from '../commandIds';
import type { Library } from '../library/library';
import { Disposable } from '../lifecycle';
import type { PaperViewSection, SectionPanel } from '../paperView/section';
import { reportNoteFailure } from './noteCommands';
import type { Notes } from './notes';

/** How long typing in a note rests before the paper view's excerpt follows. */
const TYPING_DELAY_MS = 300;

export class NotesSection extends Disposable implements PaperViewSection<'notes'> {
  readonly name = 'notes';
  private readonly sectionChanged = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChange = this.sectionChanged.event;

  constructor(
    private readonly notes: Notes,
    private readonly library: Library,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(notes.index.onDidChangeNote((key) => this.sectionChanged.fire(key)));
    // A note open in an editor previews what is typed, not only what is saved.
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId !== 'markdown' || event.contentChanges.length === 0) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (event.document.uri.scheme !== 'file') return;
          for (const key of this.notes.index.keysForFile(event.document.uri.fsPath)) this.sectionChanged.fire(key);
        }, TYPING_DELAY_MS);
      }),
    );
    this.register({ dispose: () => clearTimeout(timer) });
  }

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
        void this.notes.open(key).catch((error: unknown) => reportNoteFailure(this.log, CommandIds.openNote, error));
        break;
      case 'quoteInNote':
        void this.notes.quote(key, message.text).then(
          (uri) => {
            if (uri) vscode.window.setStatusBarMessage(`Quoted into ${vscode.workspace.asRelativePath(uri, false)}`, 3000);
          },
          (error: unknown) => reportNoteFailure(this.log, CommandIds.quoteInNote, error),
        );
        break;
      default:
        assertNever(message);
    }
  }
}
