import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { NoteCatalog } from '../../../src/core/notes/noteCatalog';
import { listMarkdownFiles, readNoteFileKey, readWorkspaceNotes } from '../../../src/node/notes/workspaceNotes';
import { runCli as cli } from '../../support/cli';
import { seedsFolder } from '../../support/paths';
import { tempFolder, useCacheFolder } from '../../support/tempFolders';

useCacheFolder('notes');

function write(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

/**
 * A workspace whose notes are where only the extension's rule finds them: a notes folder set in
 * `.vscode/settings.json` (with comments), a nested note named by its front matter, and markdown
 * files that are no note (in the default folder the setting replaced, a README, an ignored folder,
 * a sub-folder of the notes folder).
 */
function workspace(): string {
  const root = tempFolder('notes-cli');
  cpSync(seedsFolder, path.join(root, 'seeds'), { recursive: true });
  write(root, '.vscode/settings.json', '{\n  // Reading notes live with the docs.\n  "marginalia.notes.folder": "docs/reading",\n}\n');
  write(root, 'docs/reading/thoughtCloning.md', 'Compare with alphaword locomotion.\n');
  write(root, 'projects/robots/week 3/thoughts.md', '---\nkey: manipulateBySeeing\n---\nbetaword and more.\n');
  write(root, 'notes/generalizationGapOffline.md', 'gammaword in the old default folder.\n');
  write(root, 'README.md', 'deltaword: chainThoughtImitation is no note.\n');
  write(root, 'docs/reading/sub/chainThoughtImitation.md', 'epsilonword below the notes folder.\n');
  write(root, 'node_modules/pkg/notes.md', '---\nkey: imitationRefinementResidual\n---\nzetaword in an ignored folder.\n');
  write(root, '.obsidian/hidden.md', '---\nkey: imitationRefinementResidual\n---\netaword in a hidden folder.\n');
  return root;
}

const searches = {
  alphaword: ['thoughtCloning'],
  betaword: ['manipulateBySeeing'],
  gammaword: [],
  deltaword: [],
  epsilonword: [],
  zetaword: [],
  etaword: ['imitationRefinementResidual'],
};

describe('the CLI finds the notes the extension finds', () => {
  test('search indexes the notes of the shared rule: the configured folder, front matter anywhere, nothing else', async () => {
    const root = workspace();
    for (const [word, keys] of Object.entries(searches)) {
      const result = await cli(['search', '--json', word], root);
      assert.deepEqual(
        (JSON.parse(result.out) as { results: { key: string }[] }).results.map((hit) => hit.key),
        keys,
        word,
      );
      assert.equal(result.code, keys.length > 0 ? 0 : 1, word);
    }
  });

  test("the files the CLI reads are those the extension's index would record, with the same note per paper", async () => {
    const root = workspace();
    const files = await listMarkdownFiles(root);
    // What the extension's findFiles(NOTE_FILE_GLOB, IGNORED_FOLDERS_GLOB) lists in this workspace.
    const expected = [
      '.obsidian/hidden.md',
      'README.md',
      'docs/reading/sub/chainThoughtImitation.md',
      'docs/reading/thoughtCloning.md',
      'notes/generalizationGapOffline.md',
      'projects/robots/week 3/thoughts.md',
    ].map((file) => path.join(root, file));
    assert.deepEqual(files, expected);
    // The extension's NoteIndex fills a catalog like this from the settings VS Code read.
    const extension = new NoteCatalog(path.sep, () => path.join(root, 'docs', 'reading'));
    for (const file of expected) extension.set(file, await readNoteFileKey(file));
    const cliCatalog = await readWorkspaceNotes(root, files, (line) => assert.fail(line));
    const keys = ['thoughtCloning', 'manipulateBySeeing', 'generalizationGapOffline', 'chainThoughtImitation', 'imitationRefinementResidual'];
    for (const key of keys) assert.equal(cliCatalog.noteFileOf(key), extension.noteFileOf(key), key);
    assert.deepEqual([...cliCatalog.keysWithNotes()].sort(), [...extension.keysWithNotes()].sort());
  });

  test('a changed note setting or a new note anywhere is seen by the next search, not answered from the cache', async () => {
    const root = workspace();
    assert.equal((await cli(['search', 'gammaword'], root)).code, 1);
    write(root, '.vscode/settings.json', '{ "marginalia.notes.folder": "notes" }\n');
    assert.equal((await cli(['search', 'gammaword'], root)).code, 0);
    write(root, 'elsewhere/new.md', '---\nkey: chainThoughtImitation\n---\nthetaword\n');
    const found = await cli(['search', '--json', 'thetaword'], root);
    assert.deepEqual(
      (JSON.parse(found.out) as { results: { key: string }[] }).results.map((hit) => hit.key),
      ['chainThoughtImitation'],
    );
  });

  test('a notes folder outside the workspace falls back to notes/, with a warning', async () => {
    const root = workspace();
    write(root, '.vscode/settings.json', '{ "marginalia.notes.folder": "../elsewhere" }\n');
    const result = await cli(['search', 'gammaword'], root);
    assert.equal(result.code, 0);
    assert.match(result.err, /leads outside the workspace; using "notes"/);
  });
});
