// The set-up and tear-down every e2e suite of workbench windows shares: one server and browser for
// the suite, a window per test, a screenshot of a test that failed, and everything closed after.
import { after, afterEach, before } from 'node:test';
import type { SuiteContext, TestContext } from 'node:test';
import { screenshotOnFailure } from '../e2e/ui.mjs';
import { failureReport, startWorkbenches } from '../e2e/windows.mjs';
import type { TestWindow, Workbenches, WorkspaceKind } from '../e2e/windows.mjs';

/** The suite's workbenches, as its tests see them. */
export interface SuiteWorkbenches {
  /** Opens the test's window on a new folder of `kind`; it is closed after the test. */
  open(kind: WorkspaceKind): Promise<TestWindow>;
}

/**
 * Registers, in the `describe` it is called in, the hooks that start the server and Chromium before
 * the first test, screenshot (as FAILED-<prefix>-<test>.png) and describe on stderr (failureReport)
 * a window whose test failed, close the window of each test after it, and stop everything after the last test.
 */
export function useWorkbenches(screenshotPrefix: string): SuiteWorkbenches {
  let workbenches: Workbenches | undefined;
  let window: TestWindow | undefined;

  before(async () => {
    workbenches = await startWorkbenches();
  });

  afterEach(async (context: TestContext | SuiteContext) => {
    await screenshotOnFailure(() => window?.page, screenshotPrefix)(context);
    // `passed` is on the test context since Node 20.12, but not yet in @types/node 20.
    if ((context as { passed?: boolean }).passed === false && workbenches) {
      process.stderr.write(`\n=== ${context.name}: what the window showed ===\n${await failureReport(window?.page, workbenches.server)}\n\n`);
    }
    await window?.close();
    window = undefined;
  });

  after(async () => {
    await workbenches?.close();
  });

  return {
    async open(kind) {
      if (!workbenches) throw new Error('The workbenches are not started: call useWorkbenches inside a describe, and open windows in its tests.');
      window = await workbenches.open(kind);
      return window;
    },
  };
}
