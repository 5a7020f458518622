// The module boundaries that eslint.config.mjs draws, checked against small sources as if they were
// files of each folder: a boundary dropped or mistyped in the config fails here, not only in review.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../support/paths';

// The sources are not on disk, so no TypeScript program holds them: the type-aware rules are off here.
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' },
  },
});

/** The rules that `source` breaks as the file `filePath` (relative to the repository). */
async function brokenRules(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return result.messages.map((message) => message.ruleId ?? message.message);
}

const importing = (specifier: string) => `import * as imported from '${specifier}';\nexport const value = imported;\n`;

describe('lint module boundaries', () => {
  test('src/node and src/cli import neither vscode nor the host', async () => {
    for (const file of ['src/node/library/example.ts', 'src/cli/example.ts']) {
      assert.deepEqual(await brokenRules(file, importing('vscode')), ['no-restricted-imports'], `${file}: vscode`);
      assert.deepEqual(await brokenRules(file, importing('../host/library/library')), ['no-restricted-imports'], `${file}: host`);
      assert.deepEqual(await brokenRules(file, importing('node:fs')), [], `${file}: Node built-ins are theirs to use`);
    }
  });

  test('the webview imports no Node built-in, bare or prefixed, and nothing of node, host or cli', async () => {
    for (const specifier of [
      'fs',
      'fs/promises',
      'path',
      'node:path',
      'node:sqlite',
      'child_process',
      '../src/node/cacheFolder',
      '../src/host/paperView/panel',
      '../src/cli/main',
      'vscode',
    ]) {
      assert.deepEqual(await brokenRules('webview/example.ts', importing(specifier)), ['no-restricted-imports'], specifier);
    }
    assert.deepEqual(
      await brokenRules('webview/example.ts', "import type { HostMessage } from '../src/protocol.js';\nexport type Message = HostMessage;\n"),
      [],
    );
  });

  test('src/core imports neither vscode, the file system, nor anything outside src/core', async () => {
    for (const specifier of [
      'vscode',
      'node:fs',
      'fs/promises',
      'node:child_process',
      '../../node/cacheFolder',
      '../../host/library/library',
      '../../cli/main',
    ]) {
      assert.deepEqual(await brokenRules('src/core/library/example.ts', importing(specifier)), ['no-restricted-imports'], specifier);
    }
    assert.deepEqual(await brokenRules('src/core/library/example.ts', importing('../text')), []);
  });
});
