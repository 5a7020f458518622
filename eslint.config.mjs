// Lint rules, chiefly the module boundaries of STYLE.md: the core is pure TypeScript (no `vscode`,
// no file system, no host code), the Node adapters and the CLI never reach VS Code, the webview
// never reaches Node or the extension host's modules, and no module imports itself round a cycle.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const typeScriptFiles = ['**/*.ts', '**/*.mts', '**/*.cts'];
const coreFileBuiltins = ['fs', 'fs/promises', 'node:fs', 'node:fs/promises', 'child_process', 'node:child_process'];
/** Every Node built-in by its bare name (`fs`, `fs/promises`); a `node:` pattern covers the prefixed ones. */
const bareNodeBuiltins = builtinModules.filter((name) => !name.startsWith('node:'));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        performance: 'readonly',
        globalThis: 'readonly',
        setImmediate: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // Import cycles, resolved as TypeScript does: `./x` and `./x.js` may name x.ts. Type-only imports
    // are erased at build time, so the rule ignores them.
    files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts', '.cts'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.node'],
          extensionAlias: { '.js': ['.ts', '.js'], '.mjs': ['.mts', '.mjs'], '.cjs': ['.cts', '.cjs'] },
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Type-aware rules: each TypeScript file is checked with the tsconfig.json nearest to it (the Node
    // one at the root, webview/ and test/e2e/ their own).
    files: typeScriptFiles,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's `describe` and `it` return promises that the runner itself awaits.
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'suite', 'test'] }],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    // The e2e suites' shared set-up lives in test/support/ but belongs to their program (DOM types included).
    files: ['test/support/workbench.mts'],
    languageOptions: { parserOptions: { projectService: false, project: './test/e2e/tsconfig.json' } },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'src/core is pure: the host adapts it to VS Code.' },
            ...coreFileBuiltins.map((name) => ({ name, message: 'src/core reaches files only through the interfaces it declares.' })),
          ],
          patterns: [{ group: ['**/host/**', '**/node/**', '**/cli/**', '**/extension'], message: 'src/core depends on nothing outside src/core.' }],
        },
      ],
    },
  },
  {
    files: ['src/node/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/node and src/cli run outside VS Code too (the CLI, the workers): the host adapts them to VS Code.' }],
          patterns: [{ group: ['**/host/**', '**/extension'], message: "src/node and src/cli must not depend on the extension host's modules." }],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'The webview talks to the host only through src/protocol.ts messages.' },
            ...bareNodeBuiltins.map((name) => ({ name, message: 'The webview runs in a browser: no Node built-ins.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The webview runs in a browser: no Node built-ins.' },
            { group: ['**/host/**', '**/node/**', '**/cli/**', '**/extension'], message: 'The webview imports only src/protocol.ts and core types.' },
          ],
        },
      ],
    },
  },
);
