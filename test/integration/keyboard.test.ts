// The Papers tree's keyboard flow in a real VS Code, through the commands its keys run: a click
// (the item's command) previews, ↓ moves the selection with the preview following, Enter opens the
// selected paper for good. Where the focus is, VS Code tells no extension: test/e2e/keyboard.test.mts
// presses the keys in the workbench and checks it.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { seedLibrary, waitFor } from './workspace';

suite('Papers tree keyboard flow', () => {
  let api: MarginaliaApi;

  suiteSetup(async function () {
    this.timeout(60_000);
    ({ api } = await seedLibrary());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a click previews, the arrows move the selection with the preview following, Enter opens the paper for good', async function () {
    this.timeout(30_000);
    const group = api.papersView.snapshot().find((entry) => entry.keys.length > 3);
    assert.ok(group);
    const [first, second, third] = group.keys;
    await vscode.commands.executeCommand('marginalia.papers.focus');
    assert.ok(await api.papersView.reveal(first, { focus: true }));
    await vscode.commands.executeCommand(CommandIds.openPaperFromTree, first);
    await waitFor('the preview of the clicked paper', () => api.panels.openPanels().some((panel) => panel.key === first && panel.preview));

    await vscode.commands.executeCommand(CommandIds.selectNextPaper);
    await waitFor('the selection to move', () => api.papersView.selectedKeys()[0] === second);
    await waitFor('the preview to follow', () => api.panels.openPanels().some((panel) => panel.key === second && panel.preview));
    await vscode.commands.executeCommand(CommandIds.selectNextPaper);
    await vscode.commands.executeCommand(CommandIds.selectPreviousPaper);
    await vscode.commands.executeCommand(CommandIds.selectNextPaper);
    await waitFor('the selection to move on', () => api.papersView.selectedKeys()[0] === third);
    await waitFor('the preview to follow again', () => api.panels.openPanels().some((panel) => panel.key === third && panel.preview));
    assert.equal(api.panels.openPanels().length, 1, 'one preview panel, replaced paper after paper');

    await vscode.commands.executeCommand(CommandIds.openSelectedPapers);
    await waitFor('the paper to be kept open', () => api.panels.openPanels().some((panel) => panel.key === third && !panel.preview));
  });

  test('with marginalia.paperView.followSelection off, moving the selection opens nothing', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('marginalia').update('paperView.followSelection', false, vscode.ConfigurationTarget.Workspace);
    try {
      const group = api.papersView.snapshot().find((entry) => entry.keys.length > 3)!;
      assert.ok(await api.papersView.reveal(group.keys[0], { focus: true }));
      await vscode.commands.executeCommand(CommandIds.selectNextPaper);
      await waitFor('the selection', () => api.papersView.selectedKeys()[0] === group.keys[1]);
      assert.deepEqual(api.panels.openPanels(), []);
    } finally {
      await vscode.workspace.getConfiguration('marginalia').update('paperView.followSelection', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
