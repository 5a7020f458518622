/**
 * The composition root: builds the core, the adapters, the views and the commands, and hands every
 * disposable to VS Code. Nothing else lives here.
 */
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Marginalia', { log: true });
  context.subscriptions.push(log);
  log.info(`Marginalia ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
