import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseDigest } from '../../../../src/core/digest/parser';
import { readDigestsCached } from '../../../../src/node/digest/digestCache';
import { decodeDigest, findDigestFiles, readDigest } from '../../../../src/node/digest/digestFiles';
import { fixturesFolder, seedsFolder } from '../../../support/paths';
import { tempFolder } from '../../../support/tempFolders';

/** The seed with 49 papers, 46 of them dated, whose metadata lines start with "•" (three bytes in UTF-8). */
const SEED = path.join(seedsFolder, '001_4527b1b50237e4c0.txt');
const seedBytes = () => readFileSync(SEED);
const seedText = () => readFileSync(SEED, 'utf8');

function decoded(bytes: Uint8Array) {
  const result = decodeDigest(bytes, 'd.txt');
  assert.ok(result.ok, JSON.stringify(result));
  return result;
}

describe('decodeDigest', () => {
  test('one invalid UTF-8 byte spoils only its own line: U+FFFD there, a warning on that line, every paper and date kept', () => {
    const text = seedText();
    const lines = text.split('\n');
    const target = lines.findIndex((line) => line.length > 200);
    const bytes = seedBytes();
    // Inside the abstract on that line: a lone 0xFF, which no UTF-8 sequence holds.
    const at = Buffer.byteLength(lines.slice(0, target).join('\n')) + 1 + 50;
    const damaged = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]);
    const result = decoded(damaged);
    assert.deepEqual(
      result.warnings.map((warning) => [warning.line, warning.severity]),
      [[target + 1, 'warning']],
    );
    assert.match(result.warnings[0].message, /not UTF-8/);
    const got = result.text.split('\n');
    assert.equal(got.length, lines.length);
    for (const [i, line] of got.entries()) {
      if (i === target) assert.equal(line.replace('\ufffd', ''), lines[i]);
      else assert.equal(line, lines[i], `line ${i + 1}`);
    }
    const papers = parseDigest(result.text, 'd.txt').entries;
    const original = parseDigest(text, 'd.txt').entries;
    assert.equal(papers.length, 49);
    assert.equal(papers.filter((paper) => paper.date).length, 46);
    assert.deepEqual(
      papers.map((paper) => paper.title),
      original.map((paper) => paper.title),
    );
  });

  test('a file with no UTF-8 beyond ASCII and bytes that are not UTF-8 is a legacy file: Windows-1252, with a warning', () => {
    const result = decoded(Buffer.from('Daily Papers\n\nCaf\xe9 Models for \x93Robots\x94\n\nAn abstract that is long enough.\n', 'latin1'));
    assert.match(result.text, /Café Models for “Robots”/);
    assert.equal(result.warnings.length, 1);
    assert.equal(result.warnings[0].line, 0);
    assert.match(result.warnings[0].message, /Windows-1252/);
  });

  test('UTF-16 LE and BE with a byte order mark read as the UTF-8 file does', () => {
    const text = seedText();
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) {
      const result = decoded(bytes);
      assert.equal(result.text, text);
      assert.deepEqual(result.warnings, []);
    }
  });

  test('binary content is still refused, in UTF-16 too', () => {
    assert.equal(decodeDigest(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), 'a.zip').ok, false);
    assert.equal(decodeDigest(Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x41, 0x00]), 'b.txt').ok, false);
  });
});

describe('reading files by type', () => {
  test('a FIFO is refused with a message, never waited on', async () => {
    const folder = tempFolder('fifo');
    const fifo = path.join(folder, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    const { digest, problems } = await readDigest(fifo);
    assert.equal(digest, null);
    assert.match(problems[0].message, /named pipe \(FIFO\), not a file/);
    // A folder scan names it too, without opening it.
    const found = await findDigestFiles([folder]);
    assert.deepEqual(found.files, []);
    assert.match(found.problems.map((problem) => `${problem.file}: ${problem.message}`).join('\n'), /pipe\.txt: This is a named pipe/);
  });

  test('a device is refused before a byte is read', async () => {
    for (const device of ['/dev/zero', '/dev/null']) {
      const { digest, problems } = await readDigest(device);
      assert.equal(digest, null, device);
      assert.match(problems[0].message, /This is a device, not a file/, device);
    }
  });

  test('symbolic links are followed: to a digest, to a folder, and to a parent (a cycle) without looping; broken links are named', async () => {
    const root = tempFolder('links');
    const outside = tempFolder('links-outside');
    writeFileSync(path.join(outside, 'elsewhere.txt'), seedText());
    mkdirSync(path.join(outside, 'more'));
    writeFileSync(path.join(outside, 'more', 'deeper.txt'), seedText());
    writeFileSync(path.join(root, 'own.txt'), seedText());
    symlinkSync(path.join(outside, 'elsewhere.txt'), path.join(root, 'linked.txt'));
    symlinkSync(path.join(outside, 'more'), path.join(root, 'folder'));
    symlinkSync(root, path.join(root, 'folder-up'));
    symlinkSync(path.join(root, 'own.txt'), path.join(root, 'same.txt'));
    symlinkSync(path.join(root, 'missing.txt'), path.join(root, 'dangling.txt'));
    symlinkSync(path.join(root, 'loop-b.txt'), path.join(root, 'loop-a.txt'));
    symlinkSync(path.join(root, 'loop-a.txt'), path.join(root, 'loop-b.txt'));
    const found = await findDigestFiles([root]);
    assert.deepEqual(
      found.files.map((file) => path.relative(root, file)),
      [path.join('folder', 'deeper.txt'), 'linked.txt', 'own.txt'],
    );
    const said = found.problems.map((problem) => `${path.basename(problem.file)}: ${problem.message}`).sort();
    assert.equal(said.length, 3, said.join('\n'));
    assert.match(said[0], /^dangling\.txt: This symbolic link points to nothing/);
    assert.match(said[1], /^loop-a\.txt: This is a loop of symbolic links/);
    assert.match(said[2], /^loop-b\.txt: This is a loop of symbolic links/);
    const loop = await readDigest(path.join(root, 'loop-a.txt'));
    assert.match(loop.problems[0].message, /loop of symbolic links/);
  });
});

/** Reading files that are not digests: no digest, no paper, one 'info' problem saying why, cached or not. */
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
