/**
 * How every Marginalia command runs: the arguments VS Code passes (the clicked tree node, the whole
 * selection, anything a script adds) go to `run`; an error is logged in full and shown to the user
 * as one sentence. A feature may say that sentence itself (and offer an action) through `onError`.
 */
import * as vscode from 'vscode';

export type CommandRun = (first?: unknown, all?: unknown, extra?: unknown) => unknown;

/** Logs the error's stack and shows `what` followed by the error's message. */
export function reportError(log: vscode.LogOutputChannel, id: string, error: unknown, what = 'Marginalia could not do that'): void {
  log.error(`${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  void vscode.window.showErrorMessage(`${what}: ${error instanceof Error ? error.message : String(error)} (details in the Marginalia log).`);
}

/** Registers `id`; an error thrown by `run` goes to `onError` and the command returns undefined. */
export function registerSafeCommand(id: string, run: CommandRun, onError: (id: string, error: unknown) => void): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (first?: unknown, all?: unknown, extra?: unknown) => {
    try {
      return await run(first, all, extra);
    } catch (error) {
      onError(id, error);
      return undefined;
    }
  });
}
