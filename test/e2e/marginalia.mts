// Marginalia's own UI as Playwright steps: the Papers tree in the sidebar, its tooltips and welcome
// view, the paper view webview (reached through page.frames()), the colour theme, the sidebar width
// and VS Code's "open the external website?" confirmation.
import type { BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { pickQuickInputItem, runCommand } from './ui.mjs';
import { MARGINALIA_CONTAINER, marginaliaIcon, waitForMarginaliaIcon } from './windows.mjs';

// Callbacks given to evaluate() run in the page: no named inner functions in them (tsx would wrap
// those in a __name() helper that does not exist there).

/** A spot in the empty editor area, away from anything that has a hover. */
const RESTING_SPOT = { x: 900, y: 700 };

/** The Marginalia view container in the sidebar. */
export function marginaliaSidebar(page: Page): Locator {
  return page.locator(MARGINALIA_CONTAINER);
}

/** The Papers tree (a custom tree view whose list is labelled by the view's name). */
export function papersTree(page: Page): Locator {
  return marginaliaSidebar(page).locator('.monaco-list[aria-label="Papers"]');
}

/** Opens the Marginalia container from the activity bar, unless it is showing already. */
export async function showPapers(page: Page): Promise<void> {
  if (!(await marginaliaSidebar(page).isVisible())) {
    await marginaliaIcon(page).click();
    // Off the icon, whose "Marginalia" hover would otherwise sit in every screenshot.
    await page.mouse.move(RESTING_SPOT.x, RESTING_SPOT.y);
  }
  await marginaliaSidebar(page).waitFor({ state: 'visible' });
}

/**
 * The tree row of a group whose label is `label`, or of the digest group whose file is `label` (a
 * digest with a date is labelled by it, its file name in the description; two digests of one day
 * carry the file name without `.txt` in the label).
 */
export function groupRow(page: Page, label: string): Locator {
  return papersTree(page)
    .locator('.monaco-list-row[aria-level="1"]')
    .filter({ has: groupText(page, label) });
}

/** A group row's label or description that names `label` (a file's name without `.txt` in a label that carries it). */
function groupText(page: Page, label: string): Locator {
  return page.locator('.label-name, .label-description', { hasText: label.replace(/\.txt$/, '') });
}

/** The tree row of a paper whose title contains `title`. */
export function paperRow(page: Page, title: string | RegExp): Locator {
  return papersTree(page)
    .locator('.monaco-list-row[aria-level="2"]')
    .filter({ has: page.locator('.label-name', { hasText: title }) });
}

/** Clicks a paper in the tree (which opens it in the preview paper view), then moves the mouse off the tree. */
export async function clickPaper(page: Page, title: string | RegExp): Promise<void> {
  await scrollToPaper(page, title);
  await paperRow(page, title).click();
  // A mouse resting on the row would bring up its tooltip over the paper view.
  await page.mouse.move(RESTING_SPOT.x, RESTING_SPOT.y);
}

/**
 * Scrolls the Papers tree down until the row of `title` is drawn: the list draws only the rows in
 * view, and the sidebar's other views (Reading Queue, For You) leave the Papers tree a few screens
 * of rows. Gives up quietly after the end of the list; the click that follows then says why.
 */
export async function scrollToPaper(page: Page, title: string | RegExp): Promise<void> {
  const row = paperRow(page, title);
  for (let i = 0; i < 40; i++) {
    if ((await row.count()) > 0 && (await row.first().isVisible())) return;
    const box = await papersTree(page).boundingBox();
    if (!box) return;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(100);
  }
}

/** Every visible row of the tree: label and description as shown. */
export async function treeRows(page: Page): Promise<{ level: number; label: string; description: string }[]> {
  return papersTree(page)
    .locator('.monaco-list-row')
    .evaluateAll((rows) =>
      rows.map((row) => ({
        level: Number(row.getAttribute('aria-level')),
        label: row.querySelector('.label-name')?.textContent ?? '',
        description: row.querySelector('.label-description')?.textContent ?? '',
      })),
    );
}

/** Expands a group (a click on a collapsed group row toggles it) and waits for its first paper. */
export async function expandGroup(page: Page, label: string): Promise<void> {
  const row = groupRow(page, label);
  await row.waitFor();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await papersTree(page)
    .locator('.monaco-list-row[aria-expanded="true"]')
    .filter({ has: groupText(page, label) })
    .waitFor();
}

/**
 * Rests the mouse on a row, as a person does, and returns its hover once it shows `text`. The mouse
 * moves to the row's coordinates rather than through locator.hover(), which would scroll the label
 * inside its clipped container and show an empty row that no person ever sees. If the tree redraws
 * the row under a resting mouse, no hover comes (nothing fired mouseover on the new row): the mouse
 * then leaves and comes back, as a person would.
 */
export async function hoverRow(page: Page, row: Locator, text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
  const hover = page.locator('.workbench-hover').filter({ visible: true }).filter({ hasText: text });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await row.waitFor({ timeout: Math.max(deadline - Date.now(), 1) });
    const box = await row.boundingBox();
    if (!box) throw new Error('The row has no box: is it scrolled out of view?');
    await page.mouse.move(RESTING_SPOT.x, RESTING_SPOT.y);
    await page.mouse.move(box.x + Math.min(120, box.width / 2), box.y + box.height / 2, { steps: 3 });
    try {
      await hover.waitFor({ timeout: Math.min(5000, Math.max(deadline - Date.now(), 1)) });
      return hover;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
  }
}

/** Moves the mouse away and waits for the hover to go. */
export async function dismissHover(page: Page): Promise<void> {
  await page.mouse.move(RESTING_SPOT.x, RESTING_SPOT.y);
  await page.keyboard.press('Escape');
  await page.locator('.workbench-hover').filter({ visible: true }).waitFor({ state: 'hidden' });
}

/** What the paper view page shows, read from its DOM. */
export interface PaperViewContent {
  title: string;
  meta: string;
  abstractText: string;
  /** The anchors of the abstract: their text and href (null when the sanitiser removed it). */
  abstractLinks: { text: string; href: string | null }[];
  /** The hrefs of the Code and Links sections. */
  sectionLinks: string[];
  themeKind: string;
  themeName: string;
  /** The page's background colour as [r, g, b]. */
  background: number[];
}

/**
 * The frame of a paper view whose title matches `title`, once it has rendered and its icon font has
 * loaded. Webviews are nested iframes; the page's own document is the one with the #paper element.
 */
export async function paperFrame(page: Page, title: string | RegExp, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  const matches = (text: string) => (typeof title === 'string' ? text.includes(title) : title.test(text));
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = [];
    for (const frame of page.frames()) {
      const shown = await frame.evaluate(() => document.querySelector('#paper #paper-title')?.textContent ?? null).catch(() => null);
      if (shown === null) continue;
      if (matches(shown)) {
        // Settled: the icon font has loaded too (the first paint may show empty icons and buttons).
        await frame.waitForFunction(
          () => [...document.fonts].some((font) => font.family.replace(/["']/g, '') === 'codicon' && font.status === 'loaded'),
          undefined,
          { timeout: Math.max(deadline - Date.now(), 5000) },
        );
        return frame;
      }
      seen.push(shown);
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`No paper view titled ${String(title)} within ${timeoutMs} ms (paper views seen: ${JSON.stringify(seen)})`);
}

/** Reads the paper view's title, metadata, abstract, links and theme from its DOM. */
export function readPaperView(frame: Frame): Promise<PaperViewContent> {
  return frame.evaluate(() => ({
    title: document.querySelector('#paper-title')?.textContent ?? '',
    meta: document.querySelector('.meta')?.textContent ?? '',
    abstractText: (document.querySelector('.abstract')?.textContent ?? '').trim(),
    abstractLinks: [...document.querySelectorAll('.abstract a')].map((a) => ({ text: a.textContent ?? '', href: a.getAttribute('href') })),
    sectionLinks: [...document.querySelectorAll('.link-list a')].map((a) => a.getAttribute('href') ?? ''),
    themeKind: document.body.dataset.vscodeThemeKind ?? '',
    themeName: document.body.dataset.vscodeThemeName ?? '',
    background:
      getComputedStyle(document.body)
        .backgroundColor.match(/\d+(\.\d+)?/g)
        ?.slice(0, 3)
        .map(Number) ?? [],
  }));
}

/** Relative luminance of an sRGB colour, 0 (black) to 1 (white). */
export function luminance([r = 0, g = 0, b = 0]: number[]): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The workbench theme classes: `vs` / `vs-dark` and the theme's own class. */
const THEME_CLASS = {
  'Light Modern': /\bvscode-theme-defaults-themes-light_modern-json\b/,
  'Dark Modern': /\bvscode-theme-defaults-themes-dark_modern-json\b/,
};

/** Picks a colour theme with "Preferences: Color Theme", as a person does, and waits for the workbench to wear it. */
export async function setColorTheme(page: Page, theme: keyof typeof THEME_CLASS): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await pickQuickInputItem(page, theme, theme);
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('.monaco-workbench')?.className ?? ''), THEME_CLASS[theme].source);
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Drags the sash between the sidebar and the editor until the sidebar is `width` pixels wide. */
export async function setSidebarWidth(page: Page, width: number): Promise<number> {
  const sidebar = page.locator('.part.sidebar');
  const box = await sidebar.boundingBox();
  if (!box) throw new Error('The sidebar is not showing');
  const sash = page.locator('.monaco-sash.vertical.primary-sidebar-sash');
  const sashBox = await sash.boundingBox();
  const x = sashBox ? sashBox.x + sashBox.width / 2 : box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + (box.x + width - x) / 2, y, { steps: 4 });
  await page.mouse.move(box.x + width, y, { steps: 4 });
  await page.mouse.up();
  await page.mouse.move(box.x + width / 2, box.y + box.height - 10); // off the sash, which stays lit while hovered
  return (await sidebar.boundingBox())?.width ?? 0;
}

/** How VS Code answered a request to open a link outside itself. */
export interface ExternalOpen {
  via: 'dialog' | 'page';
  url: string;
}

const EXTERNAL_DIALOG = /open the external website/i;

/** The workbench's "Do you want Code to open the external website?" dialog. */
export function externalOpenDialog(page: Page): Locator {
  return page.locator('.monaco-dialog-box').filter({ hasText: EXTERNAL_DIALOG });
}

/**
 * Runs `action` and resolves with what VS Code did about opening a link externally: its
 * confirmation dialog (which is then cancelled) or a new browser page (which is then closed).
 * Fails if neither happens within the time limit.
 */
export async function expectExternalOpen(page: Page, context: BrowserContext, action: () => Promise<void>, timeoutMs = 15_000): Promise<ExternalOpen> {
  const newPage = context.waitForEvent('page', { timeout: timeoutMs }).then((opened) => ({ via: 'page' as const, opened }));
  const dialog = externalOpenDialog(page)
    .waitFor({ timeout: timeoutMs })
    .then(() => ({ via: 'dialog' as const }));
  // Whichever loses the race times out later; nobody waits for it.
  newPage.catch(() => undefined);
  dialog.catch(() => undefined);
  await action();
  const first = await Promise.race([newPage, dialog]);
  if (first.via === 'page') {
    await first.opened.waitForLoadState('domcontentloaded').catch(() => undefined);
    const url = first.opened.url();
    await first.opened.close();
    return { via: 'page', url };
  }
  // The dialog's detail line is the URL.
  const url = (await externalOpenDialog(page).locator('.dialog-message-detail').innerText()).trim();
  return { via: 'dialog', url };
}

/** Cancels the external-website dialog and waits for it to go. */
export async function cancelExternalOpen(page: Page): Promise<void> {
  await externalOpenDialog(page).getByRole('button', { name: 'Cancel' }).click();
  await externalOpenDialog(page).waitFor({ state: 'hidden' });
}

/** Runs Developer: Reload Window and waits for the reloaded workbench to show Marginalia again. */
export async function reloadWindow(page: Page): Promise<void> {
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await runCommand(page, 'Developer: Reload Window');
  await reloaded;
  await waitForMarginaliaIcon(page);
}
