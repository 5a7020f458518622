import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExitCode } from '../../../src/cli/main';
import { SearchCache } from '../../../src/cli/searchCache';
import { SearchIndex } from '../../../src/core/search/searchIndex';
import { runCli } from '../../support/cli';
import { seedsFolder } from '../../support/paths';
import { tempFolder } from '../../support/tempFolders';

const seeds = seedsFolder;
// Every test runs with the debug lines on, and with a cache folder of its own (see `useCache`).
before(() => {
  process.env.MARGINALIA_DEBUG = '1';
  process.env.MARGINALIA_CACHE_DIR = tempFolder('cli-cache');
});
after(() => {
  delete process.env.MARGINALIA_DEBUG;
  delete process.env.MARGINALIA_CACHE_DIR;
});

/** Points MARGINALIA_CACHE_DIR at a new, empty folder (or at `folder`) and returns it. */
function useCache(folder = path.join(tempFolder('cli-cache'), 'cache')): string {
  process.env.MARGINALIA_CACHE_DIR = folder;
  return folder;
}

/** A workspace with the seed digests in seeds/ and a .marginalia folder, so that it is its own root. */
function workspace(): string {
  const dir = tempFolder('cli-cache-ws');
  cpSync(seeds, path.join(dir, 'seeds'), { recursive: true });
  mkdirSync(path.join(dir, '.marginalia'));
  return dir;
}

/** A CLI run: exit code, stdout, stderr without the debug lines, and the debug lines. */
async function cli(args: string[], cwd: string) {
  const { code, out, err: stderr } = await runCli(args, cwd);
  const lines = stderr.split('\n');
  const debug = lines.filter((line) => line.startsWith('marginalia debug: ')).map((line) => line.slice('marginalia debug: '.length));
  const err = lines.filter((line) => !line.startsWith('marginalia debug: ')).join('\n');
  return { code, out, err, debug };
}

type Run = Awaited<ReturnType<typeof cli>>;

/** The debug lines of the digest cache: one per command that read digests. */
const digestLines = (run: Run) => run.debug.filter((line) => line.startsWith('digest cache: ') && /\d+ files?, \d+ reused, \d+ parsed/.test(line));
const usedIndex = (run: Run) => run.debug.some((line) => /^search cache: used .* no digest read$/.test(line));
const readAgain = (run: Run) => Number(/(\d+) read again/.exec(run.debug.find((line) => line.startsWith('search cache: used')) ?? '')?.[1] ?? NaN);
const wroteIndex = (run: Run) => run.debug.some((line) => line.startsWith('search cache: wrote '));
const sameAnswer = (a: Run, b: Run) => {
  assert.equal(b.code, a.code);
  assert.equal(b.out, a.out);
  assert.equal(b.err, a.err);
};

/** The search index files of the cache folder `cache`. */
function indexFiles(cache: string): string[] {
  const workspaces = path.join(cache, 'workspaces');
  return readdirSync(workspaces).flatMap((name) => {
    const folder = path.join(workspaces, name, 'search');
    try {
      return readdirSync(folder)
        .filter((file) => file.endsWith('.bin'))
        .map((file) => path.join(folder, file));
    } catch {
      return [];
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const abstract =
  'We study how zebrafish larvae swim towards light and build a small robot that copies their tail beats, then measure how well it keeps its course in a water tank.';

describe('state kept between CLI runs', () => {
  test('a second search with nothing changed reads no digest and prints exactly the same', async () => {
    useCache();
    const dir = workspace();
    const queries = [
      ['search', 'behavior cloning', '--limit', '3'],
      ['search', '--json', 'imit*'],
      ['related', '--json', 'caril'],
      ['search', 'zzzzqqq'],
    ];
    const cold: Run[] = [];
    for (const args of queries) cold.push(await cli(args, dir));
    assert.equal(cold[0].code, 0);
    assert.ok(wroteIndex(cold[0]), cold[0].debug.join('\n'));
    assert.deepEqual(digestLines(cold[0]), ['digest cache: 4 files, 0 reused, 4 parsed']);
    assert.equal(cold[3].code, 1);

    // Right after the digests were copied, their stat alone is not trusted (racy): they are hashed, not parsed.
    for (const [i, args] of queries.entries()) {
      const warm = await cli(args, dir);
      sameAnswer(cold[i], warm);
      assert.ok(usedIndex(warm), warm.debug.join('\n'));
      assert.deepEqual(digestLines(warm), []);
      assert.ok(readAgain(warm) > 0, warm.debug.join('\n'));
    }

    // Once the inputs are older than the racy window, the index is stored again without them, and
    // from then on a warm run reads no input at all.
    await sleep(2100);
    const settled = await cli(queries[0], dir);
    sameAnswer(cold[0], settled);
    assert.ok(usedIndex(settled));
    assert.ok(wroteIndex(settled), settled.debug.join('\n'));
    for (const [i, args] of queries.entries()) {
      const warm = await cli(args, dir);
      sameAnswer(cold[i], warm);
      assert.ok(usedIndex(warm), warm.debug.join('\n'));
      assert.equal(readAgain(warm), 0);
      assert.deepEqual(digestLines(warm), []);
      assert.ok(!wroteIndex(warm));
    }
  });

  test('a changed digest, tag or note, or a new digest, is seen at once, and only the changed digest is parsed', async () => {
    useCache();
    const dir = workspace();
    assert.equal((await cli(['papers', 'seeds'], dir)).code, ExitCode.ok);
    const nothing = await cli(['search', 'zebrafish'], dir);
    assert.equal(nothing.code, 1);
    assert.deepEqual(digestLines(nothing), ['digest cache: 4 files, 4 reused, 0 parsed']);
    assert.equal((await cli(['search', 'zebrafish'], dir)).code, 1);

    // A note.
    mkdirSync(path.join(dir, 'notes'));
    writeFileSync(path.join(dir, 'notes', 'caril.md'), 'Compare with zebrafish locomotion.\n');
    const noted = await cli(['search', '--json', 'zebrafish'], dir);
    assert.ok(!usedIndex(noted));
    assert.deepEqual(
      (JSON.parse(noted.out) as { results: { key: string }[] }).results.map((hit) => hit.key),
      ['caril'],
    );
    assert.deepEqual(digestLines(noted), ['digest cache: 4 files, 4 reused, 0 parsed']);

    // A tag (the library file).
    assert.equal((await cli(['tag', 'add', 'caril', 'favourite'], dir)).code, ExitCode.ok);
    const tagged = await cli(['search', '--json', 'tags:favourite'], dir);
    assert.ok(!usedIndex(tagged));
    assert.deepEqual(
      (JSON.parse(tagged.out) as { results: { key: string }[] }).results.map((hit) => hit.key),
      ['caril'],
    );
    assert.ok(usedIndex(await cli(['search', '--json', 'tags:favourite'], dir)));

    // One digest.
    const digest = path.join(dir, 'seeds', readdirSync(path.join(dir, 'seeds')).sort()[1]);
    appendFileSync(digest, `\nZebrafish Swimming Robots\n\n${abstract}\n`);
    const changed = await cli(['search', '--json', 'zebrafish'], dir);
    assert.deepEqual(digestLines(changed), ['digest cache: 4 files, 3 reused, 1 parsed']);
    const titles = (JSON.parse(changed.out) as { results: { title: string }[] }).results.map((hit) => hit.title);
    assert.ok(titles.includes('Zebrafish Swimming Robots'), titles.join('\n'));
    assert.equal(titles.length, 2);

    // A new digest in the folder.
    writeFileSync(path.join(dir, 'seeds', 'zz-new.txt'), `Daily Papers\n\nZebrafish Shoals In Warm Water\n\n${abstract}\n`);
    const added = await cli(['search', '--json', 'zebrafish'], dir);
    assert.deepEqual(digestLines(added), ['digest cache: 5 files, 4 reused, 1 parsed']);
    assert.equal((JSON.parse(added.out) as { results: unknown[] }).results.length, 3);

    // The note removed, the new digest removed.
    rmSync(path.join(dir, 'notes', 'caril.md'));
    rmSync(path.join(dir, 'seeds', 'zz-new.txt'));
    const removed = await cli(['search', '--json', 'zebrafish'], dir);
    assert.deepEqual(
      (JSON.parse(removed.out) as { results: { title: string }[] }).results.map((hit) => hit.title),
      ['Zebrafish Swimming Robots'],
    );
    assert.ok(usedIndex(await cli(['search', '--json', 'zebrafish'], dir)));

    // A note for a key no paper has is never read, but the index is built again (the signature covers every note).
    writeFileSync(path.join(dir, 'notes', 'noSuchPaper.md'), 'zebrafish\n');
    const stray = await cli(['search', '--json', 'zebrafish'], dir);
    assert.deepEqual(
      (JSON.parse(stray.out) as { results: { title: string }[] }).results.map((hit) => hit.title),
      ['Zebrafish Swimming Robots'],
    );
  });

  test('search with PATH arguments, and from another folder, keeps an index of its own', async () => {
    useCache();
    const dir = workspace();
    const one = path.join('seeds', readdirSync(path.join(dir, 'seeds')).sort()[0]);
    const whole = await cli(['search', '--json', 'policy'], dir);
    const single = await cli(['search', '--json', 'policy', one], dir);
    assert.notEqual(JSON.parse(whole.out).total, JSON.parse(single.out).total);
    assert.ok(!usedIndex(single));
    // From a subfolder, naming the root: the same inputs, the same index.
    const fromSeeds = await cli(['search', '--json', '--root', '..', 'policy'], path.join(dir, 'seeds'));
    assert.ok(usedIndex(fromSeeds), fromSeeds.debug.join('\n'));
    assert.equal(fromSeeds.out, whole.out);
    const singleAgain = await cli(['search', '--json', 'policy', path.join(dir, one)], path.join(dir, 'seeds'));
    assert.ok(usedIndex(singleAgain), singleAgain.debug.join('\n'));
    assert.equal(singleAgain.out, single.out);
  });

  describe('a damaged index file is rebuilt, never believed, and the results are right', () => {
    const damages: [string, (file: string) => void][] = [
      [
        'a byte flipped in the index',
        (file) => {
          const bytes = readFileSync(file);
          bytes[Math.floor(bytes.length / 2)] ^= 0x04;
          writeFileSync(file, bytes);
        },
      ],
      [
        'a byte flipped in the titles',
        (file) => {
          const bytes = readFileSync(file);
          const at = bytes.lastIndexOf('Cloning');
          assert.ok(at > 0);
          bytes[at] ^= 0x20;
          writeFileSync(file, bytes);
        },
      ],
      [
        'a byte flipped in the header',
        (file) => {
          const bytes = readFileSync(file);
          const at = bytes.indexOf('"papers":');
          bytes[at + 9] = bytes[at + 9] === 0x31 ? 0x32 : 0x31;
          writeFileSync(file, bytes);
        },
      ],
      ['truncated', (file) => truncateSync(file, Math.floor(statSync(file).size * 0.7))],
      ['truncated to nothing', (file) => truncateSync(file, 0)],
      ['garbage appended', (file) => appendFileSync(file, 'garbage\n')],
      ['garbage instead', (file) => writeFileSync(file, `MARGINALIA-SEARCH-CACHE crc32:00000000 8 {"format":1}${' '.repeat(14)}\n12345678`)],
      ['random bytes instead', (file) => writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))],
      [
        'a folder instead',
        (file) => {
          rmSync(file);
          mkdirSync(file);
        },
      ],
    ];
    for (const [what, damage] of damages) {
      test(what, async () => {
        const cache = useCache();
        const dir = workspace();
        const args = ['search', '--json', '--limit', '50', 'cloning'];
        const cold = await cli(args, dir);
        const [file] = indexFiles(cache);
        assert.ok(file);
        damage(file);
        const rebuilt = await cli(args, dir);
        sameAnswer(cold, rebuilt);
        assert.ok(!usedIndex(rebuilt), rebuilt.debug.join('\n'));
        assert.ok(
          rebuilt.debug.some((line) => /^search cache: .*; building the index$/.test(line)),
          rebuilt.debug.join('\n'),
        );
        if (what !== 'a folder instead') {
          assert.ok(wroteIndex(rebuilt), rebuilt.debug.join('\n'));
          const warm = await cli(args, dir);
          sameAnswer(cold, warm);
          assert.ok(usedIndex(warm), warm.debug.join('\n'));
        }
        const related = await cli(['related', 'caril'], dir);
        assert.equal(related.code, 0);
      });
    }
  });

  test('a cache folder that cannot be written (under a regular file) changes no result and no exit code', async () => {
    const dir = workspace();
    const runs: string[][] = [
      ['search', '--json', 'cloning'],
      ['related', 'caril'],
      ['related', 'noSuchKey'],
      ['search', 'zzzzqqq'],
      ['papers', '--json', 'seeds'],
      ['check', 'seeds'],
      ['bib', 'seeds', 'pasta'],
      ['tags'],
    ];
    useCache();
    const expected: Run[] = [];
    for (const args of runs) expected.push(await cli(args, dir));
    const blocker = path.join(tempFolder('cli-cache-blocked'), 'a-file');
    writeFileSync(blocker, 'not a folder');
    useCache(path.join(blocker, 'cache'));
    for (let round = 0; round < 2; round++) {
      for (const [i, args] of runs.entries()) {
        const run = await cli(args, dir);
        sameAnswer(expected[i], run);
        if (args[0] === 'search' || args[0] === 'related') {
          assert.ok(
            run.debug.some((line) => /cannot write .*ENOTDIR/.test(line)),
            run.debug.join('\n'),
          );
        }
      }
    }
    assert.deepEqual(
      expected.map((run) => run.code),
      [0, 0, 1, 1, 0, 0, 0, 0],
    );
  });

  test('papers on one digest, then on the folder, then search: each run reuses what the others parsed', async () => {
    useCache();
    const dir = workspace();
    const [first] = readdirSync(path.join(dir, 'seeds')).sort();
    const whole = await cli(['papers', '--json', 'seeds'], dir);
    assert.deepEqual(digestLines(whole), ['digest cache: 4 files, 0 reused, 4 parsed']);
    const one = await cli(['papers', path.join('seeds', first)], dir);
    assert.deepEqual(digestLines(one), ['digest cache: 1 file, 1 reused, 0 parsed']);
    const again = await cli(['papers', '--json', 'seeds'], dir);
    assert.deepEqual(digestLines(again), ['digest cache: 4 files, 4 reused, 0 parsed']);
    assert.equal(again.out, whole.out);
    // From another folder, by a relative path: the same entries.
    const fromSeeds = await cli(['papers', '--json', '.'], path.join(dir, 'seeds'));
    assert.deepEqual(digestLines(fromSeeds), ['digest cache: 4 files, 4 reused, 0 parsed']);
    const bib = await cli(['bib', 'seeds'], dir);
    assert.equal(bib.code, ExitCode.ok);
    assert.deepEqual(digestLines(bib), ['digest cache: 4 files, 4 reused, 0 parsed']);
    const check = await cli(['check', 'seeds'], dir);
    assert.deepEqual(digestLines(check), ['digest cache: 4 files, 4 reused, 0 parsed']);
    const search = await cli(['search', 'cloning'], dir);
    assert.deepEqual(digestLines(search), ['digest cache: 4 files, 4 reused, 0 parsed']);
  });

  test('tags reads the library file only, never a digest', async () => {
    useCache();
    const dir = workspace();
    await cli(['papers', 'seeds'], dir);
    await cli(['tag', 'add', 'caril', 'favourite'], dir);
    const tags = await cli(['tags'], dir);
    assert.equal(tags.out, 'favourite\t1\n');
    assert.deepEqual(tags.debug, []);
  });

  test('without MARGINALIA_DEBUG the caches say nothing', async () => {
    useCache();
    const dir = workspace();
    delete process.env.MARGINALIA_DEBUG;
    try {
      for (let i = 0; i < 2; i++) {
        const search = await cli(['search', 'cloning', '--limit', '1'], dir);
        assert.equal(search.code, 0);
        assert.deepEqual(search.debug, []);
        assert.match(search.err, /^1 of \d+ papers shown; --limit N shows more\.\n$/);
      }
    } finally {
      process.env.MARGINALIA_DEBUG = '1';
    }
  });

  test('every one of 150 single bit flips spread over the file, and 300 KB of garbage after it, is a miss', () => {
    const cacheDir = tempFolder('cli-cache-flips');
    const root = tempFolder('cli-cache-flips-root');
    const digest = path.join(root, 'd.txt');
    writeFileSync(digest, 'x');
    const documents = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}`,
      title: `Title ${i} cloning`,
      abstract: `abstract words ${i} policy`,
      tags: [],
      note: '',
    }));
    const state = { index: SearchIndex.build(documents), titleOf: (key: string) => `Title ${key}`, problems: [] };
    const log: string[] = [];
    const cache = new SearchCache(cacheDir, root, [root], { version: 'flips', log: (line) => log.push(line) });
    const signature = cache.sign([digest], [])!;
    cache.hashRacyInputs(signature);
    cache.save(signature, state);
    const intact = readFileSync(cache.file);
    assert.equal(cache.load(cache.sign([digest], [])!)?.titleOf('k1'), 'Title k1');
    const damaged: Buffer[] = [];
    for (let i = 0; i < 150; i++) {
      const bit = Math.floor((i * (intact.length * 8 - 1)) / 149);
      const copy = Buffer.from(intact);
      copy[bit >> 3] ^= 1 << (bit & 7);
      damaged.push(copy);
    }
    damaged.push(Buffer.concat([intact, Buffer.alloc(300_000, 0x61)]), Buffer.concat([intact, Buffer.from('\n')]));
    for (const [i, bytes] of damaged.entries()) {
      writeFileSync(cache.file, bytes);
      log.length = 0;
      assert.equal(cache.load(cache.sign([digest], [])!), null, `damage ${i}`);
      assert.match(log.join('\n'), /building the index/, `damage ${i}`);
    }
    writeFileSync(cache.file, intact);
    assert.equal(cache.load(cache.sign([digest], [])!)?.titleOf('k1'), 'Title k1');
  });

  test('an index written by another build is not believed', () => {
    const cacheDir = tempFolder('cli-cache-build');
    const root = tempFolder('cli-cache-root');
    const digest = path.join(root, 'd.txt');
    writeFileSync(digest, 'x');
    const index = SearchIndex.build([{ key: 'a', title: 'Alpha', abstract: 'alpha beta', tags: [], note: '' }]);
    const state = { index, titleOf: (key: string) => (key === 'a' ? 'Alpha' : ''), problems: [] };
    const older = new SearchCache(cacheDir, root, [root], { version: 'older' });
    const signature = older.sign([digest], [])!;
    older.hashRacyInputs(signature);
    older.save(signature, state);
    assert.equal(older.load(older.sign([digest], [])!)?.titleOf('a'), 'Alpha');
    const log: string[] = [];
    const newer = new SearchCache(cacheDir, root, [root], { version: 'newer', log: (line) => log.push(line) });
    assert.equal(newer.load(newer.sign([digest], [])!), null);
    assert.match(log.join('\n'), /another build/);
  });
});
