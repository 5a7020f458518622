// The library file as a team shares it: two clones of one workspace, each adding digests, tags and
// citations, merged with plain `git merge` (real git, no configuration beyond the committed files).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../../src/cli/main';
import { parseLibraryFile } from '../../../src/core/library/libraryFile';

const ABSTRACT = 'We propose a method for learning policies from demonstrations and show that it works on many benchmarks, outperforming strong baselines.';

/** A digest of these titles, each with the same prose abstract. */
function digestText(titles: string[]): string {
  return `Daily Papers\n\n${titles.map((title) => `${title}\n\n${ABSTRACT}\n`).join('\n')}`;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', '-c', 'pull.rebase=false', ...args],
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...args, '--root', cwd], cwd, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}

/** Title -> key, as `marginalia papers --json` prints them in `cwd`. */
async function keysByTitle(cwd: string): Promise<Map<string, string>> {
  const { out, code } = await cli(cwd, 'papers', '--json', 'digests');
  assert.equal(code, 0);
  return new Map((JSON.parse(out) as { key: string; title: string }[]).map((paper) => [paper.title, paper.key]));
}

async function tag(cwd: string, action: 'add' | 'rm', key: string, name: string): Promise<void> {
  const { code, err } = await cli(cwd, 'tag', action, key, name);
  assert.equal(code, 0, err);
}

function commitAll(cwd: string, message: string): void {
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', message);
}

/** A repository with a base digest, its library and a tag; returns its folder. */
async function origin(titles: string[] | null): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'marginalia-merge-'));
  const repo = path.join(root, 'origin');
  mkdirSync(path.join(repo, 'digests'), { recursive: true });
  git(repo, 'init', '-q');
  writeFileSync(path.join(repo, 'README.md'), '# Reading group\n');
  if (titles) {
    writeFileSync(path.join(repo, 'digests', 'base.txt'), digestText(titles));
    await keysByTitle(repo);
  }
  commitAll(repo, 'base');
  return repo;
}

function clone(repo: string, name: string): string {
  const target = path.join(path.dirname(repo), name);
  git(path.dirname(repo), 'clone', '-q', repo, target);
  return target;
}

/** Merges branch `from` (a clone) into `into` with plain git; asserts that git needed no help. */
function merge(into: string, from: string): void {
  git(into, 'remote', 'add', 'other', from);
  git(into, 'fetch', '-q', 'other');
  const output = git(into, 'merge', '--no-edit', 'other/main');
  assert.doesNotMatch(output, /CONFLICT/);
  assert.equal(git(into, 'diff', '--name-only', '--diff-filter=U'), '');
  for (const name of ['library.jsonl', '.gitattributes']) {
    assert.doesNotMatch(readFileSync(path.join(into, '.marginalia', name), 'utf8'), /^(<{7}|={7}|>{7})/m, name);
  }
}

const GENIE = 'Genie: Generative Interactive Environments';
const GENIE_PLAY = 'Genie: A World Model for Play';
const GENIE_ROBOTS = 'Genie: Robots in the Wild';

describe('two clones merged with plain git merge', () => {
  test('different digests with colliding key stems, tags and citations: no conflict, no key rebound, no tag lost', async () => {
    const repo = await origin([GENIE, 'PASTA: Pretrained Action-State Transformer Agents', 'Thought Cloning: Learning to Think while Acting']);
    await tag(repo, 'add', 'genie', 'world-models');
    await tag(repo, 'add', 'thoughtCloning', 'to-read');
    await tag(repo, 'add', 'pasta', 'to-read');
    commitAll(repo, 'tags');
    const left = clone(repo, 'left');
    const right = clone(repo, 'right');

    writeFileSync(
      path.join(left, 'digests', 'left.txt'),
      digestText([GENIE_PLAY, 'PASTA: Pasta Is All You Need', 'Diffusion Policy: Visuomotor Policy Learning']),
    );
    const leftKeys = await keysByTitle(left);
    await tag(left, 'add', leftKeys.get(GENIE_PLAY)!, 'play');
    await tag(left, 'add', 'genie', 'rl');
    await tag(left, 'rm', 'thoughtCloning', 'to-read');
    mkdirSync(path.join(left, 'notes'));
    writeFileSync(path.join(left, 'notes', 'left.md'), `See [@${leftKeys.get(GENIE_PLAY)}] and [@genie].\n`);
    commitAll(left, 'left work');

    writeFileSync(
      path.join(right, 'digests', 'right.txt'),
      digestText([GENIE_ROBOTS, 'PASTA: Pasta Revisited', 'Consistency Policy: Accelerated Visuomotor Policies']),
    );
    const rightKeys = await keysByTitle(right);
    await tag(right, 'add', rightKeys.get(GENIE_ROBOTS)!, 'robots');
    await tag(right, 'add', 'genie', 'to-read');
    await tag(right, 'add', 'thoughtCloning', 'imitation');
    mkdirSync(path.join(right, 'paper'));
    writeFileSync(path.join(right, 'paper', 'main.tex'), `\\cite{${rightKeys.get(GENIE_ROBOTS)},genie}\n`);
    commitAll(right, 'right work');

    // Colliding stems were settled from each newcomer's own title, so the branches did not clash.
    assert.equal(leftKeys.get(GENIE_PLAY), 'genieWorld');
    assert.equal(rightKeys.get(GENIE_ROBOTS), 'genieRobots');
    assert.notEqual(leftKeys.get('PASTA: Pasta Is All You Need'), rightKeys.get('PASTA: Pasta Revisited'));

    merge(left, right);
    const merged = await keysByTitle(left);
    for (const [title, key] of [...leftKeys, ...rightKeys]) assert.equal(merged.get(title), key, `${key} still names "${title}"`);
    const records = parseLibraryFile(readFileSync(path.join(left, '.marginalia', 'library.jsonl'), 'utf8'));
    assert.deepEqual(records.get('genie')?.tags, ['rl', 'to-read', 'world-models']);
    assert.deepEqual(records.get('genieWorld')?.tags, ['play']);
    assert.deepEqual(records.get('genieRobots')?.tags, ['robots']);
    // Removed on the left, merely kept on the right: removed. Added on the right: there.
    assert.deepEqual(records.get('thoughtCloning')?.tags, ['imitation']);
    assert.deepEqual(records.get('pasta')?.tags, ['to-read']);
    assert.deepEqual(records.disputes(), []);

    // The merge result is a normal library file: the next write leaves it sorted, one line per paper.
    await tag(left, 'add', 'pasta', 'done');
    const lines = readFileSync(path.join(left, '.marginalia', 'library.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    assert.equal(lines.length, merged.size);
    assert.deepEqual([...lines].sort(), lines);
    // And the citations of both branches resolve to their papers in one BibTeX export.
    const bib = await cli(left, 'bib', '--cited-in', '.', 'digests');
    assert.equal(bib.code, 0, bib.err);
    for (const key of ['genie', 'genieWorld', 'genieRobots']) assert.match(bib.out, new RegExp(`^@misc\\{${key},$`, 'm'));
  });

  test('two clones that each start a library from scratch merge without conflict', async () => {
    const repo = await origin(null);
    const left = clone(repo, 'left');
    const right = clone(repo, 'right');
    mkdirSync(path.join(left, 'digests'));
    mkdirSync(path.join(right, 'digests'));
    writeFileSync(path.join(left, 'digests', 'a.txt'), digestText([GENIE, 'PASTA: Pretrained Action-State Transformer Agents']));
    await keysByTitle(left);
    await tag(left, 'add', 'genie', 'rl');
    commitAll(left, 'left');
    writeFileSync(path.join(right, 'digests', 'b.txt'), digestText(['Thought Cloning: Learning to Think while Acting', GENIE]));
    await keysByTitle(right);
    await tag(right, 'add', 'genie', 'to-read');
    commitAll(right, 'right');
    merge(left, right);
    const records = parseLibraryFile(readFileSync(path.join(left, '.marginalia', 'library.jsonl'), 'utf8'));
    assert.equal(records.size, 3);
    assert.deepEqual(records.get('genie')?.tags, ['rl', 'to-read']);
  });

  test('one key given to two new papers on two branches names neither; resolve names both papers and every citing file', async () => {
    const repo = await origin(['Thought Cloning: Learning to Think while Acting']);
    const left = clone(repo, 'left');
    const right = clone(repo, 'right');
    writeFileSync(path.join(left, 'digests', 'left.txt'), digestText([GENIE]));
    assert.equal((await keysByTitle(left)).get(GENIE), 'genie');
    await tag(left, 'add', 'genie', 'rl');
    mkdirSync(path.join(left, 'notes'));
    writeFileSync(path.join(left, 'notes', 'reading.md'), 'Environments from video [@genie].\n');
    commitAll(left, 'left');
    writeFileSync(path.join(right, 'digests', 'right.txt'), digestText([GENIE_PLAY]));
    assert.equal((await keysByTitle(right)).get(GENIE_PLAY), 'genie');
    await tag(right, 'add', 'genie', 'play');
    mkdirSync(path.join(right, 'src'));
    writeFileSync(path.join(right, 'src', 'play.py'), '# [@genie] the world model we reproduce\n');
    commitAll(right, 'right');

    merge(left, right);
    const papers = await cli(left, 'papers', '--json', 'digests');
    assert.match(papers.err, /"genie" named 2 papers after a merge/);
    const merged = new Map((JSON.parse(papers.out) as { key: string; title: string }[]).map((paper) => [paper.title, paper.key]));
    assert.equal(merged.get(GENIE), 'genieGenerative');
    assert.equal(merged.get(GENIE_PLAY), 'genieWorld');
    const records = parseLibraryFile(readFileSync(path.join(left, '.marginalia', 'library.jsonl'), 'utf8'));
    assert.deepEqual(records.get('genieGenerative')?.tags, ['rl']);
    assert.deepEqual(records.get('genieWorld')?.tags, ['play']);
    assert.equal(records.get('genie'), undefined);

    const resolved = await cli(left, 'resolve');
    assert.equal(resolved.code, 1);
    assert.match(
      resolved.out,
      /"genie" named 2 papers after a merge and now names none:\n {2}genieGenerative {2}Genie: Generative Interactive Environments\n {2}genieWorld {2}Genie: A World Model for Play\n/,
    );
    assert.match(resolved.out, /cited at notes\/reading\.md:1/);
    assert.match(resolved.out, /cited at src\/play\.py:1/);
  });
});
