import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BUILD_FOLDERS,
  IGNORED_FOLDERS,
  IGNORED_FOLDERS_GLOB,
  IGNORED_FOLDER_GLOBS,
  MAX_SCANNED_BYTES,
  SOURCE_BUILD_FOLDERS,
  isInIgnoredFolder,
  walksInto,
} from '../../src/core/workspaceFiles';

describe('workspace file rules', () => {
  test("the ignored folders are the tools' folders, as names, globs and one exclude glob", () => {
    assert.deepEqual([...IGNORED_FOLDERS].sort(), ['.git', '.hg', '.marginalia', '.svn', '.vscode-test', 'node_modules']);
    assert.deepEqual(
      IGNORED_FOLDER_GLOBS,
      [...IGNORED_FOLDERS].map((name) => `**/${name}/**`),
    );
    assert.equal(IGNORED_FOLDERS_GLOB, `{${IGNORED_FOLDER_GLOBS.join(',')}}`);
    assert.ok(IGNORED_FOLDERS_GLOB.includes('**/node_modules/**') && IGNORED_FOLDERS_GLOB.includes('**/.marginalia/**'));
  });

  test('a path inside an ignored folder is ignored, with either separator; a name that only contains one is not', () => {
    assert.equal(isInIgnoredFolder('/work/repo/node_modules/pkg/README.md'), true);
    assert.equal(isInIgnoredFolder('C:\\work\\repo\\.git\\HEAD'), true);
    assert.equal(isInIgnoredFolder('/work/repo/.marginalia/library.jsonl'), true);
    assert.equal(isInIgnoredFolder('/work/repo/notes/node_modules.md'), false);
    assert.equal(isInIgnoredFolder('/work/repo/my.git/notes/a.md'), false);
    assert.equal(isInIgnoredFolder('/work/repo/.github/notes.md'), false);
  });

  test('folder walks skip hidden, ignored and build folders; source walks skip source builds too', () => {
    for (const name of ['.git', '.cache', 'node_modules', 'dist', 'out']) assert.equal(walksInto(name), false, name);
    for (const name of ['notes', 'seeds', 'build', '__pycache__', 'outputs']) assert.equal(walksInto(name), true, name);
    for (const name of ['build', '__pycache__', 'dist', 'node_modules', '.venv']) assert.equal(walksInto(name, SOURCE_BUILD_FOLDERS), false, name);
    assert.equal(walksInto('src', SOURCE_BUILD_FOLDERS), true);
    for (const name of BUILD_FOLDERS) assert.ok(SOURCE_BUILD_FOLDERS.has(name), name);
  });

  test("one size limit for scanned files, the extension's 2 MiB", () => {
    assert.equal(MAX_SCANNED_BYTES, 2 * 1024 * 1024);
  });
});
