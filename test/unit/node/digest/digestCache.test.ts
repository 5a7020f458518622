import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { userCacheFolder, workspaceCacheFolder } from '../../../../src/node/cacheFolder';
import { readDigestsCached, UNUSED_ENTRY_DAYS, type DigestCacheOptions } from '../../../../src/node/digest/digestCache';
import { readDigest } from '../../../../src/node/digest/digestFiles';
import type { Diagnostic, ParsedDigest } from '../../../../src/core/types';
import { fixturesFolder as testFixtures, repoRoot, seedsFolder } from '../../../support/paths';
import { tempFolder } from '../../../support/tempFolders';

const run = promisify(execFile);
const repo = repoRoot;
const fixturesFolder = path.join(testFixtures, 'digests');
/** A fixed build stamp, so that other edits to the sources while the tests run cannot invalidate the cache. */
const VERSION = 'digest-cache-test';

/** A workspace holding copies of the four seeds and the three e-mail fixtures, and an empty cache folder. */
function workspace(): { root: string; files: string[]; cacheDir: string } {
  const root = tempFolder('digest-cache');
  const files: string[] = [];
  for (const folder of [seedsFolder, fixturesFolder]) {
    for (const name of readdirSync(folder)
      .filter((n) => n.endsWith('.txt'))
      .sort()) {
      const target = path.join(root, name);
      copyFileSync(path.join(folder, name), target);
      files.push(target);
    }
  }
  return { root, files, cacheDir: path.join(tempFolder('digest-cache-dir'), 'cache') };
}

/** What calling readDigest for each file in turn gives: the reference the cache must match. */
async function uncached(files: readonly string[]): Promise<{ digests: ParsedDigest[]; problems: Diagnostic[] }> {
  const digests: ParsedDigest[] = [];
  const problems: Diagnostic[] = [];
  for (const file of files) {
    const { digest, problems: fileProblems } = await readDigest(file);
    problems.push(...fileProblems);
    if (digest) digests.push(digest);
  }
  return { digests, problems };
}

async function cached(files: readonly string[], cacheDir: string, options: DigestCacheOptions = {}) {
  const log: string[] = [];
  const result = await readDigestsCached(files, cacheDir, { version: VERSION, log: (line) => log.push(line), ...options });
  return { ...result, log };
}

async function assertSameAsUncached(files: readonly string[], result: { digests: ParsedDigest[]; problems: Diagnostic[] }) {
  const expected = await uncached(files);
  assert.deepEqual(result.digests, expected.digests);
  assert.deepEqual(result.problems, expected.problems);
}

function entryFiles(cacheDir: string): string[] {
  const folder = path.join(cacheDir, 'digests');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.bin'))
    .sort()
    .map((name) => path.join(folder, name));
}

/** Gives a file new content and an mtime an hour away from its old one, as an editor saving it would. */
function rewrite(file: string, text: string): void {
  const before = statSync(file);
  writeFileSync(file, text);
  const mtime = new Date(before.mtimeMs - 3600_000);
  utimesSync(file, mtime, mtime);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('readDigestsCached', () => {
  test('gives what readDigest gives, cold and then from the cache', async () => {
    const { files, cacheDir } = workspace();
    assert.ok(files.length >= 7);
    const first = await cached(files, cacheDir);
    assert.deepEqual(first.stats, { reused: 0, parsed: files.length });
    assert.equal(first.digests.length, files.length);
    await assertSameAsUncached(files, first);
    assert.equal(entryFiles(cacheDir).length, files.length);

    const second = await cached(files, cacheDir);
    assert.deepEqual(second.stats, { reused: files.length, parsed: 0 });
    await assertSameAsUncached(files, second);
    assert.deepEqual(second.log, []);
  });

  test('with deferSave, nothing is written until save is called, and then the same entries as without it', async () => {
    const { files, cacheDir } = workspace();
    const first = await cached(files, cacheDir, { deferSave: true });
    assert.deepEqual(first.stats, { reused: 0, parsed: files.length });
    await assertSameAsUncached(files, first);
    const folder = path.join(cacheDir, 'digests');
    assert.deepEqual(existsSync(folder) ? readdirSync(folder) : [], []);
    // Called twice (a caller that is not sure it did): one save.
    await Promise.all([first.save(), first.save()]);
    assert.equal(entryFiles(cacheDir).length, files.length);
    const second = await cached(files, cacheDir);
    assert.deepEqual(second.stats, { reused: files.length, parsed: 0 });
    await assertSameAsUncached(files, second);
  });

  test('the four seeds deep-equal readDigest, in the order given', async () => {
    const { files, cacheDir } = workspace();
    const seeds = files.filter((file) => /^\d{3}_/.test(path.basename(file))).reverse();
    assert.equal(seeds.length, 4);
    await cached(seeds, cacheDir);
    const again = await cached(seeds, cacheDir);
    assert.equal(again.stats.parsed, 0);
    assert.deepEqual(
      again.digests.map((d) => d.file),
      seeds,
    );
    await assertSameAsUncached(seeds, again);
  });

  test('after one digest changes, exactly that one is parsed again', async () => {
    const { files, cacheDir } = workspace();
    await cached(files, cacheDir);
    const changed = files[1];
    rewrite(
      changed,
      `${readFileSync(changed, 'utf8').trimEnd()}\n\nA Paper Added By Hand\n\nWe add a paper to the digest by hand and check that the cache notices it at once, and that it reads the new paper.\n`,
    );
    const result = await cached(files, cacheDir);
    assert.deepEqual(result.stats, { reused: files.length - 1, parsed: 1 });
    await assertSameAsUncached(files, result);
    assert.ok(result.digests[1].entries.some((entry) => entry.title === 'A Paper Added By Hand'));
    assert.deepEqual((await cached(files, cacheDir)).stats, { reused: files.length, parsed: 0 });
  });

  test('a digest touched without changing its bytes is reused, not parsed', async () => {
    const { files, cacheDir } = workspace();
    await cached(files, cacheDir);
    rewrite(files[2], readFileSync(files[2], 'utf8'));
    const result = await cached(files, cacheDir);
    assert.deepEqual(result.stats, { reused: files.length, parsed: 0 });
    await assertSameAsUncached(files, result);
  });

  test('a same-size rewrite within the mtime granularity, the old mtime put back, is still noticed (racy entries)', async () => {
    const { files, cacheDir } = workspace();
    const file = files[0];
    const original = readFileSync(file, 'utf8');
    const sameSize = original.replace('Learning', 'Leaning!');
    assert.equal(Buffer.byteLength(sameSize), Buffer.byteLength(original));
    assert.notEqual(sameSize, original);
    // A whole second, so that utimes can put back exactly the same mtime; it is within the racy window.
    const mtime = Math.floor(Date.now() / 1000);
    utimesSync(file, mtime, mtime);
    await cached(files, cacheDir);
    writeFileSync(file, sameSize);
    utimesSync(file, mtime, mtime);
    const result = await cached(files, cacheDir);
    assert.equal(result.stats.parsed, 1);
    await assertSameAsUncached(files, result);
  });

  test('an entry trusted on its stat alone (digests older than the racy window) still sees a same-size rewrite', async () => {
    const { files, cacheDir } = workspace();
    const file = files[3];
    const mtime = Math.floor(Date.now() / 1000) - 3600;
    utimesSync(file, mtime, mtime);
    // Past the 2 s racy window (ctime included), the entries are stored as trusted on their stat; no timing is asserted.
    await sleep(2100);
    await cached(files, cacheDir);
    const warm = await cached(files, cacheDir);
    assert.deepEqual(warm.stats, { reused: files.length, parsed: 0 });
    await assertSameAsUncached(files, warm);
    const before = statSync(file, { bigint: true });
    writeFileSync(file, `X${readFileSync(file, 'utf8').slice(1)}`);
    utimesSync(file, mtime, mtime);
    const after = statSync(file, { bigint: true });
    // Only the ctime tells the rewrite apart.
    assert.equal(after.size, before.size);
    assert.equal(after.mtimeNs, before.mtimeNs);
    assert.equal(after.ino, before.ino);
    const result = await cached(files, cacheDir);
    assert.deepEqual(result.stats, { reused: files.length - 1, parsed: 1 });
    await assertSameAsUncached(files, result);
  });

  test('a deleted digest disappears from the results and from the cache', async () => {
    const { files, cacheDir } = workspace();
    await cached(files, cacheDir);
    rmSync(files[4]);
    const remaining = files.filter((_, i) => i !== 4);
    const result = await cached(remaining, cacheDir);
    assert.deepEqual(result.stats, { reused: remaining.length, parsed: 0 });
    await assertSameAsUncached(remaining, result);
    assert.equal(entryFiles(cacheDir).length, remaining.length);
    // Still listed after deletion: readDigest's message, as uncached.
    const listed = await cached(files, cacheDir);
    await assertSameAsUncached(files, listed);
    assert.ok(listed.problems.some((problem) => problem.file === files[4] && problem.severity === 'error'));
  });

  test("runs naming different digests keep each other's entries", async () => {
    const { files, cacheDir } = workspace();
    await cached(files, cacheDir);
    const one = await cached([files[2]], cacheDir);
    assert.deepEqual(one.stats, { reused: 1, parsed: 0 });
    assert.equal(entryFiles(cacheDir).length, files.length);
    const some = await cached(files.slice(3), cacheDir);
    assert.deepEqual(some.stats, { reused: files.length - 3, parsed: 0 });
    const all = await cached(files, cacheDir);
    assert.deepEqual(all.stats, { reused: files.length, parsed: 0 });
    await assertSameAsUncached(files, all);
    assert.deepEqual(all.log, []);
  });

  test('an entry no run lists is dropped once its digest is gone, or once it has gone unused for 30 days', async () => {
    const { root, files, cacheDir } = workspace();
    await cached(files, cacheDir);
    // A digest gone, and another whose folder is now a file: both entries go, by a run that lists neither.
    rmSync(files[0]);
    const moved = path.join(root, 'sub', 'moved.txt');
    mkdirSync(path.dirname(moved));
    copyFileSync(files[1], moved);
    await cached([moved], cacheDir);
    rmSync(path.dirname(moved), { recursive: true });
    writeFileSync(path.dirname(moved), 'a file where the folder was');
    const others = files.slice(3);
    await cached(others, cacheDir);
    assert.equal(entryFiles(cacheDir).length, files.length - 1);
    // The entries of files[1] and files[2] (still there, not listed) are old now: they go; the listed ones stay however old.
    const old = (Date.now() - (UNUSED_ENTRY_DAYS + 1) * 24 * 3600_000) / 1000;
    for (const entry of entryFiles(cacheDir)) utimesSync(entry, old, old);
    const result = await cached(others, cacheDir);
    assert.deepEqual(result.stats, { reused: others.length, parsed: 0 });
    assert.equal(entryFiles(cacheDir).length, others.length);
    assert.deepEqual((await cached(others, cacheDir)).stats, { reused: others.length, parsed: 0 });
  });

  test('in a cache of many entries, one run checks a bounded number of the unlisted ones, and a few runs all', async () => {
    const root = tempFolder('digest-cache-many');
    const cacheDir = path.join(tempFolder('digest-cache-dir'), 'cache');
    const files = Array.from({ length: 100 }, (_, i) => path.join(root, `d${String(i).padStart(3, '0')}.txt`));
    for (const [i, file] of files.entries())
      writeFileSync(
        file,
        `Paper Number ${i} Of Many\n\nWe write a hundred small digests to see that the cache drops the entries of deleted ones a bounded number at a time.\n`,
      );
    await cached(files, cacheDir);
    assert.equal(entryFiles(cacheDir).length, 100);
    for (const file of files.slice(1)) rmSync(file);
    await cached([files[0]], cacheDir);
    const afterOne = entryFiles(cacheDir).length;
    assert.ok(afterOne < 100 && afterOne > 1, String(afterOne));
    for (let run = 0; run < 20 && entryFiles(cacheDir).length > 1; run++) await cached([files[0]], cacheDir);
    assert.equal(entryFiles(cacheDir).length, 1);
    assert.deepEqual((await cached([files[0]], cacheDir)).stats, { reused: 1, parsed: 0 });
  });

  test('an entry in use is written again after a week, so that it never looks unused', async (t) => {
    const { files, cacheDir } = workspace();
    const storedAt = () =>
      entryFiles(cacheDir).map((file) => (JSON.parse(/\{.*\}/.exec(readFileSync(file, 'utf8').split('\n')[0])![0]) as { storedAtMs: number }).storedAtMs);
    const start = Date.now();
    const day = 24 * 3600_000;
    // Only Date is mocked: the digests' times are real, so from 5 s on they are past the racy window.
    t.mock.timers.enable({ apis: ['Date'], now: start + 5000 });
    await cached(files, cacheDir);
    assert.ok(storedAt().every((at) => at === start + 5000));
    t.mock.timers.setTime(start + 3 * day);
    assert.deepEqual((await cached(files, cacheDir)).stats, { reused: files.length, parsed: 0 });
    assert.ok(storedAt().every((at) => at === start + 5000));
    t.mock.timers.setTime(start + 8 * day);
    const refreshed = await cached(files, cacheDir);
    assert.deepEqual(refreshed.stats, { reused: files.length, parsed: 0 });
    await assertSameAsUncached(files, refreshed);
    assert.ok(storedAt().every((at) => at === start + 8 * day));
    t.mock.timers.reset();
    assert.deepEqual((await cached(files, cacheDir)).stats, { reused: files.length, parsed: 0 });
  });

  test('problems and skipped files come through as readDigest gives them, cached or not', async () => {
    const root = tempFolder('digest-cache-odd');
    const empty = path.join(root, 'empty.txt');
    const binary = path.join(root, 'binary.txt');
    const latin = path.join(root, 'latin.txt');
    const folder = path.join(root, 'folder.txt');
    const missing = path.join(root, 'missing.txt');
    const notADigest = path.join(root, 'notes.txt');
    writeFileSync(empty, '');
    writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]));
    writeFileSync(
      latin,
      Buffer.from(
        'Daily Papers\n\nR\xe9sum\xe9s of Caf\xe9 Papers\nWe study caf\xe9s and r\xe9sum\xe9s at length and report results for all of them.\n',
        'latin1',
      ),
    );
    mkdirSync(folder);
    writeFileSync(notADigest, 'buy milk\ncall mum\n');
    const files = [empty, binary, latin, folder, missing, notADigest, path.join(seedsFolder, '000_896f7befaa86139f.txt')];
    const cacheDir = path.join(tempFolder('digest-cache-dir'), 'cache');
    const first = await cached(files, cacheDir);
    await assertSameAsUncached(files, first);
    assert.ok(first.problems.length >= 5);
    const second = await cached(files, cacheDir);
    await assertSameAsUncached(files, second);
    // The folder and the missing file are never cached; the others are.
    assert.deepEqual(second.stats, { reused: files.length - 2, parsed: 2 });
  });

  test('a digest given by a relative path and by an absolute one gets the right file names either way', async () => {
    const { files, cacheDir } = workspace();
    const relative = path.relative(process.cwd(), files[0]);
    assert.ok(!path.isAbsolute(relative));
    const byRelative = await cached([relative], cacheDir);
    await assertSameAsUncached([relative], byRelative);
    const byAbsolute = await cached([files[0]], cacheDir);
    await assertSameAsUncached([files[0]], byAbsolute);
    assert.equal(byAbsolute.digests[0].file, files[0]);
    assert.equal(byRelative.digests[0].file, relative);
    assert.deepEqual((await cached([relative], cacheDir)).digests, byRelative.digests);
  });

  describe('a damaged cache file is rebuilt, never believed', () => {
    const damages: [string, (file: string) => void][] = [
      [
        'a byte flipped in the payload',
        (file) => {
          const bytes = readFileSync(file);
          bytes[bytes.length - 200] ^= 0x20;
          writeFileSync(file, bytes);
        },
      ],
      [
        'a byte flipped in the header',
        (file) => {
          const bytes = readFileSync(file);
          const at = bytes.indexOf('"given"');
          bytes[at + 20] ^= 0x01;
          writeFileSync(file, bytes);
        },
      ],
      ['truncated', (file) => truncateSync(file, Math.floor(statSync(file).size / 2))],
      ['truncated to nothing', (file) => truncateSync(file, 0)],
      ['garbage appended', (file) => writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('garbage\n')]))],
      ['garbage instead', (file) => writeFileSync(file, 'MARGINALIA-DIGEST-CACHE crc32:00000000 3 {}\nabc')],
      ['another cache format', (file) => writeFileSync(file, readFileSync(file, 'latin1').replace('"format":1,', '"format":2,'), 'latin1')],
    ];
    for (const [what, damage] of damages) {
      test(what, async () => {
        const { files, cacheDir } = workspace();
        await cached(files, cacheDir);
        const entries = entryFiles(cacheDir);
        damage(entries[0]);
        const result = await cached(files, cacheDir);
        assert.deepEqual(result.stats, { reused: files.length - 1, parsed: 1 });
        await assertSameAsUncached(files, result);
        assert.equal(result.log.length, 1, result.log.join('\n'));
        const after = await cached(files, cacheDir);
        assert.deepEqual(after.stats, { reused: files.length, parsed: 0 });
        assert.deepEqual(after.log, []);
      });
    }

    test('every one of 150 single bit flips spread over an entry, and 300 KB of garbage after it, is rebuilt', async () => {
      const { files, cacheDir } = workspace();
      const one = [files[0]];
      await cached(one, cacheDir);
      const [entry] = entryFiles(cacheDir);
      const intact = readFileSync(entry);
      const expected = await uncached(one);
      const damaged: Buffer[] = [];
      for (let i = 0; i < 150; i++) {
        const bit = Math.floor((i * (intact.length * 8 - 1)) / 149);
        const copy = Buffer.from(intact);
        copy[bit >> 3] ^= 1 << (bit & 7);
        damaged.push(copy);
      }
      damaged.push(Buffer.concat([intact, Buffer.alloc(300_000, 0x61)]), Buffer.concat([intact, Buffer.from('\n')]));
      for (const [i, bytes] of damaged.entries()) {
        writeFileSync(entry, bytes);
        const result = await cached(one, cacheDir);
        assert.deepEqual(result.stats, { reused: 0, parsed: 1 }, `damage ${i}`);
        assert.deepEqual(result.digests, expected.digests, `damage ${i}`);
        assert.equal(result.log.length, 1, `damage ${i}: ${result.log.join('\n')}`);
      }
    });

    test('entries written by another build', async () => {
      const { files, cacheDir } = workspace();
      await cached(files, cacheDir, { version: 'an older build' });
      const result = await cached(files, cacheDir);
      assert.deepEqual(result.stats, { reused: 0, parsed: files.length });
      await assertSameAsUncached(files, result);
      assert.deepEqual((await cached(files, cacheDir)).stats, { reused: files.length, parsed: 0 });
    });

    test('an entry recorded for another path', async () => {
      const { files, cacheDir } = workspace();
      await cached(files, cacheDir);
      const [first, second] = entryFiles(cacheDir);
      copyFileSync(first, second);
      const result = await cached(files, cacheDir);
      assert.deepEqual(result.stats, { reused: files.length - 1, parsed: 1 });
      await assertSameAsUncached(files, result);
    });
  });

  test('a cache folder that cannot be written leaves the run uncached, and correct', async () => {
    const { files } = workspace();
    const blocker = path.join(tempFolder('digest-cache-blocked'), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const cacheDir = path.join(blocker, 'cache');
    for (let i = 0; i < 2; i++) {
      const result = await cached(files, cacheDir);
      assert.deepEqual(result.stats, { reused: 0, parsed: files.length });
      await assertSameAsUncached(files, result);
      assert.equal(result.log.length, 1, result.log.join('\n'));
      assert.match(result.log[0], /ENOTDIR/);
    }
    // Without a log callback it is just as quiet.
    const quiet = await readDigestsCached(files, cacheDir);
    await assertSameAsUncached(files, quiet);
  });

  test('a cache file that cannot be replaced leaves that digest uncached and the others reused', async () => {
    const { files, cacheDir } = workspace();
    await cached(files, cacheDir);
    // A folder where the changed digest's entry was: it can be neither read nor renamed over (as root too).
    rewrite(files[0], `${readFileSync(files[0], 'utf8')}\nA Paper Added Later\nIt makes the digest change, so that its entry has to be written again.\n`);
    const blocked = entryFiles(cacheDir).find((file) => readFileSync(file, 'latin1').includes(JSON.stringify(files[0])));
    assert.ok(blocked);
    rmSync(blocked);
    mkdirSync(path.join(blocked, 'in-the-way'), { recursive: true });
    const result = await cached(files, cacheDir);
    assert.deepEqual(result.stats, { reused: files.length - 1, parsed: 1 });
    await assertSameAsUncached(files, result);
    assert.ok(
      result.log.some((line) => /cannot write/.test(line)),
      result.log.join('\n'),
    );
    assert.ok(result.log.length <= 2, result.log.join('\n'));
    rmSync(blocked, { recursive: true });
    const restored = await cached(files, cacheDir);
    assert.deepEqual(restored.stats, { reused: files.length - 1, parsed: 1 });
    await assertSameAsUncached(files, restored);
    assert.deepEqual((await cached(files, cacheDir)).stats, { reused: files.length, parsed: 0 });
  });

  test('calls writing one cache at the same time leave it whole', async () => {
    const { files, cacheDir } = workspace();
    const results = await Promise.all(Array.from({ length: 4 }, () => cached(files, cacheDir)));
    for (const result of results) await assertSameAsUncached(files, result);
    const after = await cached(files, cacheDir);
    assert.deepEqual(after.stats, { reused: files.length, parsed: 0 });
    assert.deepEqual(after.log, []);
  });

  test('processes writing one cache at the same time leave it whole', async () => {
    const { files, cacheDir } = workspace();
    const outdir = tempFolder('digest-cache-bundle');
    const script = path.join(outdir, 'reader.js');
    // Each process reads the digests a few times; between its runs, the digests change under it.
    await esbuild.build({
      stdin: {
        contents: `
          import { readDigestsCached } from ${JSON.stringify(path.join(repo, 'src', 'node', 'digest', 'digestCache.ts'))};
          const [cacheDir, version, ...files] = process.argv.slice(2);
          (async () => {
            for (let i = 0; i < 5; i++) await readDigestsCached(files, cacheDir, { version, log: (line) => process.stdout.write(line + '\\n') });
          })();`,
        resolveDir: repo,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: script,
      logLevel: 'error',
    });
    const processes = Array.from({ length: 4 }, () => run(process.execPath, [script, cacheDir, VERSION, ...files]));
    rewrite(files[0], `${readFileSync(files[0], 'utf8')}\nA Late Paper\nWritten while the readers ran, to make them write the cache again.\n`);
    const outputs = await Promise.all(processes);
    for (const { stdout } of outputs) assert.ok(!/damaged|checksum|cannot/.test(stdout), stdout);
    const after = await cached(files, cacheDir);
    await assertSameAsUncached(files, after);
    assert.ok(!after.log.some((line) => /damaged|checksum|cannot/.test(line)), after.log.join('\n'));
    const again = await cached(files, cacheDir);
    assert.deepEqual(again.stats, { reused: files.length, parsed: 0 });
    assert.equal(readdirSync(path.join(cacheDir, 'digests')).filter((name) => name.endsWith('.tmp')).length, 0);
  });
});

describe('userCacheFolder', () => {
  test('Linux: ~/.cache, or an absolute $XDG_CACHE_HOME', () => {
    assert.equal(userCacheFolder({}, 'linux', '/home/ann'), '/home/ann/.cache/marginalia');
    assert.equal(userCacheFolder({ XDG_CACHE_HOME: '/var/cache/ann' }, 'linux', '/home/ann'), '/var/cache/ann/marginalia');
    assert.equal(userCacheFolder({ XDG_CACHE_HOME: 'relative/cache' }, 'linux', '/home/ann'), '/home/ann/.cache/marginalia');
    assert.equal(userCacheFolder({ XDG_CACHE_HOME: '' }, 'linux', '/home/ann'), '/home/ann/.cache/marginalia');
    assert.equal(userCacheFolder({ XDG_CACHE_HOME: '/x' }, 'freebsd', '/home/ann'), '/x/marginalia');
  });

  test('macOS: ~/Library/Caches, whatever XDG says', () => {
    assert.equal(userCacheFolder({}, 'darwin', '/Users/ann'), '/Users/ann/Library/Caches/marginalia');
    assert.equal(userCacheFolder({ XDG_CACHE_HOME: '/x' }, 'darwin', '/Users/ann'), '/Users/ann/Library/Caches/marginalia');
  });

  test('Windows: %LOCALAPPDATA%, else ~\\AppData\\Local', () => {
    assert.equal(userCacheFolder({ LOCALAPPDATA: 'D:\\Local' }, 'win32', 'C:\\Users\\ann'), 'D:\\Local\\marginalia');
    assert.equal(userCacheFolder({}, 'win32', 'C:\\Users\\ann'), 'C:\\Users\\ann\\AppData\\Local\\marginalia');
  });

  test('MARGINALIA_CACHE_DIR overrides every platform', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      assert.equal(userCacheFolder({ MARGINALIA_CACHE_DIR: '/tmp/mc', XDG_CACHE_HOME: '/x' }, platform, '/home/ann'), '/tmp/mc');
    }
    assert.equal(userCacheFolder({ MARGINALIA_CACHE_DIR: 'E:\\cache', LOCALAPPDATA: 'D:\\Local' }, 'win32', 'C:\\Users\\ann'), 'E:\\cache');
    assert.equal(userCacheFolder({ MARGINALIA_CACHE_DIR: 'rel' }, 'linux', '/home/ann'), path.resolve('rel'));
    assert.equal(userCacheFolder({ MARGINALIA_CACHE_DIR: '' }, 'linux', '/home/ann'), '/home/ann/.cache/marginalia');
  });

  test('the defaults come from the running process', () => {
    assert.ok(path.isAbsolute(userCacheFolder()));
  });
});

describe('workspaceCacheFolder', () => {
  const env = { MARGINALIA_CACHE_DIR: '/c' };

  test('a readable, sanitized name and a stable 16-digit hash of the resolved root', () => {
    const folder = workspaceCacheFolder('/home/ann/My Papers (2024)/', env, 'linux', '/home/ann');
    assert.match(folder, /^\/c\/workspaces\/My_Papers__2024_-[0-9a-f]{16}$/);
    assert.equal(workspaceCacheFolder('/home/ann/x/../My Papers (2024)', env, 'linux', '/home/ann'), folder);
    assert.notEqual(workspaceCacheFolder('/home/bob/My Papers (2024)', env, 'linux', '/home/ann'), folder);
    assert.equal(workspaceCacheFolder('/home/ann/work', {}, 'linux', '/home/ann').startsWith('/home/ann/.cache/marginalia/workspaces/work-'), true);
  });

  test('long, empty and odd names', () => {
    const long = path.basename(workspaceCacheFolder(`/w/${'a'.repeat(100)}`, env, 'linux', '/h'));
    assert.equal(long, `${'a'.repeat(40)}-${long.slice(-16)}`);
    assert.match(path.basename(workspaceCacheFolder('/', env, 'linux', '/h')), /^root-[0-9a-f]{16}$/);
    assert.match(path.basename(workspaceCacheFolder('/w/Ünïcødé', env, 'linux', '/h')), /^_n_c_d_-[0-9a-f]{16}$/);
    assert.match(
      workspaceCacheFolder('C:\\Users\\ann\\Papers', { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'win32', 'C:\\Users\\ann'),
      /^C:\\Users\\ann\\AppData\\Local\\marginalia\\workspaces\\Papers-[0-9a-f]{16}$/,
    );
  });
});
