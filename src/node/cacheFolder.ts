/**
 * Where Marginalia keeps state that can be rebuilt at any time (parsed digests, indexes): in the
 * user's cache folder as the platform defines it, never in the workspace, so that a cache is
 * neither committed nor synced with the papers. Pure functions of the environment given: nothing
 * here touches the disk.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

/** Overrides the cache folder (the `marginalia` folder itself); for tests, benchmarks and odd setups. */
export const CACHE_DIR_VARIABLE = 'MARGINALIA_CACHE_DIR';

/**
 * The folder for Marginalia's caches, `<base>/marginalia`, where base is
 * - Linux and other Unixes: `$XDG_CACHE_HOME` when it is an absolute path (the XDG Base Directory
 *   specification says to ignore a relative one), else `~/.cache`;
 * - macOS: `~/Library/Caches`;
 * - Windows: `%LOCALAPPDATA%` when it is an absolute path, else `~\AppData\Local`.
 *
 * A non-empty `MARGINALIA_CACHE_DIR` replaces the whole answer (it names the `marginalia` folder
 * itself; a relative one is taken from the current folder). Paths are built with the separators
 * of `platform`, whatever platform runs the code. The folder is not created.
 */
export function userCacheFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const override = env[CACHE_DIR_VARIABLE];
  if (override) return p.isAbsolute(override) ? p.normalize(override) : p.resolve(override);
  let base: string;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    base = local && p.isAbsolute(local) ? local : p.join(home, 'AppData', 'Local');
  } else if (platform === 'darwin') {
    base = p.join(home, 'Library', 'Caches');
  } else {
    const xdg = env.XDG_CACHE_HOME;
    base = xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.cache');
  }
  return p.join(base, 'marginalia');
}

/**
 * The cache folder of one workspace: `<userCacheFolder>/workspaces/<name>-<hash>`, where hash is
 * the first 16 hex digits of the SHA-256 of the resolved workspace root (so the same root always
 * gets the same folder and two roots practically never share one) and name is the root's base
 * name reduced to `[A-Za-z0-9._-]` and 40 characters, there only to make the folder recognisable.
 * The root is resolved lexically (symbolic links are not followed, letter case is kept), so two
 * spellings of one folder get two caches: a cold cache, never a wrong one. Nothing is created.
 */
export function workspaceCacheFolder(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const resolved = p.resolve(root);
  const hash = createHash('sha256').update(resolved).digest('hex').slice(0, 16);
  const name = p
    .basename(resolved)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 40);
  // A drive or file-system root has no base name; a name of dots only would read as a hidden or parent folder.
  const readable = /^\.*$/.test(name) ? 'root' : name;
  return p.join(userCacheFolder(env, platform, home), 'workspaces', `${readable}-${hash}`);
}
