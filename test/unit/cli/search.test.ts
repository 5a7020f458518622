import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { runCli as cli } from '../../support/cli';
import { seedsFolder } from '../../support/paths';
import { tempFolder, useCacheFolder } from '../../support/tempFolders';

const seeds = seedsFolder;

// The CLI keeps its caches in a folder of this file's own, never the user's cache.
useCacheFolder('search');

/** A workspace with the seed digests in seeds/, as a user's repository looks. */
function workspace(): string {
  const dir = tempFolder('search-cli');
  cpSync(seeds, path.join(dir, 'seeds'), { recursive: true });
  return dir;
}

interface JsonResult {
  query?: string;
  key?: string;
  total: number;
  hints: string[];
  results: { key: string; title: string; score: number; matches: { word: string; fields: string[] }[] }[];
}

describe('marginalia search and related', () => {
  const dir = workspace();

  test('search prints ranked papers with the words that matched, and exits 0', async () => {
    const { code, out, err } = await cli(['search', 'behavior cloning', '--limit', '3'], dir);
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^\s+\d+\.\d\d {2}\w+ {2}.*Cloning.*\[behavior, cloning\]$/);
    assert.match(err, /3 of \d+ papers shown/);
  });

  test('search --json gives the query, the total, hints and results with scores and matches', async () => {
    const { code, out } = await cli(['search', '--json', 'title:cloning'], dir);
    assert.equal(code, 0);
    const result = JSON.parse(out) as JsonResult;
    assert.equal(result.query, 'title:cloning');
    assert.equal(result.total, 5);
    assert.deepEqual(result.hints, []);
    for (const hit of result.results) {
      assert.match(hit.title, /Cloning/);
      assert.deepEqual(hit.matches, [{ word: 'cloning', fields: ['title'] }]);
      assert.equal(typeof hit.score, 'number');
    }
  });

  test('every query form works from the command line', async () => {
    for (const query of ['imit*', 'cloning~1', '+diffusion -driving', 'diffusion^2 robot']) {
      const { code, out } = await cli(['search', '--json', query], dir);
      assert.equal(code, 0, query);
      assert.ok((JSON.parse(out) as JsonResult).results.length > 0, query);
    }
    // A query that starts with "-" comes after "--".
    const negated = await cli(['search', '--json', '--', '-learning'], dir);
    assert.equal(negated.code, 0);
    assert.ok((JSON.parse(negated.out) as JsonResult).total > 0);
  });

  test('hostile queries get results or a hint, never a crash', async () => {
    for (const query of ['C++: a ~survey', 'title:', '"imitation learning', '***', 'constructor', '\\', 'x'.repeat(20_000)]) {
      const { code, out, err } = await cli(['search', query], dir);
      assert.ok(code === 0 || code === 1, `${query.slice(0, 20)}: exit ${code}`);
      assert.ok(out.length > 0 || err.trim().length > 0, `${query.slice(0, 20)}: said nothing`);
      assert.doesNotMatch(err, /unexpected error|at .*\.ts:\d+/);
    }
    const survey = await cli(['search', 'C++: a ~survey'], dir);
    assert.equal(survey.code, 0);
    assert.match(survey.err, /"C\+\+" is not a field/);
    const nothing = await cli(['search', 'zzzzqqq'], dir);
    assert.equal(nothing.code, 1);
    assert.equal(nothing.out, '');
    assert.match(nothing.err, /No paper matches/);
  });

  test('related lists papers on the same subject, without the paper itself', async () => {
    const { code, out } = await cli(['related', '--json', 'caril'], dir);
    assert.equal(code, 0);
    const result = JSON.parse(out) as JsonResult;
    assert.equal(result.key, 'caril');
    assert.equal(result.results.length, 10);
    assert.ok(!result.results.some((hit) => hit.key === 'caril'));
    assert.match(`${result.results[0].title}`, /Traffic|Driving/);
    const table = await cli(['related', '--limit', '2', 'caril'], dir);
    assert.equal(table.out.trimEnd().split('\n').length, 2);
  });

  test('tags from the library file and notes from notes/KEY.md are searched', async () => {
    const own = workspace();
    assert.equal((await cli(['papers', 'seeds'], own)).code, 0); // saves the keys, which tags need
    assert.equal((await cli(['tag', 'add', 'caril', 'favourite'], own)).code, 0);
    mkdirSync(path.join(own, 'notes'));
    writeFileSync(path.join(own, 'notes', 'thoughtCloning.md'), '---\nkey: thoughtCloning\n---\nCompare with zebrafish locomotion.\n');
    const tagged = JSON.parse((await cli(['search', '--json', 'tags:favourite'], own)).out) as JsonResult;
    assert.deepEqual(
      tagged.results.map((hit) => hit.key),
      ['caril'],
    );
    const noted = JSON.parse((await cli(['search', '--json', 'zebrafish'], own)).out) as JsonResult;
    assert.deepEqual(
      noted.results.map((hit) => [hit.key, hit.matches]),
      [['thoughtCloning', [{ word: 'zebrafish', fields: ['note'] }]]],
    );
  });

  test('related takes any key of a paper, an alias from a merge too', async () => {
    const own = workspace();
    assert.equal((await cli(['papers', 'seeds'], own)).code, 0);
    const caril = JSON.parse((await cli(['papers', '--json', 'seeds'], own)).out).find((paper: { key: string }) => paper.key === 'caril') as { title: string };
    // The line a union merge brings from a clone that gave the paper another key.
    appendFileSync(path.join(own, '.marginalia', 'library.jsonl'), `${JSON.stringify({ key: 'caril2025', title: caril.title })}\n`);
    const byAlias = JSON.parse((await cli(['related', '--json', 'caril2025'], own)).out) as JsonResult;
    const byKey = JSON.parse((await cli(['related', '--json', 'caril'], own)).out) as JsonResult;
    assert.ok(byAlias.results.length > 0);
    assert.deepEqual(
      byAlias.results.map((hit) => hit.key),
      byKey.results.map((hit) => hit.key),
    );
  });

  test('a folder named like a note is no note, and no crash', async () => {
    const own = workspace();
    mkdirSync(path.join(own, 'notes', 'thoughtCloning.md'), { recursive: true });
    const result = await cli(['search', '--json', 'cloning'], own);
    assert.equal(result.code, 0, result.err);
    assert.ok((JSON.parse(result.out) as JsonResult).results.some((hit) => hit.key === 'thoughtCloning'));
  });

  test('wrong usage exits 2, an unknown key 1, a corrupt library file 3', async () => {
    assert.equal((await cli(['search'], dir)).code, 2);
    assert.equal((await cli(['search', '  '], dir)).code, 2);
    assert.equal((await cli(['related'], dir)).code, 2);
    for (const limit of ['0', '-1', 'ten', '1.5', '99999']) assert.equal((await cli(['search', '--limit', limit, 'cloning'], dir)).code, 2, limit);
    const unknown = await cli(['related', 'noSuchKey'], dir);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no paper has the key "noSuchKey"/);
    const empty = tempFolder('search-empty');
    const none = await cli(['search', 'cloning'], empty);
    assert.equal(none.code, 2);
    assert.match(none.err, /no digest could be read/);
    const corrupt = workspace();
    mkdirSync(path.join(corrupt, '.marginalia'));
    writeFileSync(path.join(corrupt, '.marginalia', 'library.json'), '{ not json');
    assert.equal((await cli(['search', 'cloning'], corrupt)).code, 3);
  });

  test('--help documents search and related', async () => {
    const { out } = await cli(['--help'], dir);
    for (const text of ['marginalia search', 'marginalia related', '--limit N', 'title:cloning']) assert.ok(out.includes(text), text);
  });
});
