/**
 * The library as the worker last published it, kept in the workspace's cache folder between
 * windows, so that reopening a window on an unchanged library of 100,000 papers neither reads 2,000
 * digests nor merges them again: the papers come from one file, and the library file (read as
 * always, under its lock) must still give every paper the key and aliases it had.
 *
 * Trust, as the digest cache's (digestCache.ts): the snapshot stands for the digests whose size,
 * mtime, ctime and inode (nanoseconds) are those recorded, each stat taken before that digest was
 * read, and for the build that wrote it. A digest whose stamp was racy (fileStamp.ts) could have
 * changed again in the same clock tick: it is read again before a snapshot is written (see the worker). The papers keep their keys only if the library file agrees with every
 * one of them (keysAgree); otherwise the library is merged from the digests as on a first open.
 *
 * The file: one header line `MAGIC checksum payloadLength {json header}` and the payload
 * (JSON of the papers, their title identities and order, and the digests' reports). Anything not
 * exactly right (another format, build or root, a digest's stat, a bad checksum, a payload of the
 * wrong shape) makes it a miss, said in the log, never an error for the user. It is written to a
 * temporary file renamed over the old one, so a reader sees one whole snapshot or the other.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { KeyDispute, LibraryRecords } from '../../core/library/libraryFile';
import type { ReadingStatus } from '../../core/library/readingStatus';
import type { Paper } from '../../core/types';
import { buildStamp } from '../buildStamp';
import { checksum } from '../checksum';
import { sameStamp, stampOf, statBigInt, type StampedFile } from '../fileStamp';
import type { DigestFileReport } from './libraryWorkerProtocol';
import { sameList } from '../../core/sameList';

/** The layout and meaning of the file. Bump it when either changes in a way the build stamp would not catch. */
export const SNAPSHOT_FORMAT = 2;
const MAGIC = 'MARGINALIA-LIBRARY-SNAPSHOT';
/** A digest file's identity on disk, as git's index keeps it. */
export type DigestStat = StampedFile;

/** What a snapshot holds. */
export interface LibrarySnapshot {
  /** The snapshot's checksum, which a records summary names (set by readSnapshot and writeSnapshot). */
  id?: string;
  /** The workspace folder whose library file gave the keys. */
  root: string;
  /** Every digest file of the library, in the order the worker lists them. */
  digests: DigestStat[];
  /** The report of each digest file (problems, date, why it was skipped). */
  reports: DigestFileReport[];
  /** The merged papers, in mergeDigests' order. */
  papers: Paper[];
  /** Each paper's title identity, as mergeDigests grouped it (the library file's records are found by it). */
  identities: string[];
  /** The papers' keys in title order (sorting 100,000 titles with the collator takes a second). */
  order: string[];
}

interface Header {
  format: number;
  stamp: string;
  root: string;
  digests: DigestStat[];
}

/** Where the snapshot of a workspace is kept, in its cache folder. */
export function snapshotFile(cacheDir: string): string {
  return path.join(cacheDir, 'library-snapshot.bin');
}

/** The stat of `file` now; null when it cannot be taken (gone, unreadable folder). */
export async function statDigest(file: string): Promise<DigestStat | null> {
  const takenAtMs = Date.now();
  try {
    return { file, ...stampOf(await statBigInt(file)), takenAtMs };
  } catch {
    return null;
  }
}

function sameStat(a: DigestStat, b: DigestStat): boolean {
  return a.file === b.file && sameStamp(a, b);
}

/**
 * The snapshot in `file`, when it was written by this build for `root` and for exactly the digests
 * `now` describes (the same files, none changed); null otherwise, with the reason given to `log`
 * (nothing for a missing file).
 */
export async function readSnapshot(file: string, root: string, now: readonly DigestStat[], log: (line: string) => void): Promise<LibrarySnapshot | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`library snapshot: cannot read ${file} (${describe(error)}); merging the digests`);
    return null;
  }
  const newline = bytes.indexOf(10);
  const match = newline < 0 ? null : /^(\S+) (\S+) (\d+) (\{.*\})$/s.exec(bytes.subarray(0, newline).toString('utf8'));
  if (!match || match[1] !== MAGIC) return miss(log, 'it is not a snapshot');
  let header: Header;
  try {
    header = JSON.parse(match[4]) as Header;
  } catch {
    return miss(log, 'its header is damaged');
  }
  if (header.format !== SNAPSHOT_FORMAT || header.stamp !== buildStamp()) return miss(log, 'it was written by another build');
  if (header.root !== root) return miss(log, 'it is of another folder');
  if (!Array.isArray(header.digests) || header.digests.length !== now.length || header.digests.some((stat, i) => !sameStat(stat, now[i]))) {
    return miss(log, 'digests changed since it was written');
  }
  const payloadBytes = bytes.subarray(newline + 1);
  if (payloadBytes.length !== Number(match[3]) || checksum(Buffer.from(match[4], 'utf8'), payloadBytes) !== match[2]) return miss(log, 'it fails its checksum');
  let payload: unknown;
  try {
    payload = JSON.parse(payloadBytes.toString('utf8'));
  } catch (error) {
    return miss(log, `it cannot be read (${describe(error)})`);
  }
  const { papers, identities, reports, order } = (payload ?? {}) as Partial<LibrarySnapshot>;
  if (
    !Array.isArray(papers) ||
    !Array.isArray(identities) ||
    !Array.isArray(reports) ||
    !Array.isArray(order) ||
    papers.length !== identities.length ||
    order.length !== papers.length
  ) {
    return miss(log, 'it has an unexpected payload');
  }
  return { id: match[2], root, digests: header.digests, papers, identities, reports, order };
}

/**
 * Writes `snapshot` atomically and returns its id; a snapshot that cannot be written is only a
 * slower next open, said in the log (null then).
 */
export async function writeSnapshot(file: string, snapshot: LibrarySnapshot, log: (line: string) => void): Promise<string | null> {
  const header: Header = { format: SNAPSHOT_FORMAT, stamp: buildStamp(), root: snapshot.root, digests: snapshot.digests };
  // JSON in UTF-8, not v8.serialize: V8 writes most of these strings in two bytes a character, so its
  // file of 100,000 papers is 310 MB against 170 MB, and slower to read back.
  const payloadBytes = Buffer.from(
    JSON.stringify({ papers: snapshot.papers, identities: snapshot.identities, reports: snapshot.reports, order: snapshot.order }),
    'utf8',
  );
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const id = checksum(json, payloadBytes);
  const line = Buffer.from(`${MAGIC} ${id} ${payloadBytes.length} `, 'utf8');
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await removeStaleTemporaries(file);
    await fs.writeFile(temporary, Buffer.concat([line, json, Buffer.from('\n'), payloadBytes]), { flag: 'wx' });
    await fs.rename(temporary, file);
    return id;
  } catch (error) {
    log(`library snapshot: cannot write ${file} (${describe(error)}); the next window merges the digests again`);
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    return null;
  }
}

/** A temporary file this old belongs to a writer that was stopped half-way (its window closed): it is removed. */
const STALE_TEMPORARY_MS = 10 * 60 * 1000;
const TEMPORARY_SUFFIX = '.tmp';

/**
 * What the library file said when it last agreed with a snapshot's papers: every paper's tags, the
 * reading statuses, the queue and the retired keys, with the fingerprint of the file's bytes then
 * (LibraryStore.fingerprint). Kept beside the snapshot and rewritten after each tag or status
 * change, it lets a reopened window show the snapshot's papers with their tags before the library
 * file's 100,000 records are parsed: only when the file's bytes are still those (the same
 * fingerprint) and the snapshot is the one it names. The records are parsed right after, in the
 * background, for the next change.
 */
export interface RecordsSummary {
  /** The id of the snapshot whose papers the file gave their keys to. */
  snapshot: string;
  /** LibraryStore.fingerprint of the library file's bytes. */
  fingerprint: string;
  tags: [string, string[]][];
  statuses: [string, ReadingStatus][];
  queue: string[];
  disputes: KeyDispute[];
}

interface SummaryFile extends RecordsSummary {
  format: number;
  stamp: string;
  root: string;
}

const SUMMARY_MAGIC = 'MARGINALIA-LIBRARY-RECORDS';

/** Where the records summary of a workspace's snapshot is kept, beside it. */
export function summaryFile(cacheDir: string): string {
  return path.join(cacheDir, 'library-records.json');
}

/**
 * The records summary in `file`, when this build wrote it for `root` and the snapshot `snapshotId`;
 * null otherwise (the reason in the log; nothing for a missing file).
 */
export async function readSummary(file: string, root: string, snapshotId: string, log: (line: string) => void): Promise<RecordsSummary | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`library records summary: not used (${describe(error)}); reading the library file`);
    return null;
  }
  const not = (why: string) => {
    log(`library records summary: not used, since ${why}; reading the library file`);
    return null;
  };
  const newline = bytes.indexOf(10);
  const match = newline < 0 ? null : /^(\S+) (\S+) (\d+)$/.exec(bytes.subarray(0, newline).toString('utf8'));
  if (!match || match[1] !== SUMMARY_MAGIC) return not('it is not a summary');
  const payloadBytes = bytes.subarray(newline + 1);
  if (payloadBytes.length !== Number(match[3]) || checksum(payloadBytes) !== match[2]) return not('it fails its checksum');
  let parsed: Partial<SummaryFile>;
  try {
    parsed = JSON.parse(payloadBytes.toString('utf8')) as Partial<SummaryFile>;
  } catch (error) {
    return not(`it cannot be read (${describe(error)})`);
  }
  if (parsed?.format !== SNAPSHOT_FORMAT || parsed.stamp !== buildStamp()) return not('it was written by another build');
  if (parsed.root !== root) return not('it is of another folder');
  if (parsed.snapshot !== snapshotId) return not('it is of another snapshot');
  if (
    typeof parsed.fingerprint !== 'string' ||
    !Array.isArray(parsed.tags) ||
    !Array.isArray(parsed.statuses) ||
    !Array.isArray(parsed.queue) ||
    !Array.isArray(parsed.disputes)
  ) {
    return not('it has an unexpected shape');
  }
  const { snapshot, fingerprint, tags, statuses, queue, disputes } = parsed as SummaryFile;
  return { snapshot, fingerprint, tags, statuses, queue, disputes };
}

/** Writes `summary` atomically; one that cannot be written is only a slower next open, said in the log. */
export async function writeSummary(file: string, root: string, summary: RecordsSummary, log: (line: string) => void): Promise<void> {
  const content: SummaryFile = { format: SNAPSHOT_FORMAT, stamp: buildStamp(), root, ...summary };
  // Like the snapshot: a first line with a checksum and the length of the JSON after it.
  const payload = Buffer.from(JSON.stringify(content), 'utf8');
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await removeStaleTemporaries(file);
    await fs.writeFile(temporary, Buffer.concat([Buffer.from(`${SUMMARY_MAGIC} ${checksum(payload)} ${payload.length}\n`, 'utf8'), payload]), { flag: 'wx' });
    await fs.rename(temporary, file);
  } catch (error) {
    log(`library records summary: cannot write ${file} (${describe(error)}); the next window reads the library file first`);
    await fs.rm(temporary, { force: true }).catch(() => undefined);
  }
}

async function removeStaleTemporaries(file: string): Promise<void> {
  const folder = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const names = await fs.readdir(folder).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMPORARY_SUFFIX)) continue;
    const temporary = path.join(folder, name);
    const stat = await fs.stat(temporary).catch(() => null);
    if (stat && now - stat.mtimeMs > STALE_TEMPORARY_MS) await fs.rm(temporary, { force: true }).catch(() => undefined);
  }
}

/**
 * True when the library file's `records` give every paper of `snapshot` the key and aliases it
 * holds, and no paper would get a new key: exactly what mergeDigests would give them, so the
 * snapshot's papers are the merge's.
 */
export function keysAgree(snapshot: Pick<LibrarySnapshot, 'papers' | 'identities'>, records: LibraryRecords): boolean {
  const { papers, identities } = snapshot;
  for (let i = 0; i < papers.length; i++) {
    const record = records.byIdentity(identities[i]);
    if (!record) return false;
    if (record.key !== papers[i].key || !sameList(record.aliases, papers[i].aliases)) return false;
  }
  return true;
}

function miss(log: (line: string) => void, why: string): null {
  log(`library snapshot: not used, since ${why}; merging the digests`);
  return null;
}

function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
}
