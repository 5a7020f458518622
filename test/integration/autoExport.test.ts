// The export that stays current, in a real VS Code: marginalia.autoExport.file names a .bib that
// Marginalia writes with the papers cited in the workspace, rewrites when a new citation appears,
// leaves alone when nothing changed, and never overwrites a file it did not write.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { AUTO_EXPORT_MARKER } from '../../src/core/bibliography/autoExport';
import type { MarginaliaApi } from '../../src/extension';
import { waitFor, workspaceRoot, activateMarginalia } from './workspace';

const config = () => vscode.workspace.getConfiguration('marginalia.autoExport');

suite('Auto-export', () => {
  let api: MarginaliaApi;
  const exportsFolder = () => path.join(workspaceRoot(), 'exports');
  const note = () => path.join(workspaceRoot(), 'notes', 'auto-export.md');

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    await api.citations.start();
    await api.citations.settled();
  });

  suiteTeardown(async () => {
    await config().update('file', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('papers', undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(exportsFolder(), { recursive: true, force: true });
    fs.rmSync(note(), { force: true });
  });

  test('writes the cited papers with its marker, adds a new citation, and leaves an unchanged file alone', async function () {
    this.timeout(40_000);
    await config().update('file', 'exports/cited.bib', vscode.ConfigurationTarget.Workspace);
    const file = path.join(exportsFolder(), 'cited.bib');
    assert.equal(await api.autoExport.update(), 'written');
    const first = fs.readFileSync(file, 'utf8');
    assert.ok(first.startsWith(`${AUTO_EXPORT_MARKER} `), first.slice(0, 200));
    assert.match(first, /^@misc\{digestToLibrary,$/m);
    const cited = new Set(api.citations.citedKeys().keys());
    const notCited = api.library.papers.find((paper) => !cited.has(paper.key) && paper.aliases.every((alias) => !cited.has(alias)))!;
    assert.doesNotMatch(first, new RegExp(`^@misc\\{${notCited.key},$`, 'm'));

    // A new citation on disk: the file follows, without being asked.
    fs.writeFileSync(note(), `# Auto-export\n\nSee [@${notCited.key}].\n`);
    await waitFor('the new citation in the export', () => fs.readFileSync(file, 'utf8').includes(`@misc{${notCited.key},`), 15_000);

    // Nothing changed: not written again.
    const before = fs.statSync(file).mtimeMs;
    assert.equal(await api.autoExport.update(), 'unchanged');
    assert.equal(fs.statSync(file).mtimeMs, before);
  });

  test('a file Marginalia did not write is never overwritten, and a path outside the workspace is refused', async function () {
    this.timeout(20_000);
    fs.mkdirSync(exportsFolder(), { recursive: true });
    const mine = path.join(exportsFolder(), 'mine.bib');
    const text = '@misc{mine2024,\n  title = {My Own Entry},\n  year = {2024},\n}\n';
    fs.writeFileSync(mine, text);
    await config().update('file', 'exports/mine.bib', vscode.ConfigurationTarget.Workspace);
    assert.equal(await api.autoExport.update(), 'notOurs');
    assert.equal(fs.readFileSync(mine, 'utf8'), text);

    await config().update('file', '../outside.bib', vscode.ConfigurationTarget.Workspace);
    assert.equal(await api.autoExport.update(), 'invalid');
    assert.ok(!fs.existsSync(path.join(workspaceRoot(), '..', 'outside.bib')));

    await config().update('file', undefined, vscode.ConfigurationTarget.Workspace);
    assert.equal(await api.autoExport.update(), 'off');
  });
});
