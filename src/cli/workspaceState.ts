/**
 * State the CLI keeps between runs, in the workspace's cache folder (cacheFolder.ts): parsed
 * digests (digestCache.ts) for every command that reads digests, and the search index
 * (searchCache.ts) for `search` and `related`. Everything here is a copy of what the digests,
 * the library file and the notes say: losing it costs time, never data, and a cache that cannot
 * be read or written never fails a command.
 *
 * `MARGINALIA_DEBUG` (any non-empty value) makes the CLI say on stderr what the caches did, one
 * `marginalia debug:` line each; it is how the tests observe that a warm run read no digest.
 */
import * as path from 'node:path';
import type { Diagnostic, ParsedDigest } from '../core/types';
import { workspaceCacheFolder } from '../node/cacheFolder';
import { readDigestsCached } from '../node/digest/digestCache';
import { findDigestFiles, readDigest } from '../node/digest/digestFiles';

export const DEBUG_VARIABLE = 'MARGINALIA_DEBUG';

/** Where a debug line goes: nowhere unless MARGINALIA_DEBUG is set. */
export type DebugLog = (line: string) => void;

/** A log writing `marginalia debug: LINE` through `err` when MARGINALIA_DEBUG is set, else one that writes nothing. */
export function debugLog(err: (text: string) => void, env: NodeJS.ProcessEnv = process.env): DebugLog {
  return env[DEBUG_VARIABLE] ? (line) => err(`marginalia debug: ${line}\n`) : () => undefined;
}

/** Digests read for a command, with every problem of finding and reading them, in order. */
export interface LoadedDigests {
  digests: ParsedDigest[];
  problems: Diagnostic[];
}

/**
 * Finds the digests at `paths` (files or folders) and reads them through the digest cache of the
 * workspace `root`: an unchanged digest is not parsed again. The same digests and problems, in the
 * same order, as reading each file with readDigest. Paths are made absolute, so that the cache's
 * entries match whatever folder the CLI runs in.
 */
export async function loadDigests(paths: readonly string[], root: string, log: DebugLog): Promise<LoadedDigests> {
  const { files, problems } = await findDigestFiles(paths.map((p) => path.resolve(p)));
  const read = await readDigestFiles(files, root, log);
  return { digests: read.digests, problems: [...problems, ...read.problems] };
}

/** Reads digest files (absolute paths, as findDigestFiles gives them) through the digest cache of `root`. */
export async function readDigestFiles(files: readonly string[], root: string, log: DebugLog): Promise<LoadedDigests> {
  const absolute = files.map((file) => path.resolve(file));
  try {
    const { digests, problems, stats } = await readDigestsCached(absolute, workspaceCacheFolder(root), { log });
    log(`digest cache: ${absolute.length} file${absolute.length === 1 ? '' : 's'}, ${stats.reused} reused, ${stats.parsed} parsed`);
    return { digests, problems };
  } catch (error) {
    // readDigestsCached does not throw for the cache's sake; should it all the same, the run goes on uncached.
    log(`digest cache: failed (${error instanceof Error ? error.message : String(error)}); reading uncached`);
    const digests: ParsedDigest[] = [];
    const problems: Diagnostic[] = [];
    for (const file of absolute) {
      const { digest, problems: fileProblems } = await readDigest(file);
      problems.push(...fileProblems);
      if (digest) digests.push(digest);
    }
    log(`digest cache: ${absolute.length} file${absolute.length === 1 ? '' : 's'}, 0 reused, ${absolute.length} parsed`);
    return { digests, problems };
  }
}
