// Runs the same integration suite in desktop VS Code through @vscode/test-electron, for machines
// that can download VS Code from Microsoft (these cannot: use runIntegration.mts here). The version
// is the one inside the pinned code-server, so both runs test against the same VS Code. On Linux
// without a display, run it under `xvfb-run -a`.
//   npm run test:electron
import { runTests } from '@vscode/test-electron';
import { copyFixtureWorkspace } from './fixtureWorkspace.mjs';
import { integrationTestsModule, repoRoot } from './paths.mjs';
import { VSCODE_VERSION } from './versions.mjs';

const workspace = copyFixtureWorkspace();
try {
  // Resolves with 0 or throws TestRunFailedError when run() rejects (a test failed) or VS Code crashed.
  await runTests({
    version: VSCODE_VERSION,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: integrationTestsModule,
    // The folder to open, then: no other extensions, and no trust prompt (the web runner's defaults).
    launchArgs: [workspace.folder, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  workspace.remove();
}
