/**
 * Parsed digests kept between runs, so that the CLI (and the extension host) re-read and re-parse
 * only the digests that changed. `readDigestsCached(files, dir)` gives exactly what calling
 * `readDigest(file)` for each file in turn gives; the cache only makes it faster.
 *
 * Storage: one cache file per digest, `<dir>/digests/<sha1 of the digest's absolute path>.bin`,
 * written with a temporary file and a rename. One file per digest rather than an index plus
 * payloads or one big file because
 * - every run reads the payload of every digest it reuses anyway, so an index would save nothing
 *   but the reads of the few stale entries, and would cost a rewrite of the whole index on every
 *   change;
 * - a changed digest rewrites its own cache file only (a big file would mean 150 MB per change);
 * - every file is replaced atomically by itself, so two processes writing at once cannot leave a
 *   torn or inconsistent cache: each file is one writer's complete version (last writer wins) and
 *   there is no cross-file reference to go stale.
 *
 * A cache file is one header line and a payload:
 *
 *     MARGINALIA-DIGEST-CACHE <checksum> <payload length> <header JSON>\n<payload>
 *
 * The header JSON names the cache format and build (`stamp`), the digest (absolute path and the
 * path as given), the stat key it was stored under, when it was stored and the SHA-256 of the
 * digest's bytes. The checksum (CRC-32, or SHA-256 on a Node without zlib.crc32) covers the
 * header JSON and the payload, whose length the header line gives too. No fsync: a file torn by a
 * power cut fails its checksum and is rebuilt.
 *
 * The payload is `v8.serialize({ digest, problems })`. Measured (medians) on the 83 KB seed of 49
 * papers: decoding and parsing 1.1 ms, `JSON.parse` of the result 0.20 ms, `v8.deserialize`
 * 0.07 ms (writing: `JSON.stringify` 0.66 ms, `v8.serialize` 0.07 ms); on the 98 KB seed 0.67,
 * 0.15 and 0.065 ms. The result goes through JSON before it is serialized: the parser's strings
 * are slices of the file's text, which is UTF-16 throughout as soon as one character is outside
 * Latin-1, and v8.serialize keeps them so (170 KB instead of 88 KB for that seed, and twice the
 * heap when read back); JSON.parse makes Latin-1 strings again, and the types are plain JSON data
 * (core/types.ts), so nothing else changes. On 2,000 digests of 50 to 60 papers (180 MB of text,
 * 188 MB of cache) a warm run took 1.0 to 1.5 s against 4 to 5.5 s uncached, on a shared
 * two-core machine under heavy load; most of it is the garbage collector promoting the 109,000
 * papers to the old generation, which reading, checking and deserializing the same files in a
 * plain loop costs as well.
 *
 * Trust. An entry is reused without reading the digest when the digest's size, mtime, ctime and
 * inode (nanoseconds, from a bigint stat) are those recorded, as git's index does. Anything else
 * about a cache file that is not exactly right (unreadable, truncated, extended, a bad checksum,
 * another format or build, another path, a payload of the wrong shape) makes it a miss: the digest
 * is parsed again and the file rewritten. A miss is never an error the user sees; the optional
 * `log` callback gets a debug line.
 *
 * Racily clean entries (the "racy git" problem, see fileStamp.ts): a racy entry is not trusted on
 * its stat: the digest is read again and its SHA-256 compared with the recorded one. That costs a
 * read and a hash (about a tenth of a parse) rather than a parse, and it is what git does; once the
 * digest is more than RACY_WINDOW_MS old the entry is stored again with a fresh time, so
 * later runs trust the stat alone. The same content check saves the parse when only the stat
 * changed (`touch`, a checkout or copy that rewrote identical bytes).
 *
 * Builds. `stamp` is the cache format (DIGEST_CACHE_FORMAT) and the running build (buildStamp:
 * its version and the size and mtime of the bundle, or of the sources when run from them). So a new
 * build, even one with an unchanged version number, never believes an old cache. Bump
 * DIGEST_CACHE_FORMAT when the cache file layout changes, or when the meaning of a payload does
 * without the code stamp seeing it.
 *
 * Unwritable caches (a read-only home, a full disk, a path that is not a folder) never fail the
 * command: what can be read is used, nothing more is written, and `log` gets one line.
 *
 * Eviction. One cache serves every command run in a workspace, whatever digests each one names
 * (`papers a.txt`, then `papers folder/`, then `search`), so an entry is not dropped merely for
 * not being listed. When the cache is saved, an entry is deleted when
 * - its digest is listed but not cached (no longer a file, unreadable, oversized);
 * - it is not listed and its digest no longer exists as a file (the path its header records), or
 *   its header cannot be read;
 * - it is not listed and was last written more than UNUSED_ENTRY_DAYS days ago (a digest outside
 *   the workspace named once, say). An entry that keeps being used is written again, with a fresh
 *   time, once it is REFRESH_ENTRY_DAYS days old, so only unused entries age out.
 * Temporary files of writers that died are deleted too. Checking an unlisted entry costs a stat,
 * the read of its header line and a stat of its digest (0.4 s for 2,000 of them on a busy
 * two-core machine), so one run checks at most MAX_UNLISTED_CHECKS of them, picked at random:
 * in a small cache an entry goes at once, in a big one within a few runs. Runs that list every
 * digest (search, or papers on the whole folder) check none. Reads are asynchronous, 16 at a
 * time, so that the extension host is not blocked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile as readFileCallback, promises as fs } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { Diagnostic, ParsedDigest } from '../../core/types';
import { MAX_DIGEST_BYTES, decodeDigest, parseDigestText, readDigest } from './digestFiles';
import { mapLimited } from '../concurrency';
import { buildStamp } from '../buildStamp';
import { checksum } from '../checksum';
import { isRacy, sameStamp, stampOf, statBigInt, type StampedFile } from '../fileStamp';

/**
 * The cache file layout and payload meaning. Bump it when either changes in a way the code stamp
 * (see the module comment) does not catch; every existing cache file is then rebuilt.
 */
export const DIGEST_CACHE_FORMAT = 1;

/** Temporary files older than this belong to a writer that died, and are removed. */
const STALE_TEMPORARY_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** An entry no run has listed for this long is dropped when another run saves the cache (see "Eviction"). */
export const UNUSED_ENTRY_DAYS = 30;
/** An entry reused this long after it was written is written again, so that it does not age out while in use. */
const REFRESH_ENTRY_DAYS = 7;
/** At most this many unlisted entries are checked by one run (see "Eviction"). */
const MAX_UNLISTED_CHECKS = 64;
/** The longest header line read when checking an unlisted entry (the header names two paths). */
const MAX_HEADER_BYTES = 256 * 1024;
/** Digests handled at once: enough to keep libuv's four threads busy, few enough to bound memory. */
const CONCURRENCY = 16;
const MAGIC = 'MARGINALIA-DIGEST-CACHE';
const SUBFOLDER = 'digests';
const ENTRY_SUFFIX = '.bin';
const TEMPORARY_SUFFIX = '.tmp';

/** Options of readDigestsCached. */
export interface DigestCacheOptions {
  /** Gets a one-line message when an entry is rebuilt or the cache cannot be used; never required. */
  log?: (line: string) => void;
  /**
   * Replaces the build stamp (see the module comment): entries written under another value are
   * ignored. For tests, and for callers that want to share a cache between builds they know agree.
   */
  version?: string;
  /**
   * Leaves the cache's writes to the caller: the result's `save` encodes and writes the new entries
   * when called. For a caller that shows the digests first (the library worker: encoding 100,000
   * papers is seconds of CPU that a first window need not wait for). Without it, they are written
   * before readDigestsCached returns.
   */
  deferSave?: boolean;
}

/** What readDigestsCached gives: readDigest's results for every file, and what the cache did. */
export interface CachedDigests {
  /** The parsed digests, in the order of the files, without the files readDigest gave no digest for. */
  digests: ParsedDigest[];
  /** Every file's problems, in the order of the files. */
  problems: Diagnostic[];
  /** `reused` files came from the cache, `parsed` ones were read and parsed; together, all files. */
  stats: { reused: number; parsed: number };
  /** Each file's stamp, taken before it was read, in the order of the files; null where it could not be stat'ed. */
  fileStamps: (StampedFile | null)[];
  /** With `deferSave`: writes the cache's new entries and removes the unwanted ones; never throws. Without it, a no-op. */
  save: () => Promise<void>;
}

/** The outcome of readDigest, which is what a payload holds. */
interface Payload {
  digest: ParsedDigest | null;
  problems: Diagnostic[];
}

/** What the header JSON of a cache file records. */
interface EntryHeader {
  format: number;
  stamp: string;
  /** Absolute path of the digest. */
  path: string;
  /** The path as given to readDigestsCached, which the parsed digest and its diagnostics carry. */
  given: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  /** Wall-clock time (ms) just before the stat the key was taken from, and so before the digest was read. */
  storedAtMs: number;
  contentSha256: string;
}

/** A cache file whose header was read, before its checksum and payload are checked. */
interface CachedEntry {
  header: EntryHeader;
  headerBytes: Buffer;
  payloadBytes: Buffer;
  checksum: string;
}

interface Context {
  folder: string;
  stamp: string;
  log: (line: string) => void;
  /** Names of the cache files present when the run started. */
  existing: Set<string>;
  /** False once a write failed or the folder could not be listed: the run goes on uncached. */
  writable: boolean;
  folderMade: boolean;
}

interface Outcome {
  payload: Payload;
  reused: boolean;
  /** The name of the digest's cache file; null for a digest that is not cached. */
  name: string | null;
  /** The name of the cache file of a listed digest that is not cached: its entry, if any, is dropped. */
  drop?: string;
  /** The cache file to write for this digest, if any: encoded when the cache is saved; null if it cannot be. */
  write?: () => Buffer | null;
  /** The digest's stamp, taken before it was read; absent when it could not be stat'ed. */
  fileStamp?: StampedFile;
}

/**
 * Reads and parses digest files like `readDigest(file)` called for each file in turn (same digests,
 * same problems, same order; a file readDigest gives no digest for is skipped), using and updating
 * the cache in `cacheDir` (a folder of its own, such as workspaceCacheFolder's; created on demand).
 * A digest whose size, mtime, ctime and inode are unchanged is neither read nor parsed; a changed
 * or new one is read and parsed alone. Cache entries of files not in `files` are kept while their
 * digest exists (see "Eviction" above), so that runs naming different digests share one cache.
 * Never throws for the cache's sake and never reports its troubles as problems: a damaged entry is
 * rebuilt, and a cache that cannot be read or written leaves the run uncached (see `options.log`).
 */
export async function readDigestsCached(files: readonly string[], cacheDir: string, options: DigestCacheOptions = {}): Promise<CachedDigests> {
  const folder = path.join(cacheDir, SUBFOLDER);
  const context: Context = {
    folder,
    stamp: options.version ?? cacheStamp(),
    log: options.log ?? (() => undefined),
    existing: new Set(),
    writable: true,
    folderMade: false,
  };
  try {
    context.existing = new Set(await fs.readdir(folder));
    context.folderMade = true;
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT') {
      context.writable = false;
      context.log(`digest cache: cannot read ${folder} (${code ?? describe(error)}); running uncached`);
    }
  }

  const outcomes = await mapLimited(files, CONCURRENCY, (file) => readOne(file, context));

  const digests: ParsedDigest[] = [];
  const problems: Diagnostic[] = [];
  const stats = { reused: 0, parsed: 0 };
  for (const { payload, reused } of outcomes) {
    problems.push(...payload.problems);
    if (payload.digest) digests.push(payload.digest);
    if (reused) stats.reused++;
    else stats.parsed++;
  }

  const fileStamps = outcomes.map((outcome) => outcome.fileStamp ?? null);
  if (options.deferSave) {
    let saving: Promise<void> | null = null;
    return { digests, problems, stats, fileStamps, save: () => (saving ??= saveQuietly(context, outcomes)) };
  }
  await saveQuietly(context, outcomes);
  return { digests, problems, stats, fileStamps, save: () => Promise.resolve() };
}

async function readOne(file: string, context: Context): Promise<Outcome> {
  const absolute = path.resolve(file);
  const name = entryName(absolute);
  // Taken before the stat: a racy check against a later time would trust a little too much.
  const storedAtMs = Date.now();
  let stat: BigIntStats;
  try {
    stat = await statBigInt(file);
  } catch {
    return uncached(file, name);
  }
  const key = stampOf(stat);
  const fileStamp: StampedFile = { file, ...key, takenAtMs: storedAtMs };
  // Folders, devices and oversized files: readDigest has the words for them, and nothing is cached.
  if (!stat.isFile() || stat.size > BigInt(MAX_DIGEST_BYTES)) return { ...(await uncached(file, name)), fileStamp };
  const racy = isRacy(key, storedAtMs);

  const entry = context.existing.has(name) ? await readEntry(path.join(context.folder, name), context) : null;
  const usable = entry && entryMatches(entry.header, context.stamp, absolute, file) ? entry : null;
  if (entry && !usable) context.log(`digest cache: entry for ${absolute} is from another build or path; rebuilding it`);

  // Checked once, and only when the entry would be used: a stale entry costs no checksum.
  let verified: Payload | null | undefined;
  const cachedPayload = (): Payload | null => {
    if (verified === undefined) verified = usable ? verifiedPayload(usable, file, context) : null;
    return verified;
  };
  const trustedByStat = usable !== null && sameStamp(usable.header, key) && !isRacy(usable.header, usable.header.storedAtMs);
  if (trustedByStat) {
    const payload = cachedPayload();
    if (payload) {
      // Written again once in a while, so that an entry in use never looks unused (see "Eviction").
      const old = storedAtMs - usable.header.storedAtMs > REFRESH_ENTRY_DAYS * DAY_MS;
      return {
        payload,
        reused: true,
        name,
        fileStamp,
        write: old && !racy ? () => encodeEntry({ ...usable.header, stamp: context.stamp, given: file, storedAtMs }, usable.payloadBytes) : undefined,
      };
    }
  }

  let bytes: Buffer;
  try {
    bytes = await readBytes(file);
  } catch {
    return { ...(await uncached(file, name)), fileStamp };
  }
  const contentSha256 = createHash('sha256').update(bytes).digest('hex');
  const header: EntryHeader = { format: DIGEST_CACHE_FORMAT, stamp: context.stamp, path: absolute, given: file, ...key, storedAtMs, contentSha256 };

  if (usable && !trustedByStat && usable.header.size === key.size && usable.header.contentSha256 === contentSha256) {
    const payload = cachedPayload();
    if (payload) {
      // Stored again under the new stat, unless it would still be racy: then nothing is gained.
      return { payload, reused: true, name, fileStamp, write: racy ? undefined : () => encodeEntry(header, usable.payloadBytes) };
    }
  }

  // The same steps as readDigest, on the bytes already read.
  const decoded = decodeDigest(bytes, file);
  const payload: Payload = decoded.ok ? parseDigestText(decoded.text, file, decoded.warnings) : { digest: null, problems: [decoded.problem] };
  // Encoded when the cache is saved, which may be after the caller has shown the digest: the
  // payload is plain data that nothing changes once parsed (see core/types.ts).
  const write = (): Buffer | null => {
    try {
      // Through JSON first: the parser's strings are slices of the whole text, and in a digest with
      // one character outside Latin-1 every one of them is UTF-16, which v8.serialize writes as it is
      // (twice the bytes, and twice the heap once read back). JSON.parse makes Latin-1 strings
      // again; the types are plain JSON data (see core/types.ts), so nothing else changes.
      return encodeEntry(header, v8.serialize(JSON.parse(JSON.stringify(payload))));
    } catch (error) {
      context.log(`digest cache: cannot serialize ${absolute} (${describe(error)}); not cached`);
      return null;
    }
  };
  return { payload, reused: false, name, fileStamp, write };
}

async function uncached(file: string, drop: string): Promise<Outcome> {
  return { payload: await readDigest(file), reused: false, name: null, drop };
}

function entryMatches(header: EntryHeader, stamp: string, absolute: string, given: string): boolean {
  return header.format === DIGEST_CACHE_FORMAT && header.stamp === stamp && header.path === absolute && header.given === given;
}

/** Reads a cache file and its header; null (with a debug line) for anything but a well-formed one. */
async function readEntry(file: string, context: Context): Promise<CachedEntry | null> {
  let bytes: Buffer;
  try {
    bytes = await readBytes(file);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') context.log(`digest cache: cannot read ${file} (${describe(error)}); rebuilding it`);
    return null;
  }
  const entry = decodeEntry(bytes);
  if (!entry) context.log(`digest cache: ${file} is damaged; rebuilding it`);
  return entry;
}

function decodeEntry(bytes: Buffer): CachedEntry | null {
  const newline = bytes.indexOf(10);
  if (newline < 0) return null;
  const line = bytes.subarray(0, newline).toString('utf8');
  const match = /^(\S+) (\S+) (\d+) (\{.*\})$/s.exec(line);
  if (!match || match[1] !== MAGIC) return null;
  const payloadBytes = bytes.subarray(newline + 1);
  if (Number(match[3]) !== payloadBytes.length) return null;
  let header: unknown;
  try {
    header = JSON.parse(match[4]);
  } catch {
    return null;
  }
  if (!isHeader(header)) return null;
  return { header, headerBytes: Buffer.from(match[4], 'utf8'), payloadBytes, checksum: match[2] };
}

function isHeader(value: unknown): value is EntryHeader {
  if (typeof value !== 'object' || value === null) return false;
  const header = value as Record<string, unknown>;
  const strings = ['stamp', 'path', 'given', 'size', 'mtimeNs', 'ctimeNs', 'ino', 'contentSha256'];
  return (
    typeof header.format === 'number' &&
    typeof header.storedAtMs === 'number' &&
    strings.every((field) => typeof header[field] === 'string') &&
    /^\d+$/.test(header.mtimeNs as string) &&
    /^\d+$/.test(header.ctimeNs as string)
  );
}

/** The payload of an entry whose checksum holds and whose payload has the right shape, else null. */
function verifiedPayload(entry: CachedEntry, given: string, context: Context): Payload | null {
  if (checksum(entry.headerBytes, entry.payloadBytes) !== entry.checksum) {
    context.log(`digest cache: entry for ${entry.header.path} fails its checksum; rebuilding it`);
    return null;
  }
  let payload: unknown;
  try {
    payload = v8.deserialize(entry.payloadBytes);
  } catch (error) {
    context.log(`digest cache: entry for ${entry.header.path} cannot be read (${describe(error)}); rebuilding it`);
    return null;
  }
  if (!isPayload(payload, given)) {
    context.log(`digest cache: entry for ${entry.header.path} has an unexpected payload; rebuilding it`);
    return null;
  }
  return payload;
}

function isPayload(value: unknown, given: string): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const { digest, problems } = value as Partial<Payload>;
  if (!Array.isArray(problems)) return false;
  if (digest === null) return true;
  return typeof digest === 'object' && digest !== undefined && digest.file === given && Array.isArray(digest.entries) && Array.isArray(digest.diagnostics);
}

function encodeEntry(header: EntryHeader, payloadBytes: Buffer): Buffer {
  const json = JSON.stringify(header);
  const headerBytes = Buffer.from(json, 'utf8');
  const line = Buffer.from(`${MAGIC} ${checksum(headerBytes, payloadBytes)} ${payloadBytes.length} ${json}\n`, 'utf8');
  return Buffer.concat([line, payloadBytes]);
}

/** save, which logs rather than throws: the digests were read whatever became of their cache. */
async function saveQuietly(context: Context, outcomes: readonly Outcome[]): Promise<void> {
  try {
    await save(context, outcomes);
  } catch (error) {
    context.log(`digest cache: cannot save ${context.folder} (${describe(error)}); the next run parses these digests again`);
  }
}

/** Writes the new entries, then deletes the entries that are no longer wanted (see "Eviction") and dead writers' temporary files. */
async function save(context: Context, outcomes: readonly Outcome[]): Promise<void> {
  if (!context.writable) return;
  const writes = outcomes.flatMap(({ name, write }) => (name && write ? [{ name, encode: write }] : []));
  // An entry that could not be encoded is not cached: its old file, if any, goes.
  const unencodable = new Set<string>();
  if (writes.length > 0 && !context.folderMade) {
    try {
      await fs.mkdir(context.folder, { recursive: true });
      context.folderMade = true;
    } catch (error) {
      cannotWrite(context, context.folder, error);
      return;
    }
  }
  await mapLimited(writes, CONCURRENCY, async (write) => {
    if (!context.writable) return;
    const bytes = write.encode();
    if (bytes) await writeEntry(context, write.name, bytes);
    else unencodable.add(write.name);
  });
  if (!context.writable) return;

  const kept = new Set(outcomes.flatMap((outcome) => (outcome.name && !unencodable.has(outcome.name) ? [outcome.name] : [])));
  const dropped = new Set([...outcomes.flatMap((outcome) => (outcome.drop ? [outcome.drop] : [])), ...unencodable]);
  const now = Date.now();
  // Unlisted entries are checked a bounded number at a time, picked at random: a run naming one
  // digest in a cache of thousands costs milliseconds, and a few such runs check them all.
  const unlisted = [...context.existing].filter((name) => name.endsWith(ENTRY_SUFFIX) && !kept.has(name) && !dropped.has(name));
  const checked = new Set(unlisted.length <= MAX_UNLISTED_CHECKS ? unlisted : sample(unlisted, MAX_UNLISTED_CHECKS));
  await mapLimited([...context.existing], CONCURRENCY, async (name) => {
    const file = path.join(context.folder, name);
    try {
      if (dropped.has(name) && !kept.has(name)) {
        await fs.rm(file, { force: true });
      } else if (checked.has(name) && (await isUnwanted(file, now))) {
        await fs.rm(file, { force: true });
      } else if (name.endsWith(TEMPORARY_SUFFIX) && now - (await fs.stat(file)).mtimeMs > STALE_TEMPORARY_MS) {
        await fs.rm(file, { force: true });
      }
    } catch (error) {
      // Another process may have removed or replaced it; nothing depends on this.
      if (errorCode(error) !== 'ENOENT') context.log(`digest cache: cannot remove ${file} (${describe(error)})`);
    }
  });
}

/** `count` items of `items` picked at random. */
function sample<T>(items: readonly T[], count: number): T[] {
  const copy = items.slice();
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

/**
 * Whether the entry of a digest this run did not list is to go: it is old (unused for
 * UNUSED_ENTRY_DAYS), its header line cannot be read, or the digest it records is no longer a file.
 * Reads the header line only, never the payload.
 */
async function isUnwanted(file: string, now: number): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  let line: string | null = null;
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || now - stat.mtimeMs > UNUSED_ENTRY_DAYS * DAY_MS) return true;
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_HEADER_BYTES));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      const newline = buffer.subarray(filled, filled + bytesRead).indexOf(10);
      filled += bytesRead;
      if (newline >= 0) {
        line = buffer.subarray(0, filled - bytesRead + newline).toString('utf8');
        break;
      }
    }
  } finally {
    await handle.close();
  }
  const match = line === null ? null : /^(\S+) (\S+) (\d+) (\{.*\})$/s.exec(line);
  if (!match || match[1] !== MAGIC) return true;
  let header: unknown;
  try {
    header = JSON.parse(match[4]);
  } catch {
    return true;
  }
  if (!isHeader(header) || !path.isAbsolute(header.path)) return true;
  try {
    return !(await fs.stat(header.path)).isFile();
  } catch (error) {
    const code = errorCode(error);
    // Gone, or a parent that is no longer a folder: the entry can never be used again.
    if (code === 'ENOENT' || code === 'ENOTDIR') return true;
    // Unreadable for now (permissions, a disk not mounted): kept, in case it comes back.
    return false;
  }
}

/** A temporary file beside the entry, renamed over it: readers see the old entry or the new one. */
async function writeEntry(context: Context, name: string, bytes: Buffer): Promise<void> {
  if (!context.writable) return;
  const target = path.join(context.folder, name);
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
  try {
    await fs.writeFile(temporary, bytes, { flag: 'wx' });
    await fs.rename(temporary, target);
  } catch (error) {
    cannotWrite(context, target, error);
    await fs.rm(temporary, { force: true }).catch(() => undefined);
  }
}

function cannotWrite(context: Context, file: string, error: unknown): void {
  if (!context.writable) return;
  context.writable = false;
  context.log(`digest cache: cannot write ${file} (${errorCode(error) ?? describe(error)}); running uncached`);
}

/** The cache format and the running build (see buildStamp and the module comment). */
function cacheStamp(): string {
  return `${DIGEST_CACHE_FORMAT}/${buildStamp()}`;
}

// The callback forms: fs.promises.readFile reads in chunks and costs about half as much again
// (measured on 2,000 cache files: 150 ms against 240 ms).
function readBytes(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => readFileCallback(file, (error, data) => (error ? reject(error) : resolve(data))));
}

function entryName(absolute: string): string {
  return `${createHash('sha1').update(absolute).digest('hex')}${ENTRY_SUFFIX}`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
