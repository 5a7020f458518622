// The paper view as a person sees it: opened from the Papers tree, the abstract rendered with its
// links, in a light and a dark theme; its links opened outside VS Code; a hostile digest that can
// neither run nor load nor open anything; and the view coming back after a window reload.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  cancelExternalOpen,
  clickPaper,
  dismissHover,
  expandGroup,
  expectExternalOpen,
  externalOpenDialog,
  hoverRow,
  luminance,
  paperFrame,
  paperRow,
  readPaperView,
  reloadWindow,
  setColorTheme,
  showPapers,
} from './marginalia.mjs';
import { screenshot } from './ui.mjs';
import { useWorkbenches } from '../support/workbench.mjs';

const SEED_000 = '000_896f7befaa86139f.txt';
const DYNAMO = 'DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control';

/** The titles of test/fixtures/hostile/digests/hostile-digest.txt, exactly as the digest writes them. */
const HOSTILE_TITLE = 'Rendering Hostile Digests <script>window.__pwned=1;alert(1)</script> Safely';
const HOSTILE_IMG_TITLE = 'Images That Run Code <img src=x onerror="window.__pwned=1;alert(1)"> in Paper Titles';

/** The editor tab of a paper view, by the start of its title. */
function paperTab(page: Page, title: string) {
  return page.locator('.part.editor .tabs-container .tab').filter({ hasText: title });
}

/** `window.__pwned` in every frame of the page (frames that are gone or not scriptable count as clean). */
async function pwnedFrames(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const frame of page.frames()) {
    const pwned = await frame.evaluate(() => (window as { __pwned?: unknown }).__pwned !== undefined).catch(() => false);
    if (pwned) found.push(frame.url());
  }
  return found;
}

/** What a paper view document holds that could run, load or navigate: the security audit of test 3. */
interface Audit {
  scripts: { id: string; nonce: boolean; src: string; inline: boolean }[];
  frames: number;
  embeds: string[];
  handlers: string[];
  badAnchors: string[];
  csp: string;
}

function audit(frame: Frame): Promise<Audit> {
  return frame.evaluate(() => {
    // Every element, including those inside open shadow roots (the vscode-elements buttons).
    const elements: Element[] = [];
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length > 0) {
      const root = roots.pop()!;
      for (const element of root.querySelectorAll('*')) {
        elements.push(element);
        if (element.shadowRoot) roots.push(element.shadowRoot);
      }
    }
    return {
      scripts: elements
        .filter((element) => element.tagName === 'SCRIPT')
        .map((element) => ({
          id: element.id,
          nonce: (element as HTMLScriptElement).nonce !== '',
          src: element.getAttribute('src') ?? '',
          inline: (element.textContent ?? '').trim() !== '',
        })),
      frames: elements.filter((element) => ['IFRAME', 'FRAME'].includes(element.tagName)).length,
      embeds: elements
        .filter((element) => ['IMG', 'OBJECT', 'EMBED', 'VIDEO', 'AUDIO', 'SVG', 'FORM', 'BASE'].includes(element.tagName.toUpperCase()))
        .map((element) => element.outerHTML.slice(0, 120)),
      handlers: elements.flatMap((element) =>
        element
          .getAttributeNames()
          .filter((name) => name.toLowerCase().startsWith('on'))
          .map((name) => `<${element.tagName.toLowerCase()} ${name}>`),
      ),
      badAnchors: elements
        .filter((element) => element.tagName === 'A' && element.hasAttribute('href') && !/^https?:\/\//i.test(element.getAttribute('href') ?? ''))
        .map((element) => element.outerHTML.slice(0, 120)),
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    };
  });
}

describe('Paper view', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('paper');

  it('opens the clicked paper with its abstract rendered, in Light and Dark Modern, and opens its links outside VS Code', async () => {
    const window = await workbenches.open('seeds');
    const { page } = window;
    await showPapers(page);
    await expandGroup(page, SEED_000);
    await clickPaper(page, DYNAMO);

    const frame = await paperFrame(page, DYNAMO);
    await paperTab(page, 'DynaMo: In-Domain Dynamics').waitFor();
    const light = await readPaperView(frame);
    assert.equal(light.title, DYNAMO);
    assert.match(light.meta, /Sep 18, 2024/);
    assert.match(light.meta, /5 authors/);
    assert.match(light.meta, /3 upvotes/);
    assert.match(light.meta, /dynamo/);
    assert.match(light.abstractText, /^Imitation learning has proven to be a powerful tool for training complex visuomotor policies\./);
    assert.match(light.abstractText, /Robot videos are best viewed at https:\/\/dynamo-ssl\.github\.io$/);
    assert.deepEqual(light.abstractLinks, [{ text: 'https://dynamo-ssl.github.io', href: 'https://dynamo-ssl.github.io' }]);
    assert.deepEqual(light.sectionLinks, ['https://dynamo-ssl.github.io']);
    assert.equal(light.themeKind, 'vscode-light');
    assert.equal(light.themeName, 'Light Modern');
    assert.ok(luminance(light.background) > 0.8, `a light theme gives a light page, not rgb(${light.background.join(', ')})`);
    await screenshot(page, 'paper-view-1-light');

    // A click on a link goes to the host, which asks VS Code to open it outside: here the workbench
    // asks first ("Do you want Code to open the external website?").
    const opened = await expectExternalOpen(page, page.context(), () => frame.locator('.abstract a', { hasText: 'dynamo-ssl.github.io' }).click());
    assert.equal(new URL(opened.url).href, 'https://dynamo-ssl.github.io/');
    if (opened.via === 'dialog') {
      await screenshot(page, 'paper-view-2-open-link-dialog');
      await cancelExternalOpen(page);
    }

    try {
      await setColorTheme(page, 'Dark Modern');
      await frame.waitForFunction(() => document.body.dataset.vscodeThemeKind === 'vscode-dark');
      const dark = await readPaperView(frame);
      assert.equal(dark.themeName, 'Dark Modern');
      assert.equal(dark.title, DYNAMO);
      assert.ok(luminance(dark.background) < 0.1, `a dark theme gives a dark page, not rgb(${dark.background.join(', ')})`);
      await screenshot(page, 'paper-view-3-dark');
    } finally {
      // The theme is a user setting, shared by the next windows of this server.
      await setColorTheme(page, 'Light Modern');
    }

    // A merge brings the key another clone gave the paper (Marginalia 0.1 put the year in keys):
    // the view shows it beside the key, as a key that still cites the paper.
    fs.appendFileSync(path.join(window.folder, '.marginalia', 'library.jsonl'), `${JSON.stringify({ key: 'dynamo2024', title: DYNAMO })}\n`);
    await frame.locator('.meta-aliases', { hasText: 'also dynamo2024' }).waitFor({ timeout: 15_000 });
    assert.match((await readPaperView(frame)).meta, /dynamo.*also dynamo2024/s);
    await screenshot(page, 'paper-view-4-alias');
  });

  it('shows a hostile digest as text: nothing in it runs, loads or opens', async () => {
    const window = await workbenches.open('hostile');
    const { page } = window;
    const dialogs: string[] = [];
    const pages: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    page.context().on('page', (opened) => pages.push(opened.url()));

    await showPapers(page);
    // The only group is expanded from the start; the titles show as the digest writes them.
    const scriptRow = paperRow(page, HOSTILE_TITLE);
    const imgRow = paperRow(page, HOSTILE_IMG_TITLE);
    await scriptRow.waitFor();
    await imgRow.waitFor();
    const tooltip = await hoverRow(page, imgRow, 'A plain link');
    assert.ok((await tooltip.innerText()).startsWith(HOSTILE_IMG_TITLE), await tooltip.innerText());
    assert.equal(await tooltip.locator('img, iframe, script, a[href^="javascript"]').count(), 0, 'the tooltip rendered markup from the digest');
    await screenshot(page, 'hostile-1-tree-tooltip');
    await dismissHover(page);

    await clickPaper(page, HOSTILE_TITLE);
    const frame = await paperFrame(page, HOSTILE_TITLE);
    const view = await readPaperView(frame);
    assert.equal(view.title, HOSTILE_TITLE, 'the title is shown as text');
    // Raw HTML in the abstract is shown as the text the digest holds, not interpreted.
    for (const raw of [
      '<script>window.__pwned=1;alert(1)</script>',
      '<img src=x onerror="window.__pwned=1;alert(1)">',
      '<iframe src="https://example.org"></iframe>',
      '<a href="javascript:alert(1)">raw</a>',
    ]) {
      assert.ok(view.abstractText.includes(raw), `the abstract does not show ${raw} as text:\n${view.abstractText}`);
    }
    // Markdown: the javascript: link keeps its text but loses its href, the image becomes its alt
    // text, and the honest link stays a link.
    assert.deepEqual(view.abstractLinks, [
      { text: 'click me', href: null },
      { text: 'ok', href: 'https://example.org/ok' },
    ]);
    assert.match(view.abstractText, /a markdown image x, and one honest link ok that/);

    const found = await audit(frame);
    // The only scripts: VS Code's own acquireVsCodeApi shim, which it puts in every webview, and
    // our bundle, loaded by nonce.
    const ours = found.scripts.filter((script) => script.id !== '_vscodeApiScript');
    assert.deepEqual(
      ours.map((script) => ({ nonce: script.nonce, inline: script.inline, bundle: script.src.endsWith('/dist/webview/paperView.js') })),
      [{ nonce: true, inline: false, bundle: true }],
    );
    assert.equal(found.frames, 0, 'the paper view contains a frame');
    assert.deepEqual(found.embeds, [], 'the paper view contains elements that load content');
    assert.deepEqual(found.handlers, [], 'the paper view contains inline event handlers');
    assert.deepEqual(found.badAnchors, [], 'the paper view contains links that are not http(s)');
    assert.match(found.csp, /default-src 'none'/);
    assert.match(found.csp, /script-src 'nonce-[^']+'(;|$)/);
    await screenshot(page, 'hostile-2-paper-view');

    // Clicking the defused link opens nothing: had it asked the host to open a link,
    // the external-website dialog would show it before the one for the honest link clicked after them.
    await frame.locator('.abstract a', { hasText: 'click me' }).click();
    const opened = await expectExternalOpen(page, page.context(), () => frame.locator('.abstract a', { hasText: /^ok$/ }).click());
    assert.equal(opened.url, 'https://example.org/ok');
    if (opened.via === 'dialog') {
      await screenshot(page, 'hostile-3-only-the-honest-link-asks');
      await cancelExternalOpen(page);
    }
    assert.equal(await externalOpenDialog(page).count(), 0, 'a second external-website dialog came up');

    assert.deepEqual(await pwnedFrames(page), [], 'a script from the digest ran');
    assert.deepEqual(dialogs, [], 'the page showed a JavaScript dialog');
    assert.deepEqual(opened.via === 'page' ? pages.slice(1) : pages, [], 'a new page was opened');
  });

  it('comes back after Developer: Reload Window with the same paper', async () => {
    const { page } = await workbenches.open('seeds');
    await showPapers(page);
    await expandGroup(page, SEED_000);
    await clickPaper(page, 'HumanPlus');
    const before = await readPaperView(await paperFrame(page, /^HumanPlus/));
    assert.match(before.abstractText, /\w{4,}/);
    await screenshot(page, 'reload-1-before');

    await reloadWindow(page);
    // The panel is restored by VS Code from the state the page saved, then filled by the extension.
    const frame = await paperFrame(page, before.title, 60_000);
    const after = await readPaperView(frame);
    assert.equal(after.title, before.title);
    assert.equal(after.abstractText, before.abstractText);
    await paperTab(page, 'HumanPlus').waitFor();
    await screenshot(page, 'reload-2-after');
  });
});
