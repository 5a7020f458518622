// Bundles the integration tests for the extension host: one CommonJS file per module of
// test/integration/, with `vscode` (given by the host) and `mocha` (loaded from node_modules,
// because mocha requires the test files itself) left external.
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { integrationTestsModule, repoRoot } from './paths.mjs';

const sourceDir = path.join(repoRoot, 'test', 'integration');
const outDir = path.dirname(integrationTestsModule);

fs.rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: fs
    .readdirSync(sourceDir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(sourceDir, name)),
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  sourcemap: 'inline', // stack traces of failures point at the .ts lines
  logLevel: 'warning',
});
