// Citations as a person sees them: the paper view's "Cited in" section (backlinks, code and LaTeX)
// and its entries opening the file at the citing line; the hover on a key in a markdown note; and
// completion after `[@` with the paper's title and abstract beside the list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { paperFrame, setColorTheme } from './marginalia.mjs';
import { pickQuickInputItem, runCommand, screenshot, waitForPaperCount } from './ui.mjs';
import { useWorkbenches } from '../support/workbench.mjs';

const DIGEST_TO_LIBRARY = 'Digest to Library: Parsing Daily Paper Newsletters Robustly';

/** Opens a workspace file with Quick Open, as a person does, and waits for its editor. */
async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.command-center-quick-pick').click();
  await pickQuickInputItem(page, name, name);
  await page.locator('.part.editor .tab.active', { hasText: name }).waitFor();
  await page.locator('.part.editor .monaco-editor .view-lines').first().waitFor();
}

/** Moves the cursor to a 1-based line and column with Go to Line. */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await runCommand(page, 'Go to Line/Column...');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The entries of the "Cited in" section: file label, line and line text. */
function citedIn(frame: Frame): Promise<{ group: string; entries: string[] }[]> {
  return frame.evaluate(() => {
    const section = document.querySelector('#cited-in');
    if (!section) return [];
    return [...section.querySelectorAll('h3')].map((heading) => ({
      group: heading.textContent ?? '',
      entries: [...(heading.nextElementSibling?.querySelectorAll('.cited') ?? [])].map(
        (button) =>
          `${button.querySelector('.cited-folder')?.textContent ?? ''}/${button.querySelector('.cited-name')?.textContent ?? ''}${button.querySelector('.cited-line')?.textContent ?? ''}`,
      ),
    }));
  });
}

describe('Citations', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('citations');

  it('the paper view lists where the workspace cites the paper, backlinks apart, in light and dark; an entry opens its line', async () => {
    const { page } = await workbenches.open('seeds');
    await waitForPaperCount(page);
    await runCommand(page, 'Marginalia: Open Paper');
    await pickQuickInputItem(page, 'Digest to Library', 'Digest to Library');
    const frame = await paperFrame(page, DIGEST_TO_LIBRARY);
    await frame.locator('#cited-in .cited').nth(2).waitFor();
    assert.deepEqual(await citedIn(frame), [
      { group: 'Backlinks (1)', entries: ['notes/reading.md:5'] },
      { group: 'Code and LaTeX (2)', entries: ['paper/main.tex:3', 'src/parser.ts:1'] },
    ]);
    await frame.locator('#cited-in').scrollIntoViewIfNeeded();
    await screenshot(page, 'cited-in-light');
    await setColorTheme(page, 'Dark Modern');
    await frame.locator('#cited-in').scrollIntoViewIfNeeded();
    await screenshot(page, 'cited-in-dark');
    await setColorTheme(page, 'Light Modern');

    // An entry opens its file beside the paper, with the key selected.
    await frame.locator('#cited-in .cited', { hasText: 'main.tex' }).click();
    await page.locator('.part.editor .tab.active', { hasText: 'main.tex' }).waitFor();
    await page.locator('.part.editor .monaco-editor .selected-text').first().waitFor();
    const line = await page.locator('.part.editor .monaco-editor .current-line').first().boundingBox();
    assert.ok(line, 'the cursor line is shown');
  });

  it('hovering a key in a note shows the paper, its abstract and Open Paper / Open Note', async () => {
    const { page } = await workbenches.open('seeds');
    await waitForPaperCount(page);
    await openFile(page, 'reading.md');
    // Line 5 is "Related work [@offlineRelatedPaper; @digestToLibrary]."; column 41 is inside the second key.
    await goTo(page, 5, 41);
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover').filter({ visible: true }).filter({ hasText: 'Digest to Library' });
    await hover.waitFor();
    const text = await hover.innerText();
    assert.match(text, /Digest to Library: Parsing Daily Paper Newsletters Robustly/);
    assert.match(text, /digestToLibrary/);
    assert.match(text, /Daily paper newsletters arrive as web pages/);
    assert.match(text, /Open Paper/);
    assert.match(text, /Open Note/);
    await screenshot(page, 'citation-hover');

    // Its Open Paper link opens the paper view.
    // (The hover's own link, not the document link's "Open Paper (ctrl + click)" below it.)
    await hover.getByRole('link', { name: 'Open Paper', exact: true }).first().click();
    await paperFrame(page, DIGEST_TO_LIBRARY);
  });

  it('hovering a key in a code comment shows the paper and its abstract', async () => {
    const { page } = await workbenches.open('seeds');
    await waitForPaperCount(page);
    await openFile(page, 'search.py');
    // Line 2 is "    # [@offlineRelatedPaper] Offline Related-Paper Search"; column 12 is inside the key.
    await goTo(page, 2, 12);
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover').filter({ visible: true }).filter({ hasText: 'Offline Related' });
    await hover.waitFor();
    const text = await hover.innerText();
    assert.match(text, /offlineRelatedPaper/);
    assert.match(text, /Open Paper/);
    await screenshot(page, 'citation-hover-code');
  });

  it('typing [@ in a note offers the papers, with title and abstract beside the list', async () => {
    const { page } = await workbenches.open('seeds');
    await waitForPaperCount(page);
    await openFile(page, 'reading.md');
    await goTo(page, 7, 200);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Parsers [@dig', { delay: 50 });
    const widget = page.locator('.editor-widget.suggest-widget').filter({ visible: true });
    await widget.locator('.monaco-list-row', { hasText: 'digestToLibrary' }).first().waitFor();
    // The details pane shows the paper (opened with the same key as a person would).
    const details = page.locator('.suggest-details').filter({ visible: true });
    if (!(await details.isVisible())) await page.keyboard.press('Control+Space');
    await details.filter({ hasText: 'Daily paper newsletters' }).waitFor();
    await screenshot(page, 'citation-completion');

    // Enter accepts the focused row; the editor renders the accepted key a frame or two later (CI once
    // read the line before it did), so wait for the line rather than reading it once.
    await widget.locator('.monaco-list-row.focused', { hasText: 'digestToLibrary' }).waitFor();
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' });
    const line = page.locator('.part.editor .monaco-editor .view-line', { hasText: /Parsers\s\[@digestToLibrary/ });
    await line.waitFor({ timeout: 10_000 });
    assert.match((await line.innerText()).replace(/\u00a0/g, ' '), /Parsers \[@digestToLibrary/);
  });
});
