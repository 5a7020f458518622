// Citations in VS Code's markdown preview, as a person sees them: a note citing a .bib entry with a
// prefix and a locator, several keys in one bracket, a digest paper and an unknown key; each known
// citation a link with the paper's title as tooltip, the unknown one marked, and a "References"
// list after the document; a .bib added while the preview is open shows in it without a reopen.
// Screenshots in light and dark.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { setColorTheme } from './marginalia.mjs';
import { pickQuickInputItem, runCommand, screenshot, waitForPaperCount } from './ui.mjs';
import { repoRoot } from '../vscode/paths.mjs';
import { useWorkbenches } from '../support/workbench.mjs';

const NOTE = [
  '# Reading notes',
  '',
  'Diffusion policies [see @chi2023diffusion, p. 3] learn from demonstrations, and cheap bimanual',
  'hardware [@zhao2022-aloha; -@Mueller:2021:LSTM] makes collecting them easy. Our own digests are',
  'parsed robustly [@digestToLibrary]. A key nobody defines [@noSuchKey2020] is marked.',
  '',
].join('\n');

/** The frame of the markdown preview once its reference list has `references` entries. */
async function previewFrame(page: Page, references: number): Promise<Frame> {
  const deadline = Date.now() + 30_000;
  let most = 0;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const listed = await frame
        .locator('.marginalia-references li')
        .count()
        .catch(() => 0);
      if (listed === references) return frame;
      most = Math.max(most, listed);
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`The markdown preview did not list ${references} references (at most ${most})`);
}

describe('Markdown preview', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('markdown-preview');

  it('renders citations as links with titles, marks an unknown key and lists the references, in light and dark', async () => {
    const { page, folder } = await workbenches.open('seeds');
    fs.writeFileSync(path.join(folder, 'notes', 'preview.md'), NOTE);
    await waitForPaperCount(page);
    await page.locator('.command-center-quick-pick').click();
    await pickQuickInputItem(page, 'preview.md', 'preview.md');
    await page.locator('.part.editor .tab.active', { hasText: 'preview.md' }).waitFor();
    await runCommand(page, 'Markdown: Open Preview to the Side');
    // Before the project has a .bib, only the digest paper is known.
    const before = await previewFrame(page, 1);
    assert.equal(await before.locator('.marginalia-unknown', { hasText: '@chi2023diffusion?' }).count(), 1);

    // A .bib added while the preview is open: the preview renders anew with its entries.
    fs.mkdirSync(path.join(folder, 'thesis'), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'latex-project', 'references.bib'), path.join(folder, 'thesis', 'references.bib'));
    const frame = await previewFrame(page, 4);

    const citations = await frame.evaluate(() =>
      [...document.querySelectorAll('.marginalia-citations')].map((group) => ({
        text: group.textContent ?? '',
        links: [...group.querySelectorAll('a.marginalia-citation')].map((link) => ({ text: link.textContent, title: link.getAttribute('title') })),
        unknown: [...group.querySelectorAll('.marginalia-unknown')].map((span) => span.textContent),
      })),
    );
    assert.equal(citations.length, 4);
    assert.equal(citations[0].text, '(see Chi et al. 2023, p. 3)');
    assert.deepEqual(citations[0].links, [{ text: 'Chi et al. 2023', title: 'Diffusion Policy: Visuomotor Policy Learning via Action Diffusion' }]);
    assert.equal(citations[1].text, '(Zhao and Kumar 2022; 2021)');
    assert.match(citations[2].links[0].title ?? '', /^Digest to Library/);
    assert.deepEqual(citations[3].unknown, ['@noSuchKey2020?']);

    const references = await frame.evaluate(() =>
      [...document.querySelectorAll('.marginalia-references li .marginalia-reference-title')].map((title) => title.textContent),
    );
    assert.equal(references.length, 4);
    assert.equal(references[0], 'Diffusion Policy: Visuomotor Policy Learning via Action Diffusion');
    assert.equal(references[2], 'On the LSTM Gradient: A Monte Carlo Study of École-Style Training');
    assert.equal(await frame.locator('h2', { hasText: 'References' }).count(), 1);
    // A digest paper that is also a .bib entry shows the .bib key, the one the note cites.
    assert.equal(await frame.locator('.marginalia-references li').nth(1).locator('code').textContent(), 'zhao2022-aloha');

    await screenshot(page, 'markdown-preview-light');
    await setColorTheme(page, 'Dark Modern');
    await (await previewFrame(page, 4)).locator('.marginalia-references').waitFor();
    await screenshot(page, 'markdown-preview-dark');
    await setColorTheme(page, 'Light Modern');
  });
});
