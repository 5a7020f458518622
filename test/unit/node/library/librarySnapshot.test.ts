import assert from 'node:assert/strict';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { LibraryRecords } from '../../../../src/core/library/libraryFile';
import { titleIdentity } from '../../../../src/core/text';
import type { Paper } from '../../../../src/core/types';
import {
  keysAgree,
  readSnapshot,
  readSummary,
  snapshotFile,
  statDigest,
  summaryFile,
  writeSnapshot,
  writeSummary,
  type DigestStat,
  type RecordsSummary,
} from '../../../../src/node/library/librarySnapshot';
import { tempFolder } from '../../../support/tempFolders';

function paper(key: string, title: string, aliases: string[] = []): Paper {
  return {
    key,
    aliases,
    title,
    abstract: `About ${title}.`,
    authors: 2,
    submitter: null,
    date: null,
    upvotes: 3,
    links: [],
    sources: [{ file: '/d/a.txt', line: 1 }],
  };
}

async function setUp(): Promise<{ cacheDir: string; digest: string; stats: DigestStat[]; lines: string[] }> {
  const folder = tempFolder('snapshot');
  const digest = path.join(folder, 'a.txt');
  writeFileSync(digest, 'a digest');
  const stats = [(await statDigest(digest))!];
  return { cacheDir: path.join(folder, 'cache'), digest, stats, lines: [] };
}

describe('the library snapshot file', () => {
  const papers = [paper('smoothSea', 'A Smooth Sea'), paper('dinoWm', 'DINO-WM', ['dinoWm2024'])];
  const identities = papers.map((p) => titleIdentity(p.title));
  const order = ['dinoWm', 'smoothSea'];

  test('reads back what was written, for the same root and unchanged digests only', async () => {
    const { cacheDir, digest, stats } = await setUp();
    const logs: string[] = [];
    const file = snapshotFile(cacheDir);
    await writeSnapshot(file, { root: '/ws', digests: stats, reports: [{ file: digest, digestDate: null, problems: [] }], papers, identities, order }, (line) =>
      logs.push(line),
    );
    const back = await readSnapshot(file, '/ws', stats, (line) => logs.push(line));
    assert.deepEqual(back?.papers, papers);
    assert.deepEqual(back?.identities, identities);
    assert.deepEqual(back?.order, order);
    assert.equal(await readSnapshot(file, '/other', stats, (line) => logs.push(line)), null);
    assert.match(logs.at(-1)!, /another folder/);
    // The digest changed (its size and mtime): the snapshot no longer stands for it.
    writeFileSync(digest, 'a digest, edited');
    assert.equal(await readSnapshot(file, '/ws', [(await statDigest(digest))!], (line) => logs.push(line)), null);
    assert.match(logs.at(-1)!, /digests changed/);
    // Appended bytes, or a flipped one, fail the length or the checksum.
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('x')]));
    assert.equal(await readSnapshot(file, '/ws', stats, (line) => logs.push(line)), null);
    assert.match(logs.at(-1)!, /checksum/);
  });

  test('the records summary is read back only for its folder and for the snapshot it names; a damaged one is a miss, said in the log', async () => {
    const { cacheDir, digest, stats } = await setUp();
    const logs: string[] = [];
    const log = (line: string) => logs.push(line);
    const id = await writeSnapshot(
      snapshotFile(cacheDir),
      { root: '/ws', digests: stats, reports: [{ file: digest, digestDate: null, problems: [] }], papers, identities, order },
      log,
    );
    assert.ok(id);
    assert.equal((await readSnapshot(snapshotFile(cacheDir), '/ws', stats, log))?.id, id);
    const summary: RecordsSummary = {
      snapshot: id,
      fingerprint: 'f'.repeat(64),
      tags: [['dinoWm', ['method', 'to-read']]],
      statuses: [['smoothSea', 'read']],
      queue: ['dinoWm'],
      disputes: [],
    };
    const file = summaryFile(cacheDir);
    assert.equal(await readSummary(file, '/ws', id, log), null);
    assert.equal(logs.length, 0, 'a missing summary is no news');
    await writeSummary(file, '/ws', summary, log);
    assert.deepEqual(await readSummary(file, '/ws', id, log), summary);
    assert.equal(await readSummary(file, '/other', id, log), null);
    assert.match(logs.at(-1)!, /another folder/);
    assert.equal(await readSummary(file, '/ws', 'another-snapshot', log), null);
    assert.match(logs.at(-1)!, /another snapshot/);
    // A flipped bit in a tag, or a cut, fails the checksum or the length.
    const bytes = readFileSync(file);
    const at = bytes.indexOf('method');
    writeFileSync(file, Buffer.concat([bytes.subarray(0, at), Buffer.from('mEthod'), bytes.subarray(at + 6)]));
    assert.equal(await readSummary(file, '/ws', id, log), null);
    assert.match(logs.at(-1)!, /checksum/);
    writeFileSync(file, bytes.subarray(0, -5));
    assert.equal(await readSummary(file, '/ws', id, log), null);
    assert.match(logs.at(-1)!, /checksum/);
    writeFileSync(file, '{"not":"a summary"}');
    assert.equal(await readSummary(file, '/ws', id, log), null);
    assert.match(logs.at(-1)!, /not a summary/);
  });

  test('a temporary file left by a writer stopped half-way is removed once old; a recent one is left to its writer', async () => {
    const { cacheDir, digest, stats } = await setUp();
    const file = snapshotFile(cacheDir);
    await writeSnapshot(
      file,
      { root: '/ws', digests: stats, reports: [{ file: digest, digestDate: null, problems: [] }], papers, identities, order },
      () => undefined,
    );
    const old = `${file}.1234.deadbeef.tmp`;
    const recent = `${file}.5678.feedface.tmp`;
    writeFileSync(old, 'half');
    writeFileSync(recent, 'half');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(old, hourAgo, hourAgo);
    await writeSnapshot(file, { root: '/ws', digests: stats, reports: [], papers, identities, order }, () => undefined);
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(recent), true);
  });

  test('keys agree only when the library file gives every paper its key and aliases', () => {
    const records = new LibraryRecords([
      { key: 'smoothSea', title: 'A Smooth Sea' },
      { key: 'dinoWm', title: 'DINO-WM', aliases: ['dinoWm2024'] },
    ]);
    assert.equal(keysAgree({ papers, identities }, records), true);
    const renamed = new LibraryRecords([
      { key: 'smoothSea', title: 'A Smooth Sea' },
      { key: 'dinoWm', title: 'DINO-WM' },
    ]);
    assert.equal(keysAgree({ papers, identities }, renamed), false);
    assert.equal(keysAgree({ papers, identities }, new LibraryRecords([{ key: 'smoothSea', title: 'A Smooth Sea' }])), false);
  });
});
