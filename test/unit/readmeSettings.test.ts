import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { END_MARKER, START_MARKER, settingsTable, withSettingsTable, type SettingsManifest } from '../../scripts/settingsTable';
import { repoRoot } from '../support/paths';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as SettingsManifest;
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe("the README's settings table", () => {
  test('is the table package.json gives (npm run docs:settings regenerates it)', () => {
    assert.equal(withSettingsTable(readme, settingsTable(manifest)), readme);
  });

  test('has a row for every setting the manifest declares', () => {
    const table = readme.slice(readme.indexOf(START_MARKER), readme.indexOf(END_MARKER));
    const declared = Object.keys((manifest.contributes.configuration as { properties: Record<string, unknown> }).properties);
    assert.ok(declared.length > 0);
    for (const name of declared) assert.match(table, new RegExp(`^\\| \`${name.replace(/\./g, '\\.')}\` \\|`, 'm'), `${name} has no row`);
  });

  test('notices a setting added to the manifest, and a changed default', () => {
    const added = structuredClone(manifest) as { contributes: { configuration: { properties: Record<string, object> } } };
    added.contributes.configuration.properties['marginalia.example'] = { type: 'boolean', default: true, description: 'An example | with a pipe.' };
    const table = settingsTable(added as SettingsManifest);
    assert.notEqual(withSettingsTable(readme, table), readme);
    assert.match(table, /^\| `marginalia\.example` \| boolean \| `true` \| An example \\\| with a pipe\. \|$/m);
  });

  test('says which settings Restricted Mode ignores in the workspace', () => {
    const table = settingsTable(manifest);
    assert.match(table, /^\| `marginalia\.notes\.folder` .*Restricted Mode/m);
    assert.doesNotMatch(table, /^\| `marginalia\.tree\.sortBy` .*Restricted Mode/m);
  });

  test('refuses a README without the markers instead of dropping the table', () => {
    assert.throws(() => withSettingsTable('# No table here\n', settingsTable(manifest)), /settings:start/);
  });
});
