/**
 * The library file on disk (`.marginalia/library.jsonl`, see core/library/libraryFile.ts): read, and changed
 * under a lock with an atomic write, so that the CLI and any number of VS Code windows can change it
 * at the same time without losing each other's changes or leaving a torn file behind. Migrates the
 * 0.1 file (`library.json`) on the first change, and keeps `.marginalia/.gitattributes` telling git to
 * merge the library line by line.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  LEGACY_LIBRARY_FILE_PATH,
  LIBRARY_FILE_PATH,
  LIBRARY_GITATTRIBUTES,
  LIBRARY_GITATTRIBUTES_PATH,
  LibraryConflictError,
  LibraryRecords,
  MAX_CHANGED_LINES,
  NORMAL_HEADER_LINE,
  changeNormalLines,
  parseLegacyLibraryFile,
  parseLibraryLines,
  resolveConflictMarkers,
  serializeLibraryFile,
  type RawRecord,
} from '../../core/library/libraryFile';
import { workspaceCacheFolder } from '../cacheFolder';
import { acquireFileLock, describeAccessError } from './fileLock';

/** How long to wait for another, live writer before giving up (its lock is never taken from it). */
const LOCK_TIMEOUT_MS = 15_000;

/** The file operations the store needs; tests replace them to interrupt a write half-way. */
export interface StoreFileSystem {
  readFile(file: string): Promise<string>;
  readBytes(file: string): Promise<Uint8Array>;
  /**
   * The bytes of `file`, read into `reuse` when it is big enough (`bytes` is then a view of it, valid
   * until `reuse` is read into again), else into a new buffer; `buffer` is the one to reuse next time.
   */
  readBytesInto(file: string, reuse: Buffer | null): Promise<{ bytes: Buffer; buffer: Buffer | null }>;
  /** Writes `data` and syncs it; pieces are written one after another, as if joined. */
  writeFile(file: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(folder: string): Promise<void>;
  /** Creates `file` only if it does not exist (throws EEXIST otherwise); notes are created so. */
  createExclusive(file: string, data: string): Promise<void>;
}

export const nodeFileSystem: StoreFileSystem = {
  // Bytes, then one decode: several times faster on a 17 MB file than a streaming 'utf8' read.
  readFile: async (file) => (await fs.readFile(file)).toString('utf8'),
  readBytes: (file) => fs.readFile(file),
  async readBytesInto(file, reuse) {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      // One byte more than the size: a file that grew since the stat is read whole below.
      const target = reuse && reuse.length > size ? reuse : Buffer.allocUnsafeSlow(size + 1 + (size >> 4));
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(target, length, target.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length === target.length) return { bytes: await fs.readFile(file), buffer: null };
      }
      return { bytes: target.subarray(0, length), buffer: target };
    } finally {
      await handle.close();
    }
  },
  async writeFile(file, data) {
    const handle = await fs.open(file, 'w');
    try {
      if (Array.isArray(data)) {
        for (const piece of data as readonly Uint8Array[]) {
          for (let at = 0; at < piece.length;) at += (await handle.write(piece, at, piece.length - at)).bytesWritten;
        }
      } else await handle.writeFile(data as string | Uint8Array);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fs.rename(from, to),
  unlink: (file) => fs.unlink(file),
  mkdir: async (folder) => {
    await fs.mkdir(folder, { recursive: true });
  },
  async createExclusive(file, data) {
    const handle = await fs.open(file, 'wx');
    try {
      await handle.writeFile(data, 'utf8');
    } finally {
      await handle.close();
    }
  },
};

/** How a store reports what it did on its own (taking over a dead process's lock). */
export interface StoreOptions {
  fileSystem?: StoreFileSystem;
  log?: (line: string) => void;
  /**
   * A file outside the workspace (the workspace's cache folder) where the store keeps the SHA-256 of
   * the last library text it knows to be in normal form: it wrote it, or read it and found nothing to
   * change. A tag change on that same text then reads only the lines it changes (see update). A
   * short-lived process (the CLI) gives one; the extension's worker keeps its records in memory instead.
   */
  normalHashFile?: string;
}

/** What a change touches, for reading only those lines of a file in normal form. */
export interface UpdateOptions {
  /** Every key the change names, or the tag a rename renames: the change touches only lines that mention one. */
  mentions?: readonly string[];
}

/** What a resolve did: how many marker lines it removed, and the keys it had to retire. */
export interface ResolveResult {
  markers: number;
  records: LibraryRecords;
}

/**
 * A library file's bytes as pieces of buffers, so that a tag change replaces a line without copying
 * the 17 MB around it (and without the full garbage collections that a 17 MB buffer per change sets
 * off in a worker with a big heap). Joined only when a piece count grows past MAX_PIECES.
 */
export class FileBytes {
  readonly length: number;

  private constructor(readonly pieces: readonly Buffer[]) {
    this.length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  }

  /** The bytes of `buffer`, which must not change afterwards. */
  static of(buffer: Buffer): FileBytes {
    return new FileBytes([buffer]);
  }

  /** True when `buffer` holds exactly these bytes. */
  equals(buffer: Uint8Array): boolean {
    if (buffer.length !== this.length) return false;
    const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let at = 0;
    for (const piece of this.pieces) {
      if (bytes.compare(piece, 0, piece.length, at, at + piece.length) !== 0) return false;
      at += piece.length;
    }
    return true;
  }

  /** These bytes with each span [start, end) (sorted, not overlapping) replaced by its line. */
  replaced(spans: readonly { start: number; end: number }[], lines: readonly Buffer[]): FileBytes {
    const pieces: Buffer[] = [];
    let from = 0;
    spans.forEach(({ start, end }, i) => {
      pieces.push(...this.slice(from, start), lines[i]);
      from = end;
    });
    pieces.push(...this.slice(from, this.length));
    const result = new FileBytes(pieces.filter((piece) => piece.length > 0));
    return result.pieces.length > MAX_PIECES ? FileBytes.of(Buffer.concat(result.pieces as Buffer[])) : result;
  }

  private slice(from: number, to: number): Buffer[] {
    const out: Buffer[] = [];
    let at = 0;
    for (const piece of this.pieces) {
      const end = at + piece.length;
      if (end > from && at < to) out.push(piece.subarray(Math.max(from, at) - at, Math.min(to, end) - at));
      at = end;
      if (at >= to) break;
    }
    return out;
  }
}

/** Pieces a FileBytes keeps before it is joined: a few hundred tag changes in one window. */
const MAX_PIECES = 512;

/** The texts on disk: the library file and the 0.1 file, each null when absent. */
interface OnDisk {
  /** The library file's text, decoded when first asked for: a tag change on a known file needs only its bytes. */
  readonly current: string | null;
  /** The bytes `current` is decoded from, compared and changed as they are (see update). */
  currentBytes: Buffer | null;
  /** True when `currentBytes` is a view of the store's read buffer: copied before it is kept. */
  reused: boolean;
  legacy: string | null;
}

/** The library file of one workspace folder. */
export class LibraryStore {
  readonly file: string;
  /** The 0.1 file, read when present and removed once its records are in `file`. */
  readonly legacyFile: string;
  private readonly lockFile: string;
  private readonly attributesFile: string;
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The records as this store last wrote them, with the text written. A long-lived store (the
   * extension's worker) reuses them while the file still holds that text, so that a tag change at
   * 100,000 papers does not parse the whole file again. Dropped on any failure.
   */
  private cache: { bytes: FileBytes; records: LibraryRecords } | null = null;
  /** The buffer the library file is read into while the store knows its bytes (cache), reused from change to change. */
  private readBuffer: Buffer | null = null;

  private readonly fileSystem: StoreFileSystem;
  private readonly log: (line: string) => void;
  private readonly normalHashFile: string | undefined;

  constructor(
    readonly root: string,
    options: StoreOptions | StoreFileSystem = {},
  ) {
    const {
      fileSystem = nodeFileSystem,
      log = (line: string) => process.stderr.write(`marginalia: ${line}\n`),
      normalHashFile,
    } = 'readFile' in options ? { fileSystem: options } : options;
    this.fileSystem = fileSystem;
    this.log = log;
    this.normalHashFile = normalHashFile;
    this.file = path.join(root, LIBRARY_FILE_PATH);
    this.legacyFile = path.join(root, LEGACY_LIBRARY_FILE_PATH);
    this.lockFile = `${this.file}.lock`;
    this.attributesFile = path.join(root, LIBRARY_GITATTRIBUTES_PATH);
  }

  /**
   * The records on disk (the library file joined with a 0.1 file still there); empty when neither
   * exists. Throws LibraryFileError when one does not parse, LibraryConflictError for git markers.
   */
  async read(): Promise<LibraryRecords> {
    return toRecords(await this.readTexts());
  }

  /**
   * True when the file still holds what this store last wrote (or found unchanged while changing
   * it) and `records` is the object it wrote them from: then `records` are the file's, changes made
   * through this store included. False whenever in doubt.
   */
  async isUnchanged(records: LibraryRecords): Promise<boolean> {
    const cached = this.cache;
    if (!cached || cached.records !== records) return false;
    const texts = await this.readTexts(true);
    return texts.legacy === null && texts.currentBytes !== null && cached.bytes.equals(texts.currentBytes) && this.cache === cached;
  }

  /**
   * The fingerprint of the bytes this store last wrote or found (its cache) when `records` are the
   * records it holds for them; null otherwise. Says nothing of the disk: isUnchanged does.
   */
  fingerprint(records: LibraryRecords): string | null {
    const cached = this.cache;
    return cached && cached.records === records ? normalHash(this.file, cached.bytes) : null;
  }

  /**
   * The fingerprint of the library file as it is on disk now, read without the lock (a writer
   * renames a whole file into place, so the bytes are one version or the other); null when there is
   * no file, when a 0.1 file is still beside it, or when it cannot be read.
   */
  async fileFingerprint(): Promise<string | null> {
    try {
      const texts = await this.readTexts();
      return texts.legacy === null && texts.currentBytes !== null ? normalHash(this.file, FileBytes.of(texts.currentBytes)) : null;
    } catch {
      return null;
    }
  }

  /**
   * Changes the library: under the lock, reads what is on disk now, lets `change` modify it and
   * writes the result atomically when it differs. Calls from this process are serialised; other
   * processes wait for the lock. A file that does not parse is left untouched (LibraryFileError).
   *
   * With `mentions`, and a file whose text is the normal text this store last knew (normalHashFile),
   * only the lines that mention them are read and changed (changeNormalBytes), so that a tag change
   * at 100,000 papers costs a read and a write of the file rather than a parse of every record. When
   * this store holds the file's records in memory (it wrote or read them, as the library worker's
   * does), those change too and the file is written from the changed lines alone.
   */
  update<T>(change: (records: LibraryRecords) => T, options: UpdateOptions = {}): Promise<T> {
    return this.locked(async () => {
      const cached = this.cache;
      const texts = await this.readTexts(cached !== null);
      this.cache = null;
      if (!cached && options.mentions && texts.legacy === null && texts.currentBytes !== null && (await this.isKnownNormal(FileBytes.of(texts.currentBytes)))) {
        const patched = changeNormalBytes(texts.currentBytes, options.mentions, change);
        if (patched) {
          if (patched.changed) {
            const bytes = FileBytes.of(texts.currentBytes).replaced(patched.spans, patched.lines);
            await this.writeAtomically(this.file, bytes);
            await this.ensureAttributes();
            await this.rememberNormal(bytes);
          }
          return patched.result;
        }
      }
      const fresh = cached !== null && texts.legacy === null && texts.currentBytes !== null && cached.bytes.equals(texts.currentBytes);
      if (fresh && options.mentions) {
        // The records in memory are the file's: change them, and write the file by changing only
        // the lines that mention the keys, rather than serialising 100,000 records again. Both get
        // the same change at the same instant, from the same lines (cached.bytes are their normal form).
        const now = new Date();
        const patched = changeNormalBytes(texts.currentBytes!, options.mentions, change, () => now);
        if (patched) {
          const clock = cached.records.clock;
          cached.records.clock = () => now;
          let result: T;
          try {
            result = change(cached.records);
          } finally {
            cached.records.clock = clock;
          }
          // The spans were found in the bytes just read, which are the cached ones: the new bytes are
          // the cached pieces with those lines replaced (the read buffer is not kept).
          const bytes = patched.changed ? cached.bytes.replaced(patched.spans, patched.lines) : cached.bytes;
          if (patched.changed) {
            await this.writeAtomically(this.file, bytes);
            await this.ensureAttributes();
            await this.rememberNormal(bytes);
          }
          this.cache = { bytes, records: cached.records };
          return result;
        }
      }
      const records = fresh ? cached.records : toRecords(texts);
      const result = change(records);
      const written = await this.write(texts, records);
      records.acknowledgeDisputes();
      if (written !== null) {
        this.cache = { bytes: written, records };
        await this.rememberNormal(written);
      }
      return result;
    });
  }

  /** True when `bytes` are the normal text last remembered (see StoreOptions.normalHashFile). */
  private async isKnownNormal(bytes: FileBytes): Promise<boolean> {
    if (!this.normalHashFile) return false;
    let known: string;
    try {
      known = (await this.fileSystem.readFile(this.normalHashFile)).trim();
    } catch {
      return false;
    }
    return known === normalHash(this.file, bytes);
  }

  /** Remembers the text of `bytes` as normal. A cache: when it cannot be written, the next change reads the whole file. */
  private async rememberNormal(bytes: FileBytes): Promise<void> {
    if (!this.normalHashFile) return;
    const temporary = `${this.normalHashFile}.${process.pid}.tmp`;
    try {
      await this.fileSystem.mkdir(path.dirname(this.normalHashFile));
      await this.fileSystem.writeFile(temporary, `${normalHash(this.file, bytes)}\n`);
      await this.fileSystem.rename(temporary, this.normalHashFile);
    } catch {
      await this.fileSystem.unlink(temporary).catch(() => undefined);
    }
  }

  /**
   * Settles a merge that stopped in the library file (git conflict markers): keeps the records of
   * every side, joins them, and writes the result. A file without markers is only normalised.
   */
  resolve(): Promise<ResolveResult> {
    return this.locked(async () => {
      const texts = await this.readTexts();
      let markers = 0;
      let raws: RawRecord[] = [];
      for (const [text, legacy] of [
        [texts.current, false],
        [texts.legacy, true],
      ] as const) {
        if (text === null) continue;
        try {
          raws = raws.concat(legacy ? parseLegacyLibraryFile(text) : parseLibraryLines(text));
        } catch (error) {
          if (!(error instanceof LibraryConflictError)) throw error;
          markers += error.lines.length;
          raws = raws.concat(resolveConflictMarkers(text, legacy));
        }
      }
      const records = new LibraryRecords(raws);
      this.cache = null;
      await this.write(texts, records, markers > 0);
      return { markers, records };
    });
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const folder = path.dirname(this.file);
      await this.fileSystem.mkdir(folder).catch((error: unknown) => {
        throw describeAccessError(error, folder, 'write') ?? error;
      });
      const lock = await acquireFileLock(this.lockFile, { timeoutMs: LOCK_TIMEOUT_MS, log: this.log });
      try {
        return await work();
      } finally {
        await lock.release();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes `records` when they differ from the file (or a 0.1 file is to be migrated), then removes
   * the 0.1 file. Returns the text the file holds now (null when there is no file).
   */
  private async write(texts: OnDisk, records: LibraryRecords, force = false): Promise<FileBytes | null> {
    const after = serializeLibraryFile(records);
    const empty = texts.current === null && texts.legacy === null && records.size === 0;
    if (empty) return null;
    let bytes: FileBytes;
    if (force || after !== texts.current || texts.legacy !== null || texts.currentBytes === null) {
      bytes = FileBytes.of(Buffer.from(after, 'utf8'));
      await this.writeAtomically(this.file, bytes);
      await this.ensureAttributes();
    } else {
      // Kept as the file's bytes: a view of the read buffer is copied first, since the next read reuses it.
      bytes = FileBytes.of(texts.reused ? Buffer.from(texts.currentBytes) : texts.currentBytes);
    }
    // Only now that its records are in the new file may the 0.1 file go.
    if (texts.legacy !== null) await this.fileSystem.unlink(this.legacyFile).catch(ignoreMissing);
    return bytes;
  }

  /** Makes sure `.marginalia/.gitattributes` asks git for the union merge, adding our line to a file the user keeps. */
  private async ensureAttributes(): Promise<void> {
    const existing = await this.readOptional(this.attributesFile);
    if (existing !== null && /^\s*library\.jsonl\s+.*\bmerge=union\b/m.test(existing)) return;
    const text = existing === null ? LIBRARY_GITATTRIBUTES : `${existing}${existing.endsWith('\n') || existing === '' ? '' : '\n'}${LIBRARY_GITATTRIBUTES}`;
    await this.writeAtomically(this.attributesFile, text);
  }

  /**
   * The files on disk. With `reuse` (the store knows the file's bytes and will most likely only
   * compare them), the library file is read into the store's read buffer.
   */
  private async readTexts(reuse = false): Promise<OnDisk> {
    let currentBytes: Buffer | null;
    if (reuse) {
      const read = await this.readOptional(this.file, (file) => this.fileSystem.readBytesInto(file, this.readBuffer));
      currentBytes = read?.bytes ?? null;
      if (read?.buffer) this.readBuffer = read.buffer;
    } else {
      const read = await this.readOptional(this.file, (file) => this.fileSystem.readBytes(file));
      currentBytes = read === null ? null : Buffer.from(read.buffer, read.byteOffset, read.byteLength);
    }
    const reused = reuse && currentBytes !== null && this.readBuffer !== null && currentBytes.buffer === this.readBuffer.buffer;
    const legacy = await this.readOptional(this.legacyFile);
    let text: string | undefined;
    return {
      currentBytes,
      reused,
      legacy,
      get current() {
        if (currentBytes === null) return null;
        text ??= currentBytes.toString('utf8');
        return text;
      },
    };
  }

  private async readOptional(file: string): Promise<string | null>;
  private async readOptional<T>(file: string, read: (file: string) => Promise<T>): Promise<T | null>;
  private async readOptional(file: string, read: (file: string) => Promise<unknown> = (name) => this.fileSystem.readFile(name)): Promise<unknown> {
    try {
      return await read(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw describeAccessError(error, file, 'read') ?? error;
    }
  }

  /** Writes a temporary file beside the target and renames it over the target: readers see old or new, never half. */
  private async writeAtomically(file: string, text: string | Uint8Array | FileBytes): Promise<void> {
    const temporary = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
    try {
      await this.fileSystem.writeFile(temporary, text instanceof FileBytes ? text.pieces : text);
      await this.fileSystem.rename(temporary, file);
    } catch (error) {
      await this.fileSystem.unlink(temporary).catch(() => undefined);
      throw describeAccessError(error, file, 'write') ?? error;
    }
  }
}

/** Where the CLI remembers the normal text of `root`'s library file: in the workspace's cache folder. */
export function normalHashFileOf(root: string): string {
  return path.join(workspaceCacheFolder(root), 'library', 'normal.sha256');
}

/**
 * The hash a normal text is remembered by, and a file's fingerprint; the file's path is in it, so
 * that a copied cache vouches for nothing.
 */
function normalHash(file: string, bytes: FileBytes): string {
  const hash = createHash('sha256').update(file).update('\0');
  for (const piece of bytes.pieces) hash.update(piece);
  return hash.digest('hex');
}

/**
 * A tag change on a normal file's bytes: the lines that mention one of `mentions` (as JSON strings,
 * found as UTF-8 bytes) are decoded and changed alone (core changeNormalLines). Gives their spans and
 * new lines, for FileBytes.replaced: a tag change at 100,000 papers then neither decodes nor encodes
 * 17 MB of text. Null when this path does not apply (read the whole file then).
 */
export function changeNormalBytes<T>(
  bytes: Buffer,
  mentions: readonly string[],
  change: (records: LibraryRecords) => T,
  clock?: () => Date,
): { spans: { start: number; end: number }[]; lines: Buffer[]; changed: boolean; result: T } | null {
  const NEWLINE = 0x0a;
  if (!bytes.subarray(0, HEADER_BYTES.length).equals(HEADER_BYTES) || bytes[bytes.length - 1] !== NEWLINE) return null;
  const starts = new Set<number>();
  for (const mention of mentions) {
    const needle = Buffer.from(JSON.stringify(mention), 'utf8');
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + needle.length)) {
      starts.add(bytes.lastIndexOf(NEWLINE, at) + 1);
      if (starts.size > MAX_CHANGED_LINES) return null;
    }
  }
  const spans = [...starts].sort((a, b) => a - b).map((start) => ({ start, end: bytes.indexOf(NEWLINE, start) }));
  if (spans.some(({ start }) => start === 0)) return null;
  const before = spans.map(({ start, end }) => bytes.toString('utf8', start, end));
  const patched = changeNormalLines(before, change, clock);
  if (!patched) return null;
  const changed = patched.lines.some((line, i) => line !== before[i]);
  return { spans, lines: patched.lines.map((line) => Buffer.from(line, 'utf8')), changed, result: patched.result };
}

const HEADER_BYTES = Buffer.from(NORMAL_HEADER_LINE, 'utf8');

/** Joins the records of both files; the 0.1 file's keys are kept exactly. */
function toRecords(texts: OnDisk): LibraryRecords {
  const current = texts.current === null ? [] : parseLibraryLines(texts.current);
  const legacy = texts.legacy === null ? [] : parseLegacyLibraryFile(texts.legacy);
  return new LibraryRecords(legacy.length === 0 ? current : current.concat(legacy));
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
