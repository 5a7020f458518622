import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { NoteFiles, readHead, resolveInWorkspace } from '../../../../src/node/notes/noteFiles';
import { nodeFileSystem, type StoreFileSystem } from '../../../../src/node/library/libraryStore';
import { tempFolder } from '../../../support/tempFolders';

/** The real file system, failing at the `step`-th call of writeFile or rename. */
function failingAt(step: 'writeFile' | 'rename'): StoreFileSystem {
  return {
    ...nodeFileSystem,
    async writeFile(file, data) {
      if (step === 'writeFile') {
        // Half the bytes reach the temp file, then the "crash".
        await nodeFileSystem.writeFile(file, data.slice(0, data.length / 2));
        throw new Error('disk full');
      }
      await nodeFileSystem.writeFile(file, data);
    },
    async rename(from, to) {
      if (step === 'rename') throw new Error('power cut');
      await nodeFileSystem.rename(from, to);
    },
  };
}

describe('note files', () => {
  test('create never overwrites: the second create reports the note exists and changes nothing', async () => {
    const file = path.join(tempFolder('notes'), 'notes', 'pasta.md');
    const files = new NoteFiles();
    assert.equal(await files.create(file, 'first\n'), true);
    assert.equal(await files.create(file, 'second\n'), false);
    assert.equal(readFileSync(file, 'utf8'), 'first\n');
  });

  test('racing creates: exactly one wins and the note holds its text whole', async () => {
    const file = path.join(tempFolder('notes'), 'notes', 'race.md');
    const files = new NoteFiles();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => files.create(file, `writer ${i}\n`.repeat(500))));
    assert.equal(results.filter(Boolean).length, 1);
    const winner = results.indexOf(true);
    assert.equal(readFileSync(file, 'utf8'), `writer ${winner}\n`.repeat(500));
  });

  test('append keeps every byte that was there and adds after it', async () => {
    const file = path.join(tempFolder('notes'), 'note.md');
    writeFileSync(file, 'mine\r\nno newline at end');
    await new NoteFiles().append(file, (existing) => (existing.endsWith('end') ? '\r\n\r\n> quote\r\n' : 'wrong'));
    assert.equal(readFileSync(file, 'utf8'), 'mine\r\nno newline at end\r\n\r\n> quote\r\n');
  });

  for (const step of ['writeFile', 'rename'] as const) {
    test(`an append interrupted at ${step} leaves the old note whole, and no temp file`, async () => {
      const folder = tempFolder('notes');
      const file = path.join(folder, 'note.md');
      writeFileSync(file, 'my precious notes\n');
      await assert.rejects(new NoteFiles(failingAt(step)).append(file, () => '> a quote\n'));
      assert.equal(readFileSync(file, 'utf8'), 'my precious notes\n');
      assert.deepEqual(readdirSync(folder), ['note.md']);
    });
  }

  test('resolveInWorkspace keeps settings inside the workspace', () => {
    const root = path.resolve('/work/space');
    assert.equal(resolveInWorkspace(root, 'notes'), path.join(root, 'notes'));
    assert.equal(resolveInWorkspace(root, 'docs/../notes/papers'), path.join(root, 'notes', 'papers'));
    assert.equal(resolveInWorkspace(root, '.'), root);
    for (const outside of ['', '  ', '../notes', 'a/../../b', '/etc', '~/notes', 'C:\\notes', 'c:notes']) {
      assert.equal(resolveInWorkspace(root, outside), undefined, outside);
    }
  });

  test('readHead reads only the start of a file, and all of a short one', async () => {
    const folder = tempFolder('notes');
    const file = path.join(folder, 'long.md');
    writeFileSync(file, `---\nkey: pasta\n---\n${'x'.repeat(200_000)}`);
    const head = await readHead(file, 64);
    assert.equal(head.length, 64);
    assert.ok(head.startsWith('---\nkey: pasta\n---\n'));
    writeFileSync(path.join(folder, 'short.md'), 'é');
    assert.equal(await readHead(path.join(folder, 'short.md'), 64), 'é');
  });
});
