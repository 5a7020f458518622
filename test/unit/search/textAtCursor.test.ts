import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeBlockAt, commentBlockAt, paragraphAt, textKind } from '../../../src/core/search/textAtCursor';

describe('the text around the cursor', () => {
  const note = [
    '---',
    'key: caril2025',
    'title: "CARIL"',
    '---',
    '',
    '# CARIL',
    '',
    'First line about driving',
    'and its second line.',
    '',
    '## Notes',
    'Diffusion for images.',
  ];

  test('a paragraph is the lines between blank lines and headings, never the front matter', () => {
    assert.deepEqual(paragraphAt(note, 8), { start: 7, end: 8, text: 'First line about driving\nand its second line.' });
    assert.deepEqual(paragraphAt(note, 7), paragraphAt(note, 8));
    assert.equal(paragraphAt(note, 11)?.text, 'Diffusion for images.', 'a heading ends the paragraph above it');
    assert.equal(paragraphAt(note, 10)?.text, '## Notes');
    assert.equal(paragraphAt(note, 1), null, 'inside the front matter');
    assert.equal(paragraphAt(note, 0), null);
    assert.equal(paragraphAt(note, 4), null, 'a blank line');
    assert.equal(paragraphAt(note, 99), null);
    assert.equal(paragraphAt(['Text', '```', 'code'], 0)?.text, 'Text', 'a fence ends a paragraph');
  });

  test('a comment block is the run of comment lines; code lines are not comments', () => {
    const code = [
      'import x',
      '',
      '# Behavioral cloning from',
      '# expert demonstrations.',
      'def train():',
      '    // not python, but a comment line',
      '    return 1',
    ];
    assert.deepEqual(commentBlockAt(code, 3), { start: 2, end: 3, text: '# Behavioral cloning from\n# expert demonstrations.' });
    assert.equal(commentBlockAt(code, 4), null);
    assert.equal(commentBlockAt(['#include <x.h>'], 0), null, 'a C preprocessor line is code');
    assert.equal(commentBlockAt([' * a block comment line', ' */'], 0)?.end, 1);
    assert.equal(codeBlockAt(code, 5)?.start, 2);
    assert.equal(codeBlockAt(code, 1), null);
  });

  test('bibliographies, data, lock files and logs are neither prose nor code', () => {
    for (const [name, language] of [
      ['refs.bib', 'bibtex'],
      ['refs.bib', 'plaintext'],
      ['package.json', 'json'],
      ['package-lock.json', 'json'],
      ['yarn.lock', 'plaintext'],
      ['Cargo.lock', 'toml'],
      ['runs.jsonl', 'plaintext'],
      ['train.log', 'log'],
      ['extension-output-#1', 'log'],
    ]) {
      assert.equal(textKind(name, language), 'other', name);
    }
    assert.equal(textKind('notes/caril2025.md', 'markdown'), 'prose');
    assert.equal(textKind('paper/main.tex', 'latex'), 'prose');
    assert.equal(textKind('src/policy.py', 'python'), 'code');
    assert.equal(textKind('src/blockchain.ts', 'typescript'), 'code', '"lock" inside a word is not a lock file');
  });
});
