import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { applyTextChange, frontMatterTagsChange, noteWritingOffset } from '../../../src/core/notes/noteEdits';
import { DEFAULT_NOTE_TEMPLATE, readFrontMatter, renderNote } from '../../../src/core/notes/noteText';
import type { Paper } from '../../../src/core/types';

const paper: Paper = {
  key: 'pasta',
  aliases: [],
  title: 'PASTA: Pretrained Action-State Transformer Agents',
  abstract: 'Self-supervised learning has brought about a revolutionary paradigm shift.',
  authors: 7,
  submitter: null,
  date: { year: 2023, month: 7, day: 20 },
  upvotes: 12,
  links: [],
  sources: [{ file: '/w/seeds/a.txt', line: 3 }],
};

/** The text before and after `offset`, to read the cursor's place in a failure. */
function around(text: string, offset: number): string {
  return `${text.slice(0, offset)}|${text.slice(offset)}`;
}

describe('noteWritingOffset', () => {
  test('a note from the default template puts the cursor under "## Notes", one blank line below it', () => {
    const text = renderNote(DEFAULT_NOTE_TEMPLATE, { paper, tags: [], today: '2026-12-01', sources: [] });
    const offset = noteWritingOffset(text);
    assert.ok(around(text, offset).endsWith('## Notes\n\n|'), around(text, offset));
  });

  test('CRLF templates and headings of any level named Notes', () => {
    const text = '---\r\nkey: a\r\n---\r\n\r\n# Title\r\n\r\n### My notes:\r\n\r\n\r\n## Links\r\n';
    assert.equal(around(text, noteWritingOffset(text)), '---\r\nkey: a\r\n---\r\n\r\n# Title\r\n\r\n### My notes:\r\n\r\n|\r\n## Links\r\n');
  });

  test('text the template put under the heading: the cursor goes to its end', () => {
    const text = '# Title\n\n## Notes\n\n- \n\n## Questions\n';
    assert.equal(around(text, noteWritingOffset(text)), '# Title\n\n## Notes\n\n- |\n\n## Questions\n');
  });

  test('a heading followed at once by another heading, or ending the file, leaves the cursor at its end', () => {
    assert.equal(around('## Notes\n## Next\n', noteWritingOffset('## Notes\n## Next\n')), '## Notes|\n## Next\n');
    assert.equal(around('# T\n## Notes', noteWritingOffset('# T\n## Notes')), '# T\n## Notes|');
  });

  test('without a notes heading the cursor goes to the end; a "Notes" in front matter or fenced code does not count', () => {
    const text = '---\ntitle: "## Notes"\n---\n# Lecture notes on X\n\n```\n## Notes\n```\nwrite here';
    assert.equal(noteWritingOffset(text), text.length);
  });
});

describe('frontMatterTagsChange', () => {
  const note = (frontMatter: string, body = '\n# Title\n\n> quote\n\n## Notes\n\nMy own text, tags: [keep] ---\n') => `---\n${frontMatter}---\n${body}`;

  test('an empty flow list becomes a block list of the tags, as a new note would have it; nothing else changes', () => {
    const text = note('key: pasta\ntitle: "PASTA"\ntags: []\nsource: seeds/a.txt\n');
    const change = frontMatterTagsChange(text, ['to-read', 'rl']);
    assert.ok(change);
    const after = applyTextChange(text, change);
    assert.equal(after, note('key: pasta\ntitle: "PASTA"\ntags:\n  - to-read\n  - rl\nsource: seeds/a.txt\n'));
    assert.deepEqual(readFrontMatter(after)?.tags, ['to-read', 'rl']);
  });

  test('a block list keeps its indentation; removing every tag writes []', () => {
    const text = note('key: pasta\ntags:\n    - old\n    - other # mine\ncreated: 2026-12-01\n');
    const added = applyTextChange(text, frontMatterTagsChange(text, ['old', 'new'])!);
    assert.equal(added, note('key: pasta\ntags:\n    - old\n    - new\ncreated: 2026-12-01\n'));
    const cleared = applyTextChange(added, frontMatterTagsChange(added, [])!);
    assert.equal(cleared, note('key: pasta\ntags: []\ncreated: 2026-12-01\n'));
  });

  test('a flow list stays a flow list; tags YAML would misread are quoted', () => {
    const text = note('tags: [a]\n');
    const after = applyTextChange(text, frontMatterTagsChange(text, ['a', 'true', '#x'])!);
    assert.equal(after, note('tags: [a, "true", "#x"]\n'));
    assert.deepEqual(parse(after.split('---\n')[1]).tags, ['a', 'true', '#x']);
  });

  test('CRLF notes get CRLF lines; a bare "tags:" and a scalar are replaced by a list', () => {
    const text = '---\r\nkey: a\r\ntags:\r\nurl: x\r\n---\r\nbody\r\n';
    assert.equal(applyTextChange(text, frontMatterTagsChange(text, ['b'])!), '---\r\nkey: a\r\ntags:\r\n  - b\r\nurl: x\r\n---\r\nbody\r\n');
    const scalar = note('tags: one\n');
    assert.equal(applyTextChange(scalar, frontMatterTagsChange(scalar, ['one', 'two'])!), note('tags:\n  - one\n  - two\n'));
  });

  test('no change when the tags are the same (in any order), when there is no tags field, no front matter, or it does not parse', () => {
    assert.equal(frontMatterTagsChange(note('tags: [b, a]\n'), ['a', 'b']), null);
    assert.equal(frontMatterTagsChange(note('tags: []\n'), []), null);
    assert.equal(frontMatterTagsChange(note('key: a\n'), ['a']), null);
    assert.equal(frontMatterTagsChange('# no front matter\ntags: []\n', ['a']), null);
    assert.equal(frontMatterTagsChange(note('tags: [a\nkey: : :\n'), ['a']), null);
    assert.equal(frontMatterTagsChange(note('- a list\n- not a map\n'), ['a']), null);
  });

  test('the body and the other front matter bytes are byte-identical after any change', () => {
    const body = '\n# T\r\n\ttabs, trailing spaces   \n\u00e9\u{1f600}\n---\ntags: [not, front, matter]\n';
    const text = `\ufeff---\nkey: a # comment\ntags:\n  - x\nz: 1\n---\n${body}`;
    const change = frontMatterTagsChange(text, ['y'])!;
    const after = applyTextChange(text, change);
    assert.ok(after.endsWith(`z: 1\n---\n${body}`));
    assert.ok(after.startsWith('\ufeff---\nkey: a # comment\ntags:'));
    assert.equal(after, `\ufeff---\nkey: a # comment\ntags:\n  - y\nz: 1\n---\n${body}`);
  });
});
