import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ExitCode } from '../../../src/cli/main';
import { runCli } from '../../support/cli';
import { seedsFolder } from '../../support/paths';
import { tempFolder, useCacheFolder } from '../../support/tempFolders';

const seeds = seedsFolder;

// The CLI keeps its caches in a folder of this file's own, never the user's cache.
useCacheFolder('bib');

const cli = (args: string[], cwd = tempFolder('bib')) => runCli(args, cwd);

const entryKeys = (bibtex: string) => [...bibtex.matchAll(/^@misc\{([^,]+),$/gm)].map((m) => m[1]);

describe('marginalia bib', () => {
  test('--help documents bib and its options', async () => {
    const { out } = await cli(['--help']);
    for (const word of ['marginalia bib', '--tag', '--cited-in', '--csl', 'KEY...']) assert.ok(out.includes(word), word);
  });

  test('without a selector, every seed paper once, sorted by key', async () => {
    const { code, out, err } = await cli(['bib', seeds]);
    assert.equal(code, ExitCode.ok, err);
    const keys = entryKeys(out);
    assert.equal(keys.length, 257);
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => (a < b ? -1 : 1)),
    );
    assert.match(err, /257 entries/);
  });

  test('keys select papers; an unknown key is reported, the others still printed, exit 1', async () => {
    const { code, out, err } = await cli(['bib', 'vpt', seeds, 'pasta', 'noSuchKey']);
    assert.equal(code, ExitCode.problems);
    assert.deepEqual(entryKeys(out), ['pasta', 'vpt']);
    assert.match(err, /no paper in these digests has the key "noSuchKey"/);
  });

  test('--tag selects the tagged papers, --csl prints CSL-JSON with the tag as keyword', async () => {
    // Tagging needs the keys in the library file first.
    const { cwd, code: listed } = await cli(['papers', seeds]);
    assert.equal(listed, ExitCode.ok);
    assert.equal((await cli(['tag', 'add', 'vpt', 'thoughtCloning', 'imitation'], cwd)).code, ExitCode.ok);
    const { code, out } = await cli(['bib', '--csl', '--tag', 'imitation', seeds], cwd);
    assert.equal(code, ExitCode.ok);
    const items = JSON.parse(out) as { id: string; type: string; keyword?: string; title: string }[];
    assert.deepEqual(
      items.map((item) => item.id),
      ['thoughtCloning', 'vpt'],
    );
    assert.ok(items.every((item) => item.type === 'article' && item.keyword === 'imitation'));
  });

  test('--cited-in reads markdown, LaTeX and code comments under a folder, skipping hidden folders', async () => {
    const cwd = tempFolder('bib-cited');
    mkdirSync(path.join(cwd, 'paper', '.hidden'), { recursive: true });
    writeFileSync(path.join(cwd, 'paper', 'notes.md'), 'As [@pasta] shows, and [see @otherBook, p. 3].\n');
    writeFileSync(path.join(cwd, 'paper', 'main.tex'), 'Pretraining \\cite{vpt,thoughtCloning}.\n');
    writeFileSync(path.join(cwd, 'paper', 'train.py'), 'x = "[@notACitation]"  # [@3dDiffusionPolicy] policy\n');
    writeFileSync(path.join(cwd, 'paper', '.hidden', 'skip.md'), '[@actJepa]\n');
    const { code, out, err } = await cli(['bib', '--cited-in', 'paper', seeds], cwd);
    assert.equal(code, ExitCode.ok, err);
    assert.deepEqual(entryKeys(out), ['3dDiffusionPolicy', 'pasta', 'thoughtCloning', 'vpt']);
    assert.match(err, /5 keys cited in 3 files under paper/);
  });

  test('nothing selected is exit 1 with a message and no output; no digest is a usage error', async () => {
    const empty = await cli(['bib', '--tag', 'nobody', seeds]);
    assert.equal(empty.code, ExitCode.problems);
    assert.equal(empty.out, '');
    assert.match(empty.err, /no paper matches; nothing was written/);
    const noDigest = await cli(['bib', 'pasta']);
    assert.equal(noDigest.code, ExitCode.usage);
    assert.match(noDigest.err, /give at least one digest file or folder \("pasta" is not a file or folder, so taken for keys\)/);
  });
});
