// The Papers tree from the keyboard, as in the Explorer: a click previews a paper and leaves the
// focus in the tree, the arrows move on with the preview following, Enter opens the paper and
// moves the focus into it; and in a narrow sidebar the one inline action leaves the title its room
// (screenshots, light and dark).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { clickPaper, expandGroup, marginaliaSidebar, paperFrame, papersTree, setColorTheme, setSidebarWidth, showPapers, treeRows } from './marginalia.mjs';
import { screenshot } from './ui.mjs';
import { SEED_GROUPS } from '../support/seedDigests.js';
import { useWorkbenches } from '../support/workbench.mjs';

/** Where the keyboard focus is: the Papers tree, a webview (the paper view), or something else. */
function focusOwner(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (!active) return 'nothing';
    if (active.closest('.monaco-list[aria-label="Papers"]')) return 'papers tree';
    if (active.tagName === 'IFRAME' || active.closest('.webview')) return 'webview';
    return `${active.tagName.toLowerCase()}.${active.className}`;
  });
}

async function waitForFocus(page: Page, owner: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await focusOwner(page);
    if (seen === owner) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`the focus is on ${seen}, not the ${owner}`);
}

describe('Papers tree from the keyboard', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('keyboard');

  it('a click previews and keeps the focus in the tree; arrows move with the preview following; Enter focuses the paper', async () => {
    const { page } = await workbenches.open('seeds');
    await showPapers(page);
    await expandGroup(page, SEED_GROUPS[0][0]);
    await papersTree(page).locator('.monaco-list-row[aria-level="2"]').nth(3).waitFor();
    const papers = (await treeRows(page)).filter((row) => row.level === 2).map((row) => row.label);
    assert.ok(papers.length > 3, `${papers.length} papers showing`);

    await clickPaper(page, papers[0]);
    await paperFrame(page, papers[0]);
    await waitForFocus(page, 'papers tree');

    await page.keyboard.press('ArrowDown');
    await paperFrame(page, papers[1]);
    await page.keyboard.press('ArrowDown');
    await paperFrame(page, papers[2]);
    assert.equal(await focusOwner(page), 'papers tree', 'the preview followed without taking the focus');
    const selected = await papersTree(page).locator('.monaco-list-row.selected .label-name').allInnerTexts();
    assert.deepEqual(selected, [papers[2]]);
    await screenshot(page, 'keyboard-1-preview-follows');

    await page.keyboard.press('Enter');
    await waitForFocus(page, 'webview');
    await paperFrame(page, papers[2]);
    await screenshot(page, 'keyboard-2-enter-focuses');
  });

  it('a narrow sidebar keeps room for the title: one inline action on a paper (light and dark)', async () => {
    const { page } = await workbenches.open('seeds');
    await showPapers(page);
    await expandGroup(page, SEED_GROUPS[1][0]);
    await papersTree(page).locator('.monaco-list-row[aria-level="2"]').nth(1).waitFor();
    const papers = (await treeRows(page)).filter((row) => row.level === 2).map((row) => row.label);
    await clickPaper(page, papers[1]);
    await setSidebarWidth(page, 240);
    const row = papersTree(page).locator('.monaco-list-row.selected');
    await row.waitFor();
    const box = (await row.boundingBox())!;
    // Rest on the selected row, where the inline actions show.
    await page.mouse.move(box.x + box.width - 30, box.y + box.height / 2);
    const measure = () =>
      row.evaluate((element) => {
        const actions = [...element.querySelectorAll('.actions .action-item')].filter((item) => (item as HTMLElement).offsetWidth > 0);
        const label = element.querySelector('.monaco-icon-label-container') as HTMLElement;
        return { actions: actions.length, labelWidth: label.getBoundingClientRect().width, rowWidth: element.getBoundingClientRect().width };
      });
    const shown = await measure();
    assert.equal(shown.actions, 1, 'one inline action (Open Note); the rest is in the context menu');
    assert.ok(shown.labelWidth > shown.rowWidth * 0.55, `the title keeps ${Math.round(shown.labelWidth)} of ${Math.round(shown.rowWidth)} px`);
    await screenshot(page, 'keyboard-3-narrow-sidebar-light');
    await setColorTheme(page, 'Dark Modern');
    await page.mouse.move(box.x + box.width - 30, box.y + box.height / 2);
    await marginaliaSidebar(page).waitFor();
    await screenshot(page, 'keyboard-4-narrow-sidebar-dark');
  });
});
