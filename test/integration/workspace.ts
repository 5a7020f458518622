// What every integration suite needs: the fixture workspace's folder, the activated extension, and
// waiting for something it does in the background (file watchers, the index, the library) to have
// happened, with the one waitFor that the unit tests use too.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Paper } from '../../src/core/types';
import type { MarginaliaApi } from '../../src/extension';
import { waitFor } from '../support/waitFor';

export { waitFor };

/** The fixture workspace's folder on disk (a fresh copy for every run). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder');
  return folder.uri.fsPath;
}

/** Activates Marginalia (once for all suites) and waits for its first reading of the digests. */
export async function activateMarginalia(): Promise<MarginaliaApi> {
  const extension = vscode.extensions.getExtension<MarginaliaApi>('marginalia.marginalia');
  assert.ok(extension, 'Marginalia is installed in the test host');
  const api = await extension.activate();
  await api.ready;
  return api;
}

/** Activates Marginalia, waits until the fixture's 257 seed papers are read, and gives them sorted by key. */
export async function seedLibrary(): Promise<{ api: MarginaliaApi; papers: Paper[] }> {
  const api = await activateMarginalia();
  await waitFor('the library', () => api.library.state === 'ready' && api.library.papers.length >= 257);
  return { api, papers: [...api.library.papers].sort((a, b) => (a.key < b.key ? -1 : 1)) };
}
