/**
 * The Get Started walkthrough's buttons that open a quick pick. A click on a button inside a step
 * also selects that step, and VS Code's walkthrough focuses the selected step 250 ms later (after its
 * expand animation): a quick pick that opened sooner loses the focus and closes, so on a fast
 * machine the reader saw Open Paper's picker flash and vanish. The buttons run their command
 * through this one, which waits for that focus to be done first.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';

/** Longer than the walkthrough's own delay before it focuses a clicked step (250 ms in VS Code 1.100-1.139). */
const AFTER_STEP_FOCUS_MS = 350;

/** The commands a walkthrough button may run this way: Marginalia's own, never an arbitrary id from a link. */
const ALLOWED: ReadonlySet<string> = new Set([CommandIds.openPaper, CommandIds.openNote, CommandIds.insertCitation, CommandIds.searchPapers]);

export class WalkthroughButtons extends Disposable {
  constructor(log: vscode.LogOutputChannel) {
    super();
    this.register(
      vscode.commands.registerCommand(CommandIds.walkthroughButton, async (command: unknown) => {
        if (typeof command !== 'string' || !ALLOWED.has(command)) {
          log.warn(`Walkthrough button: ${JSON.stringify(command)} is not one of the commands it runs`);
          return;
        }
        // A command run from here does not reach the walkthrough's onCommand events (it runs in this
        // extension host): the step's completion event is this context key instead.
        await vscode.commands.executeCommand('setContext', `${command}.ranFromWalkthrough`, true);
        await new Promise((resolve) => setTimeout(resolve, AFTER_STEP_FOCUS_MS));
        await vscode.commands.executeCommand(command);
      }),
    );
  }
}
