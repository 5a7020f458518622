/**
 * Finding and reading digest files on a local disk, for the CLI and the extension host. Everything
 * a user can get wrong here (a missing path, a folder without digests, a binary or oversized file)
 * becomes a Diagnostic for that path; the other inputs are still read.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { classifyDigest } from '../../core/digest/classify';
import { parseDigest } from '../../core/digest/parser';
import type { Diagnostic, ParsedDigest } from '../../core/types';
import { walksInto } from '../../core/workspaceFiles';

/** Digests larger than this are refused: a copied page is well under a megabyte. */
export const MAX_DIGEST_BYTES = 128 * 1024 * 1024;

/** File names a folder scan takes for digests. Files named explicitly are read whatever their name. */
const DIGEST_FILE = /\.(txt|text|digest)$/i;

/** Digest files to read, and what went wrong while looking for them. */
export interface DigestFileList {
  files: string[];
  problems: Diagnostic[];
}

/**
 * Expands files and folders (recursively, skipping hidden and build folders) into digest files, in
 * a stable order: the order given, and file names sorted within a folder.
 */
export async function findDigestFiles(paths: readonly string[]): Promise<DigestFileList> {
  const files: string[] = [];
  const problems: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const resolved = path.resolve(file);
    if (!seen.has(resolved)) {
      seen.add(resolved);
      files.push(file);
    }
  };
  for (const given of paths) {
    let stat;
    try {
      stat = await fs.stat(given);
    } catch (error) {
      problems.push(fileProblem(given, describeFsError(error, 'No such file or folder.')));
      continue;
    }
    if (stat.isDirectory()) {
      const found = await walk(given);
      if (found.length === 0) {
        problems.push(fileProblem(given, 'No digests in this folder (Marginalia reads *.txt files); save a Daily Papers digest there as plain text.'));
      }
      found.forEach(add);
    } else {
      add(given);
    }
  }
  return { files, problems };
}

async function walk(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: string[] = [];
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (walksInto(entry.name)) found.push(...(await walk(full)));
    } else if (entry.isFile() && DIGEST_FILE.test(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

/** The text of a digest, or the reason it cannot be one. */
export type DecodedDigest = { ok: true; text: string; warnings: Diagnostic[] } | { ok: false; problem: Diagnostic };

/**
 * Decodes the bytes of a would-be digest: refuses binary and oversized content, accepts UTF-8 (with
 * or without BOM) and falls back to Windows-1252 with a warning for other single-byte encodings.
 */
export function decodeDigest(bytes: Uint8Array, file: string): DecodedDigest {
  if (bytes.length > MAX_DIGEST_BYTES) {
    return {
      ok: false,
      problem: fileProblem(
        file,
        `The file is ${formatBytes(bytes.length)}, over the ${formatBytes(MAX_DIGEST_BYTES)} a digest may have; split it into smaller files.`,
      ),
    };
  }
  if (bytes.length === 0) {
    return { ok: false, problem: fileProblem(file, 'The file is empty; save a Daily Papers digest into it as plain text.', 'warning') };
  }
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) {
    return { ok: false, problem: fileProblem(file, 'This is a binary file, not a digest; Marginalia reads digests saved as plain text.') };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), warnings: [] };
  } catch {
    const text = new TextDecoder('windows-1252').decode(bytes);
    return {
      ok: true,
      text,
      warnings: [fileProblem(file, 'The file is not UTF-8; it was read as Windows-1252. Save it as UTF-8 if accented letters look wrong.', 'warning')],
    };
  }
}

/** Reads and parses one digest file. Problems come back as diagnostics; it does not throw. */
export async function readDigest(file: string): Promise<{ digest: ParsedDigest | null; problems: Diagnostic[] }> {
  let bytes: Uint8Array;
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_DIGEST_BYTES) {
      return {
        digest: null,
        problems: [
          fileProblem(file, `The file is ${formatBytes(stat.size)}, over the ${formatBytes(MAX_DIGEST_BYTES)} a digest may have; split it into smaller files.`),
        ],
      };
    }
    bytes = await fs.readFile(file);
  } catch (error) {
    return { digest: null, problems: [fileProblem(file, describeFsError(error, 'The file could not be read.'))] };
  }
  const decoded = decodeDigest(bytes, file);
  if (!decoded.ok) return { digest: null, problems: [decoded.problem] };
  return parseDigestText(decoded.text, file, decoded.warnings);
}

/**
 * Parses decoded digest text, keeping it only when it reads like a digest (core/digest/classify.ts):
 * a README, a licence or a log gives no digest, and one 'info' problem that says why it was skipped.
 */
export function parseDigestText(text: string, file: string, warnings: Diagnostic[]): { digest: ParsedDigest | null; problems: Diagnostic[] } {
  const digest = parseDigest(text, file);
  const verdict = classifyDigest(text, digest);
  if (verdict.digest) return { digest, problems: warnings };
  return { digest: null, problems: [fileProblem(file, verdict.reason, 'info')] };
}

function fileProblem(file: string, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { file, line: 0, severity, message };
}

function describeFsError(error: unknown, fallback: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or folder.';
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied; check the file permissions.';
    case 'EISDIR':
      return 'This is a folder, not a file.';
    case undefined:
    default:
      return `${fallback} (${String((error as Error | undefined)?.message ?? error)})`;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
