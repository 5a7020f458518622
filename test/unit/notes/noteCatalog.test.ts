import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NoteCatalog } from '../../../src/core/notes/noteCatalog';

/** A catalog over POSIX paths with the notes folder /ws/notes. */
function catalog(files: Record<string, string | undefined>, folder = '/ws/notes'): NoteCatalog {
  const result = new NoteCatalog('/', () => folder);
  for (const [file, key] of Object.entries(files)) result.set(file, key);
  return result;
}

describe('note catalog', () => {
  test('the default file is the note unless it names another key; else the first file naming the key', () => {
    const notes = catalog({
      '/ws/notes/pasta.md': undefined,
      '/ws/notes/soup.md': 'bread',
      '/ws/reading/z.md': 'soup',
      '/ws/reading/a/deep.md': 'soup',
      '/ws/notes/rice.md': 'rice',
      '/ws/other/rice.md': 'rice',
    });
    assert.equal(notes.noteFileOf('pasta'), '/ws/notes/pasta.md');
    assert.equal(notes.noteFileOf('soup'), '/ws/reading/a/deep.md');
    assert.equal(notes.noteFileOf('bread'), '/ws/notes/soup.md');
    assert.equal(notes.noteFileOf('rice'), '/ws/notes/rice.md');
    assert.equal(notes.noteFileOf('nothing'), undefined);
  });

  test("a file named like a key outside the notes folder, or below it, is not that key's note", () => {
    const notes = catalog({ '/ws/pasta.md': undefined, '/ws/notes/sub/rice.md': undefined, '/ws/notes-old/soup.md': undefined });
    assert.equal(notes.noteFileOf('pasta'), undefined);
    assert.equal(notes.noteFileOf('rice'), undefined);
    assert.equal(notes.noteFileOf('soup'), undefined);
    assert.deepEqual([...notes.keysWithNotes()], []);
    assert.deepEqual([...notes.everyKey()].sort(), ['pasta', 'rice', 'soup']);
  });

  test("a paper's note is the note of its key, else of its first alias that has one", () => {
    const notes = catalog({ '/ws/notes/old.md': undefined, '/ws/x.md': 'older' });
    assert.equal(notes.noteFile(['new', 'old', 'older']), '/ws/notes/old.md');
    assert.equal(notes.noteFile(['new', 'older']), '/ws/x.md');
    assert.equal(notes.noteFile(['new']), undefined);
  });

  test('keys of a file, keys with notes, and forgetting a file', () => {
    const notes = catalog({ '/ws/notes/pasta.md': 'soup', '/ws/x.md': 'rice' });
    assert.deepEqual(notes.keysOf('/ws/notes/pasta.md'), ['soup', 'pasta']);
    assert.deepEqual([...notes.keysWithNotes()].sort(), ['pasta', 'rice', 'soup']);
    assert.deepEqual(notes.size, { files: 2, named: 2 });
    notes.delete('/ws/x.md');
    assert.equal(notes.noteFileOf('rice'), undefined);
    notes.set('/ws/notes/pasta.md', undefined);
    assert.equal(notes.noteFileOf('soup'), undefined);
    assert.equal(notes.noteFileOf('pasta'), '/ws/notes/pasta.md');
  });

  test('keys that cannot be file names have no default file; no folder, no default file either', () => {
    assert.equal(catalog({}).defaultNoteFile('../etc/passwd'), undefined);
    assert.equal(catalog({}).defaultNoteFile('pasta'), '/ws/notes/pasta.md');
    assert.equal(new NoteCatalog('/', () => undefined).defaultNoteFile('pasta'), undefined);
    assert.equal(new NoteCatalog('\\', () => 'C:\\ws\\notes').defaultNoteFile('pasta'), 'C:\\ws\\notes\\pasta.md');
  });

  test('knows which files it has read, with or without a key', () => {
    const notes = catalog({ '/ws/notes/a.md': 'a', '/ws/x.md': undefined });
    assert.equal(notes.has('/ws/notes/a.md'), true);
    assert.equal(notes.has('/ws/x.md'), true);
    assert.equal(notes.has('/ws/notes/b.md'), false);
    assert.deepEqual([...notes.knownFiles()].sort(), ['/ws/notes/a.md', '/ws/x.md']);
    notes.delete('/ws/x.md');
    assert.deepEqual([...notes.knownFiles()], ['/ws/notes/a.md']);
  });
});
