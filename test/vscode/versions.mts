// The one place that pins what the real-VS-Code harness runs on, so that a new release of
// code-server or Node cannot change CI overnight. Bump these together and run `npm test`:
// install.mjs notices the change and rebuilds its cache.

/** code-server release whose bundled VS Code server (lib/vscode/out/server-main.js) we run. */
export const CODE_SERVER_VERSION = '4.139.1';

/** The VS Code version inside CODE_SERVER_VERSION; @vscode/test-electron downloads the same one. */
export const VSCODE_VERSION = '1.139.1';

/** The npm package `node` that carries the Node 24 binary and headers the server needs. */
export const NODE_VERSION = '24.21.0';
