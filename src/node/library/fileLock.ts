/**
 * A lock file that lets several processes (the CLI and any number of VS Code windows) take turns
 * changing one file. The lock records who holds it; it is taken over only when that owner is
 * provably dead (same host, and its process is gone or its pid now belongs to another process),
 * never because of its age, so a slow holder keeps its lock however long it works. Also where file
 * system errors are turned into one sentence a user can act on.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const DEFAULT_TIMEOUT_MS = 15_000;
/** The longest pause between two attempts to take a lock that someone else holds. */
const MAX_POLL_MS = 100;
/**
 * An unparsable lock, or a breaker, unchanged for this long is abandoned. Only a lock written
 * without hard links is ever unparsable while its writer lives, and only for the moment between
 * its creation and its one write.
 */
const ABANDONED_AFTER_MS = 10_000;
/**
 * A live pid whose start time differs from the recorded one by more than this was reused. The
 * start time is derived from the boot time, which moves when the wall clock is stepped; the slack
 * absorbs a small step and the rounding of the boot time to whole seconds.
 */
const PID_REUSE_SLACK_MS = 2_000;
/**
 * The unit of field 22 of /proc/<pid>/stat. The kernel reports USER_HZ, which is 100 on every
 * Linux architecture Node runs on; asking `getconf CLK_TCK` would cost a process per check.
 */
const CLOCK_TICKS_PER_SECOND = 100;
const BREAKER_SUFFIX = '.break';

/** The owner of a lock as read back from a lock file. */
export interface RecordedLockOwner {
  readonly pid: number;
  /** `os.hostname()` of the owner's computer. */
  readonly host: string;
  /** When the owner's process started (ISO 8601); absent in the previous version's lock files. */
  readonly started?: string;
  /** When the lock was taken (ISO 8601); for the previous version's lock files, the file's mtime. */
  readonly acquired: string;
}

/** The owner this process writes into a lock file it creates. */
export interface LockOwner extends RecordedLockOwner {
  readonly started: string;
}

/** How `acquireFileLock` waits and reports. */
export interface FileLockOptions {
  /** How long to wait for a live holder before failing with LockTimeoutError; 15 000 ms by default. */
  timeoutMs?: number;
  /** Receives the one line said when a dead owner's lock is taken over; `console.warn` by default. */
  log?: (line: string) => void;
}

/** A lock this process holds. */
export interface FileLockHandle {
  readonly lockPath: string;
  /** What was written into the lock file. */
  readonly owner: LockOwner;
  /**
   * Removes the lock file if it is still this handle's (a lock someone else has since taken over
   * is left alone). Calling it again does nothing. Throws FileAccessError when the file cannot be
   * removed, e.g. because the folder became read-only.
   */
  release(): Promise<void>;
}

/**
 * A file system error as one sentence a user can act on (`message`), with the path it concerns
 * (`path`: the file that was being read or written) and the error code (`code`, e.g. 'EACCES').
 * The original error is the `cause`.
 */
export class FileAccessError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FileAccessError';
  }
}

/**
 * `acquireFileLock` waited `timeoutMs` for a lock that was never released and could not be taken
 * over. `owner` is who holds it, or undefined when the lock file does not say. The message names
 * the file and the owner and says what the user can do, in one sentence.
 */
export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: RecordedLockOwner | undefined,
    readonly timeoutMs: number,
  ) {
    super(timeoutMessage(lockPath, owner, timeoutMs));
    this.name = 'LockTimeoutError';
  }
}

/**
 * Takes the lock `lockPath` (a file whose folder must exist): creates it atomically holding this
 * process's owner line, or waits (polling with backoff, at most ~100 ms apart) while another live
 * process holds it. A lock whose owner is provably dead (same host, and its pid is gone, has exited,
 * or on Linux belongs to a process started at another time) is taken over at once, saying so
 * through `log`; so is an unparsable lock unchanged for 10 s. Any number of processes may race for
 * the same lock, dead owner or not: at most one of them holds it at a time.
 *
 * Throws LockTimeoutError after `timeoutMs` (15 s by default) when the holder is alive, on another
 * host, or unknown; FileAccessError when the folder cannot be written (permissions, read-only or
 * full disk, missing folder).
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<FileLockHandle> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const log = options.log ?? ((line: string) => console.warn(line));
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  let vanished = 0;
  for (;;) {
    const owner = await currentOwner();
    const text = ownerLine(owner);
    if (await createExclusively(lockPath, text)) return lockHandle(lockPath, owner, text);
    const seen = await inspect(lockPath);
    if (seen === 'missing' && vanished++ < 3) continue; // released just now: try again at once
    if (typeof seen === 'object') {
      vanished = 0;
      const reason = await takeoverReason(seen);
      if (reason !== undefined && (await removeUnderBreaker(lockPath, seen, log))) {
        log(`Marginalia: the lock file ${lockPath} ${reason}; taking it over.`);
        continue;
      }
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new LockTimeoutError(lockPath, typeof seen === 'object' ? seen.owner : undefined, timeoutMs);
    // Jitter keeps waiters that started together from retrying in lockstep.
    await sleep(Math.min(left, delay / 2 + Math.random() * (delay / 2)));
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

/**
 * `error` (from reading or writing `file`) as a FileAccessError with a one-sentence message, or
 * undefined when it is not a problem the user can fix by changing the folder (and for a missing
 * file when reading, which callers treat as "no file yet"). Handles EACCES/EPERM, EROFS, ENOENT
 * (the folder is missing), ENOTDIR, ENOSPC/EDQUOT; returns a FileAccessError unchanged.
 */
export function describeAccessError(error: unknown, file: string, action: 'read' | 'write'): FileAccessError | undefined {
  if (error instanceof FileAccessError) return error;
  const code = errorCode(error);
  const folder = path.dirname(file);
  let message: string | undefined;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      message =
        action === 'write'
          ? `Marginalia cannot write in ${folder}: permission denied; make the folder writable for your user, or open the workspace as a user who may write there.`
          : `Marginalia cannot read ${file}: permission denied; make the file readable for your user, or open the workspace as a user who may read it.`;
      break;
    case 'EROFS':
      message = `Marginalia cannot write in ${folder} because it is on a read-only file system; open the workspace from a writable disk, or remount this one read-write.`;
      break;
    case 'ENOENT':
      if (action === 'read') return undefined;
      message = `Marginalia cannot write in ${folder} because that folder does not exist; check that the workspace folder was not moved or deleted, then try again.`;
      break;
    case 'ENOTDIR':
      message = `Marginalia cannot ${action} ${file} because ${blockingFile(file) ?? 'a part of that path'} is a file, not a folder; move or rename that file, then try again.`;
      break;
    case 'EEXIST':
      // mkdir of a folder whose name a file already has.
      if (action !== 'write') return undefined;
      message = `Marginalia cannot create the folder ${file} because a file has that name; move or rename that file, then try again.`;
      break;
    case 'ENOSPC':
    case 'EDQUOT':
      message = `Marginalia cannot write in ${folder} because the disk is full or your quota is used up; free some space, then try again.`;
      break;
    case undefined:
    default:
      // Any other error is not about access: the caller reports it as it is.
      return undefined;
  }
  return message === undefined || code === undefined ? undefined : new FileAccessError(message, file, code, { cause: error });
}

/** What a lock file held when it was looked at, with the identity of the file that held it. */
interface Snapshot {
  readonly text: string;
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly mtimeMs: number;
  /** Undefined when the text is not an owner line (empty, truncated, garbage). */
  readonly owner: RecordedLockOwner | undefined;
}

function lockHandle(lockPath: string, owner: LockOwner, text: string): FileLockHandle {
  let released = false;
  return {
    lockPath,
    owner,
    async release() {
      if (released) return;
      released = true;
      await unlinkIfUnchanged(lockPath, { text });
    },
  };
}

async function currentOwner(): Promise<LockOwner> {
  // Read through /proc like any other process's start time, so that the same pid and start read
  // back by another process compare equal.
  const startedMs = process.platform === 'linux' ? (await linuxProcess(process.pid))?.startedMs : undefined;
  return {
    pid: process.pid,
    host: os.hostname(),
    started: new Date(startedMs ?? performance.timeOrigin).toISOString(),
    acquired: new Date().toISOString(),
  };
}

function ownerLine(owner: LockOwner): string {
  return `${JSON.stringify({ pid: owner.pid, host: owner.host, started: owner.started, acquired: owner.acquired })}\n`;
}

/**
 * Creates `file` holding `text` unless it exists (false then). The text goes into a temporary file
 * first, which is hard-linked to `file`: link() fails with EEXIST like an exclusive create, and a
 * reader never sees the file empty or half-written.
 */
async function createExclusively(file: string, text: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    try {
      await fs.writeFile(temporary, text, { flag: 'wx' });
    } catch (error) {
      throw describeAccessError(error, file, 'write') ?? error;
    }
    try {
      await fs.link(temporary, file);
      return true;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'ENOSYS') {
        throw describeAccessError(error, file, 'write') ?? error;
      }
      // The temporary file was written, so the folder is writable: on Windows this is a lock file
      // still being deleted (its name stays taken until every reader closes it), which counts as held.
      if (process.platform === 'win32' && (await present(file))) return false;
      return await createInPlace(file, text);
    }
  } finally {
    await fs.unlink(temporary).catch(() => undefined);
  }
}

/**
 * The fallback for file systems without hard links (some network and FAT file systems): an
 * exclusive create, then the write. Between the two the file is empty; readers take that for an
 * unparsable lock, which they wait for and only treat as abandoned after 10 s unchanged.
 */
async function createInPlace(file: string, text: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw describeAccessError(error, file, 'write') ?? error;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(file).catch(() => undefined);
    throw describeAccessError(error, file, 'write') ?? error;
  }
  await handle.close();
  return true;
}

/** The lock file as it is now; 'missing' when it is gone, 'busy' when Windows is still deleting it. */
async function inspect(lockPath: string): Promise<Snapshot | 'missing' | 'busy'> {
  try {
    return (await readSnapshot(lockPath)) ?? 'missing';
  } catch (error) {
    const code = errorCode(error);
    if (process.platform === 'win32' && (code === 'EPERM' || code === 'EACCES')) return 'busy';
    throw describeAccessError(error, lockPath, 'read') ?? error;
  }
}

/** The file's text with its inode and mtime, read through one handle so they belong together; undefined when absent. */
async function readSnapshot(file: string): Promise<Snapshot | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = await handle.stat({ bigint: true });
    const text = await handle.readFile('utf8');
    const mtimeMs = Number(stat.mtimeMs);
    return { text, ino: stat.ino, mtimeNs: stat.mtimeNs, mtimeMs, owner: parseOwner(text, mtimeMs) };
  } finally {
    await handle.close();
  }
}

function parseOwner(text: string, mtimeMs: number): RecordedLockOwner | undefined {
  const modified = new Date(mtimeMs).toISOString();
  // The previous version wrote only "<pid>\n", on this host, when it took the lock.
  const legacy = /^\s*(\d+)\s*$/.exec(text);
  if (legacy) return validPid(Number(legacy[1])) ? { pid: Number(legacy[1]), host: os.hostname(), acquired: modified } : undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, host, started, acquired } = value as Record<string, unknown>;
  if (!validPid(pid) || typeof host !== 'string' || host === '') return undefined;
  return {
    pid,
    host,
    ...(typeof started === 'string' ? { started } : {}),
    acquired: typeof acquired === 'string' ? acquired : modified,
  };
}

/** Pid 0 and negative pids would make process.kill() signal process groups. */
function validPid(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0;
}

/** Why the lock in `seen` may be taken over ("was held by …, which is no longer running"), or undefined when it may not. */
async function takeoverReason(seen: Snapshot): Promise<string | undefined> {
  if (seen.owner === undefined) {
    if (Date.now() - seen.mtimeMs <= ABANDONED_AFTER_MS) return undefined;
    return `does not say who holds it and has not changed since ${new Date(seen.mtimeMs).toISOString()}, so it was abandoned`;
  }
  const death = await whyDead(seen.owner);
  return death === undefined ? undefined : `was held by ${describeOwner(seen.owner)}, ${death}`;
}

/**
 * Why `owner`'s process is certainly not running any more, or undefined when it may be. Only a
 * process on this host can be checked; EPERM from kill() means a live process of another user.
 */
async function whyDead(owner: RecordedLockOwner): Promise<string | undefined> {
  if (owner.host !== os.hostname()) return undefined;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if (errorCode(error) === 'ESRCH') return 'which is no longer running';
    if (errorCode(error) !== 'EPERM') return undefined;
  }
  if (process.platform !== 'linux') return undefined;
  const running = await linuxProcess(owner.pid);
  if (running === undefined) return undefined;
  // kill() succeeds on a zombie: it has exited, only its parent has not collected it yet.
  if (running.state === 'Z' || running.state === 'X') return 'which is no longer running (it has exited)';
  const recorded = owner.started === undefined ? NaN : Date.parse(owner.started);
  if (Number.isNaN(recorded) || Math.abs(running.startedMs - recorded) <= PID_REUSE_SLACK_MS) return undefined;
  return `which is no longer running (pid ${owner.pid} now belongs to a process started ${new Date(running.startedMs).toISOString()})`;
}

/** The state letter and start time of a Linux process, from /proc; undefined when they cannot be read. */
async function linuxProcess(pid: number): Promise<{ state: string; startedMs: number } | undefined> {
  try {
    const [stat, system] = await Promise.all([fs.readFile(`/proc/${pid}/stat`, 'utf8'), fs.readFile('/proc/stat', 'utf8')]);
    // Field 2 (the command) is in parentheses and may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0] ?? '';
    const ticks = Number(fields[19]); // field 22: start time in clock ticks after boot
    const bootSeconds = Number(/^btime (\d+)$/m.exec(system)?.[1]);
    if (state === '' || !Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return undefined;
    return { state, startedMs: bootSeconds * 1000 + (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

function describeOwner(owner: RecordedLockOwner): string {
  return `process ${owner.pid} on host ${owner.host} since ${owner.acquired}`;
}

/**
 * Removes the lock `seen` if it is still exactly that file, while holding the breaker
 * `<lockPath>.break`: waiters that all saw the same dead owner take turns, and whoever comes later
 * finds the lock changed (removed, or a new owner's) and leaves it. True when this call removed it.
 */
async function removeUnderBreaker(lockPath: string, seen: Snapshot, log: (line: string) => void): Promise<boolean> {
  const breaker = `${lockPath}${BREAKER_SUFFIX}`;
  const text = ownerLine(await currentOwner());
  if (!(await createExclusively(breaker, text))) {
    await clearAbandonedBreaker(breaker, log);
    return false;
  }
  try {
    // Between this read and the unlink nobody else can change the lock: its owner is dead, removing
    // a dead owner's lock takes the breaker, and a new lock cannot be created while this one exists.
    return await unlinkIfUnchanged(lockPath, seen);
  } finally {
    await unlinkIfUnchanged(breaker, { text }).catch(() => undefined);
  }
}

/**
 * Removes a breaker whose owner is dead or that is older than 10 s. Age is a fair test here though
 * never for the lock: the lock is held across arbitrary work (a slow disk, a large library, a paused
 * debugger), while a breaker is held only for one read and one unlink, microseconds of work with no
 * waiting in between, so a breaker that old was left by a process that died or froze mid-way.
 */
async function clearAbandonedBreaker(breaker: string, log: (line: string) => void): Promise<void> {
  const seen = await readSnapshot(breaker).catch(() => undefined);
  if (seen === undefined) return;
  const old = Date.now() - seen.mtimeMs > ABANDONED_AFTER_MS;
  const death = seen.owner === undefined ? undefined : await whyDead(seen.owner);
  if (!old && death === undefined) return;
  if (await removeAbandoned(breaker, seen).catch(() => false)) {
    log(`Marginalia: removed the abandoned lock breaker ${breaker}${seen.owner ? ` of ${describeOwner(seen.owner)}` : ''}.`);
  }
}

/**
 * Unlinks `file` if it still holds `expected` (and, when given, is the same inode with the same
 * mtime). Read and unlink are two steps, so this is only for a file that nobody else may replace
 * meanwhile: one's own, or a lock under the breaker. True when it was removed.
 */
async function unlinkIfUnchanged(file: string, expected: { text: string; ino?: bigint; mtimeNs?: bigint }): Promise<boolean> {
  let now: Snapshot | undefined;
  try {
    now = await readSnapshot(file);
  } catch (error) {
    throw describeAccessError(error, file, 'read') ?? error;
  }
  if (now === undefined || !sameFile(now, expected)) return false;
  try {
    await fs.unlink(file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw describeAccessError(error, file, 'write') ?? error;
  }
}

/**
 * Removes the abandoned breaker `seen`, which nothing serialises: several waiters may find it at
 * once and one may already have put a fresh breaker in its place. Renaming it aside is atomic, so
 * only one of them gets the abandoned file, and the one that got a fresh file instead links it
 * back (link, so as not to replace yet another one created meanwhile). True when it was removed.
 */
async function removeAbandoned(file: string, seen: Snapshot): Promise<boolean> {
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fs.rename(file, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
  const moved = await readSnapshot(aside).catch(() => undefined);
  const same = moved !== undefined && sameFile(moved, seen);
  if (!same) {
    await fs.link(aside, file).catch(async (error: unknown) => {
      if (errorCode(error) !== 'EEXIST') await fs.rename(aside, file).catch(() => undefined);
    });
  }
  await fs.unlink(aside).catch(() => undefined);
  return same;
}

function sameFile(now: Snapshot, expected: { text: string; ino?: bigint; mtimeNs?: bigint }): boolean {
  return (
    now.text === expected.text &&
    (expected.ino === undefined || now.ino === expected.ino) &&
    (expected.mtimeNs === undefined || now.mtimeNs === expected.mtimeNs)
  );
}

/** For ENOTDIR: the nearest existing ancestor of `file` that is not a folder. */
function blockingFile(file: string): string | undefined {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      return statSync(dir).isDirectory() ? undefined : dir;
    } catch {
      // This one does not exist either (ENOTDIR): look further up.
    }
  }
  return undefined;
}

async function present(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ENOENT';
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function timeoutMessage(lockPath: string, owner: RecordedLockOwner | undefined, timeoutMs: number): string {
  const waited = `Marginalia gave up after waiting ${Number((timeoutMs / 1000).toFixed(1))} s for the lock file ${lockPath}`;
  if (owner === undefined) {
    return `${waited}, which does not say who holds it; if no other Marginalia window or command is using this folder, delete the file.`;
  }
  if (owner.host !== os.hostname()) {
    return `${waited}, held by ${describeOwner(owner)}, which cannot be checked from this computer; if that process is no longer running, delete the file.`;
  }
  return `${waited}, held by ${describeOwner(owner)}, which is still running; let it finish and try again, or, if that process is no longer running, delete the file.`;
}
