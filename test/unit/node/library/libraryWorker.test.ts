import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { LibraryWorkerClient } from '../../../../src/node/library/libraryWorkerClient';
import type { Paper } from '../../../../src/core/types';
import { snapshotFile, summaryFile } from '../../../../src/node/library/librarySnapshot';
import { LibraryStore } from '../../../../src/node/library/libraryStore';
import { CHUNKS_IN_FLIGHT, type LoadResult } from '../../../../src/node/library/libraryWorkerProtocol';
import { syntheticDigests, writeDigests } from '../../../bench/libraryWorkspace';
import { bundleForNode } from '../../../support/cli';
import { repoRoot, seedsFolder } from '../../../support/paths';
import { tempFolder } from '../../../support/tempFolders';

describe('the library worker', () => {
  let client: LibraryWorkerClient;
  let script: string;
  let root: string;
  let files: string[];
  const load = (shown: boolean) => client.request({ type: 'load', root, files, reread: [], trusted: true, cacheDir: null, shown });

  before(async () => {
    script = await bundleForNode(path.join(repoRoot, 'src', 'node', 'library', 'libraryWorker.ts'), path.join(tempFolder('worker-bundle'), 'libraryWorker.js'));
    client = new LibraryWorkerClient(script, () => undefined);
    root = tempFolder('worker');
    cpSync(seedsFolder, path.join(root, 'seeds'), { recursive: true });
    files = readdirSync(path.join(root, 'seeds'))
      .filter((name) => name.endsWith('.txt'))
      .map((name) => path.join(root, 'seeds', name))
      .sort();
  });
  after(() => client.dispose());

  test('after its own tag write, a load that finds nothing changed sends nothing the host shows already', async () => {
    const first = await client.request({ type: 'load', root, files, reread: 'all', trusted: true, cacheDir: null });
    assert.equal(first.value.state, 'ready');
    assert.equal(first.papers.length, first.value.order.length);
    const key = first.value.order[0];
    const tagged = await client.request({ type: 'tag', operation: { kind: 'add', keys: [key], tag: 'to-read' } });
    assert.deepEqual(tagged.value.changed, [key]);

    // The host shows the last load: the answer says "unchanged" and carries no lists.
    const shown = await load(true);
    assert.equal(shown.value.unchanged, true);
    assert.deepEqual([shown.value.order, shown.value.tags, shown.papers], [[], [], []]);
    // A host that does not (it was showing an error, say) gets the whole library with the new tag.
    const whole = await load(false);
    assert.equal(whole.value.unchanged, true);
    assert.deepEqual(whole.value.order, first.value.order);
    assert.deepEqual(new Map(whole.value.tags).get(key), ['to-read']);
  });

  test("a digest reported again as it was read (a save's create and change events) is read, and nothing is merged or sent for it; a real change is", async (t) => {
    const client = new LibraryWorkerClient(script, () => undefined);
    t.after(() => client.dispose());
    const folder = tempFolder('worker-reread');
    cpSync(path.join(root, 'seeds'), path.join(folder, 'seeds'), { recursive: true });
    const mine = files.map((file) => path.join(folder, 'seeds', path.basename(file)));
    const request = (listed: string[], reread: string[] | 'all') =>
      client.request({ type: 'load', root: folder, files: listed, reread, trusted: true, cacheDir: null, shown: true });
    await request(mine, 'all');
    const added = path.join(folder, 'seeds', 'added.txt');
    writeFileSync(added, readFileSync(path.join(repoRoot, 'test', 'fixtures', 'workspace', 'digests', '2024-03-11_daily-papers.txt')));
    const withAdded = [...mine, added].sort();
    const grown = await request(withAdded, [added]);
    assert.ok(!grown.value.unchanged);
    assert.equal(grown.papers.length, 4, "the new digest's papers are sent");
    // The same file reported again, unchanged: the library is as last sent.
    const again = await request(withAdded, [added]);
    assert.equal(again.value.unchanged, true);
    assert.deepEqual([again.papers, again.value.order], [[], []]);
    // Changed for real: merged and sent.
    writeFileSync(added, readFileSync(added, 'utf8').replace('Marginal Notes:', 'Marginal Notes, Again:'));
    const edited = await request(withAdded, [added]);
    assert.ok(!edited.value.unchanged);
    assert.ok(edited.papers.length >= 1);
  });

  test('a load for a host that shows the library carries no tags when they are the ones it was told; any other change sends them all', async (t) => {
    const client = new LibraryWorkerClient(script, () => undefined);
    t.after(() => client.dispose());
    const folder = tempFolder('worker-tags');
    cpSync(path.join(root, 'seeds'), path.join(folder, 'seeds'), { recursive: true });
    const mine = files.map((file) => path.join(folder, 'seeds', path.basename(file)));
    const loadNow = (reread: string[], shown: boolean) =>
      client.request({ type: 'load', root: folder, files: mine, reread, trusted: true, cacheDir: null, shown });
    const first = await client.request({ type: 'load', root: folder, files: mine, reread: 'all', trusted: true, cacheDir: null });
    const [a, b] = first.value.order;
    await client.request({ type: 'tag', operation: { kind: 'add', keys: [a], tag: 'to-read' } });
    // A digest edited as a reader would: one of its titles changed, so one paper is new.
    const title = first.papers.find((paper) => paper.sources[0].file === mine[0] && paper.key !== a && paper.key !== b)!.title;
    let current = title;
    const edit = (marker: string) => {
      const next = `${title} ${marker}`;
      writeFileSync(mine[0], readFileSync(mine[0], 'utf8').replace(current, next));
      current = next;
    };

    // A digest edited: the host was told of the tag by the tag change's answer, so no list comes.
    edit('First');
    const shown = await loadNow([mine[0]], true);
    assert.equal(shown.value.tags, null);
    assert.ok(shown.papers.some((paper) => paper.title === `${title} First`));
    // A host that does not show the library (an error, a reload) gets them all.
    edit('Second');
    const notShown = await loadNow([mine[0]], false);
    assert.deepEqual(new Map(notShown.value.tags).get(a), ['to-read']);
    // Tags changed behind the worker's back (the CLI, a pull): sent whole, the new tag in them.
    await new LibraryStore(folder, { log: () => undefined }).update((records) => records.addTag([b], 'method'));
    const afterCli = await loadNow([], true);
    assert.notEqual(afterCli.value.tags, null);
    const tags = new Map(afterCli.value.tags);
    assert.deepEqual([tags.get(a), tags.get(b)], [['to-read'], ['method']]);
    // And from there, unchanged again.
    edit('Third');
    assert.equal((await loadNow([mine[0]], true)).value.tags, null);
  });

  test('finds the papers of its last load as the user types, and answers without waiting for a load in progress', async (t) => {
    const client = new LibraryWorkerClient(script, () => undefined);
    t.after(() => client.dispose());
    const { value, papers } = await client.request({ type: 'load', root, files, reread: 'all', trusted: true, cacheDir: null });
    const byKey = new Map(papers.map((paper) => [paper.key, paper]));
    const dated = value.order.map((key) => byKey.get(key)!).find((paper) => paper.date?.year && paper.title.split(' ').length > 2)!;
    const completed = await client.request({ type: 'find', mode: 'complete', query: dated.key.slice(0, 4), limit: 100 });
    assert.ok(
      completed.value.matches.some(([key, rank]) => key === dated.key && rank === 0),
      `${dated.key} completes from its first letters`,
    );
    const word = dated.title.split(/\s+/).find((w) => w.length > 4) ?? dated.title;
    const searched = await client.request({ type: 'find', mode: 'search', query: word.toLowerCase(), limit: 200 });
    assert.ok(
      searched.value.matches.some(([key]) => key === dated.key),
      `"${word}" finds ${dated.key}`,
    );
    assert.deepEqual((await client.request({ type: 'find', mode: 'search', query: 'zzqqxxnotaword', limit: 10 })).value.matches, []);

    // Sent behind a load that reads every digest again, the find is answered first, from the last load.
    const order: string[] = [];
    const reload = client.request({ type: 'load', root, files, reread: 'all', trusted: true, cacheDir: null }).then(() => order.push('load'));
    const found = client.request({ type: 'find', mode: 'complete', query: dated.key, limit: 5 }).then((answer) => {
      order.push('find');
      return answer.value.matches.map(([key]) => key);
    });
    assert.deepEqual(await found, [dated.key]);
    await reload;
    assert.deepEqual(order, ['find', 'load']);
  });
});

describe('the library worker posting papers', () => {
  test('keeps at most CHUNKS_IN_FLIGHT chunks unreceipted, so the host never has a pile of chunks to drain at once', async () => {
    const script = await bundleForNode(
      path.join(repoRoot, 'src', 'node', 'library', 'libraryWorker.ts'),
      path.join(tempFolder('worker-bundle-flow'), 'libraryWorker.js'),
    );
    const root = tempFolder('worker-flow');
    // 5,000 papers: five chunks of 1,000.
    const { digests } = syntheticDigests(5000);
    writeDigests(root, digests);
    const files = digests.map((digest) => path.join(root, digest.file)).sort();
    const worker = new Worker(script);
    try {
      const chunks: number[] = [];
      let reply: { type: string; value?: LoadResult } | null = null;
      let arrived: () => void = () => undefined;
      worker.on('message', (message: { type: string; id: number; papers?: unknown[]; value?: LoadResult }) => {
        if (message.type === 'papers') chunks.push(message.papers!.length);
        else if (message.type !== 'log') reply = message;
        arrived();
      });
      const next = () => new Promise<void>((resolve) => (arrived = resolve));
      worker.postMessage({ id: 1, type: 'load', root, files, reread: 'all', trusted: true, cacheDir: null });
      while (chunks.length < CHUNKS_IN_FLIGHT) await next();
      // Without a receipt the worker waits: nothing more comes, however long the host takes.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(chunks.length, CHUNKS_IN_FLIGHT);
      assert.equal(reply, null);
      // Each receipt lets one more chunk go, until the reply.
      while (reply === null) {
        const posted: number = chunks.length;
        worker.postMessage({ type: 'received', id: 1 });
        while (chunks.length === posted && reply === null) await next();
        assert.ok(chunks.length <= posted + 1, 'one receipt lets at most one more chunk go');
      }
      assert.equal((reply as { type: string }).type, 'ok');
      assert.deepEqual(chunks, [1000, 1000, 1000, 1000, 1000]);
      assert.equal((reply as { value: LoadResult }).value.order.length, 5000);
    } finally {
      await worker.terminate();
    }
  });
});

describe('the library snapshot between windows', () => {
  let script: string;
  let root: string;
  let cacheDir: string;
  let files: string[];

  before(async () => {
    script = await bundleForNode(
      path.join(repoRoot, 'src', 'node', 'library', 'libraryWorker.ts'),
      path.join(tempFolder('worker-bundle-snapshot'), 'libraryWorker.js'),
    );
  });
  beforeEach(() => {
    root = tempFolder('worker-snapshot');
    cacheDir = path.join(tempFolder('worker-snapshot-cache'), 'digests');
    cpSync(seedsFolder, path.join(root, 'seeds'), { recursive: true });
    files = readdirSync(path.join(root, 'seeds'))
      .filter((name) => name.endsWith('.txt'))
      .map((name) => path.join(root, 'seeds', name))
      .sort();
  });

  /** A window: a fresh worker, its first load, and the log lines it wrote. */
  async function openWindow(): Promise<{ client: LibraryWorkerClient; first: { value: LoadResult; papers: Paper[] }; logs: string[] }> {
    const logs: string[] = [];
    const client = new LibraryWorkerClient(script, (_level, message) => logs.push(message));
    const first = await client.request({ type: 'load', root, files, reread: 'all', trusted: true, cacheDir });
    return { client, first, logs };
  }

  /** Waits until the window has written its snapshot (3 s after its last load, once its digests are old enough to trust). */
  async function snapshotWritten(since: number): Promise<void> {
    const file = snapshotFile(cacheDir);
    for (let i = 0; i < 200; i++) {
      if (existsSync(file) && statSync(file).mtimeMs >= since) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('the snapshot was not written within 20 s');
  }

  const fromSnapshot = (logs: string[]) => logs.some((line) => line.startsWith('Library from the snapshot'));
  /** The snapshot's papers shown with the records summary's tags, before the library file was parsed. */
  const fromSummary = (logs: string[]) =>
    logs.some((line) => line.startsWith('Library from the snapshot') && line.endsWith('the library file unchanged since'));

  /** Waits until the window has written its records summary after `since` (1 s after its last change). */
  async function summaryWritten(since: number): Promise<void> {
    const file = summaryFile(cacheDir);
    for (let i = 0; i < 200; i++) {
      if (existsSync(file) && statSync(file).mtimeMs >= since) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('the records summary was not written within 20 s');
  }

  test("a load of every digest right after the first finds the first load's cache entries (written after its reply), and parses none", async () => {
    const one = await openWindow();
    try {
      assert.ok(
        one.logs.some((line) => line === `Read ${files.length} digest(s): 0 from the cache, ${files.length} parsed`),
        one.logs.join('\n'),
      );
      // Sent at once, as a reload of the library does: it waits for the first load's cache writes.
      const again = await one.client.request({ type: 'load', root, files, reread: 'all', trusted: true, cacheDir });
      assert.deepEqual(again.value.order, one.first.value.order);
      assert.ok(
        one.logs.some((line) => line === `Read ${files.length} digest(s): ${files.length} from the cache, 0 parsed`),
        one.logs.join('\n'),
      );
    } finally {
      one.client.dispose();
    }
  });

  test('a second window on the same digests and library file shows exactly the papers, keys, tags and problems of the first, from the snapshot', async () => {
    const one = await openWindow();
    const key = one.first.value.order[0];
    await one.client.request({ type: 'tag', operation: { kind: 'add', keys: [key], tag: 'to-read' } });
    await snapshotWritten(0);
    one.client.dispose();
    assert.ok(!fromSnapshot(one.logs));

    const two = await openWindow();
    try {
      assert.ok(fromSnapshot(two.logs), two.logs.join('\n'));
      assert.equal(two.first.value.fromSnapshot, true);
      assert.notEqual(one.first.value.fromSnapshot, true);
      assert.deepEqual(two.first.papers, one.first.papers);
      assert.deepEqual(two.first.value.order, one.first.value.order);
      assert.deepEqual(
        two.first.value.files.map((report) => [report.file, report.problems.length, report.skipped]),
        one.first.value.files.map((report) => [report.file, report.problems.length, report.skipped]),
      );
      assert.deepEqual(new Map(two.first.value.tags).get(key), ['to-read']);
      // It works on from there: a digest edited now is merged with the others (read from the digest cache).
      const edited = files[0];
      const text = readFileSync(edited, 'utf8');
      const title = one.first.papers.find((paper) => paper.sources[0].file === edited)!.title;
      writeFileSync(edited, text.replace(title, `${title} Revisited`));
      const after = await two.client.request({ type: 'load', root, files, reread: [edited], trusted: true, cacheDir });
      assert.ok(after.papers.some((paper) => paper.title === `${title} Revisited`));
      assert.deepEqual(new Map(after.value.tags).get(key), ['to-read']);
      // The same library as a window that merges every digest from scratch.
      const fresh = new LibraryWorkerClient(script, () => undefined);
      try {
        const whole = await fresh.request({ type: 'load', root, files, reread: 'all', trusted: true, cacheDir: null });
        assert.deepEqual(after.value.order, whole.value.order);
      } finally {
        fresh.dispose();
      }
    } finally {
      two.client.dispose();
    }
  });

  test('an unchanged library file: the tags come from the records summary, and tags changed from there are in the file and in the next window', async () => {
    const one = await openWindow();
    const [first, second] = one.first.value.order;
    await one.client.request({ type: 'tag', operation: { kind: 'add', keys: [first], tag: 'to-read' } });
    await snapshotWritten(0);
    await summaryWritten(0);
    one.client.dispose();
    assert.ok(!fromSummary(one.logs));

    const two = await openWindow();
    let changedAt: number;
    try {
      assert.ok(fromSummary(two.logs), two.logs.join('\n'));
      assert.deepEqual(two.first.papers, one.first.papers);
      assert.deepEqual(new Map(two.first.value.tags).get(first), ['to-read']);
      assert.deepEqual(two.first.value.disputes, []);
      // A tag change right away: the records are parsed behind it, and the file gets it.
      changedAt = Date.now() - 1000;
      const tagged = await two.client.request({ type: 'tag', operation: { kind: 'add', keys: [second], tag: 'method' } });
      assert.deepEqual(tagged.value.changed, [second]);
      const onDisk = await new LibraryStore(root, { log: () => undefined }).read();
      assert.deepEqual(onDisk.get(first)?.tags, ['to-read']);
      assert.deepEqual(onDisk.get(second)?.tags, ['method']);
      // The watcher's load after that write finds nothing changed, as after any other load: no merge of every digest.
      const watched = await two.client.request({ type: 'load', root, files, reread: [], trusted: true, cacheDir, shown: true });
      assert.equal(watched.value.unchanged, true);
      assert.equal(watched.papers.length, 0);
      await summaryWritten(changedAt + 1000);
    } finally {
      two.client.dispose();
    }

    const three = await openWindow();
    try {
      assert.ok(fromSummary(three.logs), three.logs.join('\n'));
      const tags = new Map(three.first.value.tags);
      assert.deepEqual(tags.get(first), ['to-read']);
      assert.deepEqual(tags.get(second), ['method']);
    } finally {
      three.client.dispose();
    }
  });

  test("a library file changed between windows (the CLI, a pull) is read before the papers are shown: its tags, not the summary's", async () => {
    const one = await openWindow();
    const key = one.first.value.order[0];
    await one.client.request({ type: 'tag', operation: { kind: 'add', keys: [key], tag: 'to-read' } });
    await snapshotWritten(0);
    await summaryWritten(0);
    one.client.dispose();
    const store = new LibraryStore(root, { log: () => undefined });
    await store.update((records) => {
      records.removeTag([key], 'to-read');
      records.addTag([key], 'read-later');
    });

    const two = await openWindow();
    try {
      assert.ok(fromSnapshot(two.logs), two.logs.join('\n'));
      assert.ok(!fromSummary(two.logs), two.logs.join('\n'));
      assert.deepEqual(new Map(two.first.value.tags).get(key), ['read-later']);
    } finally {
      two.client.dispose();
    }
  });

  test("a library file changed by a real git merge of another clone is read before the papers are shown: both clones' tags, not the summary's", async () => {
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    git(root, 'init', '-q');
    const one = await openWindow();
    const [first, second, third] = one.first.value.order;
    await one.client.request({ type: 'tag', operation: { kind: 'add', keys: [first], tag: 'to-read' } });
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'base');
    const other = path.join(tempFolder('worker-snapshot-clone'), 'other');
    git(path.dirname(other), 'clone', '-q', root, other);
    // Here, after the clone: one more tag, which the summary holds.
    await one.client.request({ type: 'tag', operation: { kind: 'add', keys: [third], tag: 'survey' } });
    await snapshotWritten(0);
    await summaryWritten(Date.now() - 500);
    one.client.dispose();
    git(root, 'commit', '-q', '-am', 'here');
    // There: the other clone tags another paper and removes this one's first tag.
    await new LibraryStore(other, { log: () => undefined }).update((records) => {
      records.addTag([second], 'method');
      records.removeTag([first], 'to-read');
    });
    git(other, 'commit', '-q', '-am', 'there');
    git(root, 'pull', '-q', '--no-rebase', '--no-edit', other, 'main');
    assert.equal(git(root, 'diff', '--name-only', '--diff-filter=U'), '');

    const two = await openWindow();
    try {
      assert.ok(fromSnapshot(two.logs), two.logs.join('\n'));
      assert.ok(!fromSummary(two.logs), two.logs.join('\n'));
      const tags = new Map(two.first.value.tags);
      assert.equal(tags.get(first), undefined);
      assert.deepEqual(tags.get(second), ['method']);
      assert.deepEqual(tags.get(third), ['survey']);
    } finally {
      two.client.dispose();
    }
  });

  test('a digest changed while no window was open is read again, not taken from the snapshot', async () => {
    const one = await openWindow();
    await snapshotWritten(0);
    one.client.dispose();
    const edited = files[1];
    const title = one.first.papers.find((paper) => paper.sources[0].file === edited)!.title;
    writeFileSync(edited, readFileSync(edited, 'utf8').replace(title, `${title} Again`));

    const two = await openWindow();
    try {
      assert.ok(!fromSnapshot(two.logs));
      assert.ok(two.first.papers.some((paper) => paper.title === `${title} Again`));
      assert.ok(!two.first.papers.some((paper) => paper.title === title));
    } finally {
      two.client.dispose();
    }
  });

  test('a library file that gives a paper another key since (a pull, another clone) makes the papers merged again, with the file keys', async () => {
    const one = await openWindow();
    await snapshotWritten(0);
    one.client.dispose();
    // What a merge of another clone's file does: the paper's record now holds a second, shorter key.
    const libraryFile = path.join(root, '.marginalia', 'library.jsonl');
    const paper = one.first.papers[0];
    const lines = readFileSync(libraryFile, 'utf8').split('\n');
    const index = lines.findIndex((line) => line.includes(`"key":${JSON.stringify(paper.key)}`));
    const record = JSON.parse(lines[index]) as { key: string };
    lines.splice(index + 1, 0, JSON.stringify({ ...record, key: 'zz' }));
    writeFileSync(libraryFile, lines.join('\n'));

    const two = await openWindow();
    try {
      assert.ok(!fromSnapshot(two.logs));
      const now = two.first.papers.find((candidate) => candidate.title === paper.title)!;
      assert.equal(now.key, 'zz');
      assert.deepEqual(now.aliases, [paper.key]);
    } finally {
      two.client.dispose();
    }
  });

  test('a damaged snapshot is not believed: the library is merged as on a first open', async () => {
    const one = await openWindow();
    await snapshotWritten(0);
    one.client.dispose();
    const file = snapshotFile(cacheDir);
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] ^= 0x40;
    writeFileSync(file, bytes);

    const two = await openWindow();
    try {
      assert.ok(!fromSnapshot(two.logs));
      assert.ok(
        two.logs.some((line) => line.includes('checksum')),
        two.logs.join('\n'),
      );
      assert.deepEqual(two.first.papers, one.first.papers);
    } finally {
      two.client.dispose();
    }
  });
});
