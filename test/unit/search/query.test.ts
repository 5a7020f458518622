import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ALL_FIELDS, hasPhrases, parseQuery } from '../../../src/core/search/query';

describe('query: phrases in double quotes', () => {
  test('a quoted phrase becomes its words, tied to the phrase, with its field, presence and boost', () => {
    const { clauses, phrases, hints } = parseQuery('title:"behavior cloning" robot +"world model"^2 -"closed loop"');
    assert.deepEqual(hints, []);
    assert.deepEqual(phrases, [
      { words: ['behavior', 'cloning'], fields: 1, presence: 'optional', boost: 1 },
      { words: ['world', 'model'], fields: ALL_FIELDS, presence: 'required', boost: 2 },
      { words: ['closed', 'loop'], fields: ALL_FIELDS, presence: 'prohibited', boost: 1 },
    ]);
    assert.deepEqual(
      clauses.map((clause) => [clause.word, clause.phrase]),
      [
        ['behavior', 0],
        ['cloning', 0],
        ['robot', undefined],
        ['world', 1],
        ['model', 1],
        ['closed', 2],
        ['loop', 2],
      ],
    );
    assert.ok(hasPhrases('"behavior cloning"'));
    assert.ok(!hasPhrases('"cloning" behavior'), 'a one-word phrase is the word');
  });

  test('a lone or unclosed quote, or one inside a word, is read as words', () => {
    for (const text of ['"behavior cloning', 'behavior " cloning', 'behavior cloning"', 'behavior"cloning x"']) {
      const { clauses, phrases } = parseQuery(text);
      assert.deepEqual(phrases, [], text);
      assert.deepEqual(
        clauses.map((clause) => clause.word),
        text.includes('x') ? ['behavior', 'cloning', 'x'] : ['behavior', 'cloning'],
        text,
      );
    }
    assert.deepEqual(parseQuery('""'), { clauses: [], phrases: [], hints: [] });
  });

  test('an unknown field before a phrase is a hint, and the phrase is searched everywhere', () => {
    const { phrases, hints } = parseQuery('venue:"behavior cloning"');
    assert.equal(phrases[0].fields, ALL_FIELDS);
    assert.match(hints[0], /"venue" is not a field/);
  });

  test('any text with quotes parses without throwing (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z "+\-:~^*0-9]{0,40}$/), (text) => {
        const { clauses, phrases } = parseQuery(text);
        for (const clause of clauses) if (clause.phrase !== undefined) assert.ok(clause.phrase < phrases.length);
      }),
    );
  });
});
