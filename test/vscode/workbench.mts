// Opens the VS Code web workbench of a running server in Debian's Chromium (REAL-VSCODE.md, step 5).
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { copyFixtureWorkspace } from './fixtureWorkspace.mjs';
import { startServer } from './server.mjs';
import type { VsCodeServer } from './server.mjs';

/** Debian's Chromium; CHROMIUM_PATH points elsewhere on machines that keep it somewhere else. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts a headless Chromium for the workbench. Close it (browser.close()) when done. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox', // we run as root in CI containers
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--headless=new',
    ],
  });
}

export interface WorkbenchOptions {
  /** The folder to open, an absolute path on the server's machine. */
  folder: string;
  /** Load the extension from this folder as VS Code's "Extension Development Host" does. */
  extensionDevelopmentPath?: string;
  /** Run this module's `run()` in the extension host (requires extensionDevelopmentPath). */
  extensionTestsPath?: string;
}

/**
 * The workbench URL for a folder. Development and test paths go in `payload`, which the server
 * honours because it was started with --enable-smoke-test-driver; they are vscode-remote URIs
 * because they live on the server's side.
 */
export function workbenchUrl(server: VsCodeServer, options: WorkbenchOptions): string {
  const remote = (file: string) => `vscode-remote://127.0.0.1:${server.port}${file}`;
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: options.folder });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${query.toString()}`;
}

/**
 * Waits until the workbench shows the opened folder's files in the Explorer, which takes the
 * connection to the server; the extension host starts in the background from then on.
 */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** A workbench open in a browser page, with everything it took to get there. */
export interface WorkbenchSession {
  page: Page;
  server: VsCodeServer;
  /** The copy of the fixture workspace the window shows. */
  folder: string;
  /** Closes the browser, stops the server and deletes the workspace copy. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Load the extension from this folder, as an Extension Development Host. */
  extensionDevelopmentPath?: string;
  /** Start the server with this extensions folder (e.g. one a .vsix was installed into). */
  extensionsDir?: string;
}

/**
 * Starts a server, opens a fresh copy of the fixture workspace in Chromium and waits for the
 * workbench. Everything started is stopped again if a step fails.
 */
export async function openWorkbench(options: OpenOptions = {}): Promise<WorkbenchSession> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    const workspace = copyFixtureWorkspace();
    cleanups.push(() => workspace.remove());
    const server = await startServer(options.extensionsDir ? { extensionsDir: options.extensionsDir } : {});
    cleanups.push(() => server.stop());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(server, { folder: workspace.folder, extensionDevelopmentPath: options.extensionDevelopmentPath }));
    await waitForWorkbench(page);
    return { page, server, folder: workspace.folder, close };
  } catch (error) {
    await close();
    throw error;
  }
}
