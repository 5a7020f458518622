/**
 * "Open Note" and "Quote in Note", from the trees, the paper view, its context menu and the palette.
 */
import * as vscode from 'vscode';
import type { HostMessage } from '../../protocol';
import { CommandIds } from '../commandIds';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';
import { Disposable } from '../lifecycle';
import type { CommandPapers } from '../shared/commandPapers';
import { NoteError, type Notes } from './notes';

/** What the note commands need of the paper views. */
export interface NotePanels {
  readonly activePaperKey: string | undefined;
  postToActive(message: HostMessage): boolean;
}

export class NoteCommands extends Disposable {
  constructor(
    private readonly notes: Notes,
    private readonly panels: NotePanels,
    private readonly commandPapers: CommandPapers,
    log: vscode.LogOutputChannel,
  ) {
    super();
    const command = (id: string, run: CommandRun) => this.register(registerSafeCommand(id, run, (failed, error) => reportNoteFailure(log, failed, error)));

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
}

/** Says why a note could not be opened or written: a NoteError in its own words (with its action), anything else as the runner does. */
export function reportNoteFailure(log: vscode.LogOutputChannel, id: string, error: unknown): void {
  if (error instanceof NoteError) {
    log.warn(`${id}: ${error.message}`);
    const action = error.action;
    void vscode.window.showErrorMessage(error.message, ...(action ? [action.label] : [])).then((choice) => {
      if (action && choice === action.label) void action.run();
    });
    return;
  }
  reportError(log, id, error, 'Marginalia could not write the note');
}
