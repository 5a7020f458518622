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
  changeNormalLibrary,
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
  writeFile(file: string, data: string | Uint8Array): Promise<void>;
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
  async writeFile(file, data) {
    const handle = await fs.open(file, 'w');
    try {
      await handle.writeFile(data);
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

/** The texts on disk: the library file and the 0.1 file, each null when absent. */
interface OnDisk {
  current: string | null;
  /** The bytes `current` was decoded from, for hashing them (see isKnownNormal). */
  currentBytes: Uint8Array | null;
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
  private cache: { text: string; records: LibraryRecords } | null = null;

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
    const texts = await this.readTexts();
    return texts.legacy === null && texts.current === cached.text && this.cache === cached;
  }

  /**
   * Changes the library: under the lock, reads what is on disk now, lets `change` modify it and
   * writes the result atomically when it differs. Calls from this process are serialised; other
   * processes wait for the lock. A file that does not parse is left untouched (LibraryFileError).
   *
   * With `mentions`, and a file whose text is the normal text this store last knew (normalHashFile),
   * only the lines that mention them are read and changed (changeNormalLibrary), so that a tag change
   * at 100,000 papers costs a read and a write of the file rather than a parse of every record. When
   * this store holds the file's records in memory (it wrote or read them, as the library worker's
   * does), those change too and the file is written from the changed lines alone.
   */
  update<T>(change: (records: LibraryRecords) => T, options: UpdateOptions = {}): Promise<T> {
    return this.locked(async () => {
      const texts = await this.readTexts();
      const cached = this.cache;
      this.cache = null;
      if (!cached && options.mentions && texts.legacy === null && texts.current !== null && (await this.isKnownNormal(texts.currentBytes!))) {
        const patched = changeNormalLibrary(texts.current, options.mentions, change);
        if (patched) {
          if (patched.text !== texts.current) {
            const bytes = Buffer.from(patched.text, 'utf8');
            await this.writeAtomically(this.file, bytes);
            await this.ensureAttributes();
            await this.rememberNormal(bytes);
          }
          return patched.result;
        }
      }
      const fresh = cached !== null && texts.legacy === null && cached.text === texts.current;
      if (fresh && options.mentions) {
        // The records in memory are the file's: change them, and write the file by changing only
        // the lines that mention the keys, rather than serialising 100,000 records again. Both get
        // the same change at the same instant, from the same lines (cached.text is their normal form).
        const now = new Date();
        const patched = changeNormalLibrary(cached.text, options.mentions, change, () => now);
        if (patched) {
          const clock = cached.records.clock;
          cached.records.clock = () => now;
          let result: T;
          try {
            result = change(cached.records);
          } finally {
            cached.records.clock = clock;
          }
          if (patched.text !== cached.text) {
            const bytes = Buffer.from(patched.text, 'utf8');
            await this.writeAtomically(this.file, bytes);
            await this.ensureAttributes();
            await this.rememberNormal(bytes);
          }
          this.cache = { text: patched.text, records: cached.records };
          return result;
        }
      }
      const records = fresh ? cached.records : toRecords(texts);
      const result = change(records);
      const written = await this.write(texts, records);
      records.acknowledgeDisputes();
      if (written !== null) {
        this.cache = { text: written.text, records };
        await this.rememberNormal(written.bytes);
      }
      return result;
    });
  }

  /** True when `bytes` are the normal text last remembered (see StoreOptions.normalHashFile). */
  private async isKnownNormal(bytes: Uint8Array): Promise<boolean> {
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
  private async rememberNormal(bytes: Uint8Array): Promise<void> {
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
  private async write(texts: OnDisk, records: LibraryRecords, force = false): Promise<{ text: string; bytes: Uint8Array } | null> {
    const after = serializeLibraryFile(records);
    const empty = texts.current === null && texts.legacy === null && records.size === 0;
    if (empty) return null;
    let bytes = texts.currentBytes;
    if (force || after !== texts.current || texts.legacy !== null || bytes === null) {
      bytes = Buffer.from(after, 'utf8');
      await this.writeAtomically(this.file, bytes);
      await this.ensureAttributes();
    }
    // Only now that its records are in the new file may the 0.1 file go.
    if (texts.legacy !== null) await this.fileSystem.unlink(this.legacyFile).catch(ignoreMissing);
    return { text: after, bytes };
  }

  /** Makes sure `.marginalia/.gitattributes` asks git for the union merge, adding our line to a file the user keeps. */
  private async ensureAttributes(): Promise<void> {
    const existing = await this.readOptional(this.attributesFile);
    if (existing !== null && /^\s*library\.jsonl\s+.*\bmerge=union\b/m.test(existing)) return;
    const text = existing === null ? LIBRARY_GITATTRIBUTES : `${existing}${existing.endsWith('\n') || existing === '' ? '' : '\n'}${LIBRARY_GITATTRIBUTES}`;
    await this.writeAtomically(this.attributesFile, text);
  }

  private async readTexts(): Promise<OnDisk> {
    const currentBytes = await this.readOptional(this.file, (file) => this.fileSystem.readBytes(file));
    const current = currentBytes === null ? null : Buffer.from(currentBytes.buffer, currentBytes.byteOffset, currentBytes.byteLength).toString('utf8');
    return { current, currentBytes, legacy: await this.readOptional(this.legacyFile) };
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
  private async writeAtomically(file: string, text: string | Uint8Array): Promise<void> {
    const temporary = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
    try {
      await this.fileSystem.writeFile(temporary, text);
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

/** The hash a normal text is remembered by; the file's path is in it, so that a copied cache vouches for nothing. */
function normalHash(file: string, bytes: Uint8Array): string {
  return createHash('sha256').update(file).update('\0').update(bytes).digest('hex');
}

/** Joins the records of both files; the 0.1 file's keys are kept exactly. */
function toRecords(texts: OnDisk): LibraryRecords {
  const current = texts.current === null ? [] : parseLibraryLines(texts.current);
  const legacy = texts.legacy === null ? [] : parseLegacyLibraryFile(texts.legacy);
  return new LibraryRecords(legacy.length === 0 ? current : current.concat(legacy));
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
