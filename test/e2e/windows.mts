// One VS Code server and one browser per test file, and a fresh workbench window per test: each
// test gets its own workspace folder and its own extension host, so no test sees another's state,
// while the server and Chromium (the slow parts to start) are started once.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { copyFixtureWorkspace, emptyWorkspace } from '../vscode/fixtureWorkspace.mjs';
import type { TempWorkspace } from '../vscode/fixtureWorkspace.mjs';
import { repoRoot } from '../vscode/paths.mjs';
import { startServer } from '../vscode/server.mjs';
import type { VsCodeServer } from '../vscode/server.mjs';
import { launchChromium, workbenchUrl } from '../vscode/workbench.mjs';

/** The theme every window starts in; tests that switch it switch it back. */
export const START_THEME = 'Default Light Modern';

/** What a test window's folder holds. */
export type WorkspaceKind =
  /** test/fixtures/workspace/ (one small digest) plus the four seed digests under seeds/. */
  | 'seeds'
  /** test/fixtures/hostile/ (a digest whose titles and abstracts carry scripts and javascript: links). */
  | 'hostile'
  /** test/fixtures/math/ (a digest whose titles and abstracts carry LaTeX, prices and a broken formula). */
  | 'math'
  /** Nothing at all: the welcome view. */
  | 'empty';

const hostileFixture = path.join(repoRoot, 'test', 'fixtures', 'hostile');
const mathFixture = path.join(repoRoot, 'test', 'fixtures', 'math');

function makeWorkspace(kind: WorkspaceKind): TempWorkspace {
  if (kind === 'seeds') return copyFixtureWorkspace();
  const workspace = emptyWorkspace();
  if (kind === 'hostile') fs.cpSync(hostileFixture, workspace.folder, { recursive: true });
  if (kind === 'math') fs.cpSync(mathFixture, workspace.folder, { recursive: true });
  return workspace;
}

/** A workbench window on its own workspace folder, with Marginalia loaded from this repository. */
export interface TestWindow {
  page: Page;
  /** The workspace folder the window shows (a temp folder; write into it freely). */
  folder: string;
  /** Closes the window (which ends its extension host) and deletes the folder. */
  close(): Promise<void>;
}

export interface Workbenches {
  server: VsCodeServer;
  /** Opens a new window on a new folder of `kind`, and waits until Marginalia's icon is in the activity bar. */
  open(kind: WorkspaceKind): Promise<TestWindow>;
  /** Closes every window still open, the browser and the server. */
  close(): Promise<void>;
}

/** Starts the server (Light Modern theme, so that screenshots compare) and Chromium. */
export async function startWorkbenches(): Promise<Workbenches> {
  const server = await startServer({ userSettings: { 'workbench.colorTheme': START_THEME } });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const open = new Set<TestWindow>();

  return {
    server,
    async open(kind) {
      const workspace = makeWorkspace(kind);
      let context: BrowserContext | undefined;
      const window: TestWindow = {
        page: undefined as unknown as Page,
        folder: workspace.folder,
        async close() {
          open.delete(window);
          await context?.close().catch(() => undefined);
          workspace.remove();
        },
      };
      open.add(window);
      try {
        context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        window.page = await context.newPage();
        await window.page.goto(workbenchUrl(server, { folder: workspace.folder, extensionDevelopmentPath: repoRoot }));
        await waitForMarginaliaIcon(window.page);
        // A new workspace of digests is a first start: Marginalia shows its sidebar by itself. Waiting
        // for it here means no test's first click on the icon lands as it opens (and closes it again).
        if (kind !== 'empty') await window.page.locator(MARGINALIA_CONTAINER).waitFor({ state: 'visible', timeout: 60_000 });
        return window;
      } catch (error) {
        await window.close();
        throw error;
      }
    },
    async close() {
      for (const window of [...open]) await window.close();
      await browser.close().catch(() => undefined);
      await server.stop();
    },
  };
}

/**
 * Waits for the workbench and for the Marginalia container's icon in the activity bar, which shows
 * once the server's extension host has reported the extension's contributions. Also right after a
 * window reload, when the Explorer may not be the visible view.
 */
export async function waitForMarginaliaIcon(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await marginaliaIcon(page).waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The Marginalia view container in the sidebar. */
export const MARGINALIA_CONTAINER = '.part.sidebar .composite[id="workbench.view.extension.marginalia"]';

/** The activity-bar item of the Marginalia view container. */
export function marginaliaIcon(page: Page) {
  return page.locator('.part.activitybar .action-label[aria-label^="Marginalia"]');
}

/**
 * What a failed test's window showed and what its extension host logged, for the test output: CI
 * keeps no screenshots, so a failure has to explain itself in text. The newest extension host is
 * the failed window's (a suite opens its windows one at a time).
 */
export async function failureReport(page: Page | undefined, server: VsCodeServer): Promise<string> {
  const lines: string[] = [];
  if (page) {
    const seen = await page
      .evaluate((container) => {
        // No named helpers in here (see marginalia.mts): each text is squeezed where it is read.
        const sidebar = document.querySelector('.part.sidebar');
        const active = sidebar ? `"${(sidebar.querySelector('.composite.title .title-label')?.textContent ?? '').trim()}"` : '(no sidebar)';
        const marginalia = document.querySelector(container);
        const panes = [...(marginalia?.querySelectorAll('.pane') ?? [])].map((pane) => {
          const header = pane.querySelector('.pane-header');
          const title = (header?.querySelector('h3')?.textContent ?? '').trim();
          const body = pane.querySelector('.pane-body') as HTMLElement | null;
          const message = (pane.querySelector('.message, .welcome-view')?.textContent ?? '').replace(/\s+/g, ' ').trim();
          const rows = [...pane.querySelectorAll('.monaco-list-row')]
            .slice(0, 8)
            .map((row) => `      [${row.getAttribute('aria-level')}] ${(row.textContent ?? '').replace(/\s+/g, ' ').trim()}`);
          const state = header?.getAttribute('aria-expanded') === 'true' ? 'expanded' : 'collapsed';
          const busy = pane.querySelector('.monaco-progress-container.active') ? ', progress bar running' : '';
          return [`  pane "${title}" ${state}, body ${body?.offsetHeight ?? 0} px${busy}${message ? `, message "${message}"` : ''}`, ...rows].join('\n');
        });
        const notifications = [...document.querySelectorAll('.notifications-toasts .notification-list-item-message')].map(
          (item) => `  notification: ${(item.textContent ?? '').trim()}`,
        );
        return [`sidebar: ${active}; Marginalia container ${marginalia ? 'present' : 'absent'}`, ...panes, ...notifications].join('\n');
      }, MARGINALIA_CONTAINER)
      .catch((error: unknown) => `(the page could not be read: ${(error as Error).message})`);
    lines.push('--- the window ---', seen);
  }
  const logs = path.join(server.userDataDir, 'logs');
  const hosts = fs.existsSync(logs)
    ? fs.readdirSync(logs).flatMap((session) =>
        fs
          .readdirSync(path.join(logs, session))
          .filter((name) => /^exthost\d+$/.test(name))
          .map((name) => ({ dir: path.join(logs, session, name), n: Number(name.slice(7)) })),
      )
    : [];
  const newest = hosts.sort((a, b) => a.n - b.n).at(-1);
  const log = newest && path.join(newest.dir, 'marginalia.marginalia', 'Marginalia.log');
  lines.push(`--- Marginalia's log in ${newest ? path.basename(newest.dir) : 'no extension host'} ---`);
  lines.push(log && fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-60).join('\n') : '(none)');
  return lines.join('\n');
}
