/**
 * Finding and reading digest files on a local disk, for the CLI and the extension host. Everything
 * a user can get wrong here (a missing path, a folder without digests or one that cannot be read,
 * a binary or oversized file, a pipe or a device, a loop of symbolic links) becomes a Diagnostic
 * for that path, one sentence with what to do; the other inputs are still read.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
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
  const add = async (file: string) => {
    // The same file reached through a symbolic link and by its own path is read once.
    const resolved = await fs.realpath(file).catch(() => path.resolve(file));
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
      problems.push(fileProblem(given, describeFsError(error)));
      continue;
    }
    if (stat.isDirectory()) {
      const before = problems.length;
      const found = await walk(given, new Set(), problems);
      if (found.length === 0 && problems.length === before) {
        problems.push(fileProblem(given, 'No digests in this folder (Marginalia reads *.txt files); save a Daily Papers digest there as plain text.'));
      }
      for (const file of found) await add(file);
    } else {
      await add(given);
    }
  }
  return { files, problems };
}

/**
 * The digest files under `folder`, names sorted. Symbolic links are followed, to files and to
 * folders, but a folder already on the way down (`inside`, by real path) is not entered again, so
 * a link to a parent cannot loop; a folder or link that cannot be read is a problem for that path.
 */
async function walk(folder: string, inside: Set<string>, problems: Diagnostic[]): Promise<string[]> {
  let entries;
  let real: string;
  try {
    real = await fs.realpath(folder);
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    problems.push(fileProblem(folder, describeFsError(error)));
    return [];
  }
  if (inside.has(real)) return [];
  const below = new Set(inside).add(real);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: string[] = [];
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      if (!walksInto(entry.name) && !DIGEST_FILE.test(entry.name)) continue;
      try {
        const target = await fs.stat(full);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch (error) {
        // A dangling link or a loop of links is named, not skipped without a word.
        const dangling = (error as NodeJS.ErrnoException).code === 'ENOENT';
        problems.push(
          fileProblem(
            full,
            dangling ? 'This symbolic link points to nothing (its target does not exist); fix or remove the link.' : describeFsError(error),
            'warning',
          ),
        );
        continue;
      }
    }
    if (isDirectory) {
      if (walksInto(entry.name)) found.push(...(await walk(full, below, problems)));
    } else if (isFile && DIGEST_FILE.test(entry.name)) {
      found.push(full);
    } else if (!isFile && DIGEST_FILE.test(entry.name)) {
      // A pipe, socket or device named like a digest: said, and never opened (a pipe would wait).
      const kind = notAFile(await fs.stat(full).catch(() => entry));
      if (kind) problems.push(fileProblem(full, kind, 'warning'));
    }
  }
  return found;
}

/** The text of a digest, or the reason it cannot be one. */
export type DecodedDigest = { ok: true; text: string; warnings: Diagnostic[] } | { ok: false; problem: Diagnostic };

/**
 * Decodes the bytes of a would-be digest: refuses binary and oversized content; reads UTF-16 LE or
 * BE when a byte order mark says so, and UTF-8 otherwise (with or without BOM). In UTF-8 text an
 * invalid byte spoils only its own line: it becomes U+FFFD and that line gets a warning, and the
 * rest of the file reads as it is. Only a file with no valid UTF-8 sequence beyond ASCII at all
 * (a legacy single-byte file) is read as Windows-1252, with a warning.
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
  const binary = { ok: false, problem: fileProblem(file, 'This is a binary file, not a digest; Marginalia reads digests saved as plain text.') } as const;
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  if (utf16) {
    // The BOM is dropped by the decoder; an odd last byte becomes U+FFFD.
    const text = new TextDecoder(utf16).decode(bytes);
    return text.slice(0, 8192).includes('\0') ? binary : { ok: true, text, warnings: [] };
  }
  if (bytes.subarray(0, 8192).includes(0)) return binary;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), warnings: [] };
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  // Any character beyond ASCII that is not a replacement was a valid multi-byte sequence: UTF-8.
  if (!/[^\0-\x7f\ufffd]/.test(text)) {
    return {
      ok: true,
      text: decodeWindows1252(bytes),
      warnings: [fileProblem(file, 'The file is not UTF-8; it was read as Windows-1252. Save it as UTF-8 if accented letters look wrong.', 'warning')],
    };
  }
  return { ok: true, text, warnings: invalidUtf8Lines(bytes, file) };
}

// Windows-1252's characters for 0x80-0x9F (where ISO-8859-1 has control codes); undefined ones stay as they are.
const WINDOWS_1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

/**
 * Windows-1252 by hand: Node's TextDecoder('windows-1252') decodes as ISO-8859-1 here (0x93 as a
 * control code, not “), which would turn every curly quote and dash into an invisible character.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    const chunk = bytes.subarray(start, start + 8192);
    text += String.fromCharCode(...chunk).replace(/[\x80-\x9f]/g, (ch) => WINDOWS_1252_HIGH[ch.charCodeAt(0) - 0x80]);
  }
  return text;
}

/** A warning for each line of `bytes` that is not valid UTF-8 (lines end at LF, which no multi-byte sequence holds). */
function invalidUtf8Lines(bytes: Uint8Array, file: string): Diagnostic[] {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const warnings: Diagnostic[] = [];
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      strict.decode(bytes.subarray(start, end));
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      warnings.push({
        file,
        line,
        severity: 'warning',
        message: 'This line holds bytes that are not UTF-8; they show as \ufffd. Save the file as UTF-8 to read them.',
      });
    }
    start = end + 1;
  }
  return warnings;
}

/** What a file that is not a regular file is, for a message, or null for a regular file. */
function notAFile(stat: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string | null {
  if (stat.isFile()) return null;
  if (stat.isDirectory()) return 'This is a folder, not a file; name the digest files in it, or the folder itself to read all of them.';
  const kind = stat.isFIFO()
    ? 'a named pipe (FIFO)'
    : stat.isSocket()
      ? 'a socket'
      : stat.isCharacterDevice() || stat.isBlockDevice()
        ? 'a device'
        : 'not a regular file';
  return `This is ${kind}, not a file; Marginalia reads digests saved as plain text files.`;
}

// Opening a FIFO for reading waits for a writer: O_NONBLOCK makes open return at once, so that
// fstat can say what it is. It changes nothing for a regular file (and does not exist on Windows).
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * Reads the bytes of a would-be digest, checking what it is on the open file (fstat after open, so
 * that it cannot change in between): a FIFO, a socket, a device or a folder is refused and never
 * read, so `/dev/zero` or a pipe cannot hang the reader; so is a file over MAX_DIGEST_BYTES.
 * Throws nothing: a refusal is a problem for the file.
 */
export async function readDigestBytes(file: string): Promise<{ ok: true; bytes: Buffer } | { ok: false; problem: Diagnostic }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
  } catch (error) {
    return { ok: false, problem: fileProblem(file, describeFsError(error)) };
  }
  try {
    const stat = await handle.stat();
    const kind = notAFile(stat);
    if (kind) return { ok: false, problem: fileProblem(file, kind) };
    if (stat.size > MAX_DIGEST_BYTES) {
      return {
        ok: false,
        problem: fileProblem(
          file,
          `The file is ${formatBytes(stat.size)}, over the ${formatBytes(MAX_DIGEST_BYTES)} a digest may have; split it into smaller files.`,
        ),
      };
    }
    return { ok: true, bytes: await handle.readFile() };
  } catch (error) {
    return { ok: false, problem: fileProblem(file, describeFsError(error)) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Reads and parses one digest file. Problems come back as diagnostics; it does not throw. */
export async function readDigest(file: string): Promise<{ digest: ParsedDigest | null; problems: Diagnostic[] }> {
  const read = await readDigestBytes(file);
  if (!read.ok) return { digest: null, problems: [read.problem] };
  const decoded = decodeDigest(read.bytes, file);
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

/** A file system error as one sentence with what to do; the caller names the path (a diagnostic's file). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or folder; check the path.';
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied; make it readable for your user (a folder also needs execute permission).';
    case 'EISDIR':
      return 'This is a folder, not a file.';
    case 'ENOTDIR':
      return 'A part of this path is a file, not a folder; check the path.';
    case 'ELOOP':
      return 'This is a loop of symbolic links (or a chain too long to follow); point the link at a real file or folder.';
    case 'ENXIO':
      return 'This is a socket or a device with nothing behind it, not a file; Marginalia reads digests saved as plain text files.';
    case 'ENAMETOOLONG':
      return 'The path is too long for the file system.';
    case 'EMFILE':
    case 'ENFILE':
      return 'Too many files are open; close some programs and try again.';
    case 'EIO':
      return 'The disk reported an input/output error; check the disk.';
    case undefined:
    default:
      return `It could not be read (${String((error as Error | undefined)?.message ?? error)}).`;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
