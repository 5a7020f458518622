// The library file after a team's git merge, in a real VS Code: a paper with two keys (both resolve
// everywhere), a key two papers held (it names neither, and says so with fixes), and a file a merge
// left with conflict markers (recognised, and resolved without losing a key or a tag).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { Paper } from '../../src/core/types';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { RETIRED_KEY_CODE } from '../../src/host/citations/diagnostics';
import { activateMarginalia, waitFor, workspaceRoot } from './workspace';

suite('The library file after a merge', () => {
  let api: MarginaliaApi;
  let file: string;
  let original: string;
  let pasta: Paper;
  let vpt: Paper;
  let thought: Paper;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    file = path.join(workspaceRoot(), '.marginalia', 'library.jsonl');
    original = fs.readFileSync(file, 'utf8');
    pasta = api.library.get('pasta')!;
    vpt = api.library.get('vpt')!;
    thought = api.library.get('thoughtCloning')!;
    assert.ok(pasta && vpt && thought, 'the seeds have these papers');
  });

  // The suites share one workspace: leave the library file as this suite found it.
  suiteTeardown(async function () {
    this.timeout(20_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.writeFileSync(file, original);
    await waitFor(
      'the library to come back',
      () => api.library.state === 'ready' && api.library.get('pasta2023') === undefined && api.library.get('vpt') !== undefined,
    );
  });

  /** Appends lines to the library file, as `git merge` with the union driver does. */
  function mergeIn(...lines: object[]): void {
    fs.appendFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  }

  async function markdown(text: string): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(document);
    return document;
  }

  test('a second key for a paper resolves in hover, definition, completion, Cited in, references and BibTeX', async function () {
    this.timeout(30_000);
    mergeIn({ key: 'pasta2023', title: pasta.title });
    await waitFor('the alias', () => api.library.get('pasta2023')?.key === 'pasta');
    assert.deepEqual(api.library.get('pasta')?.aliases, ['pasta2023']);

    const notes = path.join(workspaceRoot(), 'notes', 'merged-branch.md');
    fs.writeFileSync(notes, 'Pretraining for agents [@pasta2023], again [@pasta].\n');
    const document = await vscode.workspace.openTextDocument(notes);
    await vscode.window.showTextDocument(document);
    const at = document.positionAt(document.getText().indexOf('pasta2023') + 2);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
    const hover = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.ok(hover.includes('PASTA'), hover);
    // Punctuation comes backslash-escaped in the hover's markdown.
    assert.match(hover, /pasta \\?\(also pasta2023\\?\)/);

    const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, at);
    const targets = definitions.map((l) => ('targetUri' in l ? l.targetUri.fsPath : l.uri.fsPath));
    assert.ok(targets.includes(pasta.sources[0].file), targets.join(', '));

    // No warning: the alias is a known key.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(
      api.citationFeatures.diagnosticsOf(document.uri).map((d) => d.message),
      [],
    );

    const typing = await markdown('See [@pasta20');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      typing.uri,
      typing.positionAt(typing.getText().length),
    );
    const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.equal(labels[0], 'pasta');

    await waitFor(
      'Cited in to list both citations',
      () => api.citedIn.entries('pasta').filter((entry) => entry.file === vscode.Uri.file(notes).toString()).length === 1,
    );
    const references = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, at);
    assert.ok(references.filter((r) => r.uri.fsPath === notes).length >= 2, 'both keys are references of one paper');

    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand(CommandIds.copyBibtex, 'pasta2023', ['pasta2023']);
    const bib = await vscode.env.clipboard.readText();
    assert.match(bib, /^@misc\{pasta,$/m);
    assert.match(bib, /^ {2}ids = \{pasta2023\},$/m);
    fs.rmSync(notes);

    // A note written for the older key (before the merge made "pasta" canonical) is the paper's note.
    const older = path.join(workspaceRoot(), 'notes', 'pasta2023.md');
    fs.writeFileSync(older, '---\nkey: pasta2023\n---\n\nRead on the left branch.\n');
    await waitFor("the older note to be the paper's", () => api.notes.index.noteUri('pasta')?.fsPath === older);
    fs.rmSync(older);
    await waitFor('the note to go', () => api.notes.index.noteUri('pasta') === undefined);
  });

  test('a key that two papers held after a merge names neither: a warning names both, and its fixes cite either', async function () {
    this.timeout(30_000);
    // Two branches each gave "sharedKey" to a different new paper.
    mergeIn({ key: 'sharedKey', title: vpt.title, tags: { 'from-left': '2026-01-01T00:00:00.000Z' } }, { key: 'sharedKey', title: thought.title });
    await waitFor('the retired key', () => api.library.dispute('sharedKey') !== undefined);
    assert.equal(api.library.get('sharedKey'), undefined);
    assert.equal(api.library.get('vpt')?.title, vpt.title, 'the papers keep their own keys');
    assert.deepEqual(api.library.tagsOf('vpt'), ['from-left'], 'and the tags each branch gave them');

    const document = await markdown('As shown by [@sharedKey].');
    await waitFor('the warning', () => api.citationFeatures.diagnosticsOf(document.uri).length === 1);
    const [diagnostic] = api.citationFeatures.diagnosticsOf(document.uri);
    assert.equal(diagnostic.code, RETIRED_KEY_CODE);
    assert.match(diagnostic.message, /After a merge, "sharedKey" named 2 papers/);
    assert.ok(diagnostic.message.includes('now vpt') && diagnostic.message.includes('now thoughtCloning'), diagnostic.message);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fixes = actions.filter((action) => action.title.startsWith('Change to ')).map((action) => action.title.split(' ')[2]);
    assert.deepEqual(fixes.sort(), ['thoughtCloning', 'vpt']);
    assert.ok(!actions.some((action) => action.isPreferred), 'neither paper is picked for the reader');

    // Cited in two files on disk: one fix per paper rewrites every citation of it.
    const left = path.join(workspaceRoot(), 'notes', 'left-branch.md');
    const right = path.join(workspaceRoot(), 'src', 'right_branch.py');
    fs.writeFileSync(left, 'Video pretraining [@sharedKey].\n');
    fs.writeFileSync(right, 'policy = train()  # [@sharedKey] the recipe we follow\n');
    await waitFor('both files in the citation index', () => api.citations.mentionsOf('sharedKey').length === 2);
    const leftDocument = await vscode.workspace.openTextDocument(left);
    await vscode.window.showTextDocument(leftDocument);
    await waitFor('the warning in the note', () => api.citationFeatures.diagnosticsOf(leftDocument.uri).length === 1);
    const onDisk = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      leftDocument.uri,
      api.citationFeatures.diagnosticsOf(leftDocument.uri)[0].range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const everywhere = onDisk.find((action) => action.title.startsWith('Change all 2 citations of sharedKey in 2 files to vpt'));
    assert.ok(everywhere?.edit, onDisk.map((action) => action.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(everywhere.edit));
    assert.equal(leftDocument.getText(), 'Video pretraining [@vpt].\n');
    assert.equal((await vscode.workspace.openTextDocument(right)).getText(), 'policy = train()  # [@vpt] the recipe we follow\n');
    await vscode.workspace.saveAll(false);
    fs.rmSync(left);
    fs.rmSync(right);
  });

  test('conflict markers are recognised as a merge conflict, and Resolve keeps the keys and tags of both sides', async function () {
    this.timeout(30_000);
    const before = fs.readFileSync(file, 'utf8');
    const ours = { key: 'pasta', title: pasta.title, tags: { ours: '2026-02-01T00:00:00.000Z' } };
    const theirs = { key: 'vpt', title: vpt.title, tags: { theirs: '2026-02-02T00:00:00.000Z' } };
    fs.writeFileSync(file, `${before}<<<<<<< HEAD\n${JSON.stringify(ours)}\n=======\n${JSON.stringify(theirs)}\n>>>>>>> their-branch\n`);
    await waitFor('the conflict state', () => api.library.state === 'corrupt' && api.library.hasMergeConflict);
    assert.match(api.library.corruption ?? '', /git merge conflict markers \(lines \d+, \d+, \d+\)/);

    await vscode.commands.executeCommand(CommandIds.resolveLibraryConflict);
    await waitFor('the library after resolving', () => api.library.state === 'ready');
    assert.ok(api.library.tagsOf('pasta').includes('ours'));
    assert.ok(api.library.tagsOf('vpt').includes('theirs'));
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /^(<{7}|={7}|>{7})/m);
  });
});
