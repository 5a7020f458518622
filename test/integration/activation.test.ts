// The first start in a workspace of digests (this file runs first: the workspace is new to VS Code):
// Marginalia's sidebar is revealed once the digests are read, and never again in that workspace.
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/host/commandIds';
import { activateMarginalia, waitFor } from './workspace';

suite('First start', () => {
  test('reveals Marginalia once in a new workspace of digests, and not after that', async function () {
    this.timeout(60_000);
    const api = await activateMarginalia();
    await waitFor('the first start to settle', () => api.papersView.firstStart !== undefined, 30_000);
    assert.equal(api.papersView.firstStart, 'revealed');
    await waitFor('the Papers view to show', () => api.papersView.visible, 10_000);

    // The reader leaves for the Explorer; reading the digests again does not bring Marginalia back.
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the Papers view to hide', () => !api.papersView.visible, 10_000);
    await vscode.commands.executeCommand(CommandIds.reindex);
    await waitFor('the digests read again', () => api.library.state === 'ready');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(api.papersView.visible, false, 'Marginalia was revealed a second time');
    assert.equal(api.papersView.firstStart, 'revealed');
    // Marginalia back in the sidebar, as the first start left it, for the suites that follow.
    await vscode.commands.executeCommand('workbench.view.extension.marginalia');
    await waitFor('the Papers view to show again', () => api.papersView.visible, 10_000);
  });
});
