/**
 * The integration tests' entry point, loaded by VS Code from `extensionTestsPath` inside the
 * extension host (the same contract as @vscode/test-electron): `run` runs every `*.test.js` next
 * to it with mocha and settles when they are done, rejecting if any failed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

// The runner outside VS Code reads the extension host's console through the workbench: it prints
// what comes after the first line and reads the counts from the second.
const START_LINE = 'MOCHA-START';
const RESULT_PREFIX = 'MOCHA-RESULT ';

export async function run(): Promise<void> {
  // MARGINALIA_TEST_GREP (a suite or test title's words) runs only what matches, while working on one feature.
  const grep = process.env.MARGINALIA_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, ...(grep ? { grep } : {}) });
  for (const name of fs.readdirSync(__dirname).sort()) {
    if (name.endsWith('.test.js')) mocha.addFile(path.join(__dirname, name));
  }
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      console.log(START_LINE);
      const runner = mocha.run((failed) => {
        const passed = runner.stats?.passes ?? 0;
        console.log(`${RESULT_PREFIX}${JSON.stringify({ passed, failed })}`);
        resolve(failed);
      });
    } catch (error) {
      reject(error);
    }
  });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
