/**
 * The library file on disk (`.marginalia/library.json`): read, and changed under a lock with an
 * atomic write, so that the CLI and any number of VS Code windows can change it at the same time
 * without losing each other's changes or leaving a torn file behind.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LIBRARY_FILE_PATH, LibraryRecords, parseLibraryFile, serializeLibraryFile } from '../core/libraryFile';

/** How long to wait for another writer before giving up. */
const LOCK_TIMEOUT_MS = 15_000;
/** A lock older than this was left by a process that died; it is taken over. */
const STALE_LOCK_MS = 30_000;

/** The file operations the store needs; tests replace them to interrupt a write half-way. */
export interface StoreFileSystem {
  readFile(file: string): Promise<string>;
  writeFile(file: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(folder: string): Promise<void>;
  /** Creates `file` only if it does not exist (throws EEXIST otherwise). */
  createExclusive(file: string, data: string): Promise<void>;
  mtimeMs(file: string): Promise<number>;
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
  mtimeMs: async (file) => (await fs.stat(file)).mtimeMs,
};

/** The library file of one workspace folder. */
export class LibraryStore {
  readonly file: string;
  private readonly lockFile: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly root: string, private readonly fileSystem: StoreFileSystem = nodeFileSystem) {
    this.file = path.join(root, LIBRARY_FILE_PATH);
    this.lockFile = `${this.file}.lock`;
  }

  /** The records on disk; empty when the file does not exist. Throws LibraryFileError when it does not parse. */
  async read(): Promise<LibraryRecords> {
    const text = await this.readText();
    return text === null ? new LibraryRecords() : parseLibraryFile(text);
  }

  /**
   * Changes the library: under the lock, reads what is on disk now, lets `change` modify it and
   * writes the result atomically when it differs. Calls from this process are serialised; other
   * processes wait for the lock. A file that does not parse is left untouched (LibraryFileError).
   */
  update<T>(change: (records: LibraryRecords) => T): Promise<T> {
    const run = this.queue.then(() => this.updateLocked(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async updateLocked<T>(change: (records: LibraryRecords) => T): Promise<T> {
    await this.fileSystem.mkdir(path.dirname(this.file));
    await this.acquireLock();
    try {
      const before = await this.readText();
      const records = before === null ? new LibraryRecords() : parseLibraryFile(before);
      const result = change(records);
      const after = serializeLibraryFile(records);
      if (after !== before && !(before === null && records.size === 0)) await this.writeAtomically(after);
      return result;
    } finally {
      await this.fileSystem.unlink(this.lockFile).catch(() => undefined);
    }
  }

  private async readText(): Promise<string | null> {
    try {
      return await this.fileSystem.readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Writes a temporary file beside the target and renames it over the target: readers see old or new, never half. */
  private async writeAtomically(text: string): Promise<void> {
    const temporary = `${this.file}.${process.pid}.${Date.now().toString(36)}.tmp`;
    try {
      await this.fileSystem.writeFile(temporary, text);
      await this.fileSystem.rename(temporary, this.file);
    } catch (error) {
      await this.fileSystem.unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  private async acquireLock(): Promise<void> {
    const deadline = Date.now() + LOCK_TIMEOUT_MS;
    let delay = 5;
    for (;;) {
      try {
        await this.fileSystem.createExclusive(this.lockFile, `${process.pid}\n`);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const age = await this.fileSystem.mtimeMs(this.lockFile).then((mtime) => Date.now() - mtime, () => 0);
      if (age > STALE_LOCK_MS) {
        await this.fileSystem.unlink(this.lockFile).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`Another Marginalia process has held ${this.lockFile} for over ${LOCK_TIMEOUT_MS / 1000} s; if none is running, delete that file.`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}
