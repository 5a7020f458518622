import assert from 'node:assert/strict';
import { cpSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { LibraryWorkerClient } from '../../../../src/node/library/libraryWorkerClient';
import { CHUNKS_IN_FLIGHT, type LoadResult } from '../../../../src/node/library/libraryWorkerProtocol';
import { syntheticDigests, writeDigests } from '../../../bench/libraryWorkspace';
import { bundleForNode } from '../../../support/cli';
import { repoRoot, seedsFolder } from '../../../support/paths';
import { tempFolder } from '../../../support/tempFolders';

describe('the library worker', () => {
  let client: LibraryWorkerClient;
  let root: string;
  let files: string[];
  const load = (shown: boolean) => client.request({ type: 'load', root, files, reread: [], trusted: true, cacheDir: null, shown });

  before(async () => {
    const script = await bundleForNode(
      path.join(repoRoot, 'src', 'node', 'library', 'libraryWorker.ts'),
      path.join(tempFolder('worker-bundle'), 'libraryWorker.js'),
    );
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
