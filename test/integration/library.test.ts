// The library in a real VS Code: digests found and parsed, the Papers tree, the paper view opened
// from it, and the library following digests that change on disk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { SEED_GROUPS } from '../support/seedDigests';
import { waitFor, workspaceRoot, activateMarginalia } from './workspace';

const ABSTRACT =
  'We study how agents learn from demonstrations and show, across many benchmarks and real robots, that the method improves sample efficiency while staying simple to implement.';

/** test/fixtures/not-digests, found through the extension (the bundled tests run from out/). */
/** The file name of a digest group's digest. */
const fileOf = (group: { file: string | undefined }): string => (group.file ? path.basename(group.file) : '');
const NOT_DIGESTS = path.join(vscode.extensions.getExtension('marginalia.marginalia')!.extensionPath, 'test', 'fixtures', 'not-digests');

suite('Library and Papers tree', () => {
  let api: MarginaliaApi;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    await vscode.commands.executeCommand(CommandIds.groupByDigest);
    await vscode.commands.executeCommand(CommandIds.sortByTitle);
  });

  test('the seeds show 257 papers in 4 digest groups of 58, 49, 74 and 146', () => {
    const groups = api.papersView.snapshot();
    for (const [file, count, label] of SEED_GROUPS) {
      const group = groups.find((g) => fileOf(g) === file);
      assert.ok(group, `no group for ${file}`);
      assert.equal(group.keys.length, count, file);
      // Named by the digest's own date, the file after the count; a digest without a date by its
      // file. Seed 000 shares its date with the fixture digest: both labels carry the file name.
      const shared = label === 'March 11';
      assert.equal(group.label, shared ? `March 11 · ${file.replace(/\.txt$/, '')}` : label);
      assert.equal(group.description, label === file || shared ? `${count} papers` : `${count} papers · ${file}`);
    }
    const seedKeys = new Set(groups.filter((g) => SEED_GROUPS.some(([file]) => file === fileOf(g))).flatMap((g) => g.keys));
    assert.equal(seedKeys.size, 257);
    assert.equal(api.library.state, 'ready');
    assert.match(api.statusBar.text, new RegExp(`${api.library.papers.length} papers`));
  });

  test('changing grouping and sorting changes the tree', async () => {
    await vscode.commands.executeCommand(CommandIds.groupByMonth);
    const months = api.papersView.snapshot();
    assert.ok(
      months.some((g) => g.label === 'September 2024'),
      months.map((g) => g.label).join(', '),
    );
    assert.equal(months.at(-1)?.label, 'No date');

    await vscode.commands.executeCommand(CommandIds.sortByUpvotes);
    const byUpvotes = api.papersView.snapshot().flatMap((g) => g.keys.map((key) => api.library.get(key)?.upvotes ?? -1));
    assert.ok(byUpvotes.length > 0);
    await vscode.commands.executeCommand(CommandIds.groupByDigest);
    const group = api.papersView.snapshot().find((g) => fileOf(g) === '001_4527b1b50237e4c0.txt');
    assert.ok(group);
    const upvotes = group.keys.map((key) => api.library.get(key)?.upvotes ?? -1);
    assert.deepEqual(
      upvotes,
      [...upvotes].sort((a, b) => b - a),
    );
    assert.ok(upvotes[0] > 0);

    await vscode.commands.executeCommand(CommandIds.sortByTitle);
    const titles = api.papersView
      .snapshot()
      .find((g) => fileOf(g) === '001_4527b1b50237e4c0.txt')!
      .keys.map((key) => api.library.get(key)!.title);
    assert.deepEqual(
      titles,
      [...titles].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true })),
    );
  });

  test('the filter narrows the tree and says so', async () => {
    await vscode.commands.executeCommand(CommandIds.filter, 'humanoid');
    const keys = new Set(api.papersView.snapshot().flatMap((g) => g.keys));
    assert.ok(keys.size > 0 && keys.size < 20, `${keys.size} papers match`);
    for (const key of keys) assert.match(`${api.library.get(key)!.title} ${api.library.get(key)!.abstract}`, /humanoid/i);
    await vscode.commands.executeCommand(CommandIds.clearFilter);
    assert.ok(new Set(api.papersView.snapshot().flatMap((g) => g.keys)).size >= 257);
  });

  test('a paper item has a description, an icon that tells code links, and a tooltip with the abstract', () => {
    const dynamo = api.library.papers.find((p) => p.title.startsWith('DynaMo:'));
    assert.ok(dynamo);
    const item = api.papersView.treeItem(dynamo.key);
    assert.ok(item);
    assert.equal(item.label, dynamo.title);
    assert.equal(item.description, '2024 · 5 authors · ▲ 3');
    // DynaMo links only a project page; a paper linking its GitHub repository gets the code icon.
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'file');
    const withCode = api.library.papers.find((p) => p.links.some((link) => link.startsWith('https://github.com/')));
    assert.ok(withCode);
    assert.equal((api.papersView.treeItem(withCode.key)?.iconPath as vscode.ThemeIcon).id, 'file-code');
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.equal(tooltip.isTrusted, false);
    // appendText escapes markdown punctuation and writes spaces as &nbsp;: compare plain words.
    const plain = tooltip.value.replace(/&nbsp;/g, ' ');
    assert.ok(plain.includes('Imitation learning has proven to be a powerful tool for training complex visuomotor policies'), plain.slice(0, 300));
    assert.ok(plain.includes('dynamo · Sep 18, 2024 · 5 authors · ▲ 3'), plain.slice(0, 300));
  });

  test('a click opens a preview that the next paper replaces; a double-click keeps it', async () => {
    const [first, second] = api.library.papers;
    await vscode.commands.executeCommand(CommandIds.openPaperFromTree, first.key);
    await waitFor('the preview panel', () => api.panels.openPanels().some((p) => p.key === first.key && p.preview));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await vscode.commands.executeCommand(CommandIds.openPaperFromTree, second.key);
    await waitFor('the preview to show the second paper', () => api.panels.openPanels().some((p) => p.key === second.key && p.preview));
    assert.equal(api.panels.openPanels().filter((p) => p.preview).length, 1);
    assert.ok(!api.panels.openPanels().some((p) => p.key === first.key), 'the first paper was replaced');
    await vscode.commands.executeCommand(CommandIds.openPaperFromTree, second.key);
    await waitFor('the double-clicked paper to be kept', () => api.panels.openPanels().some((p) => p.key === second.key && !p.preview));
    assert.equal(api.panels.activePaperKey, second.key);
  });

  test('Reveal in Papers selects the paper of the active paper view', async () => {
    const paper = api.library.papers.find((p) => p.title.startsWith('HumanPlus'));
    assert.ok(paper);
    api.panels.show(paper.key, { preview: false });
    await waitFor('the panel', () => api.panels.activePaperKey === paper.key);
    await vscode.commands.executeCommand(CommandIds.revealPaper);
    await waitFor('the tree selection', () => api.papersView.selectedKeys().includes(paper.key));
  });

  test('a digest created, edited and deleted on disk updates the library', async function () {
    this.timeout(20_000);
    const file = path.join(workspaceRoot(), 'digests', 'integration-new-digest.txt');
    fs.writeFileSync(file, `Daily Papers\n\nWatching Digests Change: A Test Paper\n\n${ABSTRACT}\n`);
    await waitFor('the new paper', () => api.library.papers.some((p) => p.title === 'Watching Digests Change: A Test Paper'), 8000);

    fs.appendFileSync(file, `\nA Second Paper Appended Later\n\n${ABSTRACT}\n`);
    await waitFor('the appended paper', () => api.library.papers.some((p) => p.title === 'A Second Paper Appended Later'), 8000);
    const key = api.library.papers.find((p) => p.title === 'A Second Paper Appended Later')!.key;

    fs.rmSync(file);
    await waitFor('the papers to go', () => !api.library.papers.some((p) => p.key === key), 8000);
    assert.ok(!api.library.papers.some((p) => p.title === 'Watching Digests Change: A Test Paper'));
  });

  test('a folder of digests that arrives whole (a git pull of a month) is read, and its papers go when the folder does', async function () {
    this.timeout(30_000);
    const folder = path.join(workspaceRoot(), 'digests', 'arrived-month');
    // Written beside the workspace and moved in: the watcher sees the folder, not each file.
    const staging = fs.mkdtempSync(path.join(path.dirname(workspaceRoot()), 'staging-digests-'));
    fs.mkdirSync(path.join(staging, 'week-1'));
    fs.writeFileSync(path.join(staging, 'week-1', 'monday.txt'), `Daily Papers\n\nA Month Pulled In: The First Paper\n\n${ABSTRACT}\n`);
    fs.writeFileSync(path.join(staging, 'tuesday.txt'), `Daily Papers\n\nA Month Pulled In: The Second Paper\n\n${ABSTRACT}\n`);
    const arrived = () => api.library.papers.filter((p) => p.title.startsWith('A Month Pulled In')).length;
    try {
      fs.renameSync(staging, folder);
      await waitFor('the papers of the folder that arrived', arrived, (count) => count === 2, 10_000);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      fs.rmSync(staging, { recursive: true, force: true });
    }
    await waitFor('the papers of the deleted folder to go', arrived, (count) => count === 0, 10_000);
  });

  test('twenty folders of digests arriving at once (a checkout) are all read, as one batch', async function () {
    this.timeout(30_000);
    const names = Array.from({ length: 20 }, (_, i) => `arrived-day-${String(i + 1).padStart(2, '0')}`);
    const folders = names.map((name) => path.join(workspaceRoot(), 'digests', name));
    const stagings = names.map((name, i) => {
      const staging = fs.mkdtempSync(path.join(path.dirname(workspaceRoot()), 'staging-day-'));
      fs.writeFileSync(path.join(staging, `${name}.txt`), `Daily Papers\n\nA Checkout Brought Day ${i + 1}\n\n${ABSTRACT}\n`);
      return staging;
    });
    const arrived = () => api.library.papers.filter((p) => p.title.startsWith('A Checkout Brought Day ')).length;
    try {
      stagings.forEach((staging, i) => fs.renameSync(staging, folders[i]));
      await waitFor('the papers of the twenty folders', arrived, (count) => count === 20, 15_000);
    } finally {
      for (const folder of [...folders, ...stagings]) fs.rmSync(folder, { recursive: true, force: true });
    }
    await waitFor('the papers of the deleted folders to go', arrived, (count) => count === 0, 15_000);
  });

  test('a group of more than 500 papers is shown a page at a time, and reveal shows the page of its paper', async function () {
    this.timeout(40_000);
    const file = path.join(workspaceRoot(), 'digests', 'integration-paging.txt');
    const count = 620;
    const titles = Array.from({ length: count }, (_, i) => `Paging Through Long Groups, Part ${String(i + 1).padStart(4, '0')}`);
    fs.writeFileSync(file, `Daily Papers\n\n${titles.map((title) => `${title}\n\n${ABSTRACT}\n`).join('\n')}`);
    try {
      await waitFor('the long digest', () => api.library.papers.filter((p) => p.title.startsWith('Paging Through Long Groups')).length === count, 15_000);
      await vscode.commands.executeCommand(CommandIds.groupByDigest);
      await vscode.commands.executeCommand(CommandIds.sortByTitle);
      const label = 'integration-paging.txt';
      const all = api.papersView.snapshot().find((group) => group.label === label);
      assert.equal(all?.keys.length, count, 'the snapshot lists every paper of the group');
      const first = api.papersView.shownRows(label);
      assert.equal(first.length, 501);
      assert.equal(first.at(-1), 'more');
      assert.deepEqual(first.slice(0, 500), all!.keys.slice(0, 500));
      await vscode.commands.executeCommand(CommandIds.showMorePapers, `digest:${file}`);
      assert.deepEqual(api.papersView.shownRows(label), all!.keys, 'a second page shows the rest, without a Show More item');

      await vscode.commands.executeCommand(CommandIds.groupByDigest); // back to the first page
      assert.equal(api.papersView.shownRows(label).length, 501);
      const late = all!.keys[610];
      assert.equal(await api.papersView.reveal(late), true);
      assert.ok(api.papersView.shownRows(label).includes(late), 'reveal showed the page of the paper');
      await waitFor('the revealed paper selected', () => api.papersView.selectedKeys().includes(late));
    } finally {
      fs.rmSync(file, { force: true });
      await waitFor('the long digest gone', () => !api.library.papers.some((p) => p.title.startsWith('Paging Through Long Groups')), 15_000);
    }
  });

  test('digests written while the watcher and a reload both read them all end up in the library', async function () {
    // As "Add Sample Digests" does: files arrive one by one, the watcher's updates start between
    // them, and a full reload is asked for at the end. No update may undo another's file list.
    this.timeout(30_000);
    const files = [1, 2, 3, 4].map((n) => path.join(workspaceRoot(), 'digests', `integration-race-${n}.txt`));
    const reloads: Thenable<unknown>[] = [];
    try {
      for (const [i, file] of files.entries()) {
        fs.writeFileSync(file, `Daily Papers\n\nRacing Reloads Paper Number ${i + 1}\n\n${ABSTRACT}\n`);
        reloads.push(vscode.commands.executeCommand(CommandIds.reindex));
        await new Promise((resolve) => setTimeout(resolve, 60 + 70 * i));
      }
      await Promise.all(reloads);
      const titles = () => files.map((_, i) => `Racing Reloads Paper Number ${i + 1}`).filter((title) => api.library.papers.some((p) => p.title === title));
      await waitFor('the four papers', () => titles().length === 4, 8000);
      // Later updates from the watcher must not take any of them away again.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(titles().length, 4);
      for (const file of files) assert.ok(api.library.digestFiles.includes(file), `${path.basename(file)} is among the digests`);
    } finally {
      for (const file of files) fs.rmSync(file, { force: true });
    }
    await waitFor('the papers to go', () => !api.library.papers.some((p) => p.title.startsWith('Racing Reloads')), 8000);
  });

  test('requirements.txt, LICENSE.txt, CMakeLists.txt, a README and a log among the digests give no paper, no key and no problem', async function () {
    this.timeout(30_000);
    const names = fs.readdirSync(NOT_DIGESTS).sort();
    const copies = names.map((name) => path.join(workspaceRoot(), 'digests', name === 'train.log' ? 'train-log.txt' : name));
    const before = api.library.papers.length;
    try {
      names.forEach((name, i) => fs.copyFileSync(path.join(NOT_DIGESTS, name), copies[i]));
      await vscode.commands.executeCommand(CommandIds.reindex);
      assert.equal(api.library.papers.length, before);
      for (const copy of copies) {
        assert.ok(!api.library.digestFiles.includes(copy), `${path.basename(copy)} is not a digest`);
        assert.ok(!api.library.papers.some((paper) => paper.sources.some((source) => source.file === copy)), `${path.basename(copy)} gives no paper`);
        assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(copy)), []);
      }
      const saved = fs.readFileSync(path.join(workspaceRoot(), '.marginalia', 'library.jsonl'), 'utf8');
      assert.doesNotMatch(saved, /numpy|MIT License|cmake_minimum_required|Getting Started|Epoch 1\/100/i);
    } finally {
      for (const copy of copies) fs.rmSync(copy, { force: true });
    }
  });

  test('an unparseable line shows in the Problems panel on its line', async function () {
    this.timeout(20_000);
    const file = path.join(workspaceRoot(), 'digests', 'integration-broken-digest.txt');
    fs.writeFileSync(file, `  • 3 authors\n\nA Paper After A Stray Line\n\n${ABSTRACT}\n`);
    const uri = vscode.Uri.file(file);
    await waitFor('a diagnostic', () => vscode.languages.getDiagnostics(uri).length > 0, 8000);
    const [diagnostic] = vscode.languages.getDiagnostics(uri);
    assert.equal(diagnostic.range.start.line, 0);
    assert.equal(diagnostic.source, 'Marginalia');
    assert.match(diagnostic.message, /authors line/);
    fs.rmSync(file);
    await waitFor('the diagnostic to go', () => vscode.languages.getDiagnostics(uri).length === 0, 8000);
  });

  test('a corrupt library file is reported and left untouched; fixing it brings the library back', async function () {
    this.timeout(20_000);
    const file = path.join(workspaceRoot(), '.marginalia', 'library.jsonl');
    const good = fs.readFileSync(file, 'utf8');
    const broken = `${good.slice(0, good.length / 2)}\n<<<<<<< HEAD\n`;
    fs.writeFileSync(file, broken);
    await waitFor('the corrupt state', () => api.library.state === 'corrupt', 8000);
    assert.equal(api.library.papers.length, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), broken);
    fs.writeFileSync(file, good);
    await waitFor('the library to come back', () => api.library.state === 'ready' && api.library.papers.length >= 257, 8000);
  });
});
