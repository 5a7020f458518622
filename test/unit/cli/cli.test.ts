import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, truncateSync, copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ExitCode } from '../../../src/cli/main';
import { runCli as cli } from '../../support/cli';
import { seedsFolder } from '../../support/paths';
import { tempFolder, useCacheFolder } from '../../support/tempFolders';

const seeds = seedsFolder;

// The CLI keeps its caches in a folder of this file's own, never the user's cache.
useCacheFolder('cli');

const abstract =
  'We propose a method for learning policies from demonstrations and show that it works on many benchmarks, outperforming strong baselines by a wide margin while using less data.';

describe('marginalia CLI', () => {
  test('--help documents the commands and exit codes', async () => {
    const { code, out } = await cli(['--help']);
    assert.equal(code, ExitCode.ok);
    for (const word of ['papers', 'check', '--json', '--root', 'Exit codes', 'library.jsonl']) assert.ok(out.includes(word), word);
  });

  test('papers --json prints the deduplicated seed papers with exactly the documented fields', async () => {
    const { code, out, cwd } = await cli(['papers', '--json', seeds]);
    assert.equal(code, ExitCode.ok);
    const papers = JSON.parse(out) as Record<string, unknown>[];
    assert.equal(papers.length, 257);
    for (const paper of papers) {
      assert.deepEqual(Object.keys(paper), ['key', 'aliases', 'title', 'abstract', 'authors', 'submitter', 'date', 'upvotes', 'links', 'sources']);
    }
    const dynamo = papers.find((p) => p.title === 'DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control');
    assert.deepEqual(dynamo?.date, { year: 2024, month: 9, day: 18 });
    assert.equal(dynamo?.upvotes, 3);
    assert.equal(dynamo?.authors, 5);
    assert.deepEqual(dynamo?.links, ['https://dynamo-ssl.github.io']);
    // The keys were saved, so a second run gives the same keys.
    const saved = readFileSync(path.join(cwd, '.marginalia', 'library.jsonl'), 'utf8');
    assert.equal((saved.match(/"key"/g) ?? []).length, 257);
    const again = JSON.parse((await cli(['papers', '--json', path.join(seeds, '003_633ab4c5ca64d127.txt')], cwd)).out) as { key: string; title: string }[];
    for (const paper of again) assert.equal(papers.find((p) => p.title === paper.title)?.key, paper.key);
  });

  test('papers prints a table by default', async () => {
    const { code, out } = await cli(['papers', path.join(seeds, '001_4527b1b50237e4c0.txt')]);
    assert.equal(code, ExitCode.ok);
    assert.match(out, /^KEY\s+DATE\s+AUTHORS\s+UPVOTES\s+SOURCES\s+TITLE/);
    assert.match(out, /learningLipschitzFeedback\s+2021-03-30\s+3\s+1\s+Learning Lipschitz/);
    assert.match(out, /\n49 papers\n$/);
  });

  test('--read-only saves no keys', async () => {
    const { code, cwd } = await cli(['papers', '--read-only', seeds]);
    assert.equal(code, ExitCode.ok);
    assert.throws(() => readFileSync(path.join(cwd, '.marginalia', 'library.jsonl')));
  });

  test('bad paths get a clear message and the other inputs are still processed', async () => {
    const dir = tempFolder('bad');
    mkdirSync(path.join(dir, 'empty-folder'));
    writeFileSync(path.join(dir, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    writeFileSync(path.join(dir, 'huge.txt'), '');
    truncateSync(path.join(dir, 'huge.txt'), 129 * 1024 * 1024);
    writeFileSync(path.join(dir, 'empty.txt'), '');
    writeFileSync(path.join(dir, 'good.txt'), `Daily Papers\n\nA Good Paper\n\n${abstract}\n`);
    writeFileSync(path.join(dir, 'requirements.txt'), 'numpy==1.24.4\ntorch>=2.1.0\ntransformers==4.38.2\n');
    const { code, out, err } = await cli(
      ['papers', '--json', 'missing.txt', 'empty-folder', 'binary.txt', 'huge.txt', 'empty.txt', 'requirements.txt', 'good.txt'],
      dir,
    );
    assert.equal(code, ExitCode.problems);
    assert.deepEqual(
      (JSON.parse(out) as { title: string }[]).map((p) => p.title),
      ['A Good Paper'],
    );
    assert.match(err, /missing\.txt: error: No such file or folder/);
    assert.match(err, /empty-folder: error: No digests in this folder/);
    assert.match(err, /binary\.txt: error: This is a binary file/);
    assert.match(err, /requirements\.txt: info: It reads like a list of packages, not a Daily Papers digest, so it gives no papers\./);
    assert.match(err, /huge\.txt: error: The file is 129\.0 MiB, over the 128\.0 MiB/);
    assert.match(err, /empty\.txt: warning: The file is empty/);
  });

  test('nothing readable at all is a usage error', async () => {
    const { code, err } = await cli(['papers', 'nowhere']);
    assert.equal(code, ExitCode.usage);
    assert.match(err, /no digest could be read/);
  });

  test('check lists unplaced lines with file and line, and exits 1', async () => {
    const dir = tempFolder('check');
    writeFileSync(path.join(dir, 'digest.txt'), `  • 3 authors\n\nA Paper Title\n\n${abstract}\n\nA Title Without Abstract\n\nAnother Paper\n\n${abstract}\n`);
    const { code, out } = await cli(['check', 'digest.txt'], dir);
    assert.equal(code, ExitCode.problems);
    assert.match(out, /^digest\.txt:1: warning: An authors line/m);
    assert.match(out, /^digest\.txt:7: warning: No abstract follows the title "A Title Without Abstract"/m);
  });

  test('check on the seeds finds nothing and exits 0', async () => {
    const { code, out, err } = await cli(['check', seeds]);
    assert.equal(out, '');
    assert.match(err, /4 digests, 327 entries, 0 diagnostics/);
    assert.equal(code, ExitCode.ok);
  });

  test('a corrupt library file is reported, left untouched, and exits 3', async () => {
    const dir = tempFolder('corrupt');
    mkdirSync(path.join(dir, '.marginalia'));
    writeFileSync(path.join(dir, '.marginalia', 'library.json'), '{ not json');
    copyFileSync(path.join(seeds, '000_896f7befaa86139f.txt'), path.join(dir, 'd.txt'));
    const { code, err } = await cli(['papers', 'd.txt'], dir);
    assert.equal(code, ExitCode.corruptLibrary);
    assert.match(err, /not a valid library file .*left untouched/);
    assert.equal(readFileSync(path.join(dir, '.marginalia', 'library.json'), 'utf8'), '{ not json');
  });

  test('unknown commands and options are usage errors', async () => {
    assert.equal((await cli(['frobnicate'])).code, ExitCode.usage);
    assert.equal((await cli(['papers', '--bogus', seeds])).code, ExitCode.usage);
    assert.equal((await cli(['papers'])).code, ExitCode.usage);
  });
});
