import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isHostMessage,
  isWebviewMessageOf,
  parseWebviewMessage,
  sectionOf,
  type MessageGroup,
  type SectionName,
  type WebviewMessage,
  type WebviewMessageOf,
} from '../../../src/protocol';

/** One well-formed message of every webview type, with the group that must handle it. */
const BY_GROUP: [MessageGroup, WebviewMessage][] = [
  ['paper', { type: 'ready' }],
  ['paper', { type: 'pin' }],
  ['paper', { type: 'openLink', url: 'https://x.io' }],
  ['paper', { type: 'revealInDigest', file: '/ws/a.txt', line: 3 }],
  ['paper', { type: 'copyKey', key: 'dynamo' }],
  ['paper', { type: 'copyBibtex', key: 'dynamo' }],
  ['paper', { type: 'openCode', key: 'dynamo' }],
  ['notes', { type: 'openNote' }],
  ['notes', { type: 'quoteInNote', text: 'a quote' }],
  ['tags', { type: 'addTag', tag: 'rl' }],
  ['tags', { type: 'removeTag', tag: 'rl' }],
  ['citedIn', { type: 'openCitation', file: 'file:///ws/notes.md', line: 2 }],
  ['citedIn', { type: 'insertCitation' }],
  ['citedIn', { type: 'copyCitation' }],
  ['citedIn', { type: 'findCitations' }],
  ['related', { type: 'openPaper', key: 'dynamo' }],
];

describe('the paper view messages by group', () => {
  test('each webview message is read back and belongs to its group only', () => {
    const groups: MessageGroup[] = ['paper', 'notes', 'tags', 'citedIn', 'related'];
    for (const [group, message] of BY_GROUP) {
      const parsed = parseWebviewMessage({ ...message, extra: '<b>' });
      assert.deepEqual(parsed, message);
      assert.deepEqual(
        groups.filter((candidate) => isWebviewMessageOf(message, candidate)),
        [group],
        message.type,
      );
    }
  });

  test("a section message names its section; the page's own messages are no section's", () => {
    for (const [group, message] of BY_GROUP) {
      if (group === 'paper') assert.throws(() => sectionOf(message as WebviewMessageOf<SectionName>), message.type);
      else assert.equal(sectionOf(message as WebviewMessageOf<SectionName>), group, message.type);
    }
  });

  test('the page takes the host message types and nothing else', () => {
    for (const type of [
      'didLoadPaper',
      'didRemovePaper',
      'didChangePreview',
      'didLoadNote',
      'didRequestQuote',
      'didLoadTags',
      'didUpdateCitedIn',
      'didLoadRelated',
    ]) {
      assert.ok(isHostMessage({ type }), type);
    }
    for (const value of [null, 'didLoadPaper', [], {}, { type: 'toString' }, { type: 'constructor' }, { type: 'ready' }, { type: 7 }]) {
      assert.equal(isHostMessage(value), false, JSON.stringify(value));
    }
  });
});
