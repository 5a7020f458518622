import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_NOTE_TEMPLATE, renderNote } from '../../../src/core/notes/noteText';
import { noteBodyForIndex } from '../../../src/core/search/noteBody';
import { seedPaper } from './searchDocuments';

describe('noteBodyForIndex: what of a note search indexes', () => {
  test('a note made from the default template and not yet written in indexes nothing', () => {
    const paper = seedPaper(/^DynaMo/);
    const note = renderNote(DEFAULT_NOTE_TEMPLATE, { paper, tags: ['robotics'], today: '2026-02-03', sources: ['seeds/a.txt'] });
    assert.match(note, /^---\n[\s\S]*created[\s\S]*\n---\n/);
    assert.equal(noteBodyForIndex(note, paper.title, paper.abstract), '');
  });

  test('what the reader wrote is kept, quotes of parts of the abstract included', () => {
    const paper = seedPaper(/^DynaMo/);
    const template = renderNote(DEFAULT_NOTE_TEMPLATE, { paper, tags: [], today: '2026-02-03', sources: [] });
    const sentence = paper.abstract.split('. ')[0];
    const note = `${template}Pretraining on the robot's own data beats ImageNet features.\n\n> ${sentence}\n`;
    const body = noteBodyForIndex(note, paper.title, paper.abstract);
    assert.equal(body, `Pretraining on the robot's own data beats ImageNet features.\n\n> ${sentence}`);
  });

  test('front matter is dropped only when it is closed; a heading that is not the title stays', () => {
    assert.equal(noteBodyForIndex('---\ntitle: x\ncreated: 2026-01-01\n...\n# Method\ntext', 'Paper', 'Abstract.'), '# Method\ntext');
    assert.equal(noteBodyForIndex('---\ntitle: never closed\ntext', 'Paper', 'Abstract.'), '---\ntitle: never closed\ntext');
    assert.equal(noteBodyForIndex('\uFEFF---\r\nkey: a\r\n---\r\n# Paper\r\nmine', 'Paper', ''), 'mine');
  });
});
