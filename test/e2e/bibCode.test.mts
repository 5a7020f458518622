// The paper view's Copy BibTeX and Open Code buttons as a person sees them, and Open Code offering
// the local clone of the paper's repository that the workspace holds.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { clickPaper, expandGroup, paperFrame, readPaperView, showPapers } from './marginalia.mjs';
import { screenshot } from './ui.mjs';
import { useWorkbenches } from '../support/workbench.mjs';

const SEED_003 = '003_633ab4c5ca64d127.txt';
const AIME = 'Action Inference by Maximising Evidence: Zero-Shot Imitation from Observation with World Models';

describe('BibTeX and code in the paper view', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('bib-code');

  it('shows the code link with Copy BibTeX and Open Code, and Open Code offers the local clone', async () => {
    const { page, folder } = await workbenches.open('seeds');
    // A clone of the paper's repository, as `git clone git@github.com:argmax-ai/aime.git` leaves it.
    const clone = path.join(folder, 'code', 'aime');
    fs.mkdirSync(path.join(clone, '.git'), { recursive: true });
    fs.writeFileSync(path.join(clone, '.git', 'config'), '[remote "origin"]\n\turl = git@github.com:argmax-ai/aime.git\n');

    await showPapers(page);
    await expandGroup(page, SEED_003);
    await clickPaper(page, AIME);
    const frame = await paperFrame(page, AIME);
    const view = await readPaperView(frame);
    assert.deepEqual(view.sectionLinks, ['https://github.com/argmax-ai/aime']);
    const actions = frame.locator('.bib-actions vscode-button');
    assert.deepEqual(await actions.allTextContents(), ['Copy BibTeX', 'Open Code']);
    // The buttons under the title and the Code section at the end of the abstract, in one picture.
    await frame.locator('.section-code').evaluate((section) => section.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'bib-code-1-paper-view');

    await frame.locator('.bib-actions vscode-button', { hasText: 'Open Code' }).click();
    const picker = page.locator('.quick-input-widget');
    await picker.locator('.quick-input-list .monaco-list-row', { hasText: 'Reveal Local Clone in Explorer' }).waitFor();
    const rows = await picker.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.equal(rows.length, 3, rows.join('\n'));
    assert.match(rows[0], /Open in Browser/);
    assert.match(rows[1], /Reveal Local Clone in Explorer[\s\S]*code\/aime/);
    assert.match(rows[2], /Open Local Clone in New Window[\s\S]*code\/aime/);
    // The quick pick fades in: wait for it to be opaque, as a person sees it a moment later.
    await picker.evaluate((widget) => Promise.all(widget.getAnimations({ subtree: true }).map((animation) => animation.finished)));
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.quick-input-widget')!).opacity === '1');
    await screenshot(page, 'bib-code-2-open-code-clone');

    // Revealing the clone selects its folder in the Explorer.
    await picker.locator('.quick-input-list .monaco-list-row', { hasText: 'Reveal Local Clone in Explorer' }).click();
    await page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'aime' }).waitFor();
    await screenshot(page, 'bib-code-3-clone-revealed');
  });
});
