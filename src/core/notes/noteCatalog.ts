/**
 * Which markdown file is a paper's note: the one rule the extension's note index and the CLI's
 * search both follow. A note is any markdown file of the workspace (outside the ignored folders of
 * core/workspaceFiles.ts) whose front matter names the paper's key (`key: pasta`), or the file
 * `<notes folder>/<key>.md` when its front matter names no other key. The default file wins over
 * other files naming the key; among those, the first path in code-unit order. A paper's note is
 * the note of its key, else of the first of its aliases that has one.
 *
 * Pure: the caller lists the markdown files and reads their front matter (readNoteKey), and says
 * where the notes folder is and which separator its paths use.
 */
import { isSafeNoteName } from './noteText';

/** The files a note can be, as a findFiles include glob. */
export const NOTE_FILE_GLOB = '**/*.md';
/** The notes folder when `marginalia.notes.folder` is not set, relative to the workspace. */
export const DEFAULT_NOTES_FOLDER = 'notes';
/** Front matter is at the top: reading more of a big markdown file would be wasted. */
export const FRONT_MATTER_BYTES = 64 * 1024;
/** The most markdown files read for front matter keys. */
export const MAX_MARKDOWN_FILES = 20_000;

/** Whether `file` is a markdown file a note can be (by its name alone). */
export function isNoteFileName(file: string): boolean {
  return file.endsWith('.md');
}

/** The markdown files of a workspace with the key each one's front matter names, and the rule above over them. */
export class NoteCatalog {
  /** Path of every markdown file -> the key its front matter names (undefined: none). */
  private readonly files = new Map<string, string | undefined>();
  /** Front matter key -> the files naming it: a paper's note is found without looking at every file. */
  private readonly byNamedKey = new Map<string, Set<string>>();

  /**
   * @param separator The separator of the paths given (`path.sep` of the platform).
   * @param folder The notes folder, as an absolute path of the same form; undefined without a workspace.
   */
  constructor(
    private readonly separator: string,
    private readonly folder: () => string | undefined,
  ) {}

  /** How many files are known, and how many of them name a key. */
  get size(): { files: number; named: number } {
    let named = 0;
    for (const key of this.files.values()) if (key !== undefined) named++;
    return { files: this.files.size, named };
  }

  /** Records `file` with the key its front matter names (undefined: none), replacing what it said before. */
  set(file: string, namedKey: string | undefined): void {
    this.delete(file);
    this.files.set(file, namedKey);
    if (namedKey === undefined) return;
    const files = this.byNamedKey.get(namedKey);
    if (files) files.add(file);
    else this.byNamedKey.set(namedKey, new Set([file]));
  }

  delete(file: string): void {
    const key = this.files.get(file);
    this.files.delete(file);
    if (key === undefined) return;
    const files = this.byNamedKey.get(key);
    files?.delete(file);
    if (files?.size === 0) this.byNamedKey.delete(key);
  }

  /** Whether `file` is known (read, with or without a key). */
  has(file: string): boolean {
    return this.files.has(file);
  }

  /** Every known file. */
  knownFiles(): IterableIterator<string> {
    return this.files.keys();
  }

  clear(): void {
    this.files.clear();
    this.byNamedKey.clear();
  }

  /** `<notes folder>/<key>.md`, where a new note of `key` goes; undefined for a key that cannot be a file name. */
  defaultNoteFile(key: string): string | undefined {
    const folder = this.folder();
    return folder !== undefined && isSafeNoteName(key) ? `${folder}${this.separator}${key}.md` : undefined;
  }

  /** The note of a paper known by `keys` (its key, then its aliases): the note of the first key that has one. */
  noteFile(keys: readonly string[]): string | undefined {
    for (const key of keys) {
      const file = this.noteFileOf(key);
      if (file !== undefined) return file;
    }
    return undefined;
  }

  /** The note of exactly `key`: the default file when it names no other key, else the first file naming it. */
  noteFileOf(key: string): string | undefined {
    const fallback = this.defaultNoteFile(key);
    if (fallback !== undefined && this.files.has(fallback)) {
      const named = this.files.get(fallback);
      if (named === undefined || named === key) return fallback;
    }
    let found: string | undefined;
    for (const file of this.byNamedKey.get(key) ?? []) if (found === undefined || file < found) found = file;
    return found;
  }

  /** The keys whose note `file` is or could be: its front matter key, and the key of its name inside the notes folder. */
  keysOf(file: string): string[] {
    const keys: string[] = [];
    const named = this.files.get(file);
    if (named) keys.push(named);
    const nameKey = this.nameKey(file);
    if (nameKey !== undefined) keys.push(nameKey);
    return keys;
  }

  /** Every key some file could be the note of (by front matter or by name in the notes folder). */
  keysWithNotes(): Set<string> {
    const keys = new Set<string>(this.byNamedKey.keys());
    for (const file of this.files.keys()) {
      const nameKey = this.nameKey(file);
      if (nameKey !== undefined) keys.add(nameKey);
    }
    return keys;
  }

  /** Every key any known file names by front matter or by its name, wherever it is: what a change of notes folder can affect. */
  everyKey(): Set<string> {
    const keys = new Set<string>();
    for (const [file, named] of this.files) {
      if (named) keys.add(named);
      if (isNoteFileName(file)) keys.add(this.baseName(file));
    }
    return keys;
  }

  /** `<key>` for a file `<notes folder>/<key>.md` directly inside the notes folder; undefined for any other file. */
  private nameKey(file: string): string | undefined {
    const folder = this.folder();
    if (folder === undefined || !isNoteFileName(file)) return undefined;
    const prefix = `${folder}${this.separator}`;
    if (!file.startsWith(prefix) || file.indexOf(this.separator, prefix.length) >= 0) return undefined;
    return file.slice(prefix.length, -'.md'.length);
  }

  private baseName(file: string): string {
    return file.slice(file.lastIndexOf(this.separator) + 1, -'.md'.length);
  }
}
