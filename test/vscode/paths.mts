// Where the harness keeps things. Everything under .vscode-test/ and test-results/ is ignored by git.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_FLAVOUR } from './versions.mjs';

/** The repository root (the extension's folder). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The cache of Node and the VS Code server, reused across runs: server/ for the current VS Code,
 * server-min/ for the oldest one we promise (MARGINALIA_VSCODE=min, see versions.mts).
 */
export const serverCacheDir = path.join(repoRoot, '.vscode-test', SERVER_FLAVOUR === 'min' ? 'server-min' : 'server');

/** The workspace folder the integration and e2e tests open. */
export const fixtureWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');

/** The bundled integration tests module (built by test/vscode/buildTests.mjs). */
export const integrationTestsModule = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');

/** Screenshots and other output that a person looks at after a run. */
export const testResultsDir = path.join(repoRoot, 'test-results');

/** The files the harness needs from the cache. */
export interface ServerPaths {
  /** npm project holding the `node` package (Node 24). */
  nodeDir: string;
  /** The Node 24 binary. */
  node: string;
  /** Node 24's C headers, for building the server's native modules. */
  nodeHeaders: string;
  /** npm project holding the `code-server` package. */
  codeServerDir: string;
  /** The VS Code server's entry point inside code-server. */
  serverMain: string;
}

/** Where Node 24 and the VS Code server live inside the cache (whether installed or not). */
export function serverPaths(): ServerPaths {
  const nodeDir = path.join(serverCacheDir, 'node');
  const codeServerDir = path.join(serverCacheDir, 'code-server');
  return {
    nodeDir,
    node: path.join(nodeDir, 'node_modules', '.bin', 'node'),
    // The `node` package pulls the binary and headers in through a per-platform package.
    nodeHeaders: path.join(nodeDir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`),
    codeServerDir,
    serverMain: path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
  };
}
