/** Reading files that are not digests: no digest, no paper, one 'info' problem saying why, cached or not. */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readDigestsCached } from '../../../../src/node/digest/digestCache';
import { readDigest } from '../../../../src/node/digest/digestFiles';
import { fixturesFolder, seedsFolder } from '../../../support/paths';
import { tempFolder } from '../../../support/tempFolders';

const NOT_DIGESTS = path.join(fixturesFolder, 'not-digests');

describe('reading a research repository’s text files', () => {
  test('readDigest gives no digest for requirements.txt, LICENSE.txt, CMakeLists.txt, a README and a log, and says why', async () => {
    const names = readdirSync(NOT_DIGESTS).sort();
    assert.deepEqual(names, ['CMakeLists.txt', 'LICENSE.txt', 'README.txt', 'requirements.txt', 'train.log']);
    for (const name of names) {
      const file = path.join(NOT_DIGESTS, name);
      const { digest, problems } = await readDigest(file);
      assert.equal(digest, null, name);
      assert.equal(problems.length, 1, name);
      assert.equal(problems[0].severity, 'info');
      assert.equal(problems[0].file, file);
      assert.match(problems[0].message, /not a Daily Papers digest, so it gives no papers\.$/, name);
    }
  });

  test('through the digest cache, the same files give the same verdicts beside a real digest', async () => {
    const root = tempFolder('not-digests');
    const files = [...readdirSync(NOT_DIGESTS).map((name) => path.join(NOT_DIGESTS, name)), path.join(seedsFolder, '000_896f7befaa86139f.txt')].map((file) => {
      const copy = path.join(root, path.basename(file));
      copyFileSync(file, copy);
      return copy;
    });
    const cacheDir = path.join(tempFolder('not-digests-cache'), 'cache');
    for (let run = 0; run < 2; run++) {
      const { digests, problems, stats } = await readDigestsCached(files, cacheDir, { version: 'not-digests-test' });
      assert.deepEqual(
        digests.map((digest) => path.basename(digest.file)),
        ['000_896f7befaa86139f.txt'],
      );
      assert.equal(problems.filter((problem) => problem.severity === 'info').length, 5);
      if (run === 1) assert.equal(stats.reused, files.length);
    }
  });
});
