// The one place that pins what the real-VS-Code harness runs on, so that a new release of
// code-server or Node cannot change CI overnight. Bump these together and run `npm test`:
// install.mjs notices the change and rebuilds its cache.

/** code-server release whose bundled VS Code server (lib/vscode/out/server-main.js) we run. */
export const CODE_SERVER_VERSION = '4.139.1';

/** The VS Code version inside CODE_SERVER_VERSION; @vscode/test-electron downloads the same one. */
export const VSCODE_VERSION = '1.139.1';

/** The npm package `node` that carries the Node 24 binary and headers the server needs. */
export const NODE_VERSION = '24.21.0';

/**
 * The oldest VS Code Marginalia promises (package.json `engines.vscode` `^1.100.0`), tested by
 * `npm run test:min-vscode` (MARGINALIA_VSCODE=min): code-server 4.100.3 ships VS Code 1.100.3,
 * whose server runs on Node 20. Keep MIN_VSCODE_VERSION's minor equal to the engine's.
 */
export const MIN_CODE_SERVER_VERSION = '4.100.3';
export const MIN_VSCODE_VERSION = '1.100.3';
export const MIN_NODE_VERSION = '20.19.6';

/**
 * That VS Code's ripgrep package (@vscode/ripgrep, pinned by its npm-shrinkwrap.json) downloads its
 * binary from GitHub at install time, which these machines cannot reach; its cache is filled from
 * the npm package @vscode/ripgrep-universal instead (install.mts).
 */
export const MIN_RIPGREP = { package: '1.15.11', asset: 'v13.0.0-10', universal: '1.18.0' };

/** Which server the harness runs: the newest we test (default) or the oldest we promise. */
export type ServerFlavour = 'current' | 'min';

/** The flavour named by MARGINALIA_VSCODE ('min' for the oldest VS Code; anything else, the current one). */
export const SERVER_FLAVOUR: ServerFlavour = process.env.MARGINALIA_VSCODE === 'min' ? 'min' : 'current';

/** The versions of the flavour this process runs. */
export const SERVER_VERSIONS =
  SERVER_FLAVOUR === 'min'
    ? { codeServer: MIN_CODE_SERVER_VERSION, vscode: MIN_VSCODE_VERSION, node: MIN_NODE_VERSION }
    : { codeServer: CODE_SERVER_VERSION, vscode: VSCODE_VERSION, node: NODE_VERSION };
