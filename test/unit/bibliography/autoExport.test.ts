/** The auto-export's rules: the scope setting, the file's text, when a file may be replaced, and where it may be. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTO_EXPORT_MARKER, autoExportAction, autoExportPath, autoExportText, parseAutoExportScope } from '../../../src/core/bibliography/autoExport';

test('parseAutoExportScope: cited by default, all, tag:NAME, and a clear error otherwise', () => {
  assert.deepEqual(parseAutoExportScope(undefined), { kind: 'cited' });
  assert.deepEqual(parseAutoExportScope('all'), { kind: 'all' });
  assert.deepEqual(parseAutoExportScope('tag:to-read'), { kind: 'tag', tag: 'to-read' });
  assert.deepEqual(parseAutoExportScope('everything'), { error: 'marginalia.autoExport.papers is "everything"; use "cited", "all" or "tag:NAME".' });
});

test('the text starts with the marker and says what it holds', () => {
  const text = autoExportText('@misc{a,\n}\n', { kind: 'tag', tag: 'rl' }, 1);
  assert.ok(text.startsWith(`${AUTO_EXPORT_MARKER} (marginalia.autoExport)`));
  assert.match(text, /\n% 1 entry: the papers tagged "rl"\.\n\n@misc\{a,\n\}\n$/);
});

test('autoExportAction: a new file is written, ours is rewritten only when it differs, a file not ours never', () => {
  const next = autoExportText('@misc{a,\n}\n', { kind: 'cited' }, 1);
  assert.equal(autoExportAction(null, next), 'write');
  assert.equal(autoExportAction(next, next), 'unchanged');
  assert.equal(autoExportAction(autoExportText('', { kind: 'cited' }, 0), next), 'write');
  assert.equal(autoExportAction(`\ufeff${next}`, next), 'write');
  assert.equal(autoExportAction('@misc{mine,\n  title = {Mine},\n}\n', next), 'notOurs');
  assert.equal(autoExportAction('', next), 'notOurs');
});

test('autoExportPath: inside the workspace folder, a .bib, never absolute or escaping', () => {
  assert.deepEqual(autoExportPath('/w', 'exports/cited.bib'), { path: '/w/exports/cited.bib' });
  assert.deepEqual(autoExportPath('/w/', './a/../refs.bib'), { path: '/w/refs.bib' });
  for (const bad of ['/etc/x.bib', 'C:/x.bib', '../x.bib', 'a/../../x.bib', 'notes.md', '']) assert.ok('error' in autoExportPath('/w', bad), bad);
});
