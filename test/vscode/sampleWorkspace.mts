// The workspace `npm start` opens: a copy of the sample digests (seeds/) outside the repository, so
// that what the reader writes while trying Marginalia (notes, .marginalia/, exports, added digests)
// never lands in seeds/, in the .vsix or among our untracked files, and VS Code does not ask about
// "a git repository found in the parent folders".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.mjs';

/** Where `npm start` keeps its sample workspace: the user's data folder, never the repository. */
export function defaultSampleWorkspace(): string {
  const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'marginalia', 'samples');
}

/** What prepareSampleWorkspace did. */
export interface SampleWorkspace {
  folder: string;
  /** True when the folder was made (or made again) from seeds/ by this call. */
  created: boolean;
  /** The earlier workspace, moved aside by `fresh`, if there was one. */
  movedAside?: string;
}

/**
 * Makes `folder` a workspace holding the sample digests. A folder that exists is kept as it is
 * (the reader's notes and tags from an earlier run stay), with any sample digest that is missing
 * copied in again. With `fresh`, an existing folder is renamed aside (`samples-<time>`), never
 * deleted, and a new copy is made.
 */
export function prepareSampleWorkspace(folder: string, options: { fresh?: boolean } = {}): SampleWorkspace {
  const seeds = path.join(repoRoot, 'seeds');
  let movedAside: string | undefined;
  if (options.fresh && fs.existsSync(folder)) {
    movedAside = `${folder}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(folder, movedAside);
  }
  const created = !fs.existsSync(folder);
  fs.mkdirSync(path.join(folder, 'seeds'), { recursive: true });
  for (const name of fs.readdirSync(seeds).filter((file) => file.endsWith('.txt'))) {
    const target = path.join(folder, 'seeds', name);
    if (!fs.existsSync(target)) fs.copyFileSync(path.join(seeds, name), target);
  }
  return { folder, created, movedAside };
}

// `npm run samples` (the F5 launch configuration's pre-launch task): makes the folder and prints it.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(prepareSampleWorkspace(defaultSampleWorkspace()).folder);
}
