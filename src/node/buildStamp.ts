/**
 * What tells one build of Marginalia from another, for the caches that keep derived data between
 * runs (parsed digests, the CLI's search index): a cache written by another build is never believed.
 */
import { readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';

declare const MARGINALIA_VERSION: string | undefined;
let memoized: string | undefined;

/**
 * The build's version and a hash of the size and mtime of the running code: the bundle this runs
 * in, or, run from source (tsx, the unit tests), every TypeScript file under src/, so that editing
 * any of them makes a new stamp even where the version number stays. Computed once per process.
 */
export function buildStamp(): string {
  if (memoized !== undefined) return memoized;
  const version = typeof MARGINALIA_VERSION === 'string' ? MARGINALIA_VERSION : 'development';
  const code = __filename.endsWith('.ts') ? [__filename, ...sourceFiles(path.join(__dirname, '..'))] : [__filename];
  const parts = code.map((file) => {
    try {
      const stat = statSync(file);
      return `${file}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return `${file}:missing`;
    }
  });
  memoized = `${version}/${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16)}`;
  return memoized;
}

/** The .ts files under `folder`, sorted; none when it cannot be read (then this file stands for the build). */
function sourceFiles(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((entry) => {
        const full = path.join(folder, entry.name);
        return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
      });
  } catch {
    return [];
  }
}
