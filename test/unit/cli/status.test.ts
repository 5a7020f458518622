import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ExitCode } from '../../../src/cli/main';
import { parseLibraryFile } from '../../../src/core/library/libraryFile';
import { runCli as cli } from '../../support/cli';
import { seedsFolder } from '../../support/paths';
import { useCacheFolder } from '../../support/tempFolders';

useCacheFolder('cli-status');

const DIGEST = path.join(seedsFolder, '001_4527b1b50237e4c0.txt');

/** A workspace whose library holds the papers of one seed digest; returns it and three of its keys. */
async function workspace(): Promise<{ cwd: string; keys: string[] }> {
  const { code, out, cwd } = await cli(['papers', '--json', DIGEST]);
  assert.equal(code, ExitCode.ok);
  const keys = (JSON.parse(out) as { key: string }[]).map((paper) => paper.key).slice(0, 3);
  return { cwd, keys };
}

describe('marginalia status and queue', () => {
  test('set, show and list statuses, in text and JSON; the file records them with their time', async () => {
    const { cwd, keys } = await workspace();
    const [a, b, c] = keys;
    const set = await cli(['status', 'set', a, b, 'reading'], cwd);
    assert.equal(set.code, ExitCode.ok, set.err);
    assert.equal(set.err, 'Marked 2 papers reading.\n');
    assert.equal((await cli(['status', 'set', b, 'read'], cwd)).code, ExitCode.ok);

    const shown = await cli(['status', '--json', a, b, c], cwd);
    assert.equal(shown.code, ExitCode.ok);
    assert.deepEqual(
      (JSON.parse(shown.out) as { key: string; status: string; queue: number | null }[]).map(({ key, status, queue }) => [key, status, queue]),
      [
        [a, 'reading', null],
        [b, 'read', null],
        [c, 'unread', null],
      ],
    );
    assert.match((await cli(['status', a], cwd)).out, new RegExp(`^${a}\treading\t`));

    const listed = await cli(['status', 'list', '--json'], cwd);
    assert.deepEqual((JSON.parse(listed.out) as { key: string }[]).map((row) => row.key).sort(), [a, b].sort());
    const read = await cli(['status', 'list', 'read'], cwd);
    assert.equal(read.out.trim().split('\n').length, 1);
    assert.match(read.out, new RegExp(`^${b}\tread\t`));
    const unread = await cli(['status', 'list', 'unread', '--json'], cwd);
    assert.equal((JSON.parse(unread.out) as unknown[]).length, 47, 'every other paper of the digest is unread');

    const records = parseLibraryFile(readFileSync(path.join(cwd, '.marginalia', 'library.jsonl'), 'utf8'));
    assert.equal(records.statusOf(b), 'read');
  });

  test('the queue: add, list in order, remove; marking a queued paper read takes it out', async () => {
    const { cwd, keys } = await workspace();
    const [a, b, c] = keys;
    assert.equal((await cli(['queue', 'add', c, a, b], cwd)).err, 'Added 3 papers to the Reading Queue.\n');
    assert.deepEqual(
      (JSON.parse((await cli(['queue', '--json'], cwd)).out) as { key: string; queue: number }[]).map(({ key, queue }) => [key, queue]),
      [
        [c, 1],
        [a, 2],
        [b, 3],
      ],
    );
    await cli(['status', 'set', a, 'read'], cwd);
    assert.equal((await cli(['queue', 'rm', c], cwd)).err, 'Removed 1 paper from the Reading Queue.\n');
    assert.match((await cli(['queue'], cwd)).out, new RegExp(`^${b}\tunread\tqueued #1\t[^\n]+\n$`));
  });

  test('an unknown key or status is one sentence and changes nothing; a corrupt file is left alone', async () => {
    const { cwd, keys } = await workspace();
    const file = path.join(cwd, '.marginalia', 'library.jsonl');
    const before = readFileSync(file, 'utf8');
    const unknown = await cli(['status', 'set', keys[0], 'nosuchkey', 'read'], cwd);
    assert.equal(unknown.code, ExitCode.problems);
    assert.equal(unknown.err, 'marginalia status: no paper has the key "nosuchkey". Nothing was changed.\n');
    const badStatus = await cli(['status', 'set', keys[0], 'done'], cwd);
    assert.equal(badStatus.code, ExitCode.usage);
    assert.match(badStatus.err, /^marginalia status: "done" is not a status: say unread, reading, read, not-interested\.\n/);
    const show = await cli(['status', 'nosuchkey'], cwd);
    assert.equal(show.code, ExitCode.problems);
    assert.match(show.err, /no paper has the key "nosuchkey"; "marginalia papers" lists the keys\.\n$/);
    assert.equal((await cli(['queue', 'add', 'nosuchkey'], cwd)).code, ExitCode.problems);
    assert.equal((await cli(['status'], cwd)).code, ExitCode.usage);
    assert.equal(readFileSync(file, 'utf8'), before);

    writeFileSync(file, `${before}{not json\n`);
    const corrupt = await cli(['status', 'set', keys[0], 'read'], cwd);
    assert.equal(corrupt.code, ExitCode.corruptLibrary);
    assert.equal(readFileSync(file, 'utf8'), `${before}{not json\n`);
  });
});
