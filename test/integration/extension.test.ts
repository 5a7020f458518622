// The extension as VS Code sees it: found under its manifest id, activates in the fixture
// workspace, and registers what its manifest contributes.
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'marginalia.marginalia';

function marginalia(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not among the installed extensions`);
  return extension;
}

suite('Marginalia in VS Code', () => {
  test('is installed under its manifest id', () => {
    const manifest = marginalia().packageJSON as { publisher: string; name: string; main: string };
    assert.equal(`${manifest.publisher}.${manifest.name}`, EXTENSION_ID);
    assert.equal(manifest.main, './dist/extension.js');
  });

  test('opens the fixture workspace with its digest', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    const digests = await vscode.workspace.findFiles('digests/*.txt');
    assert.deepEqual(
      digests.map((uri) => uri.path.split('/').pop()),
      ['2024-03-11_daily-papers.txt'],
    );
  });

  test('activates without an error', async () => {
    const extension = marginalia();
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('creates its Marginalia output channel', async () => {
    await marginalia().activate();
    // The API cannot list output channels, but the workbench registers a "show" command for each:
    // `workbench.action.output.show.<extension id>.<channel name>` (plus `.log` for a log channel).
    const commands = await vscode.commands.getCommands(true);
    const shows = commands.filter((id) => id.startsWith('workbench.action.output.show.') && id.includes(EXTENSION_ID));
    assert.ok(
      shows.some((id) => id.includes(`${EXTENSION_ID}.Marginalia`)),
      `no Marginalia channel among ${JSON.stringify(shows)}`,
    );
  });

  test('registers every command its manifest contributes', async () => {
    const extension = marginalia();
    await extension.activate();
    const contributed = ((extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map(
      (entry) => entry.command,
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
    );
  });
});
