// Runs the Playwright end-to-end tests (test/e2e/*.test.mts) with Node's test runner, one file at a
// time: each file starts its own VS Code server and browser (see workbench.mts, openWorkbench).
// Builds nothing: run `npm run build` first (npm test does). Screenshots land in test-results/e2e/.
//   node --import tsx test/vscode/runE2e.mts
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureServerInstalled } from './install.mjs';
import { repoRoot, testResultsDir } from './paths.mjs';
import type { Counts } from './runIntegration.mjs';

const e2eDir = path.join(repoRoot, 'test', 'e2e');

/**
 * Runs every test/e2e/*.test.mts, printing Node's spec report as it goes, and resolves with the
 * counts from its TAP summary. A run that fails without failing a test (a crash) counts 1 failure.
 */
export async function runE2e(): Promise<Counts> {
  const extension = path.join(repoRoot, 'dist', 'extension.js');
  if (!fs.existsSync(extension)) throw new Error(`${extension} is missing: run npm run build`);
  await ensureServerInstalled();
  const files = fs
    .readdirSync(e2eDir)
    .filter((name) => name.endsWith('.test.mts'))
    .sort()
    .map((name) => path.join(e2eDir, name));
  if (files.length === 0) return { passed: 0, failed: 0 };
  fs.rmSync(path.join(testResultsDir, 'e2e'), { recursive: true, force: true }); // only this run's screenshots

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-e2e-'));
  const tapFile = path.join(scratch, 'report.tap');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--test',
          '--test-concurrency=1', // two servers and two browsers at once would starve 2 cores
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          '--test-reporter=tap',
          `--test-reporter-destination=${tapFile}`,
          ...files,
        ],
        { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    const counts = tapCounts(fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '');
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Reads `# pass N`, `# fail N` and `# cancelled N` from the end of a TAP report (cancelled counts as failed). */
export function tapCounts(tap: string): Counts {
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const counts = await runE2e();
  console.log(`e2e: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}
