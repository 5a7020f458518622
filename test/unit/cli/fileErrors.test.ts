import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { bundleCli } from '../../support/cli';
import { seedsFolder } from '../../support/paths';
import { tempFolder } from '../../support/tempFolders';

// Permissions bind only a user who is not root: as root, the CLI runs as "nobody" (uid 65534), so
// that these tests fail when an unreadable folder still gets through.
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let cli = '';
let cacheDir = '';

/** A folder everyone may enter and write (the CLI may run as nobody). */
function openFolder(prefix: string): string {
  const folder = tempFolder(prefix);
  chmodSync(folder, 0o777);
  return folder;
}

function workspace(): string {
  const root = openFolder('file-errors');
  for (const name of readdirSync(seedsFolder).filter((n) => n.endsWith('.txt'))) copyFileSync(path.join(seedsFolder, name), path.join(root, name));
  return root;
}

function run(args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MARGINALIA_CACHE_DIR: cacheDir, HOME: cacheDir },
    timeout: 60_000,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  assert.equal(result.signal, null, `${args.join(' ')} was killed (a hang): ${result.stderr}`);
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Every stderr line is one sentence for the user: no stack trace, no "unexpected error", no exit 70. */
function assertOneSentencePerProblem(result: { code: number | null; err: string }): void {
  assert.notEqual(result.code, 70, result.err);
  assert.doesNotMatch(result.err, /unexpected error|^\s+at |Please report/m, result.err);
}

describe('files the CLI cannot read are named, one sentence each', () => {
  before(async () => {
    const folder = openFolder('file-errors-cli');
    cli = await bundleCli(folder);
    chmodSync(cli, 0o755);
    cacheDir = openFolder('file-errors-cache');
  });

  test('a FIFO and /dev/zero on the command line are refused at once, and the other digests are read', () => {
    const root = workspace();
    const fifo = path.join(root, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    chmodSync(fifo, 0o666);
    const result = run(['papers', fifo, '/dev/zero', '001_4527b1b50237e4c0.txt'], root);
    assertOneSentencePerProblem(result);
    assert.equal(result.code, 1, result.err);
    assert.match(result.err, /pipe\.txt: error: This is a named pipe \(FIFO\), not a file/);
    assert.match(result.err, /zero: error: This is a device, not a file/);
    assert.match(result.out, /\n49 papers\n$/);
  });

  test('an unreadable subfolder and an unreadable digest are named with their paths; the rest is read', () => {
    const root = workspace();
    mkdirSync(path.join(root, 'locked'));
    copyFileSync(path.join(root, '000_896f7befaa86139f.txt'), path.join(root, 'locked', 'inside.txt'));
    chmodSync(path.join(root, 'locked'), 0o000);
    chmodSync(path.join(root, '002_7de4789b7565d511.txt'), 0o000);
    const result = run(['papers', '.'], root);
    assertOneSentencePerProblem(result);
    assert.equal(result.code, 1, result.err);
    assert.match(result.err, /locked: error: Permission denied; make it readable for your user/);
    assert.match(result.err, /002_7de4789b7565d511\.txt: error: Permission denied/);
    assert.equal(result.err.trim().split('\n').length, 2, result.err);
    assert.match(result.out, /\n\d+ papers\n$/);
  });

  test('a read-only .marginalia folder and an unreadable library file: one sentence with the path, exit 4', () => {
    const root = workspace();
    assert.equal(run(['papers', '.'], root).code, 0);
    const library = path.join(root, '.marginalia');
    chmodSync(path.join(library, 'library.jsonl'), 0o000);
    const unreadable = run(['papers', '.'], root);
    assertOneSentencePerProblem(unreadable);
    assert.equal(unreadable.code, 4);
    assert.match(unreadable.err, new RegExp(`cannot read ${path.join(library, 'library.jsonl').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: permission denied`));
    chmodSync(path.join(library, 'library.jsonl'), 0o666);
    chmodSync(library, 0o555);
    // A new paper needs a new key, which must be saved.
    writeFileSync(
      path.join(root, 'new-digest.txt'),
      'Daily Papers\n\nZebrafish Swarms Learn to Cite\n\nWe study how a swarm of zebrafish learns citation habits from a large corpus of papers.\n',
    );
    const readOnly = run(['papers', '.'], root);
    assertOneSentencePerProblem(readOnly);
    assert.equal(readOnly.code, 4, readOnly.err);
    assert.match(readOnly.err, /cannot write in .*\.marginalia/);
    assert.equal(readOnly.err.trim().split('\n').length, 1, readOnly.err);
  });
});
