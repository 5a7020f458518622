/** Temporary folders for tests, and the CLI's cache folder pointed at one of them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';

const created: string[] = [];
// Node's test runner gives each test file a process of its own, so the folders go with it.
process.once('exit', () => {
  for (const folder of created) rmSync(folder, { recursive: true, force: true });
});

/** A new, empty folder `marginalia-<prefix>-XXXXXX` in the system's temp folder, removed when the process exits. */
export function tempFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), `marginalia-${prefix}-`));
  created.push(folder);
  return folder;
}

/**
 * Points MARGINALIA_CACHE_DIR at a new folder for the tests of this file, so that the CLI never
 * writes into the user's cache, and removes the folder and the variable after them.
 */
export function useCacheFolder(prefix: string): void {
  let folder = '';
  before(() => {
    folder = mkdtempSync(path.join(tmpdir(), `marginalia-${prefix}-cache-`));
    process.env.MARGINALIA_CACHE_DIR = folder;
  });
  after(() => {
    delete process.env.MARGINALIA_CACHE_DIR;
    rmSync(folder, { recursive: true, force: true });
  });
}
