// Marginalia loaded from this folder into a real VS Code, as F5 ("Run Extension") does.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { repoRoot } from '../vscode/paths.mjs';
import { openWorkbench } from '../vscode/workbench.mjs';
import type { WorkbenchSession } from '../vscode/workbench.mjs';
import { outputChannelText, screenshot, screenshotOnFailure, waitForPaperCount } from './ui.mjs';

describe('Extension Development Host', { timeout: 180_000 }, () => {
  let session: WorkbenchSession;

  before(async () => {
    session = await openWorkbench({ extensionDevelopmentPath: repoRoot });
  });

  afterEach(screenshotOnFailure(() => session?.page, 'dev-host'));

  after(async () => {
    await session?.close();
  });

  it('titles the window [Extension Development Host]', async () => {
    const { page } = session;
    await page.waitForFunction(() => document.title.includes('workspace'));
    await screenshot(page, 'dev-host-window');
    assert.match(await page.title(), /^\[Extension Development Host\] workspace/);
  });

  it('runs Marginalia from the development folder, activated', async () => {
    const { page } = session;
    assert.ok((await waitForPaperCount(page)) > 0, 'the status bar counts the papers');
    const text = await outputChannelText(page, 'Marginalia');
    await screenshot(page, 'dev-host-running');
    assert.match(text, /Marginalia 0\.1\.0 activated/);
  });

  it('writes its log to the Marginalia output channel', async () => {
    const { page } = session;
    await waitForPaperCount(page); // the channel exists once it has activated
    const text = await outputChannelText(page, 'Marginalia');
    await screenshot(page, 'dev-host-output');
    assert.match(text, /\[info\] Marginalia\b/);
    assert.doesNotMatch(text, /\[error\]/);
  });
});
