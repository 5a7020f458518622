import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { titleIdentity } from '../../src/core/text';
import { seedsFolder } from '../support/paths';

/** The rule titleIdentity states, written the slow way: NFKC, lower case, letters and digits only. */
function reference(title: string): string {
  const normalised = title.normalize('NFKC');
  const identity = normalised.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return identity || normalised.replace(/[\s\u200b\u2060\ufeff]+/gu, '');
}

describe('titleIdentity', () => {
  test('equals its rule on every line of the seed digests and on random ASCII, including titles with no letter', () => {
    const lines = readdirSync(seedsFolder)
      .filter((name) => name.endsWith('.txt'))
      .flatMap((name) => readFileSync(path.join(seedsFolder, name), 'utf8').split('\n'));
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const random = Array.from({ length: 5000 }, () =>
      Array.from({ length: Math.floor(next() * 30) }, () => String.fromCharCode(Math.floor(next() * 128))).join(''),
    );
    for (const title of [...lines, ...random, '', '   ', '!!!', '🤖 🦾', 'Ａｇｅｎｔ', 'Café Agents', 'ﬁne-tuning', 'A\u200bB']) {
      assert.equal(titleIdentity(title), reference(title), JSON.stringify(title));
    }
  });
});
