// Notes that start where the reader writes, in a real VS Code: a new note's cursor under its notes
// heading (built-in and custom templates), Quote in Note revealing the quote it added (and its
// citation, with the setting) with an "Open Paper" lens leading back, and the front matter's tags
// following the paper's tags with every other byte of the note left as it was, open or closed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { readFrontMatter } from '../../src/core/notes/noteText';
import type { Paper } from '../../src/core/types';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { seedLibrary, waitFor, workspaceRoot } from './workspace';

/** The bytes of a note after its front matter's closing fence. */
function bodyBytes(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const match = /^(?:\ufeff|\xef\xbb\xbf)?---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(text);
  assert.ok(match, 'the note has front matter');
  return bytes.subarray(match[0].length);
}

suite('Notes: cursor, quotes, front matter tags', () => {
  let api: MarginaliaApi;
  let papers: Paper[];
  const created: string[] = [];
  const config = () => vscode.workspace.getConfiguration('marginalia');

  suiteSetup(async function () {
    this.timeout(60_000);
    ({ api, papers } = await seedLibrary());
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const keys = papers.slice(200, 210).map((paper) => paper.key);
    for (const { tag } of api.library.tagCounts()) {
      const tagged = keys.filter((key) => api.library.tagsOf(key).includes(tag));
      if (tagged.length > 0) await api.tags.service.remove(tagged, tag);
    }
    await api.noteTagSync.settled();
    for (const file of created) fs.rmSync(file, { force: true });
    // Later suites compare the index with the disk: wait until it has heard of the deletions.
    for (const file of created) await api.notes.index.update(vscode.Uri.file(file));
    for (const file of created) await waitFor(`the index to drop ${file}`, () => api.notes.index.keysForFile(file).length === 0);
    await config().update('notes.template', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('notes.quoteCitation', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('notes.syncTags', undefined, vscode.ConfigurationTarget.Workspace);
  });

  /** Opens (creating) the note of `paper` and remembers it for the teardown. */
  async function openNote(paper: Paper): Promise<vscode.TextEditor> {
    const uri = await vscode.commands.executeCommand<vscode.Uri>(CommandIds.openNote, paper.key);
    assert.ok(uri);
    created.push(uri.fsPath);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, uri.fsPath);
    return editor;
  }

  test('a new note opens with the cursor under "## Notes", not in the front matter', async function () {
    this.timeout(20_000);
    const editor = await openNote(papers[200]);
    const cursor = editor.selection.active;
    assert.ok(editor.selection.isEmpty);
    assert.equal(editor.document.lineAt(cursor.line - 2).text, '## Notes');
    assert.equal(editor.document.lineAt(cursor.line - 1).text, '');
    // Typing goes there: what the reader types is below the heading.
    assert.ok(await editor.edit((builder) => builder.insert(editor.selection.active, 'First thought.')));
    assert.ok(editor.document.getText().endsWith('## Notes\n\nFirst thought.'), editor.document.getText().slice(-60));
    await editor.document.save();
  });

  test('a custom template: the cursor lands after the heading that holds the notes, or at the end without one', async function () {
    this.timeout(20_000);
    fs.mkdirSync(path.join(workspaceRoot(), 'templates'), { recursive: true });
    fs.writeFileSync(
      path.join(workspaceRoot(), 'templates', 'flow.md'),
      '---\nkey: {{key}}\ntags: {{tags}}\n---\n# {{title}}\n\n### My notes\n\n- \n\n## Questions\n',
    );
    fs.writeFileSync(path.join(workspaceRoot(), 'templates', 'plain.md'), '# {{title}}\n\nkey: {{key}}\n');
    await config().update('notes.template', 'templates/flow.md', vscode.ConfigurationTarget.Workspace);
    const listed = await openNote(papers[201]);
    assert.deepEqual(listed.selection.active, new vscode.Position(8, 2), 'at the end of the "- " under "### My notes"');
    await config().update('notes.template', 'templates/plain.md', vscode.ConfigurationTarget.Workspace);
    const plain = await openNote(papers[202]);
    assert.deepEqual(plain.selection.active, plain.document.positionAt(plain.document.getText().length));
    await config().update('notes.template', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('Quote in Note shows the note with the new quote selected, with [@key] after it when asked, and an Open Paper lens', async function () {
    this.timeout(20_000);
    const paper = papers[203];
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(CommandIds.quoteInNote, paper.key, 'A first sentence.');
    await config().update('notes.quoteCitation', true, vscode.ConfigurationTarget.Workspace);
    const uri = await vscode.commands.executeCommand<vscode.Uri>(CommandIds.quoteInNote, paper.key, 'A second sentence,\nover two lines.');
    assert.ok(uri);
    created.push(uri.fsPath);
    const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document.uri.fsPath === uri.fsPath);
    assert.ok(editor, 'the note is shown');
    const quote = `> A second sentence,\n> over two lines. [@${paper.key}]`;
    assert.equal(editor.document.getText(editor.selection), quote);
    assert.ok(
      editor.visibleRanges.some((range) => range.contains(editor.selection)),
      'the quote is scrolled into view',
    );
    assert.ok(fs.readFileSync(uri.fsPath, 'utf8').endsWith(`> A first sentence.\n\n${quote}\n`));

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const back = lenses.find((lens) => lens.command?.command === CommandIds.openPaper);
    assert.ok(back, 'an Open Paper lens');
    assert.deepEqual(back.command?.arguments, [paper.key]);
    assert.equal(back.range.start.line, 0);
    await vscode.commands.executeCommand(back.command!.command, ...back.command!.arguments!);
    await waitFor('the paper view', () => api.panels.activePaperKey === paper.key);
  });

  test('tagging a paper whose note is closed rewrites only the front matter tags, atomically; the body stays byte-identical', async function () {
    this.timeout(30_000);
    const paper = papers[204];
    await openNote(paper);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const file = api.notes.index.noteUri(paper.key)!.fsPath;
    // The reader's own text: CRLF lines, trailing spaces, a line that looks like front matter.
    fs.appendFileSync(file, 'Mine:  \r\ntags: [not, these]\r\n---\r\n\u00e9 \u{1f600}\n');
    const before = fs.readFileSync(file);

    await api.tags.service.add([paper.key], 'to-read');
    await api.tags.service.add([paper.key], 'rl');
    await api.noteTagSync.settled();
    await waitFor('the front matter tags', () => {
      const tags = readFrontMatter(fs.readFileSync(file, 'utf8'))?.tags;
      return Array.isArray(tags) && tags.length === 2;
    });
    const after = fs.readFileSync(file);
    assert.deepEqual(new Set(readFrontMatter(after.toString('utf8'))?.tags as string[]), new Set(['to-read', 'rl']));
    assert.ok(bodyBytes(after).equals(bodyBytes(before)), 'the body is byte-identical');
    // Only the tags value changed: the whole file is what it was with `tags: []` replaced, byte for byte.
    const listed = api.library
      .tagsOf(paper.key)
      .map((tag) => `  - ${tag}\n`)
      .join('');
    const expected = Buffer.from(before.toString('utf8').replace('\ntags: []\n', `\ntags:\n${listed}`), 'utf8');
    assert.ok(after.equals(expected), after.toString('utf8').slice(0, 600));
    assert.deepEqual(
      fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.tmp')),
      [],
    );

    await api.tags.service.remove([paper.key], 'to-read');
    await api.tags.service.remove([paper.key], 'rl');
    await api.noteTagSync.settled();
    await waitFor('the tags to go', () => /\ntags: \[\]\n/.test(fs.readFileSync(file, 'utf8')));
    assert.ok(fs.readFileSync(file).equals(before), 'back to the very bytes it had');
  });

  test('tagging a paper whose note is open with unsaved edits changes the tags through the editor and keeps the edits', async function () {
    this.timeout(30_000);
    const paper = papers[205];
    const editor = await openNote(paper);
    assert.ok(await editor.edit((builder) => builder.insert(editor.selection.active, 'Unsaved words.')));
    const onDisk = fs.readFileSync(editor.document.uri.fsPath);
    const bodyBefore = editor.document.getText().split('\n---\n').slice(1).join('\n---\n');

    await api.tags.service.add([paper.key], 'to-read');
    await api.noteTagSync.settled();
    await waitFor('the open note to follow', () => /\ntags:\n {2}- to-read\n/.test(editor.document.getText()));
    assert.equal(editor.document.getText().split('\n---\n').slice(1).join('\n---\n'), bodyBefore);
    assert.ok(editor.document.isDirty, 'the reader saves when they want to');
    assert.ok(fs.readFileSync(editor.document.uri.fsPath).equals(onDisk), 'nothing written under the dirty editor');
    await editor.document.save();
  });

  test('with marginalia.notes.syncTags off, the note is left alone', async function () {
    this.timeout(30_000);
    const paper = papers[206];
    await openNote(paper);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const file = api.notes.index.noteUri(paper.key)!.fsPath;
    const before = fs.readFileSync(file);
    await config().update('notes.syncTags', false, vscode.ConfigurationTarget.Workspace);
    await api.tags.service.add([paper.key], 'to-read');
    // The sync hears of a tag change before add() returns: settled() waits for any write it started.
    await api.noteTagSync.settled();
    assert.ok(api.library.tagsOf(paper.key).includes('to-read'));
    assert.ok(fs.readFileSync(file).equals(before));
    await config().update('notes.syncTags', undefined, vscode.ConfigurationTarget.Workspace);
  });
});
