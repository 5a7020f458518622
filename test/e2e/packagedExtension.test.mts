// Marginalia as a user gets it: packaged with `npm run package`, installed from the .vsix with the
// server's --install-extension, and opened in a normal window (no extensionDevelopmentPath).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { repoRoot } from '../vscode/paths.mjs';
import { installVsix } from '../vscode/server.mjs';
import { openWorkbench } from '../vscode/workbench.mjs';
import type { WorkbenchSession } from '../vscode/workbench.mjs';
import { outputChannelText, runCommand, screenshot, screenshotOnFailure, waitForPaperCount } from './ui.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
describe('Packaged extension', { timeout: 240_000 }, () => {
  let scratch: string;
  let extensionsDir: string;
  let session: WorkbenchSession | undefined;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-vsix-test-'));
    // Into a folder of our own, so that another run packaging at the same time cannot swap it.
    const vsix = path.join(scratch, 'marginalia.vsix');
    const packaging = spawnSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(packaging.status, 0, `npm run package failed:\n${packaging.stdout}${packaging.stderr}`);
    extensionsDir = path.join(scratch, 'extensions');
    fs.mkdirSync(extensionsDir);
    installVsix(vsix, extensionsDir);
    session = await openWorkbench({ extensionsDir });
  });

  afterEach(screenshotOnFailure(() => session?.page, 'vsix'));

  after(async () => {
    await session?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('installs the bundles, their assets and the sample digests, and no sources', () => {
    const installed = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    for (const shipped of [
      'package.json',
      'LICENSE.txt',
      'dist/extension.js',
      'dist/libraryWorker.js',
      'dist/searchWorker.js',
      'dist/webview',
      'media',
      'seeds/000_896f7befaa86139f.txt',
    ]) {
      assert.ok(fs.existsSync(path.join(installed, shipped)), `${shipped} is missing from the installed extension`);
    }
    for (const unshipped of ['src', 'test', 'node_modules', 'dist/extension.js.map', '.vscode-test']) {
      assert.ok(!fs.existsSync(path.join(installed, unshipped)), `${unshipped} should not be in the .vsix`);
    }
  });

  it('opens a normal window, not an Extension Development Host', async () => {
    const page = session!.page;
    await page.waitForFunction(() => document.title.includes('workspace'));
    assert.doesNotMatch(await page.title(), /Extension Development Host/);
  });

  it('lists Marginalia among the installed extensions', async () => {
    const page = session!.page;
    await runCommand(page, 'Extensions: Show Installed Extensions');
    const item = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Marginalia' });
    await item.waitFor();
    await screenshot(page, 'vsix-installed-extensions');
    assert.match(await item.innerText(), /Read, annotate and cite/);
  });

  it('runs the installed Marginalia, activated', async () => {
    const page = session!.page;
    // Activated and done reading the workspace: the status bar counts the papers.
    assert.ok((await waitForPaperCount(page)) > 0, 'the status bar counts the papers');
    await screenshot(page, 'vsix-running');
    const text = await outputChannelText(page, 'Marginalia');
    assert.match(text, new RegExp(`Marginalia ${manifest.version.replace(/\./g, '\\.')} activated`));
  });

  it('writes its log to the Marginalia output channel', async () => {
    const page = session!.page;
    const text = await outputChannelText(page, 'Marginalia');
    await screenshot(page, 'vsix-output');
    assert.match(text, /\[info\] Marginalia\b/);
    assert.doesNotMatch(text, /\[error\]/);
  });
});
