// Reading status and the Reading Queue in a real VS Code: the Papers tree (description, menus'
// context words, filter, Group by Status), the status bar, the Reading Queue view (add, move, drag
// and drop, remove), Mark Read and Open Next Unread, the paper view's status row (its host side),
// the CLI, and a real `git merge` of two clones that changed statuses on each side.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { Paper } from '../../src/core/types';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { seedLibrary, waitFor, workspaceRoot } from './workspace';

const QUEUE_MIME = 'application/vnd.code.tree.marginalia.readingqueue';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

suite('Reading status and the Reading Queue', () => {
  let api: MarginaliaApi;
  let papers: Paper[];
  let file: string;
  let original: string;

  suiteSetup(async function () {
    this.timeout(60_000);
    ({ api, papers } = await seedLibrary());
    file = path.join(workspaceRoot(), '.marginalia', 'library.jsonl');
    original = fs.readFileSync(file, 'utf8');
  });

  // The suites share one workspace: leave the library file and the tree as this suite found them.
  suiteTeardown(async function () {
    this.timeout(20_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(CommandIds.clearFilter);
    await vscode.commands.executeCommand(CommandIds.groupByDigest);
    fs.rmSync(path.join(workspaceRoot(), '.git'), { recursive: true, force: true });
    fs.writeFileSync(file, original);
    await waitFor('the statuses to be gone', () => api.library.statusCounts().unread === api.library.papers.length && api.library.readingQueue.length === 0);
  });

  test('a status shows in the tree, offers only the other statuses, filters and groups, and is counted in the status bar', async function () {
    this.timeout(20_000);
    const [a, b, c] = papers;
    const changed = await vscode.commands.executeCommand<string[]>(CommandIds.markRead, a.key);
    assert.deepEqual(changed, [a.key]);
    await vscode.commands.executeCommand(CommandIds.markReading, undefined, [b.key, c.key]);
    assert.equal(api.library.statusOf(a.key), 'read');
    assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`"key":"${a.key}".*"status":"read","statusAt":"[^"]+"`));

    await waitFor('the tree to say Read', () => /^✓ Read\b/.test(String(api.papersView.treeItem(a.key)?.description ?? '')));
    assert.match(String(api.papersView.treeItem(b.key)?.description), /^◔ Reading\b/);
    assert.doesNotMatch(String(api.papersView.treeItem(papers[3].key)?.description), /Read|Reading/, 'unread papers say nothing');
    assert.match(api.papersView.treeItem(a.key)?.contextValue ?? '', /\bstatus-read\b/);
    // Read papers are drawn de-emphasised (a colour shows in a narrow sidebar, where the description is cut off).
    const uri = api.papersView.treeItem(a.key)!.resourceUri!;
    assert.equal((api.readingStatus.decorations.provideFileDecoration(uri)?.color as vscode.ThemeColor).id, 'list.deemphasizedForeground');
    assert.equal(api.readingStatus.decorations.provideFileDecoration(api.papersView.treeItem(b.key)!.resourceUri!), undefined);

    await vscode.commands.executeCommand(CommandIds.filterByStatus, 'reading');
    await waitFor('the filter', () => {
      const keys = api.papersView.snapshot().flatMap((group) => group.keys);
      return keys.length >= 2 && keys.every((key) => key === b.key || key === c.key);
    });
    await vscode.commands.executeCommand(CommandIds.filterByStatus, '');
    await vscode.commands.executeCommand(CommandIds.groupByStatus);
    await waitFor('Group by Status', () => api.papersView.snapshot()[0]?.label === 'Unread');
    const groups = api.papersView.snapshot();
    assert.deepEqual(
      groups.map((group) => group.label),
      ['Unread', 'Reading', 'Read'],
    );
    assert.deepEqual(groups[1].keys.sort(), [b.key, c.key].sort());
    assert.match(api.statusBar.text, new RegExp(`${api.library.papers.length} papers, ${api.library.papers.length - 3} unread`));
    await vscode.commands.executeCommand(CommandIds.groupByDigest);
  });

  test('the Reading Queue: add, move, drag and drop, and marking a paper read takes it out', async function () {
    this.timeout(20_000);
    const [, , , d, e, f, g] = papers;
    await vscode.commands.executeCommand(CommandIds.addToReadingQueue, undefined, [d.key, e.key, f.key]);
    await waitFor('the queue view', () => api.readingStatus.queue.snapshot().keys.join() === [d.key, e.key, f.key].join());
    assert.equal(api.readingStatus.queue.snapshot().description, '3 papers');
    assert.match(api.papersView.treeItem(d.key)?.contextValue ?? '', /\bqueued\b/);

    await vscode.commands.executeCommand(CommandIds.moveUpInReadingQueue, f.key);
    assert.deepEqual(api.library.readingQueue, [d.key, f.key, e.key]);
    await vscode.commands.executeCommand(CommandIds.moveDownInReadingQueue, d.key);
    assert.deepEqual(api.library.readingQueue, [f.key, d.key, e.key]);

    // Drag e onto f (the top): e goes first.
    const queue = api.readingStatus.queue;
    const nodes = queue.getChildren();
    const transfer = new vscode.DataTransfer();
    queue.handleDrag([nodes[2]], transfer);
    await queue.handleDrop(nodes[0], transfer);
    assert.deepEqual(api.library.readingQueue, [e.key, f.key, d.key]);
    // Dragged from the Papers tree into empty space: added at the end.
    const fromPapers = new vscode.DataTransfer();
    fromPapers.set('application/vnd.code.tree.marginalia.papers', new vscode.DataTransferItem([{ kind: 'paper', paper: g }]));
    await queue.handleDrop(undefined, fromPapers);
    assert.deepEqual(api.library.readingQueue, [e.key, f.key, d.key, g.key]);
    assert.ok(transfer.get(QUEUE_MIME));

    await vscode.commands.executeCommand(CommandIds.markRead, f.key);
    await waitFor('the queue without f', () => api.readingStatus.queue.snapshot().keys.join() === [e.key, d.key, g.key].join());
    await vscode.commands.executeCommand(CommandIds.removeFromReadingQueue, g.key);
    assert.deepEqual(api.library.readingQueue, [e.key, d.key]);
  });

  test("Mark Read and Open Next Unread marks the paper being read and opens the queue's next unread paper", async function () {
    this.timeout(20_000);
    const [first, second] = api.library.readingQueue;
    api.panels.show(first, { preview: false });
    await waitFor('the paper view', () => api.panels.activePaperKey === first);
    const next = await vscode.commands.executeCommand<string>(CommandIds.markReadAndOpenNext);
    assert.equal(next, second);
    assert.equal(api.library.statusOf(first), 'read');
    await waitFor('the next paper in the paper view', () => api.panels.activePaperKey === second);
    assert.deepEqual(api.library.readingQueue, [second]);
  });

  test("the paper view's status row: its host side follows the library and sets the status it is sent", async function () {
    this.timeout(20_000);
    const paper = papers[10];
    const section = api.readingStatus.section;
    assert.deepEqual(section.messages(paper.key), [{ type: 'didLoadStatus', key: paper.key, status: 'unread', queued: false }]);
    const changed = new Promise<string | undefined>((resolve) => {
      const listener = section.onDidChange((key) => {
        listener.dispose();
        resolve(key);
      });
    });
    section.receive({ key: paper.key, besideColumn: vscode.ViewColumn.Beside }, { type: 'setStatus', status: 'not-interested' });
    await changed;
    await waitFor('the status', () => api.library.statusOf(paper.key) === 'not-interested');
    section.receive({ key: paper.key, besideColumn: vscode.ViewColumn.Beside }, { type: 'toggleQueue' });
    await waitFor('queued', () => section.messages(paper.key)[0].queued);
    assert.equal(section.messages(paper.key)[0].status, 'not-interested');
  });

  test('a status set with the CLI shows in VS Code', async function () {
    this.timeout(20_000);
    const paper = papers[12];
    const cli = path.join(vscode.extensions.getExtension('marginalia.marginalia')!.extensionPath, 'dist', 'cli.js');
    await promisify(execFile)(process.execPath, [cli, 'status', 'set', '--root', workspaceRoot(), paper.key, 'reading'], { env: { ...process.env } });
    await waitFor('the CLI status in the library', () => api.library.statusOf(paper.key) === 'reading');
    await waitFor('the CLI status in the tree', () => /Reading/.test(String(api.papersView.treeItem(paper.key)?.description)));
  });

  test("two clones that changed statuses merge with plain git: both sides' changes are kept, the later wins on one paper", async function () {
    this.timeout(30_000);
    const root = workspaceRoot();
    const [x, y, z] = papers.slice(20, 23);
    git(root, 'init', '-q');
    git(root, 'add', '.marginalia');
    git(root, 'commit', '-q', '-m', 'base');
    const other = path.join(fs.mkdtempSync(path.join(tmpdir(), 'marginalia-status-merge-')), 'other');
    git(path.dirname(other), 'clone', '-q', root, other);

    // This clone (VS Code): x read, z reading. The other clone (the CLI, later): y read, z read.
    await vscode.commands.executeCommand(CommandIds.markRead, x.key);
    await vscode.commands.executeCommand(CommandIds.markReading, z.key);
    git(root, 'commit', '-q', '-am', 'here');
    const cli = path.join(vscode.extensions.getExtension('marginalia.marginalia')!.extensionPath, 'dist', 'cli.js');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await promisify(execFile)(process.execPath, [cli, 'status', 'set', '--root', other, y.key, z.key, 'read']);
    git(other, 'commit', '-q', '-am', 'there');

    git(root, 'remote', 'add', 'other', other);
    git(root, 'fetch', '-q', 'other');
    const output = git(root, 'merge', '--no-edit', 'other/main');
    assert.doesNotMatch(output, /CONFLICT/);
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /^(<{7}|={7}|>{7})/m);
    await waitFor('the merged statuses', () => api.library.statusOf(y.key) === 'read');
    assert.equal(api.library.statusOf(x.key), 'read', 'changed here');
    assert.equal(api.library.statusOf(z.key), 'read', 'changed on both: the later change wins');
    await waitFor('the tree to follow the merge', () => /Read/.test(String(api.papersView.treeItem(y.key)?.description)));
  });
});
