import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { LibraryFileError } from '../../../../src/core/library/libraryFile';
import { FileAccessError } from '../../../../src/node/library/fileLock';
import { LibraryStore } from '../../../../src/node/library/libraryStore';
import { openLibrary, tagsIn } from '../../../../src/node/library/openLibrary';
import { digest, entry } from '../../../support/paperBuilders';
import { tempFolder } from '../../../support/tempFolders';

const digests = [digest('/ws/d1.txt', [entry('Thought Cloning'), entry('Manipulate By Seeing')])];

function root(): string {
  return tempFolder('open-library');
}

/** A store whose folder cannot be written. */
class UnwritableStore extends LibraryStore {
  override update<T>(): Promise<T> {
    return Promise.reject(new FileAccessError('The folder is read-only.', this.file, 'EROFS'));
  }
}

describe('openLibrary', () => {
  test('save: false merges with the file and writes nothing; save: true keeps the new keys', async () => {
    const dir = root();
    const store = new LibraryStore(dir, { log: () => undefined });
    const read = await openLibrary(store, digests, { save: false });
    assert.equal(read.papers.length, 2);
    assert.equal(read.warning, undefined);
    assert.equal(existsSync(store.file), false);
    const saved = await openLibrary(store, digests, { save: true });
    assert.deepEqual(
      saved.papers.map((paper) => paper.key),
      read.papers.map((paper) => paper.key),
    );
    assert.equal(existsSync(store.file), true);
    const records = await store.read();
    for (const paper of saved.papers) assert.ok(records.get(paper.key), paper.key);
  });

  test('tags come from the records', async () => {
    const dir = root();
    const store = new LibraryStore(dir, { log: () => undefined });
    const { papers } = await openLibrary(store, digests, { save: true });
    await store.update((records) => records.addTag([papers[0].key], 'robots'));
    const { records } = await openLibrary(store, digests, { save: false });
    assert.deepEqual(tagsIn(records)(papers[0].key), ['robots']);
    assert.deepEqual(tagsIn(records)('noSuchPaper'), []);
  });

  test('an unwritable folder throws for the CLI, and gives the papers with a warning for the extension', async () => {
    const store = new UnwritableStore(root(), { log: () => undefined });
    await assert.rejects(openLibrary(store, digests, { save: true }), FileAccessError);
    const shown = await openLibrary(store, digests, { save: true, unsavable: 'read' });
    assert.equal(shown.papers.length, 2);
    assert.match(shown.warning ?? '', /read-only\. Until then, keys of new papers are shown but not saved\./);
  });

  test('a library file that is not valid throws LibraryFileError, saving or not', async () => {
    const dir = root();
    const store = new LibraryStore(dir, { log: () => undefined });
    mkdirSync(path.dirname(store.file), { recursive: true });
    writeFileSync(store.file, 'not json\n');
    await assert.rejects(openLibrary(store, digests, { save: false }), LibraryFileError);
    await assert.rejects(openLibrary(store, digests, { save: true, unsavable: 'read' }), LibraryFileError);
  });
});
