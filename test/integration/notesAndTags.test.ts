// Notes and tags in a real VS Code: a note created from the workspace's template and never
// rewritten, Quote in Note into an open note with unsaved edits, tags on several papers, renaming
// a tag with both trees following, a corrupt library file left alone, and a tag written by the CLI
// showing up.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { readNoteKey } from '../../src/core/notes/noteText';
import type { Paper } from '../../src/core/types';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { waitFor, workspaceRoot, seedLibrary } from './workspace';

/** A Papers tree node as VS Code hands it to a context-menu command. */
function node(paper: Paper): { kind: 'paper'; paper: Paper } {
  return { kind: 'paper', paper };
}

const TEMPLATE = `---
key: {{key}}
title: {{title}}
tags: {{tags}}
reviewed: false
---

# {{title}}

Code: {{code}}

{{abstractQuote}}

## What I think
`;

suite('Notes and tags', () => {
  let api: MarginaliaApi;
  let papers: Paper[];

  suiteSetup(async function () {
    this.timeout(60_000);
    ({ api, papers } = await seedLibrary());
  });

  // The suites share one workspace: take away the tags this suite added, which later suites (search
  // and related papers index tags) would otherwise see.
  suiteTeardown(async () => {
    for (const { tag } of api.library.tagCounts()) {
      const keys = api.library.papers.filter((paper) => api.library.tagsOf(paper.key).includes(tag)).map((paper) => paper.key);
      if (keys.length > 0) await api.tags.service.remove(keys, tag);
    }
    await vscode.workspace.getConfiguration('marginalia').update('notes.template', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(CommandIds.groupByDigest);
  });

  test('Open Note creates the note from the workspace template; opening it again changes nothing on disk', async function () {
    this.timeout(20_000);
    const paper = papers.find((p) => p.title.startsWith('DynaMo:'));
    assert.ok(paper);
    fs.mkdirSync(path.join(workspaceRoot(), 'templates'), { recursive: true });
    fs.writeFileSync(path.join(workspaceRoot(), 'templates', 'paper-note.md'), TEMPLATE);
    await vscode.workspace.getConfiguration('marginalia').update('notes.template', 'templates/paper-note.md', vscode.ConfigurationTarget.Workspace);

    const file = path.join(workspaceRoot(), 'notes', `${paper.key}.md`);
    assert.ok(!fs.existsSync(file));
    const uri = await vscode.commands.executeCommand<vscode.Uri>(CommandIds.openNote, node(paper), [node(paper)]);
    assert.equal(uri?.fsPath, file);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(
      text.startsWith(
        `---\nkey: "${paper.key}"\ntitle: "${paper.title}"\ntags: []\nreviewed: false\n---\n\n# ${paper.title}\n\nCode: \n\n> Imitation learning has proven`,
      ),
      text.slice(0, 400),
    );
    assert.ok(text.endsWith('\n\n## What I think\n'), text.slice(-80));
    assert.equal(readNoteKey(text), paper.key);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    await waitFor('the index to know the note', () => api.notes.index.noteUri(paper.key)?.fsPath === file);

    const before = { bytes: fs.readFileSync(file), mtime: fs.statSync(file).mtimeMs };
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(CommandIds.openNote, paper.key);
    await vscode.commands.executeCommand(CommandIds.openNote, paper.key);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    assert.deepEqual(fs.readFileSync(file), before.bytes);
    assert.equal(fs.statSync(file).mtimeMs, before.mtime);
  });

  test("a note created by Open Note renders a hostile title and abstract as text in VS Code's markdown preview", async function () {
    this.timeout(30_000);
    await vscode.workspace.getConfiguration('marginalia').update('notes.template', undefined, vscode.ConfigurationTarget.Workspace);
    const title = 'Images That Run Code <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> $(zap)';
    const digest = path.join(workspaceRoot(), 'digests', 'hostile-note.txt');
    fs.writeFileSync(
      digest,
      `Daily Papers\n\n${title}\n\nAn abstract with <iframe src="https://example.org"></iframe>, a [link](command:workbench.action.terminal.new), an image ![x](https://example.org/x.png) and $x^2$.\n`,
    );
    try {
      const paper = await waitFor(
        'the hostile paper',
        () => api.library.papers.find((p) => p.title.startsWith('Images That Run Code')),
        (found) => found !== undefined,
      );
      assert.ok(paper);
      const uri = await vscode.commands.executeCommand<vscode.Uri>(CommandIds.openNote, paper.key);
      assert.ok(uri);
      const note = fs.readFileSync(uri.fsPath, 'utf8');
      // The markdown extension's own renderer, the one its preview uses.
      const html = await vscode.commands.executeCommand<string>('markdown.api.render', note);
      assert.equal(typeof html, 'string');
      assert.doesNotMatch(html, /<(img|script|iframe)\b/i, html);
      assert.doesNotMatch(html, /href="command:/i, html);
      assert.match(html, /&lt;img src=x onerror=/, html);
      assert.match(html, /&lt;script&gt;window.__pwned=2&lt;\/script&gt;/, html);
      fs.rmSync(uri.fsPath);
    } finally {
      fs.rmSync(digest, { force: true });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await waitFor('the hostile paper to go', () => !api.library.papers.some((p) => p.title.startsWith('Images That Run Code')));
    }
  });

  test('a note that exists on disk but is not indexed yet is opened, not overwritten', async function () {
    this.timeout(20_000);
    const paper = papers[1];
    const file = path.join(workspaceRoot(), 'notes', `${paper.key}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'My own words, no front matter.\n');
    // Straight to the command: the watcher may not have told the index yet.
    await vscode.commands.executeCommand(CommandIds.openNote, paper.key);
    assert.equal(fs.readFileSync(file, 'utf8'), 'My own words, no front matter.\n');
  });

  test('a bad template gets a clear message and creates nothing', async function () {
    this.timeout(20_000);
    const paper = papers[2];
    fs.writeFileSync(path.join(workspaceRoot(), 'templates', 'broken.md'), '# {{title}}\n{{nope}}\n');
    await vscode.workspace.getConfiguration('marginalia').update('notes.template', 'templates/broken.md', vscode.ConfigurationTarget.Workspace);
    await assert.rejects(api.notes.open(paper.key), /The note template "templates\/broken\.md" has a mistake at line 2: unknown placeholder \{\{nope\}\}/);
    await vscode.workspace.getConfiguration('marginalia').update('notes.template', '../outside.md', vscode.ConfigurationTarget.Workspace);
    await assert.rejects(api.notes.open(paper.key), /is not a path inside the workspace/);
    assert.ok(!fs.existsSync(path.join(workspaceRoot(), 'notes', `${paper.key}.md`)));
    await vscode.workspace.getConfiguration('marginalia').update('notes.template', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('Quote in Note into a note open with unsaved edits keeps the edits and adds the quote', async function () {
    this.timeout(20_000);
    const paper = papers[3];
    const uri = await vscode.commands.executeCommand<vscode.Uri>(CommandIds.openNote, paper.key);
    assert.ok(uri);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, uri.fsPath);
    const document = editor.document;
    const end = document.lineAt(document.lineCount - 1).range.end;
    assert.ok(await editor.edit((builder) => builder.insert(end, 'An unsaved thought of mine.')));
    assert.ok(document.isDirty);
    const onDisk = fs.readFileSync(uri.fsPath);

    await vscode.commands.executeCommand(CommandIds.quoteInNote, paper.key, 'A sentence I selected.\nAnd its second line.');
    const text = document.getText();
    assert.ok(text.includes('\n## Notes\n\nAn unsaved thought of mine.\n\n> A sentence I selected.\n> And its second line.\n'), text.slice(-300));
    assert.ok(document.isDirty, 'the user saves when they want to');
    assert.deepEqual(fs.readFileSync(uri.fsPath), onDisk, 'nothing was written under the dirty editor');
    await document.save();
    assert.ok(fs.readFileSync(uri.fsPath, 'utf8').endsWith('An unsaved thought of mine.\n\n> A sentence I selected.\n> And its second line.\n'));
  });

  test('Quote in Note creates a closed note and appends on disk, one quote after the other', async function () {
    this.timeout(20_000);
    const paper = papers[4];
    const file = path.join(workspaceRoot(), 'notes', `${paper.key}.md`);
    assert.ok(!fs.existsSync(file));
    await Promise.all([
      vscode.commands.executeCommand(CommandIds.quoteInNote, paper.key, 'first quote'),
      vscode.commands.executeCommand(CommandIds.quoteInNote, paper.key, 'second quote'),
      vscode.commands.executeCommand(CommandIds.quoteInNote, paper.key, 'third quote'),
    ]);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.endsWith('## Notes\n\n> first quote\n\n> second quote\n\n> third quote\n'), text.slice(-120));
    assert.equal(readNoteKey(text), paper.key);
    assert.deepEqual(
      fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  test('a markdown file elsewhere whose front matter names a key is that paper’s note', async function () {
    this.timeout(20_000);
    const paper = papers[5];
    const file = path.join(workspaceRoot(), 'reading', 'thoughts.md');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `---\nkey: ${paper.key}\n---\nSome thoughts.\n`);
    await waitFor('the index to find the note', () => api.notes.index.noteUri(paper.key)?.fsPath === file);
    assert.equal(await api.notes.index.noteText(paper.key), `---\nkey: ${paper.key}\n---\nSome thoughts.\n`);
    fs.rmSync(file);
    await waitFor('the note to go', () => api.notes.index.noteUri(paper.key) === undefined);

    // Back, then its folder deleted whole: the watcher may report the folder alone.
    fs.writeFileSync(file, `---\nkey: ${paper.key}\n---\nSome thoughts.\n`);
    await waitFor('the index to find the note again', () => api.notes.index.noteUri(paper.key)?.fsPath === file);
    fs.rmSync(path.dirname(file), { recursive: true });
    await waitFor('the note to go with its folder', () => api.notes.index.noteUri(paper.key) === undefined);
  });

  test('Add Tag and Remove Tag on several papers from the tree', async function () {
    this.timeout(20_000);
    const chosen = papers.slice(10, 13);
    const changed = await vscode.commands.executeCommand<string[]>(CommandIds.addTag, node(chosen[0]), chosen.map(node), 'to-read');
    assert.deepEqual(
      changed,
      chosen.map((p) => p.key),
    );
    for (const paper of chosen) assert.deepEqual(api.library.tagsOf(paper.key), ['to-read']);
    const file = fs.readFileSync(path.join(workspaceRoot(), '.marginalia', 'library.jsonl'), 'utf8');
    for (const paper of chosen) assert.match(file, new RegExp(`"key":"${paper.key}".*"tags":\\{"to-read":"`));
    // The views follow a library change in a turn of their own.
    await waitFor('the Tags tree to follow', () => api.tags.snapshot().some((t) => t.label === 'to-read'));
    assert.deepEqual(
      api.tags
        .snapshot()
        .find((t) => t.label === 'to-read')
        ?.keys.sort(),
      chosen.map((p) => p.key).sort(),
    );

    const removed = await vscode.commands.executeCommand<string[]>(CommandIds.removeTag, node(chosen[0]), chosen.slice(0, 2).map(node), 'to-read');
    assert.deepEqual(
      removed,
      chosen.slice(0, 2).map((p) => p.key),
    );
    assert.deepEqual(api.library.tagsOf(chosen[2].key), ['to-read']);
    assert.deepEqual(api.library.tagsOf(chosen[0].key), []);
    // The context menu offers Remove Tag only on a paper that has a tag (package.json matches "tagged").
    await waitFor('the Papers tree to follow the removal', () => !/\btagged\b/.test(api.papersView.treeItem(chosen[0].key)?.contextValue ?? 'tagged'));
    assert.match(api.papersView.treeItem(chosen[2].key)?.contextValue ?? '', /^paper\b.*\btagged\b/);
    await waitFor('the Tags tree to follow the removal', () => api.tags.snapshot().find((t) => t.label === 'to-read')?.description === '1 paper');
    assert.equal(api.tags.snapshot().find((t) => t.label === 'to-read')?.description, '1 paper');
  });

  test('Rename Tag updates every paper, and the Tags tree and the Papers tree grouped by tag follow', async function () {
    this.timeout(20_000);
    const chosen = papers.slice(20, 24);
    await vscode.commands.executeCommand(CommandIds.addTag, node(chosen[0]), chosen.map(node), 'diffusion');
    await vscode.commands.executeCommand(CommandIds.addTag, node(chosen[3]), [node(chosen[3])], 'generative');
    await vscode.commands.executeCommand(CommandIds.groupByTag);
    await waitFor('the Papers tree to group the new tag', () => api.papersView.snapshot().find((g) => g.label === 'diffusion')?.keys.length === 4);
    assert.deepEqual(api.papersView.snapshot().find((g) => g.label === 'diffusion')?.keys.length, 4);

    const changed = await vscode.commands.executeCommand<string[]>(CommandIds.renameTag, 'diffusion', 'generative');
    assert.deepEqual(changed?.sort(), chosen.map((p) => p.key).sort());
    for (const paper of chosen) assert.deepEqual(api.library.tagsOf(paper.key), ['generative']);
    await waitFor(
      'both trees to follow the rename',
      () => !api.tags.snapshot().some((t) => t.label === 'diffusion') && !api.papersView.snapshot().some((g) => g.label === 'diffusion'),
    );
    const tagsTree = api.tags.snapshot();
    assert.ok(!tagsTree.some((t) => t.label === 'diffusion'));
    assert.equal(tagsTree.find((t) => t.label === 'generative')?.description, '4 papers');
    assert.ok(tagsTree.at(-1)?.label === 'Untagged' && tagsTree.at(-1)!.keys.length > 200);
    const groups = api.papersView.snapshot();
    assert.ok(!groups.some((g) => g.label === 'diffusion'));
    assert.deepEqual(groups.find((g) => g.label === 'generative')?.keys.sort(), chosen.map((p) => p.key).sort());
    assert.equal(groups.at(-1)?.label, 'Untagged');
  });

  test('a tag written by the CLI shows up in the views', async function () {
    this.timeout(30_000);
    const paper = papers[30];
    const cli = path.join(vscode.extensions.getExtension('marginalia.marginalia')!.extensionPath, 'dist', 'cli.js');
    await promisify(execFile)(process.execPath, [cli, 'tag', 'add', '--root', workspaceRoot(), paper.key, 'from-cli'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    await waitFor('the CLI tag in the library', () => api.library.tagsOf(paper.key).includes('from-cli'));
    await waitFor('the CLI tag in the Tags tree', () => api.tags.snapshot().some((t) => t.label === 'from-cli' && t.keys.includes(paper.key)));
  });

  test('a corrupt library file is reported and left byte-identical; tagging waits until it is fixed', async function () {
    this.timeout(30_000);
    const file = path.join(workspaceRoot(), '.marginalia', 'library.jsonl');
    const good = fs.readFileSync(file);
    const broken = Buffer.concat([good.subarray(0, Math.floor(good.length / 2)), Buffer.from('\n=======\n')]);
    const paper = papers[40];
    fs.writeFileSync(file, broken);
    // Before the watcher has told the library, the store itself refuses to write.
    assert.equal(await api.tags.service.add([paper.key], 'lost'), undefined);
    assert.deepEqual(fs.readFileSync(file), broken);
    await waitFor('the corrupt state', () => api.library.state === 'corrupt');
    assert.equal(await vscode.commands.executeCommand(CommandIds.addTag, node(paper), [node(paper)], 'lost'), undefined);
    assert.equal(await vscode.commands.executeCommand(CommandIds.renameTag, 'to-read', 'later'), undefined);
    assert.deepEqual(fs.readFileSync(file), broken);
    fs.writeFileSync(file, good);
    await waitFor('the library to come back', () => api.library.state === 'ready' && api.library.papers.length >= 257);
    assert.deepEqual(await api.tags.service.add([paper.key], 'fixed'), [paper.key]);
  });
});
