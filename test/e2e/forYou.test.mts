// For You as a person sees it: three driving papers tagged (by the CLI, as another process would),
// Recommend Papers Like a Tag... from the palette, and the For You view listing other driving papers
// with the words that weigh most for each, in light and dark.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { marginaliaSidebar, setColorTheme, setSidebarWidth, showPapers } from './marginalia.mjs';
import { pickQuickInputItem, runCommand, screenshot, waitForPaperCount } from './ui.mjs';
import { repoRoot } from '../vscode/paths.mjs';
import { useWorkbenches } from '../support/workbench.mjs';

const forYouTree = (page: Page) => marginaliaSidebar(page).locator('.monaco-list[aria-label="For You"]');

describe('For You', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('for-you');

  it('recommends papers like a tag, with the words that weigh most, in light and dark', async () => {
    const { page, folder } = await workbenches.open('seeds');
    await showPapers(page);
    await waitForPaperCount(page);
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [cli, 'papers', '--json', '--root', folder, path.join(folder, 'seeds')], { maxBuffer: 64 * 1024 * 1024 });
    const papers = JSON.parse(stdout) as { key: string; title: string }[];
    const keyOf = (start: string) => papers.find((paper) => paper.title.startsWith(start))!.key;
    await run(process.execPath, [cli, 'tag', 'add', '--root', folder, keyOf('CARIL'), keyOf('FastRLAP'), keyOf('RAP: 3D Rasterization'), 'driving']);

    await runCommand(page, 'Marginalia: Recommend Papers Like a Tag...');
    await pickQuickInputItem(page, 'driving', 'driving');
    const rows = forYouTree(page).locator('.monaco-list-row');
    await rows.first().waitFor();
    await rows
      .filter({ hasText: /Traffic Simulation|Imitation Is Not Enough|Reinforced Diffusion/ })
      .first()
      .waitFor();
    assert.match(await rows.first().locator('.label-description').innerText(), /\w/, 'the words that weigh most');
    const header = marginaliaSidebar(page).locator('.pane-header', { hasText: 'For You' });
    assert.match(await header.innerText(), /like "driving"/);
    // Room for the recommendations and their words: the Papers tree folded, the sidebar wider.
    await marginaliaSidebar(page).locator('.pane-header', { hasText: 'Papers' }).click();
    await setSidebarWidth(page, 620);
    await page.mouse.move(900, 700);
    await screenshot(page, 'for-you-1-light');
    await setColorTheme(page, 'Dark Modern');
    await rows.first().waitFor();
    await screenshot(page, 'for-you-2-dark');
    await setColorTheme(page, 'Light Modern');
  });
});
