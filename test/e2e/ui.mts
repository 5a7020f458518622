// What a person does in the workbench, as Playwright steps: run a command from the title bar's
// Quick Access box, read the Running Extensions editor and the Output panel, take screenshots.
import fs from 'node:fs';
import path from 'node:path';
import type { SuiteContext, TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { testResultsDir } from '../vscode/paths.mjs';

/** Runs a command palette command by its title, as a person would: click, type, pick. */
export async function runCommand(page: Page, title: string): Promise<void> {
  // A modal editor (Running Extensions opens as one) covers the title bar, as it would for a person.
  const modal = page.locator('.monaco-modal-editor-block');
  if (await modal.isVisible()) {
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'hidden' });
  }
  await page.locator('.command-center-quick-pick').click(); // the title bar's Quick Access box
  await pickQuickInputItem(page, `>${title}`, title);
}

/** Types `text` into the open quick input and clicks the first item whose label contains `label`. */
export async function pickQuickInputItem(page: Page, text: string, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  const item = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  // Commands of lazily loaded workbench parts (the Extensions view's) join the palette's list a
  // while after the window opens, and the palette filters only as one types: type again until the
  // item is there. On failure, close the quick input so that it does not cover the next test.
  const deadline = Date.now() + 30_000;
  for (;;) {
    await input.fill(text);
    try {
      await item.waitFor({ timeout: 5000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await page.keyboard.press('Escape');
        throw error;
      }
      await input.fill('');
    }
  }
  await item.click();
}

/**
 * Waits until Marginalia has activated and read the workspace, as a person sees it: the status
 * bar counts the papers. Returns that count. (The Running Extensions list is virtualised and
 * re-sorts itself live, which made reading a row from it flaky.)
 */
export async function waitForPaperCount(page: Page): Promise<number> {
  const status = page.locator('.statusbar-item', { hasText: /\d[\d,]* papers?/ });
  await status.first().waitFor();
  return Number(/([\d,]+) papers?/.exec(await status.first().innerText())![1].replace(/,/g, ''));
}

/** Shows an output channel in the Output panel and returns the text of its lines. */
export async function outputChannelText(page: Page, channel: string): Promise<string> {
  await runCommand(page, 'Output: Show Output Channels...');
  await pickQuickInputItem(page, channel, channel);
  const lines = page.locator('.part.panel .output-view .view-lines');
  await lines.locator('.view-line').first().waitFor();
  // The editor renders only the lines in view, and the channel follows its end: go to its start,
  // where a window's first lines are (a longer log would push them out of view).
  await lines.click();
  await page.keyboard.press('Control+Home');
  await page.waitForFunction(() => {
    const slider = document.querySelector<HTMLElement>('.part.panel .output-view .scrollbar.vertical .slider');
    return slider === null || slider.style.top === '' || slider.style.top === '0px';
  });
  // Monaco renders spaces as no-break spaces.
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/** Saves what the page shows as test-results/e2e/<name>.png and returns the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(testResultsDir, 'e2e', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

/**
 * An afterEach hook that saves test-results/e2e/FAILED-<prefix>-<test name>.png when a test
 * failed, so a failure comes with a picture of what the window showed at that moment.
 */
export function screenshotOnFailure(page: () => Page | undefined, prefix: string): (context: TestContext | SuiteContext) => Promise<void> {
  return async (context) => {
    const current = page();
    // `passed` is on the test context since Node 20.12, but not yet in @types/node 20.
    if (!current || (context as { passed?: boolean }).passed !== false) return;
    const name = context.name
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase();
    await screenshot(current, `FAILED-${prefix}-${name}`);
  };
}
