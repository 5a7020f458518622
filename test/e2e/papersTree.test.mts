// The Papers tree as a person sees it in the sidebar: the digest groups with their counts, a paper's
// tooltip with its abstract, long titles in a narrow sidebar, the welcome view of a workspace without
// digests, and the tree and the Problems panel following a digest edited on disk.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  dismissHover,
  expandGroup,
  groupRow,
  hoverRow,
  marginaliaSidebar,
  paperRow,
  papersTree,
  setSidebarWidth,
  showPapers,
  treeRows,
} from './marginalia.mjs';
import { runCommand, screenshot } from './ui.mjs';
import { SEED_GROUPS } from '../support/seedDigests.js';
import { useWorkbenches } from '../support/workbench.mjs';

/** The digest of test/fixtures/workspace/. */
const FIXTURE_GROUP = '2024-03-11_daily-papers.txt';
/** The fixture digest says its date, as seed 000 does: both are "March 11", told apart by their file names in the label. */
const FIXTURE_LABEL = 'March 11 · 2024-03-11_daily-papers';
/** The seeds' labels beside the fixture digest: seed 000's carries its file name too. */
const SEED_LABELS = SEED_GROUPS.map(([file, , label]) => (label === 'March 11' ? `${label} · ${file.replace(/\.txt$/, '')}` : label));

const ABSTRACT =
  'We study how readers keep up with the daily flood of papers and show, across many fields and teams, that a library kept beside the code is read more often than one kept elsewhere.';

describe('Papers tree', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('tree');

  it("shows one group per digest with its paper count, and a paper's abstract in its tooltip", async () => {
    const { page } = await workbenches.open('seeds');
    await showPapers(page);
    for (const [file, count] of [...SEED_GROUPS, [FIXTURE_GROUP, 4] as const]) {
      await groupRow(page, file)
        .locator('.label-description', { hasText: new RegExp(`^${count} papers\\b`) })
        .waitFor();
    }
    const groups = (await treeRows(page)).filter((row) => row.level === 1);
    assert.deepEqual(
      groups.map((row) => row.label),
      [FIXTURE_LABEL, ...SEED_LABELS],
    );
    // A dated digest's description names its file after the count, unless its label does (two of
    // one day); an undated one's label is its file.
    assert.equal(await groupRow(page, FIXTURE_GROUP).locator('.label-description').innerText(), '4 papers');
    assert.equal(await groupRow(page, SEED_GROUPS[1][0]).locator('.label-description').innerText(), `49 papers · ${SEED_GROUPS[1][0]}`);
    assert.equal(await groupRow(page, SEED_GROUPS[3][0]).locator('.label-description').innerText(), '146 papers');
    await screenshot(page, 'tree-1-seed-groups');

    await expandGroup(page, SEED_GROUPS[0][0]);
    const dynamo = paperRow(page, 'DynaMo: In-Domain Dynamics Pretraining');
    await dynamo.waitFor();
    assert.match(await dynamo.locator('.label-description').innerText(), /^2024 · 5 authors · ▲ 3$/);
    await screenshot(page, 'tree-2-group-expanded');

    const tooltip = await hoverRow(page, dynamo, 'Imitation learning has proven to be a powerful tool');
    const text = await tooltip.innerText();
    assert.match(text, /^DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control/);
    assert.match(text, /dynamo · Sep 18, 2024 · 5 authors · ▲ 3/);
    assert.match(text, /…$/, 'a long abstract is cut with an ellipsis');
    // Words wrap as words: no-break spaces (MarkdownString.appendText) make the hover split inside them.
    assert.equal(await tooltip.evaluate((element) => (element.textContent ?? '').includes('\u00a0')), false, 'the tooltip uses no-break spaces');
    await screenshot(page, 'tree-3-tooltip-abstract');
    await dismissHover(page);
  });

  it('keeps long titles readable in a narrow sidebar, and shows descriptions when there is room', async () => {
    const { page } = await workbenches.open('seeds');
    await showPapers(page);
    await expandGroup(page, SEED_GROUPS[1][0]);
    await paperRow(page, 'ACT-JEPA').waitFor();

    const narrow = await setSidebarWidth(page, 220);
    assert.ok(Math.abs(narrow - 220) <= 12, `the sidebar is ${narrow}px wide`);
    await screenshot(page, 'tree-4-narrow-sidebar');
    const rows = await papersTree(page)
      .locator('.monaco-list-row[aria-level="2"]')
      .evaluateAll((elements) =>
        elements.map((row) => {
          const container = row.querySelector('.monaco-icon-label-container') as HTMLElement;
          return {
            label: row.querySelector('.label-name')?.textContent ?? '',
            ariaLabel: row.getAttribute('aria-label') ?? '',
            clipped: container.scrollWidth > container.clientWidth,
            textOverflow: getComputedStyle(container).textOverflow,
            right: row.getBoundingClientRect().right,
          };
        }),
      );
    const sidebarRight = (await marginaliaSidebar(page).boundingBox())!;
    assert.ok(rows.length > 10, `${rows.length} paper rows showing`);
    const clipped = rows.filter((row) => row.clipped);
    assert.ok(clipped.length > rows.length / 2, 'most titles are longer than a narrow sidebar');
    for (const row of clipped) {
      assert.equal(row.textOverflow, 'ellipsis', `${row.label} is cut without an ellipsis`);
      assert.ok(row.ariaLabel.startsWith(row.label), `${row.label}: a screen reader still gets the whole title`);
    }
    for (const row of rows) assert.ok(row.right <= sidebarRight.x + sidebarRight.width + 1, `${row.label} overflows the sidebar`);

    const wide = await setSidebarWidth(page, 560);
    assert.ok(wide > 500, `the sidebar is ${wide}px wide`);
    await screenshot(page, 'tree-5-wide-sidebar');
    // With room, a group's count and a paper's year, authors and upvotes show in full, not clipped.
    for (const row of [groupRow(page, SEED_GROUPS[1][0]), paperRow(page, 'Data Quality in Imitation Learning')]) {
      const fits = await row.evaluate((element) => {
        const container = element.querySelector('.monaco-icon-label-container')!.getBoundingClientRect();
        const description = element.querySelector('.label-description');
        return description !== null && description.textContent !== '' && description.getBoundingClientRect().right <= container.right + 0.5;
      });
      assert.ok(fits, `the description of ${await row.getAttribute('aria-label')} is clipped or missing`);
    }
    assert.match(await groupRow(page, SEED_GROUPS[1][0]).locator('.label-description').innerText(), /^49 papers · /);
  });

  it('shows the welcome view in a workspace without digests, and the seeds after "Add Sample Digests"', async () => {
    const { page, folder } = await workbenches.open('empty');
    await showPapers(page);
    // The Papers view's own welcome: the Reading Queue below it has one of its own.
    const papersPane = marginaliaSidebar(page)
      .locator('.pane')
      .filter({ has: page.locator('.pane-header .title', { hasText: /^Papers$/ }) });
    const welcome = papersPane.locator('.welcome-view-content');
    await welcome.getByText('No Daily Papers digests found in this workspace').waitFor();
    const buttons = await welcome.locator('.monaco-button').allInnerTexts();
    assert.deepEqual(buttons, ['Add Digests...', 'Add Sample Digests', 'Configure Digest Location']);
    await page.locator('.statusbar-item', { hasText: /\b0 papers\b/ }).waitFor();
    await screenshot(page, 'welcome-1-no-digests');

    await welcome.locator('.monaco-button', { hasText: 'Add Sample Digests' }).click();
    for (const [file, count] of SEED_GROUPS) {
      await groupRow(page, file)
        .locator('.label-description', { hasText: new RegExp(`^${count} papers\\b`) })
        .waitFor({ timeout: 30_000 });
    }
    assert.equal(await welcome.isVisible(), false, 'the welcome view is gone');
    assert.deepEqual(
      (await treeRows(page)).map((row) => row.label),
      SEED_GROUPS.map(([, , label]) => label),
    );
    assert.deepEqual(
      fs.readdirSync(path.join(folder, 'digests')).sort(),
      SEED_GROUPS.map(([file]) => file),
    );
    await page.locator('.statusbar-item', { hasText: /\b257 papers\b/ }).waitFor();
    await screenshot(page, 'welcome-2-after-sample-digests');
  });

  it('follows a digest edited on disk, and lists a line it cannot place in the Problems panel', async () => {
    const { page, folder } = await workbenches.open('seeds');
    await showPapers(page);
    await expandGroup(page, FIXTURE_GROUP);
    await paperRow(page, 'Marginal Notes').waitFor();
    assert.equal((await treeRows(page)).filter((row) => row.level === 2).length, 4);

    const title = 'Reading Beside the Code: A Paper Appended While the Tree Was Open';
    fs.appendFileSync(path.join(folder, 'digests', FIXTURE_GROUP), `\n${title}\n\n${ABSTRACT}\n`);
    await paperRow(page, title).waitFor({ timeout: 15_000 });
    await groupRow(page, FIXTURE_GROUP)
      .locator('.label-description', { hasText: /^5 papers\b/ })
      .waitFor();
    await screenshot(page, 'tree-6-after-digest-edit');

    // A digest that starts with a metadata line belonging to no paper: reported, not dropped.
    fs.writeFileSync(path.join(folder, 'digests', 'stray-line-digest.txt'), `  • 3 authors\n\nA Paper After A Stray Line\n\n${ABSTRACT}\n`);
    await groupRow(page, 'stray-line-digest.txt').waitFor({ timeout: 15_000 });
    // A new digest takes its place by path, as it would after a reload, rather than going last.
    assert.deepEqual(
      (await treeRows(page)).filter((row) => row.level === 1).map((row) => row.label),
      [FIXTURE_LABEL, 'stray-line-digest.txt', ...SEED_LABELS],
    );
    await runCommand(page, 'View: Focus Problems');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const problems = page.locator('.part.panel .markers-panel');
    const problem = problems.locator('.monaco-list-row', { hasText: /authors line/ });
    await problem.waitFor({ timeout: 15_000 });
    await problems.locator('.monaco-list-row', { hasText: 'stray-line-digest.txt' }).waitFor();
    const text = await problem.innerText();
    assert.match(text, /An authors line \("• 3 authors"\) that follows no paper; skipped\./);
    assert.match(text, /Marginalia/);
    assert.match(text, /\[Ln 1, Col 1\]/);
    await screenshot(page, 'problems-unplaced-line');
  });
});
