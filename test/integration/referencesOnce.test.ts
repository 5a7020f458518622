// Find All References on a markdown citation lists each citation once. VS Code's markdown extension
// could answer for `[@key]` too (to it, a shortcut reference link); in VS Code 1.139 through
// vscode.executeReferenceProvider it does not, and this test keeps it so.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { activateMarginalia, waitFor, workspaceRoot } from './workspace';
import type { MarginaliaApi } from '../../src/extension';

suite('Find References on a markdown citation', () => {
  let api: MarginaliaApi;
  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    await api.citations.ready;
  });

  test('lists one markdown citation once', async function () {
    this.timeout(30_000);
    const uri = vscode.Uri.file(path.join(workspaceRoot(), 'notes', 'reading.md'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const at = document.positionAt(document.getText().indexOf('@marginalNotes') + 3);
    const references = await waitFor(
      'the references',
      async () => (await vscode.commands.executeCommand<vscode.Location[] | undefined>('vscode.executeReferenceProvider', uri, at)) ?? [],
      (found) => found.length > 0,
    );
    const here = references.filter((location) => location.uri.fsPath === uri.fsPath && location.range.start.line === at.line);
    assert.equal(
      here.length,
      1,
      references
        .map((r) => `${vscode.workspace.asRelativePath(r.uri)}:${r.range.start.line + 1}:${r.range.start.character}-${r.range.end.character}`)
        .join(', '),
    );
  });
});
