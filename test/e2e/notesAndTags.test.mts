// Notes and tags as a person sees them: tags typed into the paper view's chips input, a sentence of
// the abstract selected and quoted into the note (which the paper view then previews), tags written
// by the CLI showing up in the Tags tree, in Light and Dark Modern.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { clickPaper, expandGroup, marginaliaSidebar, paperFrame, setColorTheme, showPapers } from './marginalia.mjs';
import { runCommand, screenshot, waitForPaperCount } from './ui.mjs';
import { repoRoot } from '../vscode/paths.mjs';
import { waitFor } from '../support/waitFor.js';
import { useWorkbenches } from '../support/workbench.mjs';

const SEED_000 = '000_896f7befaa86139f.txt';
const DYNAMO = 'DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control';
const QUOTED = 'Imitation learning has proven to be a powerful tool for training complex visuomotor policies.';

function tagsTree(page: Page) {
  return marginaliaSidebar(page).locator('.monaco-list[aria-label="Tags"]');
}

/** Types a tag into the paper view's input and waits for its chip. */
async function addTagInView(frame: Frame, tag: string): Promise<void> {
  await frame.locator('.tag-input').fill(tag);
  await frame.locator('.tag-input').press('Enter');
  await frame.locator('.tag-chip .tag-name', { hasText: new RegExp(`^${tag}$`) }).waitFor();
}

/** Selects the first sentence of the abstract, as a mouse drag would. */
async function selectInAbstract(frame: Frame, text: string): Promise<void> {
  await frame.evaluate((wanted) => {
    const abstract = document.querySelector('.abstract')!;
    const walker = document.createTreeWalker(abstract, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(wanted);
      if (at === -1) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      window.getSelection()!.removeAllRanges();
      window.getSelection()!.addRange(range);
      return;
    }
    throw new Error(`"${wanted}" is not in one text node of the abstract`);
  }, text);
}

describe('Notes and tags', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('notes');

  it('tags a paper in its view, quotes its abstract into its note, and lists tags in the Tags tree, in light and dark', async () => {
    const { page, folder } = await workbenches.open('seeds');
    await showPapers(page);
    await waitForPaperCount(page);
    await expandGroup(page, SEED_000);
    await clickPaper(page, DYNAMO);
    const frame = await paperFrame(page, DYNAMO);

    // Tags from the paper view: the input completes existing tags; each becomes a chip.
    await frame.locator('.section-note .note-actions').waitFor();
    assert.match(await frame.locator('.section-note').innerText(), /No note yet/);
    await addTagInView(frame, 'robotics');
    await addTagInView(frame, 'to-read');
    await frame.locator('.tag-input').fill('two words');
    await frame.locator('.tag-input').press('Enter');
    await frame.locator('.tag-error', { hasText: 'one word' }).waitFor();
    await frame.locator('.tag-input').fill('');
    await frame.locator('.tag-remove[aria-label="Remove tag to-read"]').click();
    await frame.locator('.tag-chip', { hasText: 'to-read' }).waitFor({ state: 'detached' });
    await addTagInView(frame, 'to-read');

    // Quote in Note: the button shows for a selection in the abstract; the note is created and previewed.
    assert.equal(await frame.locator('.quote-button').isVisible(), false);
    await selectInAbstract(frame, QUOTED);
    await frame.locator('.quote-button').waitFor({ state: 'visible' });
    // The context menu of the abstract offers it too (webview/context with data-vscode-context).
    await frame.locator('.abstract').click({ button: 'right', position: { x: 40, y: 8 } });
    const menuItem = page.locator('.context-view .monaco-menu .action-label', { hasText: 'Quote in Note' });
    await menuItem.waitFor();
    await screenshot(page, 'notes-tags-0-quote-selection');
    await page.keyboard.press('Escape');
    await menuItem.waitFor({ state: 'hidden' });
    await selectInAbstract(frame, QUOTED);
    await frame.locator('.quote-button').click();
    const note = path.join(folder, 'notes', 'dynamo.md');
    await frame.locator('.note-excerpt', { hasText: QUOTED }).waitFor();
    const text = fs.readFileSync(note, 'utf8');
    assert.ok(text.startsWith('---\nkey: dynamo\ntitle: "DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control"\n'), text.slice(0, 200));
    assert.match(text, /\ntags:\n {2}- robotics\n {2}- to-read\n/);
    assert.ok(text.endsWith(`## Notes\n\n> ${QUOTED}\n`), text.slice(-200));

    // Quote in Note from the palette, twice: the host asks the page for its selection each time, and
    // the second request is a second quote, not a repeat to drop.
    for (let quotes = 2; quotes <= 3; quotes++) {
      await selectInAbstract(frame, QUOTED);
      await runCommand(page, 'Marginalia: Quote in Note');
      const count = () => fs.readFileSync(note, 'utf8').split(`> ${QUOTED}`).length - 1;
      await waitFor(`${quotes} quotes in the note`, count, (found) => found === quotes);
    }

    // More tags, written by the CLI as another process would: the views follow the library file.
    // The library file: a header line, then one JSON record per paper.
    const records = fs
      .readFileSync(path.join(folder, '.marginalia', 'library.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line) as { key: string; title: string });
    const keyOf = (start: string) => records.find((p) => p.title.startsWith(start))!.key;
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    await promisify(execFile)(process.execPath, [cli, 'tag', 'add', '--root', folder, keyOf('HumanPlus'), keyOf('Thought Cloning'), 'robotics']);
    await promisify(execFile)(process.execPath, [cli, 'tag', 'add', '--root', folder, keyOf('HumanPlus'), 'humanoids']);
    // The Tags view starts collapsed, leaving the sidebar to the Papers tree: open it as a person does.
    const tagsHeader = marginaliaSidebar(page).locator('.pane-header', { hasText: 'Tags' });
    if ((await tagsHeader.getAttribute('aria-expanded')) !== 'true') await tagsHeader.click();
    const rows = tagsTree(page).locator('.monaco-list-row');
    await rows.filter({ hasText: 'humanoids' }).waitFor();
    await rows.filter({ hasText: 'robotics' }).locator('.label-description', { hasText: '3 papers' }).waitFor();
    await rows.filter({ hasText: 'robotics' }).click();
    await rows.filter({ hasText: 'HumanPlus' }).waitFor();
    await page.mouse.move(900, 700);
    // The paper with a note carries the badge in the Tags tree too.
    // (VS Code draws decoration badges as ::after content.)
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.part.sidebar .monaco-list[aria-label="Tags"] .monaco-list-row')]
        .filter((row) => row.textContent?.includes('DynaMo'))
        .some((row) => [...row.querySelectorAll('*')].some((element) => getComputedStyle(element, '::after').content.includes('✎'))),
    );
    // A markdown file elsewhere cites the paper with a locator: the paper view lists it as a backlink.
    fs.writeFileSync(path.join(folder, 'notes', 'reading-list.md'), '# Reading list\n\nSelf-supervised visuo-motor control [see @dynamo, p. 3].\n');
    await frame.locator('#cited-in', { hasText: 'reading-list.md' }).waitFor();
    await frame.locator('.section-note').scrollIntoViewIfNeeded();
    await screenshot(page, 'notes-tags-1-light');
    await frame.locator('#cited-in').scrollIntoViewIfNeeded();
    await screenshot(page, 'notes-tags-3-note-and-backlinks-light');

    try {
      await setColorTheme(page, 'Dark Modern');
      await frame.waitForFunction(() => document.body.dataset.vscodeThemeKind === 'vscode-dark');
      await screenshot(page, 'notes-tags-2-dark');
      await frame.locator('#cited-in').scrollIntoViewIfNeeded();
      await screenshot(page, 'notes-tags-4-note-and-backlinks-dark');
    } finally {
      await setColorTheme(page, 'Light Modern');
    }
  });
});
