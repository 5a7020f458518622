// Marginalia loaded from this folder into a real VS Code, as F5 ("Run Extension") does.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { repoRoot } from '../vscode/paths.mjs';
import { openWorkbench } from '../vscode/workbench.mjs';
import type { WorkbenchSession } from '../vscode/workbench.mjs';
import { outputChannelText, runningExtensionRow, screenshot, screenshotOnFailure } from './ui.mjs';

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

  it('lists Marginalia among the running extensions, activated', async () => {
    const { page } = session;
    const row = await runningExtensionRow(page, /marginalia/i);
    await screenshot(page, 'dev-host-running-extensions');
    assert.match(await row.innerText(), /0\.1\.0/);
    assert.equal(await row.locator('.codicon-error, .codicon-warning').count(), 0, 'the row shows an error or warning');
  });

  it('writes its log to the Marginalia output channel', async () => {
    const { page } = session;
    await runningExtensionRow(page, /marginalia/i); // the channel exists once it has activated
    const text = await outputChannelText(page, 'Marginalia');
    await screenshot(page, 'dev-host-output');
    assert.match(text, /\[info\] Marginalia\b/);
    assert.doesNotMatch(text, /\[error\]/);
  });
});
