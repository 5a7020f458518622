/** Reading the reader's .bib files with citation-js: macros, crossref, accents, keys verbatim, and broken entries on their lines. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readBibliography } from '../../../../src/node/bib/bibFiles';
import { fixturesFolder } from '../../../support/paths';

const PROJECT = path.join(fixturesFolder, 'latex-project');

function lineOf(text: string, start: string): number {
  return text.split('\n').findIndex((line) => line.startsWith(start)) + 1;
}

describe('readBibliography', () => {
  test('a hand-kept bibliography: @string macros, a crossref, accents and braces, each entry at its line', () => {
    const file = path.join(PROJECT, 'references.bib');
    const text = readFileSync(file, 'utf8');
    const { entries, diagnostics } = readBibliography(text, file);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      entries.map((entry) => [entry.key, entry.type, entry.line]),
      [
        ['chi2023diffusion', 'inproceedings', lineOf(text, '@inproceedings{chi2023diffusion')],
        ['Mueller:2021:LSTM', 'article', lineOf(text, '@article{Mueller')],
        ['corl2022', 'proceedings', lineOf(text, '@proceedings{corl2022')],
        ['zhao2022-aloha', 'inproceedings', lineOf(text, '@inproceedings{zhao2022-aloha')],
        ['marginalia-notes', 'misc', lineOf(text, '@misc{marginalia-notes')],
      ],
    );
    const byKey = new Map(entries.map((entry) => [entry.key, entry]));
    const mueller = byKey.get('Mueller:2021:LSTM')!;
    assert.equal(mueller.title, 'On the LSTM Gradient: A Monte Carlo Study of École-Style Training');
    assert.deepEqual(mueller.authors, ['Jörg Müller', 'María García', 'Søren Østergaard']);
    assert.equal(mueller.venue, 'Journal of Machine Learning Research');
    assert.equal(mueller.year, 2021);
    assert.equal(byKey.get('chi2023diffusion')!.venue, 'Robotics: Science and Systems');
    // Inherited through crossref.
    const zhao = byKey.get('zhao2022-aloha')!;
    assert.equal(zhao.venue, 'Proceedings of the 6th Conference on Robot Learning');
    assert.equal(zhao.year, 2022);
    assert.deepEqual(byKey.get('marginalia-notes')!.links, ['https://arxiv.org/abs/2403.01234']);
  });

  test('a broken entry is an error on its line; the entries before and after it are read', () => {
    const file = path.join(PROJECT, 'broken.bib');
    const text = readFileSync(file, 'utf8');
    const { entries, diagnostics } = readBibliography(text, file);
    assert.deepEqual(
      entries.map((entry) => entry.key),
      ['intactBefore2020', 'intactAfter2022'],
    );
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].line, lineOf(text, '@article{brokenEntry2021'));
    assert.equal(diagnostics[0].severity, 'error');
    assert.match(diagnostics[0].message, /^This entry does not parse \(.+\), so its key is unknown; check its braces, quotes and commas\.$/);
  });

  test('text that is no bibliography at all gives nothing and never throws', () => {
    assert.deepEqual(readBibliography('', 'empty.bib'), { entries: [], diagnostics: [] });
    const { entries } = readBibliography('just some words\n@@@ {{{', 'junk.bib');
    assert.deepEqual(entries, []);
  });
});
