// Search Papers and the Related view as a person sees them: the status bar opens the search, results
// come as one types with the matched words under each title, hostile text gets a hint, a result opens
// its paper with related papers under the abstract, and the Related view follows it (light, dark, narrow).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { marginaliaSidebar, paperFrame, setColorTheme, setSidebarWidth, showPapers } from './marginalia.mjs';
import { pickQuickInputItem, runCommand, screenshot, waitForPaperCount } from './ui.mjs';
import { useWorkbenches } from '../support/workbench.mjs';

const quickInput = (page: Page) => page.locator('.quick-input-widget');
const quickInputRow = (page: Page, text: string | RegExp) => quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: text });
const relatedTree = (page: Page) => marginaliaSidebar(page).locator('.monaco-list[aria-label="Related"]');

describe('Search Papers and the Related view', { timeout: 400_000 }, () => {
  const workbenches = useWorkbenches('search');

  it('searches as one types from the status bar, shows matched words and hints, and opens a paper with its related papers', async () => {
    const { page, folder } = await workbenches.open('seeds');
    await showPapers(page);
    await waitForPaperCount(page);
    await page
      .locator('.statusbar-item', { hasText: /\d[\d,]* papers?/ })
      .first()
      .click();
    const input = quickInput(page).locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    assert.match((await input.getAttribute('placeholder')) ?? '', /title:cloning, imit\*, cloning~1/);

    await input.pressSequentially('behavior cloning', { delay: 30 });
    // Typing shows results for "behavior", "behavior clo", ... first: wait for those of the whole query.
    const augmented = quickInputRow(page, /Augmented Behavioral Cloning from Observation[\s\S]*behavior in title, abstract · cloning in title/);
    await augmented.waitFor();
    await quickInput(page)
      .locator('.quick-input-title', { hasText: /Search Papers: \d+ of \d+ papers/ })
      .waitFor();
    await screenshot(page, 'search-1-quick-pick-results');

    await input.fill('C++: a ~survey');
    await quickInput(page).locator('.quick-input-title', { hasText: '"C++" is not a field' }).waitFor();
    await quickInputRow(page, /Survey/)
      .first()
      .waitFor();
    await screenshot(page, 'search-2-quick-pick-hint');

    await input.fill('title:caril');
    await quickInputRow(page, /^CARIL/).waitFor();
    await page.keyboard.press('Enter');
    const frame = await paperFrame(page, /^CARIL/);
    const related = frame.locator('.section-related .related');
    await related.first().waitFor();
    assert.equal(await related.count(), 5);
    assert.match(await related.first().innerText(), /Traffic|Driving/);
    // Scores as the Related view gives them: a share of the first, not the raw sum of weights.
    const metas = await frame.locator('.section-related .related-meta').allInnerTexts();
    assert.match(metas[0], /^100%/);
    assert.ok(
      metas.every((meta) => /^\d{1,3}% · /.test(meta)),
      metas.join(' | '),
    );
    await frame.locator('.section-related').scrollIntoViewIfNeeded();
    await screenshot(page, 'search-3-paper-view-related');

    // The Related view in the sidebar (collapsed at first, so that the Papers view has the room) follows the paper view.
    const relatedHeader = marginaliaSidebar(page).locator('.pane-header', { hasText: 'Related' });
    if ((await relatedHeader.getAttribute('aria-expanded')) !== 'true') await relatedHeader.click();
    const rows = relatedTree(page).locator('.monaco-list-row');
    await rows.first().waitFor();
    await relatedTree(page)
      .locator('.monaco-list-row', { hasText: /Traffic Simulation/ })
      .waitFor();
    assert.ok((await rows.count()) >= 5, 'the view lists the related papers (as many as fit are rendered)');
    // The title leads; the score is relative (the first is 100%), in the description's muted colour, not highlighted.
    assert.doesNotMatch(await rows.first().locator('.label-name').innerText(), /^\d/);
    assert.match(await rows.first().locator('.label-description').innerText(), /^100% · \w/);
    assert.equal(await rows.first().locator('.label-name .highlight').count(), 0);
    await screenshot(page, 'search-4-related-view-light');

    // A click on a related paper in the paper view opens it.
    const firstTitle = await related.first().locator('.related-title').innerText();
    await related.first().click();
    await paperFrame(page, firstTitle);

    await setColorTheme(page, 'Dark Modern');
    await relatedTree(page).locator('.monaco-list-row').first().waitFor();
    await screenshot(page, 'search-5-related-view-dark');
    const width = await setSidebarWidth(page, 200);
    assert.ok(width < 260, `the sidebar is ${width} px wide`);
    await screenshot(page, 'search-6-related-view-narrow');
    await setColorTheme(page, 'Light Modern');
    await setSidebarWidth(page, 420);

    // Writing: the view follows the paragraph around the cursor of a markdown draft.
    fs.writeFileSync(
      path.join(folder, 'draft.md'),
      '# Related work\n\nEnd-to-end autonomous driving policies trained in closed-loop traffic simulation.\n\nText-to-image diffusion models and what they replicate from their training data.\n',
    );
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.command-center-quick-pick').click();
    await pickQuickInputItem(page, 'draft.md', 'draft.md');
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.locator('.view-line', { hasText: 'Text-to-image' }).click();
    await marginaliaSidebar(page)
      .locator('.pane-header', { hasText: /Related.*paragraph at line 5 of draft\.md/ })
      .waitFor();
    await relatedTree(page)
      .locator('.monaco-list-row', { hasText: /Diffusion|Image/i })
      .first()
      .waitFor();
    await screenshot(page, 'search-7-related-view-follows-paragraph');
  });
});
