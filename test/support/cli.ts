/** Running the marginalia CLI in tests: in this process, or bundled for child processes. */
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { main } from '../../src/cli/main';
import { repoRoot } from './paths';
import { tempFolder } from './tempFolders';

/** What one run of the CLI returned and printed. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** The folder it ran in. */
  cwd: string;
}

/** Runs the CLI's `main` in this process in `cwd` (a new empty folder by default), collecting what it prints. */
export async function runCli(args: string[], cwd: string = tempFolder('cli')): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, cwd, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err, cwd };
}

/** Bundles `entryPoint` (a TypeScript module) into one CommonJS file `outfile`, so that child node processes start quickly. */
export async function bundleForNode(entryPoint: string, outfile: string): Promise<string> {
  await esbuild.build({ entryPoints: [entryPoint], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'error' });
  return outfile;
}

/** Bundles the CLI into `folder`/cli.js, to be run with `node` by child processes; returns its path. */
export function bundleCli(folder: string): Promise<string> {
  return bundleForNode(path.join(repoRoot, 'src', 'cli', 'main.ts'), path.join(folder, 'cli.js'));
}
