// The first start in a workspace of digests. This file runs first (mocha takes the files in name
// order), so the window's start is this workspace's first: the extension decided at activation.
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/host/commandIds';
import { FIRST_START_KEY } from '../../src/host/papers/firstStart';
import { activateMarginalia, waitFor } from './workspace';

/** A workspace memento of a workspace VS Code has never opened (nothing stored yet). */
class FreshMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : fallback;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
}

suite('First start', () => {
  test('reveals Marginalia at the first start in a workspace of digests, without checking off the walkthrough', async function () {
    this.timeout(60_000);
    const api = await activateMarginalia();
    assert.equal(await api.firstStart.outcome, 'revealed');
    await waitFor('the Papers view to show', () => api.papersView.visible, 10_000);
    await api.ready;
    // The papers are in the view the reveal showed, but the reader has not opened it yet.
    await waitFor('the tree to show papers', () => api.papersView.snapshot().length > 0);
    assert.equal(api.papersView.papersShownByReader, false, "the automatic reveal checked off the walkthrough's first step");
    // The walkthrough's Show Papers button (or the reader's click on the icon) does.
    await vscode.commands.executeCommand(CommandIds.showPapers);
    await waitFor('the walkthrough step to be done', () => api.papersView.papersShownByReader, 10_000);
  });

  test('does not reveal it at a later start in the same workspace', async function () {
    this.timeout(60_000);
    const api = await activateMarginalia();
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the Papers view to hide', () => !api.papersView.visible, 10_000);
    // The window's own workspace state, which the first start marked.
    const later = api.createFirstStart();
    assert.equal(await later.outcome, 'earlier');
    assert.equal(api.papersView.visible, false, 'Marginalia was revealed a second time');
    // The same decision in a workspace VS Code has not seen would reveal it: the test can fail.
    const fresh = new FreshMemento();
    assert.equal(await api.createFirstStart(fresh).outcome, 'revealed');
    assert.equal(fresh.get(FIRST_START_KEY), true);
    await waitFor('the Papers view to show again', () => api.papersView.visible, 10_000);
  });

  test('does not reveal it in a workspace without digests, nor count that start', async function () {
    this.timeout(60_000);
    const api = await activateMarginalia();
    const settings = vscode.workspace.getConfiguration('marginalia');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the Papers view to hide', () => !api.papersView.visible, 10_000);
    await settings.update('digests', ['no-digests-here/*.txt'], vscode.ConfigurationTarget.Workspace);
    try {
      const fresh = new FreshMemento();
      assert.equal(await api.createFirstStart(fresh).outcome, 'noDigests');
      assert.equal(api.papersView.visible, false, 'Marginalia was revealed in a workspace without digests');
      // A later start, once digests are there, is still the first start with digests.
      assert.equal(fresh.get(FIRST_START_KEY), undefined);
    } finally {
      await settings.update('digests', undefined, vscode.ConfigurationTarget.Workspace);
      await waitFor('the digests read again', () => api.library.state === 'ready' && api.library.papers.length > 0, 30_000);
    }
    // Marginalia back in the sidebar, as the first start left it, for the suites that follow.
    await vscode.commands.executeCommand('workbench.view.extension.marginalia');
    await waitFor('the Papers view to show again', () => api.papersView.visible, 10_000);
  });
});
