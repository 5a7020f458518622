import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { RACY_WINDOW_MS, isRacy, sameStamp, stampOf, statBigInt } from '../../../src/node/fileStamp';
import { tempFolder } from '../../support/tempFolders';

describe('fileStamp', () => {
  test('a stat taken within the racy window of the last change is racy; one taken later is not', async () => {
    const file = path.join(tempFolder('marginalia-stamp-'), 'a.txt');
    writeFileSync(file, 'one');
    const takenAtMs = Date.now();
    const stamp = stampOf(await statBigInt(file));
    assert.equal(isRacy(stamp, takenAtMs), true);
    assert.equal(isRacy(stamp, takenAtMs + RACY_WINDOW_MS + 1000), false);
  });

  test('an mtime set back does not hide a recent change: the ctime counts too', async () => {
    const file = path.join(tempFolder('marginalia-stamp-'), 'a.txt');
    writeFileSync(file, 'one');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(file, old, old);
    const stat = await statBigInt(file);
    assert.ok(stat.mtimeMs < Date.now() - RACY_WINDOW_MS, 'the mtime is an hour ago');
    assert.equal(isRacy(stampOf(stat), Date.now()), true);
    assert.equal(isRacy({ mtimeNs: stat.mtimeNs, ctimeNs: stat.mtimeNs }, Date.now()), false);
  });

  test('the stamp changes with the content, and stays with an unchanged file', async () => {
    const file = path.join(tempFolder('marginalia-stamp-'), 'a.txt');
    writeFileSync(file, 'one');
    const first = stampOf(await statBigInt(file));
    assert.equal(sameStamp(first, stampOf(await statBigInt(file))), true);
    writeFileSync(file, 'one more');
    assert.equal(sameStamp(first, stampOf(await statBigInt(file))), false);
  });
});
