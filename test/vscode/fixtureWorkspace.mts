// A fresh copy of the fixture workspace per run, so that tests may write into it (new digests,
// a library file) without touching the repository.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtureWorkspace, repoRoot } from './paths.mjs';

/** A temporary workspace folder; `remove()` deletes it. */
export interface TempWorkspace {
  folder: string;
  remove(): void;
}

/**
 * A new empty folder under the system temp folder, deleted by `remove()` or when this process
 * exits. Tests copy into it what they need (a fixture digest, nothing at all for the welcome view).
 */
export function emptyWorkspace(): TempWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-workspace-'));
  const folder = path.join(root, 'workspace');
  const remove = () => {
    fs.rmSync(root, { recursive: true, force: true });
    process.off('exit', remove);
  };
  process.on('exit', remove); // also when a run ends early (a crash, Ctrl+C: see server.mts)
  fs.mkdirSync(folder);
  return { folder, remove };
}

/**
 * Copies test/fixtures/workspace/ and the repository's sample digests (seeds/, the digests the
 * extension offers to new users) into a new folder under the system temp folder.
 */
export function copyFixtureWorkspace(): TempWorkspace {
  const workspace = emptyWorkspace();
  fs.cpSync(fixtureWorkspace, workspace.folder, { recursive: true });
  fs.cpSync(path.join(repoRoot, 'seeds'), path.join(workspace.folder, 'seeds'), { recursive: true, force: false });
  return workspace;
}
