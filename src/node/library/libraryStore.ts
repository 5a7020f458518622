/**
 * The library file on disk (`.marginalia/library.jsonl`, see core/library/libraryFile.ts): read, and changed
 * under a lock with an atomic write, so that the CLI and any number of VS Code windows can change it
 * at the same time without losing each other's changes or leaving a torn file behind. Migrates the
 * 0.1 file (`library.json`) on the first change, and keeps `.marginalia/.gitattributes` telling git to
 * merge the library line by line.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  LEGACY_LIBRARY_FILE_PATH,
  LIBRARY_FILE_PATH,
  LIBRARY_GITATTRIBUTES,
  LIBRARY_GITATTRIBUTES_PATH,
  LibraryConflictError,
  LibraryRecords,
  parseLegacyLibraryFile,
  parseLibraryLines,
  resolveConflictMarkers,
  serializeLibraryFile,
  type RawRecord,
} from '../../core/library/libraryFile';
import { acquireFileLock, describeAccessError } from './fileLock';

/** How long to wait for another, live writer before giving up (its lock is never taken from it). */
const LOCK_TIMEOUT_MS = 15_000;

/** The file operations the store needs; tests replace them to interrupt a write half-way. */
export interface StoreFileSystem {
  readFile(file: string): Promise<string>;
  writeFile(file: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(folder: string): Promise<void>;
  /** Creates `file` only if it does not exist (throws EEXIST otherwise); notes are created so. */
  createExclusive(file: string, data: string): Promise<void>;
}

export const nodeFileSystem: StoreFileSystem = {
  readFile: (file) => fs.readFile(file, 'utf8'),
  async writeFile(file, data) {
    const handle = await fs.open(file, 'w');
    try {
      await handle.writeFile(data, 'utf8');
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
}

/** What a resolve did: how many marker lines it removed, and the keys it had to retire. */
export interface ResolveResult {
  markers: number;
  records: LibraryRecords;
}

/** The texts on disk: the library file and the 0.1 file, each null when absent. */
interface OnDisk {
  current: string | null;
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

  constructor(
    readonly root: string,
    options: StoreOptions | StoreFileSystem = {},
  ) {
    const { fileSystem = nodeFileSystem, log = (line: string) => process.stderr.write(`marginalia: ${line}\n`) } =
      'readFile' in options ? { fileSystem: options } : options;
    this.fileSystem = fileSystem;
    this.log = log;
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
   */
  update<T>(change: (records: LibraryRecords) => T): Promise<T> {
    return this.locked(async () => {
      const texts = await this.readTexts();
      const cached = this.cache;
      this.cache = null;
      const records = cached && texts.legacy === null && cached.text === texts.current ? cached.records : toRecords(texts);
      const result = change(records);
      const written = await this.write(texts, records);
      records.acknowledgeDisputes();
      if (written !== null) this.cache = { text: written, records };
      return result;
    });
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
  private async write(texts: OnDisk, records: LibraryRecords, force = false): Promise<string | null> {
    const after = serializeLibraryFile(records);
    const empty = texts.current === null && texts.legacy === null && records.size === 0;
    if (empty) return null;
    if (force || after !== texts.current || texts.legacy !== null) {
      await this.writeAtomically(this.file, after);
      await this.ensureAttributes();
    }
    // Only now that its records are in the new file may the 0.1 file go.
    if (texts.legacy !== null) await this.fileSystem.unlink(this.legacyFile).catch(ignoreMissing);
    return after;
  }

  /** Makes sure `.marginalia/.gitattributes` asks git for the union merge, adding our line to a file the user keeps. */
  private async ensureAttributes(): Promise<void> {
    const existing = await this.readOptional(this.attributesFile);
    if (existing !== null && /^\s*library\.jsonl\s+.*\bmerge=union\b/m.test(existing)) return;
    const text = existing === null ? LIBRARY_GITATTRIBUTES : `${existing}${existing.endsWith('\n') || existing === '' ? '' : '\n'}${LIBRARY_GITATTRIBUTES}`;
    await this.writeAtomically(this.attributesFile, text);
  }

  private async readTexts(): Promise<OnDisk> {
    return { current: await this.readOptional(this.file), legacy: await this.readOptional(this.legacyFile) };
  }

  private async readOptional(file: string): Promise<string | null> {
    try {
      return await this.fileSystem.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw describeAccessError(error, file, 'read') ?? error;
    }
  }

  /** Writes a temporary file beside the target and renames it over the target: readers see old or new, never half. */
  private async writeAtomically(file: string, text: string): Promise<void> {
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

/** Joins the records of both files; the 0.1 file's keys are kept exactly. */
function toRecords(texts: OnDisk): LibraryRecords {
  const current = texts.current === null ? [] : parseLibraryLines(texts.current);
  const legacy = texts.legacy === null ? [] : parseLegacyLibraryFile(texts.legacy);
  return new LibraryRecords(legacy.length === 0 ? current : current.concat(legacy));
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
