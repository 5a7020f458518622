import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { LibraryConflictError, LibraryFileError, parseLibraryFile, serializeLibraryFile } from '../../../../src/core/library/libraryFile';
import { LibraryStore, nodeFileSystem, type StoreFileSystem } from '../../../../src/node/library/libraryStore';
import { bundleCli } from '../../../support/cli';
import { tempFolder } from '../../../support/tempFolders';

const run = promisify(execFile);

/**
 * The node file system, failing at the n-th step of a write: 1 before the temporary file is written,
 * 2 half-way through writing it (a crash or a full disk), 3 at the rename; 4 and later succeed.
 */
function failingAt(n: number): StoreFileSystem {
  let step = 0;
  const fail = (what: string) => {
    throw Object.assign(new Error(`simulated failure ${what}`), { code: 'ESIM' });
  };
  return {
    ...nodeFileSystem,
    async writeFile(file, data) {
      if (++step === n) fail('before writing');
      if (++step === n) {
        const whole = Array.isArray(data) ? Buffer.concat(data as Uint8Array[]) : (data as string | Uint8Array);
        writeFileSync(file, whole.slice(0, whole.length / 2));
        fail('half-way through writing');
      }
      await nodeFileSystem.writeFile(file, data);
    },
    async rename(from, to) {
      if (++step === n) fail('at the rename');
      await nodeFileSystem.rename(from, to);
    },
  };
}

describe('LibraryStore', () => {
  test('creates the file on the first change and reads it back', async () => {
    const root = tempFolder('store');
    const store = new LibraryStore(root);
    assert.equal((await store.read()).size, 0);
    await store.update((records) => records.assignKeys([{ title: 'Genie: Generative Interactive Environments' }]));
    assert.equal((await store.read()).get('genie')?.title, 'Genie: Generative Interactive Environments');
    assert.deepEqual(readdirSync(path.join(root, '.marginalia')).sort(), ['.gitattributes', 'library.jsonl']);
    assert.match(readFileSync(path.join(root, '.marginalia', '.gitattributes'), 'utf8'), /^library\.jsonl merge=union$/m);
  });

  test("a fingerprint stands for the file's bytes: the records in memory have the file's, until anyone writes", async () => {
    const root = tempFolder('store');
    const store = new LibraryStore(root);
    assert.equal(await store.fileFingerprint(), null);
    const records = await store.update((current) => {
      current.assignKeys([{ title: 'Genie: Generative Interactive Environments' }, { title: 'DINO-WM: World Models' }]);
      return current;
    });
    const fingerprint = store.fingerprint(records);
    assert.ok(fingerprint);
    assert.equal(await store.fileFingerprint(), fingerprint);
    assert.equal(store.fingerprint(await store.read()), null, 'other records than the ones the store holds');
    // Another writer (a second store, as the CLI is) changes a tag: the file's fingerprint moves.
    await new LibraryStore(root).update((current) => current.addTag(['genie'], 'to-read'));
    assert.notEqual(await store.fileFingerprint(), fingerprint);
    assert.equal(await store.isUnchanged(records), false);
    // The same bytes in another folder's file are another fingerprint.
    const copy = tempFolder('store');
    mkdirSync(path.join(copy, '.marginalia'));
    writeFileSync(path.join(copy, '.marginalia', 'library.jsonl'), readFileSync(path.join(root, '.marginalia', 'library.jsonl')));
    assert.notEqual(await new LibraryStore(copy).fileFingerprint(), await store.fileFingerprint());
    // A 0.1 file still beside it: no fingerprint, the records are read.
    writeFileSync(path.join(root, '.marginalia', 'library.json'), '{"version":1,"papers":[]}\n');
    assert.equal(await store.fileFingerprint(), null);
  });

  test('writes nothing when nothing changed', async () => {
    const root = tempFolder('store');
    const store = new LibraryStore(root);
    await store.update(() => undefined);
    assert.deepEqual(readdirSync(path.join(root, '.marginalia')), []);
  });

  test('a write interrupted at any step leaves the old file or the new one, never a torn one', async () => {
    const root = tempFolder('store');
    await new LibraryStore(root).update((records) => records.assignKeys([{ title: 'Old Paper' }]));
    const old = readFileSync(path.join(root, '.marginalia', 'library.jsonl'), 'utf8');
    const outcomes: string[] = [];
    for (let n = 1; n <= 4; n++) {
      const store = new LibraryStore(root, failingAt(n));
      const outcome = await store
        .update((records) => records.assignKeys([{ title: `New Paper ${n}` }]))
        .then(
          () => 'written',
          (error: Error) => error.message,
        );
      const now = readFileSync(path.join(root, '.marginalia', 'library.jsonl'), 'utf8');
      const records = parseLibraryFile(now);
      outcomes.push(outcome);
      if (outcome === 'written') {
        assert.ok(records.byTitle(`New Paper ${n}`), `step ${n}: the new record is there`);
      } else {
        assert.match(outcome, /simulated/);
        assert.equal(now, old, `step ${n}: the old file is intact`);
      }
      assert.deepEqual(
        readdirSync(path.join(root, '.marginalia')).filter((name) => name !== 'library.jsonl' && name !== '.gitattributes'),
        [],
        `step ${n}: no temporary or lock file is left`,
      );
    }
    assert.deepEqual(outcomes, [
      'simulated failure before writing',
      'simulated failure half-way through writing',
      'simulated failure at the rename',
      'written',
    ]);
  });

  test('a corrupt file is reported and left untouched', async () => {
    const root = tempFolder('store');
    mkdirSync(path.join(root, '.marginalia'));
    const file = path.join(root, '.marginalia', 'library.jsonl');
    const garbage = '{"key": "a", "title": "A"}\n{"key": "b", "ti\n';
    writeFileSync(file, garbage);
    await assert.rejects(
      new LibraryStore(root).update((records) => records.assignKeys([{ title: 'Anything' }])),
      (error: unknown) => error instanceof LibraryFileError,
    );
    assert.equal(readFileSync(file, 'utf8'), garbage);
  });

  test('concurrent updates in one process are serialised and all kept', async () => {
    const root = tempFolder('store');
    const store = new LibraryStore(root);
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.update((records) => records.assignKeys([{ title: `Paper Number ${i}` }]))));
    assert.equal((await store.read()).size, 40);
  });

  test('50 CLI processes adding papers to one library at the same time lose nothing', async () => {
    const root = tempFolder('store');
    const cli = await bundleCli(root);
    const abstract = 'We study a problem that matters and report results that are long enough to read as an abstract.';
    const runs = Array.from({ length: 50 }, (_, i) => {
      const file = path.join(root, `digest${i}.txt`);
      writeFileSync(file, `Daily Papers\n\nConcurrent Paper Number ${i}\n\n${abstract}\n`);
      return run(process.execPath, [cli, 'papers', '--json', '--root', root, file]);
    });
    const outputs = await Promise.all(runs);
    const records = parseLibraryFile(readFileSync(path.join(root, '.marginalia', 'library.jsonl'), 'utf8'));
    assert.equal(records.size, 50);
    // Each process printed the key that the file now holds for its paper.
    outputs.forEach(({ stdout }, i) => {
      const [paper] = JSON.parse(stdout) as { key: string; title: string }[];
      assert.equal(records.byTitle(`Concurrent Paper Number ${i}`)?.key, paper.key);
    });
  });

  test('migrates a 0.1 library.json with every key and tag, removing it only once the new file is written', async () => {
    const root = tempFolder('store');
    mkdirSync(path.join(root, '.marginalia'));
    const legacy = path.join(root, '.marginalia', 'library.json');
    const text =
      '{\n  "version": 1,\n  "papers": [\n    {"key":"genie2024","title":"Genie: Generative Interactive Environments","tags":["rl"]},\n    {"key":"pastaa","title":"PASTA: Pretrained Agents"}\n  ]\n}\n';
    writeFileSync(legacy, text);
    assert.equal((await new LibraryStore(root).read()).get('pastaa')?.title, 'PASTA: Pretrained Agents', 'read before any migration');
    // A write that fails leaves the old file where it was.
    await assert.rejects(
      new LibraryStore(root, failingAt(3)).update(() => undefined),
      /simulated/,
    );
    assert.equal(readFileSync(legacy, 'utf8'), text);
    await new LibraryStore(root).update(() => undefined);
    assert.ok(!existsSync(legacy));
    const records = await new LibraryStore(root).read();
    assert.deepEqual(records.get('genie2024')?.tags, ['rl']);
    assert.equal(records.get('pastaa')?.title, 'PASTA: Pretrained Agents');
  });

  test('a 0.1 file brought back beside the new one (by a merge, or an old version) is joined, never dropped', async () => {
    const root = tempFolder('store');
    await new LibraryStore(root).update((records) => records.assignKeys([{ title: 'New Paper' }]));
    writeFileSync(path.join(root, '.marginalia', 'library.json'), '{"version":1,"papers":[\n{"key":"oldKey","title":"Old Paper","tags":["x"]}\n]}\n');
    const records = await new LibraryStore(root).update((current) => current);
    assert.equal(records.get('newPaper')?.title, 'New Paper');
    assert.deepEqual(records.get('oldKey')?.tags, ['x']);
    assert.ok(!existsSync(path.join(root, '.marginalia', 'library.json')));
  });

  test('adds the union line to a .gitattributes the user keeps there, once', async () => {
    const root = tempFolder('store');
    mkdirSync(path.join(root, '.marginalia'));
    writeFileSync(path.join(root, '.marginalia', '.gitattributes'), '*.md text');
    await new LibraryStore(root).update((records) => records.assignKeys([{ title: 'One' }]));
    await new LibraryStore(root).update((records) => records.assignKeys([{ title: 'Two' }]));
    assert.equal(readFileSync(path.join(root, '.marginalia', '.gitattributes'), 'utf8').replace(/^#.*\n/m, ''), '*.md text\nlibrary.jsonl merge=union\n');
  });

  test('a file with conflict markers is refused untouched, and resolve keeps both sides', async () => {
    const root = tempFolder('store');
    mkdirSync(path.join(root, '.marginalia'));
    const file = path.join(root, '.marginalia', 'library.jsonl');
    const text =
      '{"marginalia":"library","version":2}\n<<<<<<< HEAD\n{"key":"a","title":"Paper A","tags":{"x":"2026-01-01T00:00:00.000Z"}}\n=======\n{"key":"b","title":"Paper B"}\n>>>>>>> other\n';
    writeFileSync(file, text);
    const store = new LibraryStore(root);
    await assert.rejects(
      store.update((records) => records.assignKeys([{ title: 'C' }])),
      LibraryConflictError,
    );
    assert.equal(readFileSync(file, 'utf8'), text);
    const { markers } = await store.resolve();
    assert.equal(markers, 3);
    const records = await store.read();
    assert.deepEqual(records.get('a')?.tags, ['x']);
    assert.equal(records.get('b')?.title, 'Paper B');
  });

  test('a long-lived store that reuses its last records still sees every change made by another writer', async () => {
    const root = tempFolder('store');
    const mine = new LibraryStore(root);
    const other = new LibraryStore(root);
    await mine.update((records) => records.assignKeys([{ title: 'Genie: Generative Interactive Environments' }, { title: 'PASTA: Pretrained Agents' }]));
    await mine.update((records) => records.addTag(['genie'], 'mine'));
    await other.update((records) => records.addTag(['pasta'], 'theirs'));
    await mine.update((records) => records.addTag(['genie'], 'mine-again'));
    // A file replaced wholesale (a git checkout) is read again too.
    const file = path.join(root, '.marginalia', 'library.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"mine-again"', '"checked-out"'));
    const before = await mine.update((current) => current);
    assert.equal(await mine.isUnchanged(before), true);
    await other.update((records) => records.addTag(['pasta'], 'later'));
    assert.equal(await mine.isUnchanged(before), false, 'a file changed by someone else is not what this store wrote');
    const records = await mine.update((current) => current);
    assert.equal(await mine.isUnchanged(records), true);
    assert.equal(await mine.isUnchanged(before), false, "records read before the change are not the file's");
    assert.deepEqual(records.get('pasta')?.tags, ['later', 'theirs']);
    assert.deepEqual(records.get('genie')?.tags, ['checked-out', 'mine']);
  });

  test('a tag change on the normal text it remembers reads only its lines; any other text is read whole', async () => {
    const root = tempFolder('store');
    const normalHashFile = path.join(tempFolder('store-cache'), 'library', 'normal.sha256');
    const store = () => new LibraryStore(root, { normalHashFile });
    const titles = Array.from({ length: 30 }, (_, i) => ({ title: `Paper ${i}: On Things Numbered ${i}` }));
    const keys = (await store().update((records) => records.assignKeys(titles))).map((record) => record.key);
    assert.equal(existsSync(normalHashFile), true, 'a written file is remembered as normal');
    const file = path.join(root, '.marginalia', 'library.jsonl');

    // Each CLI run is a new store: the shortcut gives what a whole read gives.
    assert.deepEqual(await store().update((records) => records.addTag([keys[3], keys[7]], 'rl'), { mentions: [keys[3], keys[7]] }), [keys[3], keys[7]]);
    assert.deepEqual(await store().update((records) => records.removeTag([keys[3]], 'rl'), { mentions: [keys[3]] }), [keys[3]]);
    assert.deepEqual(await store().update((records) => records.renameTag('rl', 'reinforcement'), { mentions: ['rl'] }), [keys[7]]);
    const text = readFileSync(file, 'utf8');
    assert.equal(serializeLibraryFile(parseLibraryFile(text)), text, 'the file is still in normal form');
    const read = parseLibraryFile(text);
    assert.deepEqual(read.get(keys[7])?.tags, ['reinforcement']);
    assert.deepEqual(read.get(keys[3])?.tags, []);

    // git's union merge adds a second line for a paper: the text is no longer the one remembered,
    // so the next change reads the whole file and joins the two lines into one.
    const line = text.split('\n').find((l) => l.includes(`"key":"${keys[5]}"`))!;
    writeFileSync(file, `${text}${line.replace('}', ',"tags":{"merged":"2026-11-30T10:00:00.000Z"}}').replace(/,"tags":\{[^}]*\}(?=,"tags")/, '')}\n`);
    await store().update((records) => records.addTag([keys[9]], 'vision'), { mentions: [keys[9]] });
    const after = readFileSync(file, 'utf8');
    assert.equal(after.split('\n').filter((l) => l.includes(`"key":"${keys[5]}"`)).length, 1, 'the two lines of one paper are joined');
    assert.deepEqual(parseLibraryFile(after).get(keys[5])?.tags, ['merged']);
    assert.deepEqual(parseLibraryFile(after).get(keys[9])?.tags, ['vision']);

    // A remembered hash of another text (a stale or foreign cache) vouches for nothing.
    writeFileSync(normalHashFile, 'f'.repeat(64));
    await store().update((records) => records.addTag([keys[1]], 'late'), { mentions: [keys[1]] });
    assert.deepEqual(parseLibraryFile(readFileSync(file, 'utf8')).get(keys[1])?.tags, ['late']);
  });

  test('a store that holds the records writes a tag change from the changed lines, and its records follow', async () => {
    const root = tempFolder('store');
    const store = new LibraryStore(root); // one store, as the library worker keeps
    const titles = Array.from({ length: 30 }, (_, i) => ({ title: `Paper ${i}: On Things Numbered ${i}` }));
    const keys = (await store.update((records) => records.assignKeys(titles))).map((record) => record.key);
    const file = path.join(root, '.marginalia', 'library.jsonl');
    let inMemory = await store.update((records) => records);
    assert.deepEqual(await store.update((records) => records.addTag([keys[2], keys[4]], 'rl'), { mentions: [keys[2], keys[4]] }), [keys[2], keys[4]]);
    assert.deepEqual(await store.update((records) => records.renameTag('rl', 'reinforcement'), { mentions: ['rl'] }), [keys[2], keys[4]]);
    assert.deepEqual(await store.update((records) => records.removeTag([keys[4]], 'reinforcement'), { mentions: [keys[4]] }), [keys[4]]);
    const text = readFileSync(file, 'utf8');
    // The file is exactly what serialising the records in memory gives, and those are the file's.
    assert.equal(serializeLibraryFile(inMemory), text);
    assert.equal(await store.isUnchanged(inMemory), true, 'the records in memory are still the file');
    assert.deepEqual(inMemory.get(keys[2])?.tags, ['reinforcement']);
    assert.deepEqual(inMemory.get(keys[4])?.tags, []);
    assert.deepEqual(parseLibraryFile(text).get(keys[4])?.tags, []);
    assert.equal(serializeLibraryFile(parseLibraryFile(text)), text, 'the file is in normal form');
    // Someone else's write in between: the whole file is read again, nothing of theirs is lost.
    await new LibraryStore(root).update((records) => records.addTag([keys[9]], 'theirs'));
    inMemory = await store.update(
      (records) => {
        records.addTag([keys[2]], 'mine');
        return records;
      },
      { mentions: [keys[2]] },
    );
    assert.deepEqual(parseLibraryFile(readFileSync(file, 'utf8')).get(keys[9])?.tags, ['theirs']);
    assert.deepEqual(inMemory.get(keys[2])?.tags, ['mine', 'reinforcement']);
  });

  test('hundreds of tag changes through one store keep the file exactly its records, as the file grows and shrinks', async () => {
    const root = tempFolder('store');
    const store = new LibraryStore(root);
    const titles = Array.from({ length: 40 }, (_, i) => ({ title: `Paper ${i}: Über Dinge Nummer ${i}` }));
    const keys = (await store.update((records) => records.assignKeys(titles))).map((record) => record.key);
    const file = path.join(root, '.marginalia', 'library.jsonl');
    const inMemory = await store.update((records) => records);
    // More changes than the pieces a store keeps before it joins them (two per change).
    for (let step = 0; step < 300; step++) {
      const key = keys[(step * 7) % keys.length];
      const tag = `tag-${step % 5}-${'ü'.repeat(step % 3)}`;
      const adding = step % 3 !== 2;
      await store.update((records) => (adding ? records.addTag([key], tag) : records.removeTag([key], tag)), { mentions: [key] });
      if (step % 50 === 49 || step === 299) {
        const text = readFileSync(file, 'utf8');
        assert.equal(serializeLibraryFile(inMemory), text, `step ${step}: the file is its records`);
        assert.equal(await store.isUnchanged(inMemory), true, `step ${step}`);
      }
    }
    // A shorter file written by someone else (a tag renamed shorter) is read into the same buffer and seen as theirs.
    const theirs = parseLibraryFile(readFileSync(file, 'utf8'));
    theirs.renameTag('tag-1-ü', 'x');
    writeFileSync(file, serializeLibraryFile(theirs));
    assert.equal(await store.isUnchanged(inMemory), false);
    assert.deepEqual(await store.update((records) => records.addTag([keys[0]], 'after'), { mentions: [keys[0]] }), [keys[0]]);
    const final = parseLibraryFile(readFileSync(file, 'utf8'));
    assert.ok(!final.tagged().some(([, tags]) => tags.includes('tag-1-ü')), 'their rename is kept');
    assert.ok(final.tagged().some(([, tags]) => tags.includes('x')));
    assert.ok(final.get(keys[0])?.tags.includes('after'));
  });
});
