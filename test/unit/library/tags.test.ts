import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { ExitCode } from '../../../src/cli/main';
import type { LibraryRecords } from '../../../src/core/library/libraryFile';
import { TagError, parseLibraryFile, serializeLibraryFile } from '../../../src/core/library/libraryFile';
import { bundleCli, runCli as cli } from '../../support/cli';
import { libraryRecords } from '../../support/paperBuilders';
import { tempFolder } from '../../support/tempFolders';

const run = promisify(execFile);

function library(): LibraryRecords {
  return libraryRecords([
    { key: 'pasta', title: 'PASTA: Pretrained Action-State Transformer Agents', tags: [] },
    { key: 'genie2024', title: 'Genie: Generative Interactive Environments', tags: ['world-models'] },
    { key: 'vpt', title: 'Video PreTraining (VPT): Learning to Act', tags: ['rl', 'to-read'] },
  ]);
}

describe('tags in the library file', () => {
  test('add to several papers, reporting only those that changed', () => {
    const records = library();
    assert.deepEqual(records.addTag(['pasta', 'vpt', 'pasta'], 'to-read'), ['pasta']);
    assert.deepEqual(records.get('pasta')?.tags, ['to-read']);
    assert.deepEqual(records.get('vpt')?.tags, ['rl', 'to-read']);
  });

  test('remove', () => {
    const records = library();
    assert.deepEqual(records.removeTag(['vpt', 'genie2024'], 'rl'), ['vpt']);
    assert.deepEqual(records.get('vpt')?.tags, ['to-read']);
  });

  test('rename updates every paper that had the tag and merges with the new name', () => {
    const records = library();
    records.addTag(['genie2024'], 'rl');
    assert.deepEqual(records.renameTag('rl', 'world-models'), ['genie2024', 'vpt']);
    assert.deepEqual(records.get('genie2024')?.tags, ['world-models']);
    assert.deepEqual(records.get('vpt')?.tags, ['to-read', 'world-models']);
    assert.deepEqual(records.tagCounts(), [
      { tag: 'to-read', count: 1 },
      { tag: 'world-models', count: 2 },
    ]);
  });

  test('an invalid tag or an unknown key changes nothing', () => {
    const records = library();
    const before = serializeLibraryFile(records);
    assert.throws(() => records.addTag(['pasta'], 'two words'), TagError);
    assert.throws(() => records.addTag(['pasta'], ''), TagError);
    assert.throws(() => records.addTag(['pasta', 'nosuchkey'], 'rl'), /no paper has the key "nosuchkey"/);
    assert.throws(() => records.renameTag('rl', 'a,b'), TagError);
    assert.equal(serializeLibraryFile(records), before);
  });

  test('tags are written sorted and read back', () => {
    const records = library();
    records.addTag(['pasta'], 'b-tag');
    records.addTag(['pasta'], 'a-tag');
    const text = serializeLibraryFile(records);
    assert.match(
      text,
      /\{"key":"pasta","title":"PASTA: Pretrained Action-State Transformer Agents","tags":\{"a-tag":"2026-06-01T00:00:00.000Z","b-tag":"2026-06-01T00:00:00.000Z"\}\}/,
    );
    assert.deepEqual(parseLibraryFile(text).get('pasta')?.tags, ['a-tag', 'b-tag']);
  });
});

describe('marginalia tag and tags', () => {
  const abstract = 'We propose a method for learning policies from demonstrations and show that it works on many benchmarks, outperforming strong baselines.';

  async function workspace(): Promise<string> {
    const dir = tempFolder('tags');
    writeFileSync(
      path.join(dir, 'digest.txt'),
      `PASTA: Pretrained Action-State Transformer Agents\n\n${abstract}\n\nGenie: Generative Interactive Environments\n\n${abstract}\n`,
    );
    assert.equal((await cli(['papers', 'digest.txt'], dir)).code, ExitCode.ok);
    return dir;
  }

  test('add, rm, rename and list', async () => {
    const dir = await workspace();
    assert.equal((await cli(['tag', 'add', 'pasta', 'genie', 'to-read'], dir)).code, ExitCode.ok);
    assert.equal((await cli(['tag', 'add', 'pasta', 'rl'], dir)).code, ExitCode.ok);
    assert.equal((await cli(['tags'], dir)).out, 'rl\t1\nto-read\t2\n');
    const removed = await cli(['tag', 'rm', 'genie', 'to-read'], dir);
    assert.match(removed.err, /Untagged 1 paper from "to-read"/);
    assert.equal((await cli(['tag', 'rename', 'to-read', 'reading'], dir)).code, ExitCode.ok);
    assert.deepEqual(JSON.parse((await cli(['tags', '--json'], dir)).out), [
      { tag: 'reading', count: 1 },
      { tag: 'rl', count: 1 },
    ]);
  });

  test('an unknown key or a bad tag is reported and changes nothing', async () => {
    const dir = await workspace();
    const file = path.join(dir, '.marginalia', 'library.jsonl');
    const before = readFileSync(file, 'utf8');
    const unknown = await cli(['tag', 'add', 'pasta', 'nosuch', 'rl'], dir);
    assert.equal(unknown.code, ExitCode.problems);
    assert.match(unknown.err, /no paper has the key "nosuch"\. Nothing was changed\./);
    assert.equal((await cli(['tag', 'add', 'pasta', 'two words'], dir)).code, ExitCode.problems);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal((await cli(['tag', 'add', 'rl'], dir)).code, ExitCode.usage);
    assert.equal((await cli(['tag', 'frob', 'pasta', 'rl'], dir)).code, ExitCode.usage);
  });

  test('a corrupt library file is left untouched', async () => {
    const dir = tempFolder('tags-corrupt');
    mkdirSync(path.join(dir, '.marginalia'));
    writeFileSync(path.join(dir, '.marginalia', 'library.jsonl'), '{ "papers": [ oops');
    assert.equal((await cli(['tag', 'add', 'pasta', 'rl'], dir)).code, ExitCode.corruptLibrary);
    assert.equal(readFileSync(path.join(dir, '.marginalia', 'library.jsonl'), 'utf8'), '{ "papers": [ oops');
  });

  test('50 CLI processes tagging the same library at the same time lose nothing', async () => {
    const dir = await workspace();
    const bundle = await bundleCli(dir);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => run(process.execPath, [bundle, 'tag', 'add', '--root', dir, i % 2 ? 'pasta' : 'genie', `tag-${i}`])),
    );
    const records = parseLibraryFile(readFileSync(path.join(dir, '.marginalia', 'library.jsonl'), 'utf8'));
    assert.equal(records.get('pasta')?.tags.length, 25);
    assert.equal(records.get('genie')?.tags.length, 25);
    assert.equal(records.tagCounts().length, 50);
  });

  test('a .marginalia that cannot be written is one sentence naming the path, never a stack trace', async () => {
    const dir = tempFolder('tags-blocked');
    writeFileSync(path.join(dir, 'digest.txt'), `Daily Papers\n\nPASTA: Pretrained Action-State Transformer Agents\n\n${abstract}\n`);
    // A file where the folder should be: ENOTDIR for every user, root included.
    writeFileSync(path.join(dir, '.marginalia'), 'not a folder');
    const result = await cli(['papers', '--root', dir, 'digest.txt'], dir);
    assert.equal(result.code, ExitCode.access);
    assert.equal(result.err.trim().split('\n').length, 1);
    assert.match(result.err, /\.marginalia/);
    assert.doesNotMatch(result.err, /at .*\(|unexpected|report/i);
  });

  test('a lock left by a process that died is taken over at once, with a line saying so', async () => {
    const dir = await workspace();
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('exit', () => resolve(child.pid!));
    });
    writeFileSync(
      path.join(dir, '.marginalia', 'library.jsonl.lock'),
      `${JSON.stringify({ pid: dead, host: hostname(), started: new Date(0).toISOString(), acquired: new Date().toISOString() })}\n`,
    );
    const result = await cli(['tag', 'add', 'pasta', 'rl'], dir);
    assert.equal(result.code, ExitCode.ok, result.err);
    assert.match(result.err, new RegExp(`process ${dead}`));
    assert.deepEqual(parseLibraryFile(readFileSync(path.join(dir, '.marginalia', 'library.jsonl'), 'utf8')).get('pasta')?.tags, ['rl']);
  });
});
