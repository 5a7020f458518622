// Which papers a command acts on, in a real VS Code: its arguments first; for commands about the
// paper being read, the active paper view before the Papers tree's selection; for the others, the
// tree's selection and never the paper view (see src/host/shared/commandPapers.ts).
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { activateMarginalia, waitFor } from './workspace';

suite('Which papers a command acts on', () => {
  let api: MarginaliaApi;

  suiteSetup(async () => {
    api = await activateMarginalia();
  });

  test('arguments, then the paper being read (Related Papers) or the tree selection (Copy Citation Key)', async function () {
    this.timeout(20_000);
    const [read, selected] = api.library.papers;
    assert.ok(read && selected && read.key !== selected.key, 'the fixture has two papers');
    try {
      api.panels.show(read.key, { preview: false });
      await waitFor('the paper view', () => api.panels.activePaperKey === read.key);
      assert.ok(await api.papersView.reveal(selected.key), 'the paper is in the tree');
      await waitFor('the tree selection', () => api.papersView.selectedKeys().join() === selected.key);
      assert.equal(api.panels.activePaperKey, read.key, 'revealing in the tree left the paper view active');

      await vscode.commands.executeCommand(CommandIds.copyKey);
      assert.equal(await vscode.env.clipboard.readText(), selected.key, 'from the palette, Copy Citation Key copies the tree selection');
      await vscode.commands.executeCommand(CommandIds.copyKey, read.key);
      assert.equal(await vscode.env.clipboard.readText(), read.key, 'an argument comes before the tree selection');

      await vscode.commands.executeCommand(CommandIds.relatedPapers);
      await waitFor('related papers of the paper being read', () => {
        const { subject } = api.related.snapshot();
        return subject?.kind === 'paper' && subject.key === read.key;
      });
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
