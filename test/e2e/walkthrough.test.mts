// The Get Started walkthrough as a new user meets it: opened from the palette, and each step
// checked off by doing the real thing (seeing the papers, opening one from the step's own button,
// a note, a citation, a search).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { paperFrame, papersTree } from './marginalia.mjs';
import { pickQuickInputItem, runCommand, screenshot, waitForPaperCount } from './ui.mjs';
import { useWorkbenches } from '../support/workbench.mjs';

const STEPS = ['digests', 'openPaper', 'writeNote', 'cite', 'search'];

const walkthrough = (page: Page) => page.locator('.gettingStartedContainer');
const step = (page: Page, id: string): Locator => walkthrough(page).locator(`.getting-started-step[data-step-id$="#${id}"]`);

/** The steps the walkthrough shows as done (a filled check), in its order. */
async function doneSteps(page: Page): Promise<string[]> {
  const done: string[] = [];
  for (const id of STEPS) {
    if ((await step(page, id).locator('.codicon-getting-started-step-checked').count()) > 0) done.push(id);
  }
  return done;
}

async function waitForDone(page: Page, expected: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  let done = await doneSteps(page);
  while (done.join() !== expected.join() && Date.now() < deadline) {
    await page.waitForTimeout(250);
    done = await doneSteps(page);
  }
  assert.deepEqual(done, expected);
}

/** A button in a step's description (a command link), once the step is expanded. */
function stepButton(page: Page, id: string, label: string): Locator {
  return step(page, id).locator('.button-link, a', { hasText: label }).first();
}

/** Opens Marginalia's walkthrough from the palette (again: the Welcome editor may have gone back to its start page). */
async function openWalkthrough(page: Page): Promise<void> {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await pickQuickInputItem(page, 'Marginalia', 'Get Started with Marginalia');
  for (const id of STEPS) await step(page, id).waitFor();
}

/** Expands a step (unless it is already) so that its buttons show. */
async function expandStep(page: Page, id: string): Promise<void> {
  if ((await step(page, id).getAttribute('aria-expanded')) !== 'true') await step(page, id).click();
}

/** Picks `title` in the paper quick pick a Marginalia command opened. */
async function pickPaper(page: Page, title: string): Promise<void> {
  await pickQuickInputItem(page, title, title);
}

describe('Get Started walkthrough', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('walkthrough');

  it('opens from the palette, and checks each step off when the reader does it', async () => {
    const { page } = await workbenches.open('seeds');
    await waitForPaperCount(page);
    // The first start showed Marginalia's sidebar by itself (open() waited for it), papers and all:
    // that is not the reader opening the library, so the first step is not done yet.
    await papersTree(page).locator('.monaco-list-row').first().waitFor();

    await openWalkthrough(page);
    // The library was read before the walkthrough was: nothing is done until the reader opens the papers.
    await waitForDone(page, []);
    await screenshot(page, 'walkthrough-1-start');
    await stepButton(page, 'digests', 'Show Papers').click();
    await papersTree(page).locator('.monaco-list-row').first().waitFor();
    await openWalkthrough(page);
    await waitForDone(page, ['digests']);

    // The step's own button runs Open Paper, which asks for a paper.
    await expandStep(page, 'openPaper');
    await stepButton(page, 'openPaper', 'Open Paper').click();
    await pickPaper(page, 'Video PreTraining');
    await paperFrame(page, /Video PreTraining/);

    // Open Note takes the paper of the paper view when that has the focus, and asks otherwise.
    await runCommand(page, 'Marginalia: Open Note');
    const note = page.locator('.tabs-container .tab', { hasText: 'vpt.md' }).first();
    const asked = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Open Note' });
    await note.or(asked).first().waitFor();
    if (await asked.isVisible()) await pickPaper(page, 'Video PreTraining');
    await note.waitFor();

    // In the note (markdown), Insert Citation writes [@key] at the cursor.
    await page.locator('.tabs-container .tab', { hasText: 'vpt.md' }).first().click();
    await page.locator('.editor-group-container.active .monaco-editor .view-line').last().click();
    await page.keyboard.press('Control+End');
    await runCommand(page, 'Marginalia: Insert Citation...');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Insert Citation' }).waitFor();
    await pickPaper(page, 'Video PreTraining');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: '[@vpt]' }).first().waitFor();

    await runCommand(page, 'Marginalia: Search Papers');
    const search = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Search Papers' });
    await search.waitFor();
    await page.locator('.quick-input-widget .quick-input-box input').focus();
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

    await openWalkthrough(page);
    await waitForDone(page, STEPS);
    await expandStep(page, 'search');
    await screenshot(page, 'walkthrough-2-all-done');
  });
});
