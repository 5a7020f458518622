import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWebviewMessage } from '../../../src/protocol';

describe('the paper view messages of notes and tags', () => {
  test('well-formed messages pass, extra fields dropped', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'openNote', key: 'ignored' }), { type: 'openNote' });
    assert.deepEqual(parseWebviewMessage({ type: 'quoteInNote', text: 'a\nb' }), { type: 'quoteInNote', text: 'a\nb' });
    assert.deepEqual(parseWebviewMessage({ type: 'addTag', tag: 'to-read' }), { type: 'addTag', tag: 'to-read' });
    assert.deepEqual(parseWebviewMessage({ type: 'removeTag', tag: 'rl' }), { type: 'removeTag', tag: 'rl' });
  });

  test('malformed or oversized ones are refused', () => {
    for (const value of [
      { type: 'quoteInNote' },
      { type: 'quoteInNote', text: 42 },
      { type: 'quoteInNote', text: 'x'.repeat(100_001) },
      { type: 'addTag' },
      { type: 'addTag', tag: ['a'] },
      { type: 'removeTag', tag: 'x'.repeat(257) },
    ]) {
      assert.equal(parseWebviewMessage(value), undefined, JSON.stringify(value).slice(0, 80));
    }
  });
});
