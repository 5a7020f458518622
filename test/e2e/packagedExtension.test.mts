// Marginalia as a user gets it: packaged with `npm run package`, installed from the .vsix with the
// server's --install-extension, and opened in a normal window (no extensionDevelopmentPath).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { repoRoot } from '../vscode/paths.mjs';
import { prepareSampleWorkspace } from '../vscode/sampleWorkspace.mjs';
import { installVsix } from '../vscode/server.mjs';
import { openWorkbench } from '../vscode/workbench.mjs';
import type { WorkbenchSession } from '../vscode/workbench.mjs';
import { marginaliaSidebar } from './marginalia.mjs';
import { outputChannelText, runCommand, screenshot, screenshotOnFailure, waitForPaperCount } from './ui.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };

/** Every file the .vsix may hold: the bundles, their assets, the icon, the walkthrough, the docs and the sample digests. */
const SHIPPED = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/LICENSE.txt',
  'extension/ThirdPartyNotices.txt',
  'extension/changelog.md',
  'extension/package.json',
  'extension/readme.md',
  'extension/dist/extension.js',
  'extension/dist/libraryWorker.js',
  'extension/dist/searchWorker.js',
  'extension/dist/icon.png',
  'extension/dist/webview/paperView.js',
  'extension/dist/webview/codicon.css',
  'extension/dist/webview/codicon.ttf',
  'extension/dist/webview/katex/katex.min.css',
  'extension/dist/webview/katex/fonts/KaTeX_AMS-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Caligraphic-Bold.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Caligraphic-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Fraktur-Bold.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Fraktur-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Main-Bold.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Main-BoldItalic.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Main-Italic.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Main-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Math-BoldItalic.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Math-Italic.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_SansSerif-Bold.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_SansSerif-Italic.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_SansSerif-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Script-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Size1-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Size2-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Size3-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Size4-Regular.woff2',
  'extension/dist/webview/katex/fonts/KaTeX_Typewriter-Regular.woff2',
  'extension/media/marginalia.svg',
  'extension/media/paper.svg',
  'extension/media/paper-light.svg',
  'extension/media/markdownPreview.css',
  'extension/media/paperView.css',
  'extension/media/walkthrough/cite.md',
  'extension/media/walkthrough/digests.md',
  'extension/media/walkthrough/openPaper.md',
  'extension/media/walkthrough/search.md',
  'extension/media/walkthrough/writeNote.md',
  'extension/seeds/000_896f7befaa86139f.txt',
  'extension/seeds/001_4527b1b50237e4c0.txt',
  'extension/seeds/002_7de4789b7565d511.txt',
  'extension/seeds/003_633ab4c5ca64d127.txt',
];

/**
 * What an `npm start` session leaves in the workspace it opens: a note, the library file with a
 * tag, an export and a digest the reader added. None of it may reach the package.
 */
function useSampleWorkspace(folder: string): void {
  prepareSampleWorkspace(folder);
  fs.mkdirSync(path.join(folder, 'notes'));
  fs.writeFileSync(path.join(folder, 'notes', 'vpt.md'), '---\nkey: vpt\n---\n# Video PreTraining\n\nMy note.\n');
  fs.mkdirSync(path.join(folder, '.marginalia'));
  fs.writeFileSync(
    path.join(folder, '.marginalia', 'library.jsonl'),
    '{"marginalia":"library","version":2}\n{"key":"vpt","title":"Video PreTraining","tags":{"to-read":1}}\n',
  );
  fs.writeFileSync(path.join(folder, 'papers.bib'), '@misc{vpt, title = {Video PreTraining}}\n');
  fs.writeFileSync(path.join(folder, 'seeds', 'my-digest.txt'), 'A Paper I Added\nIts abstract, one line long.\n');
}

describe('Packaged extension', { timeout: 240_000 }, () => {
  let scratch: string;
  let extensionsDir: string;
  let vsix: string;
  let session: WorkbenchSession | undefined;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-vsix-test-'));
    useSampleWorkspace(path.join(scratch, 'samples'));
    // Into a folder of our own, so that another run packaging at the same time cannot swap it.
    vsix = path.join(scratch, 'marginalia.vsix');
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

  it("holds exactly the extension's files, with the icon, after a session wrote notes, tags, an export and a digest", () => {
    const listing = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
    assert.equal(listing.status, 0, `unzip -Z1 failed: ${listing.stderr}`);
    const files = listing.stdout.split('\n').filter((line) => line !== '' && !line.endsWith('/'));
    assert.deepEqual(files.sort(), [...SHIPPED].sort());
    const icon = spawnSync('unzip', ['-p', vsix, 'extension/dist/icon.png']).stdout;
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'the icon is 128x128');
  });

  it('packages with no vsce warning, within the size budget', () => {
    const log = fs.readFileSync(vsix.replace(/\.vsix$/, '.package.log'), 'utf8');
    assert.doesNotMatch(log, /WARNING/);
    assert.match(log, /DONE\s+Packaged/);
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

  it("shows Marginalia's sidebar by itself on the first start in this workspace of digests", async () => {
    const page = session!.page;
    await marginaliaSidebar(page).waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, 'vsix-first-start');
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
