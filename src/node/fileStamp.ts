/**
 * A file's stamp on disk, as git's index keeps it: size, mtime, ctime and inode, the times in
 * nanoseconds (from a bigint stat). The caches that trust a file by its stat alone (the digest
 * cache, the library snapshot, the CLI's search cache) use it, with one rule for when a stamp
 * cannot be trusted.
 *
 * Racily clean stamps (the "racy git" problem). File systems keep mtimes at some granularity (2 s on
 * FAT, 1 s on HFS+ and ext3, a kernel tick on ext4), so a file changed again right after it was
 * read, within the same tick, can keep its mtime, and its size if the edit kept the length. A stamp
 * is therefore racy when the file's mtime or ctime is later than RACY_WINDOW_MS before the moment
 * its stat was taken. The later of the two counts: an mtime can be set back (`touch -d`, an unpacked
 * archive), a ctime cannot, so a file rewritten and then given an old mtime is still racy. What a
 * cache does with a racy stamp (read the file again, compare its hash) is its own business.
 */
import type { BigIntStats } from 'node:fs';
import { stat as statCallback } from 'node:fs';

/** A stamp whose file's mtime or ctime is later than this long before its stat is racy (see above). */
export const RACY_WINDOW_MS = 2000;

/** The parts of a stat that say a file is unchanged, as decimal strings (they go into JSON headers). */
export interface FileStamp {
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
}

/** A file's stamp with its path and the moment just before its stat. */
export interface StampedFile extends FileStamp {
  file: string;
  /** When the stat was taken (ms since the epoch, read just before it). */
  takenAtMs: number;
}

/** The stamp of a bigint stat. */
export function stampOf(stat: BigIntStats): FileStamp {
  return { size: String(stat.size), mtimeNs: String(stat.mtimeNs), ctimeNs: String(stat.ctimeNs), ino: String(stat.ino) };
}

/** True when both stamps say the same file, unchanged. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

/** True when the file could have changed again after a stat taken at `takenAtMs` without its stamp showing it. */
export function isRacy(stamp: { mtimeNs: string | bigint; ctimeNs: string | bigint }, takenAtMs: number): boolean {
  const mtimeNs = BigInt(stamp.mtimeNs);
  const ctimeNs = BigInt(stamp.ctimeNs);
  return Number((mtimeNs > ctimeNs ? mtimeNs : ctimeNs) / 1_000_000n) > takenAtMs - RACY_WINDOW_MS;
}

/**
 * A bigint stat of `file`. The callback form: it costs less than fs.promises.stat when thousands of
 * files are stat'ed at a time.
 */
export function statBigInt(file: string): Promise<BigIntStats> {
  return new Promise((resolve, reject) => statCallback(file, { bigint: true }, (error, stats) => (error ? reject(error) : resolve(stats))));
}
