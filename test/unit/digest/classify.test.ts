/**
 * Which files are digests: the family's own files are, whatever their layout; the text files a
 * research repository holds beside them (a package list, a licence, a build file, a README, a log)
 * are not, and each is told apart with a reason that names what it looks like.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { classifyDigest } from '../../../src/core/digest/classify';
import { parseDigest } from '../../../src/core/digest/parser';
import { SEED_FILES, seedText, variantCorpus } from '../../fixtures/digests/corpus';
import { renderDigest } from '../../fixtures/digests/render';
import { fixturesFolder } from '../../support/paths';

function verdictOf(text: string, file = 'file.txt') {
  return classifyDigest(text, parseDigest(text, file));
}

const NOT_DIGESTS: [file: string, looksLike: RegExp][] = [
  ['requirements.txt', /list of packages/],
  ['LICENSE.txt', /licence/],
  ['CMakeLists.txt', /code or a build file/],
  ['README.txt', /README/],
  ['train.log', /a log/],
];

describe('classifyDigest', () => {
  for (const [file, looksLike] of NOT_DIGESTS) {
    test(`${file} is not a digest, and the reason says what it reads like`, () => {
      const text = readFileSync(join(fixturesFolder, 'not-digests', file), 'utf8');
      // The parser alone makes "papers" of it: that is what the classifier is for.
      assert.ok(parseDigest(text, file).entries.length > 0);
      const verdict = verdictOf(text, file);
      assert.equal(verdict.digest, false);
      assert.match(verdict.digest ? '' : verdict.reason, looksLike);
    });
  }

  test('every seed digest and every fixture digest is a digest', () => {
    for (const name of SEED_FILES) assert.deepEqual(verdictOf(seedText(name), name), { digest: true }, name);
    for (const file of [
      'digests/email-fold-76-crlf.txt',
      'digests/email-textwrap-72.txt',
      'workspace/digests/2024-03-11_daily-papers.txt',
      'hostile/digests/hostile-digest.txt',
    ]) {
      assert.deepEqual(verdictOf(readFileSync(join(fixturesFolder, file), 'utf8'), file), { digest: true }, file);
    }
  });

  test('the family without its header (an e-mail body pasted alone) is a digest when it has enough papers', () => {
    const entries = variantCorpus().slice(0, 6);
    for (const layout of ['blank', 'tight', 'paragraphs'] as const) {
      const { text } = renderDigest(entries, { header: [], layout });
      assert.deepEqual(verdictOf(text), { digest: true }, layout);
    }
  });

  test('one unmarked title and abstract is not enough, but with the digest header it is', () => {
    const [entry] = variantCorpus();
    const alone = renderDigest([{ ...entry, authors: null, submitter: null, date: null, upvotes: null }], { header: [] }).text;
    const verdict = verdictOf(alone);
    assert.equal(verdict.digest, false);
    assert.match(verdict.digest ? '' : verdict.reason, /only 1 of its 1/);
    assert.deepEqual(verdictOf(`Daily Papers\n\n${alone}`), { digest: true });
  });

  test('a README that reads like prose is still told apart by its section headings', () => {
    const readme = [
      'Bimanual Diffusion Policies',
      '',
      'This project collects the code of our experiments with diffusion policies for two robot arms, with every configuration file we used and the scripts that draw the figures of the paper.',
      '',
      'Usage',
      '',
      'Every experiment is a configuration file in the configs folder; the training script reads one and writes its checkpoints beside it, and the evaluation script reads those checkpoints back.',
      '',
    ].join('\n');
    const verdict = verdictOf(readme, 'README.txt');
    assert.equal(verdict.digest, false);
    assert.match(verdict.digest ? '' : verdict.reason, /README/);
  });

  test('a metadata line of the family, even one the parser cannot place, marks a digest', () => {
    const [entry] = variantCorpus();
    const text = `  • 3 authors\n\n${entry.title}\n\n${entry.abstract}\n`;
    assert.deepEqual(verdictOf(text), { digest: true });
  });

  test('a file with no entry at all is not a digest', () => {
    assert.equal(verdictOf('').digest, false);
  });
});
