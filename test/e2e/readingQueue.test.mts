// Reading status and the Reading Queue as a person sees them: a paper added to the queue and marked
// Reading from the paper view's status row, more papers queued by the CLI, the queue view in order
// with each paper's status, and the Papers tree saying the status, in Light and Dark Modern.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { clickPaper, expandGroup, marginaliaSidebar, paperFrame, paperRow, setColorTheme, setSidebarWidth, showPapers } from './marginalia.mjs';
import { screenshot, waitForPaperCount } from './ui.mjs';
import { repoRoot } from '../vscode/paths.mjs';
import { waitFor } from '../support/waitFor.js';
import { useWorkbenches } from '../support/workbench.mjs';

const SEED_000 = '000_896f7befaa86139f.txt';
const DYNAMO = 'DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control';

function queueRows(page: Page) {
  return marginaliaSidebar(page).locator('.monaco-list[aria-label="Reading Queue"] .monaco-list-row');
}

describe('Reading status and the Reading Queue', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('reading-queue');

  it('queues and marks papers from the paper view and the CLI, and shows the queue in order, in light and dark', async () => {
    const { page, folder } = await workbenches.open('seeds');
    await showPapers(page);
    await waitForPaperCount(page);

    // Empty, in a narrow sidebar, the queue says so in one short line with its action, as VS Code's own empty views do.
    const welcome = marginaliaSidebar(page)
      .locator('.pane')
      .filter({ has: page.locator('.pane-header', { hasText: 'Reading Queue' }) })
      .locator('.welcome-view-content');
    await welcome.waitFor();
    const wide = (await page.locator('.part.sidebar').boundingBox())?.width ?? 300;
    const width = await setSidebarWidth(page, 240);
    assert.equal((await welcome.innerText()).trim(), 'Nothing queued. Add a paper or drag one here.');
    assert.equal(await welcome.locator('a', { hasText: 'Add a paper' }).count(), 1, 'the action is a link in the line, not a button below it');
    const lineHeight = await welcome
      .locator('p')
      .first()
      .evaluate((p) => parseFloat(getComputedStyle(p).lineHeight) || 20);
    const height = (await welcome.locator('p').first().boundingBox())?.height ?? Infinity;
    assert.ok(height <= 2.5 * lineHeight, `the empty queue's text takes ${height} px (${lineHeight} px a line) in a ${width} px sidebar`);
    await screenshot(page, 'reading-queue-empty-narrow');
    await setSidebarWidth(page, wide);

    await expandGroup(page, SEED_000);
    await clickPaper(page, DYNAMO);
    const frame = await paperFrame(page, DYNAMO);

    // The paper view's status row: Add to Queue turns into In Queue, the Status menu sets Reading.
    await frame.locator('.status-row vscode-button', { hasText: 'Add to Queue' }).click();
    await frame.locator('.status-row vscode-button', { hasText: 'In Queue' }).waitFor();
    await frame.locator('.status-select').selectOption('reading');
    await frame.waitForFunction(() => (document.querySelector('.status-select') as HTMLSelectElement | null)?.value === 'reading');

    // Two more papers queued by another process (the CLI): the view follows the library file.
    const read = () =>
      fs
        .readFileSync(path.join(folder, '.marginalia', 'library.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => JSON.parse(line) as { key: string; title: string; status?: string });
    const records = await waitFor(
      'DynaMo marked reading in the library file',
      read,
      (list) => list.find((record) => record.title === DYNAMO)?.status === 'reading',
    );
    const keyOf = (start: string) => records.find((p) => p.title.startsWith(start))!.key;
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    await promisify(execFile)(process.execPath, [cli, 'queue', 'add', '--root', folder, keyOf('HumanPlus'), keyOf('Thought Cloning')]);

    const rows = queueRows(page);
    await rows.nth(2).waitFor();
    assert.deepEqual(
      (await rows.locator('.label-name').allInnerTexts()).map((title) => title.slice(0, 12)),
      [DYNAMO.slice(0, 12), 'HumanPlus: H', 'Thought Clon'],
    );
    assert.match(await rows.first().locator('.label-description').innerText(), /^Reading/);
    // The Papers tree says it too.
    assert.match(await paperRow(page, DYNAMO).locator('.label-description').innerText(), /Reading/);
    await page.mouse.move(900, 700);
    await screenshot(page, 'reading-queue-light');

    try {
      await setColorTheme(page, 'Dark Modern');
      await frame.waitForFunction(() => document.body.dataset.vscodeThemeKind === 'vscode-dark');
      await screenshot(page, 'reading-queue-dark');
    } finally {
      await setColorTheme(page, 'Light Modern');
    }
  });
});
