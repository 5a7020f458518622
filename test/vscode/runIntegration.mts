// Runs the integration tests (out/test/integration/index.js, built by buildTests.mts) inside a real
// VS Code: the VS Code server plus its web workbench in Chromium, with the extension loaded from
// this folder and the tests module given as extensionTestsPath (REAL-VSCODE.md, steps 5 and 6).
// Builds nothing: run `npm run build && npm run build:tests` first (npm test does).
//   node --import tsx test/vscode/runIntegration.mts
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { ensureServerInstalled } from './install.mjs';
import { copyFixtureWorkspace } from './fixtureWorkspace.mjs';
import { integrationTestsModule, repoRoot, testResultsDir } from './paths.mjs';
import { startServer } from './server.mjs';
import { launchChromium, workbenchUrl } from './workbench.mjs';

/** Test counts of one phase. */
export interface Counts {
  passed: number;
  failed: number;
}

// Printed by test/integration/index.ts before mocha starts and when it is done.
const START_LINE = 'MOCHA-START';
const RESULT_LINE = /^MOCHA-RESULT (\{.*\})/;

const logsDir = path.join(testResultsDir, 'integration-logs');

interface LogFile {
  relativePath: string;
  contents: string;
}

/**
 * Starts a server and a browser, runs the integration tests in the extension host, prints their
 * output, and resolves with mocha's counts. Throws if the suite could not run to the end (no
 * counts, or it did not finish within `timeoutMs`). Always stops the browser and the server.
 */
export async function runIntegration(timeoutMs = 5 * 60_000): Promise<Counts> {
  for (const required of [path.join(repoRoot, 'dist', 'extension.js'), integrationTestsModule]) {
    if (!fs.existsSync(required)) throw new Error(`${required} is missing: run npm run build && npm run build:tests`);
  }
  await ensureServerInstalled();
  fs.rmSync(logsDir, { recursive: true, force: true }); // logs of an earlier failed run would mislead
  const workspace = copyFixtureWorkspace();
  // Without the built-in git extension: its background `git check-ignore` can die with EPIPE on a
  // busy machine, and mocha counts that uncaught error against whichever test is running. The tests
  // that merge through git run the git command themselves. Auto save off, as in desktop VS Code: the
  // web workbench saves a dirty editor after a second by default, so on a slow machine a test's
  // unsaved edit was saved before the step that needs it unsaved.
  const server = await startServer({ userSettings: { 'git.enabled': false, 'files.autoSave': 'off' } }).catch((error: unknown) => {
    workspace.remove();
    throw error;
  });
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.stop();
    workspace.remove();
    throw error;
  });
  const started = performance.now();
  try {
    const page = await browser.newPage();
    let counts: Counts | undefined;
    // The workbench forwards its own log and the extension host's console here, unmarked. Print
    // what the tests print (between the two marker lines) and keep the rest for a failure.
    const consoleLines: string[] = [];
    let testsRunning = false;
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const text = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
      consoleLines.push(`[${type}] ${text}`);
      if (text.startsWith(START_LINE)) {
        testsRunning = true;
        return;
      }
      const result = RESULT_LINE.exec(text);
      if (result) {
        counts = JSON.parse(result[1]) as Counts;
        testsRunning = false;
      } else if (testsRunning) {
        console.log(text);
      }
    });
    let finish!: (exit: { code: number; logs: LogFile[] }) => void;
    const exited = new Promise<{ code: number; logs: LogFile[] }>((resolve) => {
      finish = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs: LogFile[] = []) => finish({ code, logs }));
    await page.goto(
      workbenchUrl(server, {
        folder: workspace.folder,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: integrationTestsModule,
      }),
    );

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The integration tests did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const { code, logs } = await Promise.race([exited, timedOut])
      .catch((error: unknown) => {
        saveLogs([], consoleLines, server.output());
        throw error;
      })
      .finally(() => clearTimeout(timer));
    console.log(`integration: the extension host exited with ${code} after ${((performance.now() - started) / 1000).toFixed(1)} s`);

    if (code !== 0 || !counts) saveLogs(logs, consoleLines, server.output());
    if (!counts) throw new Error(`The integration tests ended (exit code ${code}) without reporting their counts`);
    // A failure outside any test (a hook, a file that fails to load) still fails the phase.
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } finally {
    await browser.close();
    await server.stop();
    workspace.remove();
  }
}

/** Keeps the workbench's and the server's logs of a failed run where a person can read them. */
function saveLogs(logs: LogFile[], consoleLines: string[], serverOutput: string): void {
  for (const { relativePath, contents } of logs) {
    const file = path.join(logsDir, 'workbench', relativePath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
  }
  fs.mkdirSync(logsDir, { recursive: true });
  fs.writeFileSync(path.join(logsDir, 'server.log'), serverOutput);
  fs.writeFileSync(path.join(logsDir, 'console.log'), `${consoleLines.join('\n')}\n`);
  console.log(`integration: logs kept in ${path.relative(repoRoot, logsDir)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const counts = await runIntegration();
  console.log(`integration: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}
