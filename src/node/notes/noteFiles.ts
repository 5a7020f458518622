/**
 * Notes on a local disk: created with an exclusive create (so two windows racing to create the
 * same note cannot clobber each other), and appended to with a temp file and a rename (so a crash
 * leaves the old note or the new one, never half of one). Also where a workspace-relative setting
 * is turned into a path, confined to the workspace.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem, type StoreFileSystem } from '../library/libraryStore';

/** Reads and writes note files through `fileSystem` (tests replace it to interrupt a write). */
export class NoteFiles {
  constructor(private readonly fileSystem: StoreFileSystem = nodeFileSystem) {}

  /** The file's text, or null when it does not exist. */
  async read(file: string): Promise<string | null> {
    try {
      return await this.fileSystem.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Creates `file` (and its folder) with `text`; false, changing nothing, when it exists already. */
  async create(file: string, text: string): Promise<boolean> {
    await this.fileSystem.mkdir(path.dirname(file));
    try {
      await this.fileSystem.createExclusive(file, text);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  /**
   * Adds `insertion(current text)` at the end of `file` (which must exist): a temp file beside it
   * holding the whole new text, renamed over it. What was there is kept byte for byte.
   */
  async append(file: string, insertion: (existing: string) => string): Promise<void> {
    await this.rewrite(file, (existing) => existing + insertion(existing));
  }

  /**
   * Replaces the text of `file` (which must exist) by `change(current text)`, through a temp file
   * beside it renamed over it; when `change` returns null the file is left alone. True when written.
   */
  async rewrite(file: string, change: (existing: string) => string | null): Promise<boolean> {
    const existing = await this.fileSystem.readFile(file);
    const text = change(existing);
    if (text === null || text === existing) return false;
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
    try {
      await this.fileSystem.writeFile(temporary, text);
      await this.fileSystem.rename(temporary, file);
    } catch (error) {
      await this.fileSystem.unlink(temporary).catch(() => undefined);
      throw error;
    }
    return true;
  }
}

/** The first `bytes` bytes of `file`, as UTF-8 (front matter is at the start): no need to read a long note whole. */
export async function readHead(file: string, bytes: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return new TextDecoder('utf-8').decode(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * `relative` (a setting's value) resolved against the workspace `root`, or undefined when it is
 * absolute or leads outside the workspace: a hostile `.vscode/settings.json` must not aim
 * Marginalia's writes or reads elsewhere.
 */
export function resolveInWorkspace(root: string, relative: string): string | undefined {
  const trimmed = relative.trim();
  if (trimmed === '' || path.isAbsolute(trimmed) || /^[a-z]:/i.test(trimmed) || trimmed.startsWith('~')) return undefined;
  const resolved = path.resolve(root, trimmed);
  const inside = path.relative(root, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  return resolved;
}
