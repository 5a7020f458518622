import assert from 'node:assert/strict';
import { cpSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LibraryWorkerClient } from '../../../../src/node/library/libraryWorkerClient';
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
