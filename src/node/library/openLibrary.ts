/**
 * Opening a library: parsed digests and the workspace's library file together give the papers
 * (with the keys the file keeps) and their tags. The one place that decides when the keys of new
 * papers are saved, used by every CLI command that reads digests and by the library worker.
 */
import { mergeDigests } from '../../core/library/merge';
import type { LibraryRecords } from '../../core/library/libraryFile';
import type { Paper, ParsedDigest } from '../../core/types';
import { FileAccessError, LockTimeoutError } from './fileLock';
import type { LibraryStore } from './libraryStore';

/** The papers of a library and the records they were merged with. */
export interface OpenedLibrary {
  /** The merged papers, in the order mergeDigests gives. */
  papers: Paper[];
  /** The library file's records, as the merge left them (new papers' keys included). */
  records: LibraryRecords;
  /**
   * The keys this merge retired because two papers claimed them, taken right after the merge: a
   * save acknowledges them in `records` once they are in the file.
   */
  newDisputes: readonly string[];
  /** Set when the keys of new papers could not be saved (see OpenLibraryOptions.unsavable). */
  warning?: string;
}

export interface OpenLibraryOptions {
  /** Saves the keys of new papers in the library file, under its lock; false only reads the file. */
  save: boolean;
  /**
   * What a save that fails because the folder cannot be written (or the lock is held too long)
   * does: 'throw' (the CLI exits saying so) or 'read' (the extension shows the papers with the
   * keys the file has, and `warning` says that new keys are not saved).
   */
  unsavable?: 'throw' | 'read';
}

/**
 * Merges `digests` with the records of `store`. Throws LibraryFileError when the library file is
 * not valid (keys must come from the user's file: nothing is merged without it), and
 * FileAccessError or LockTimeoutError when a save fails and `unsavable` is 'throw'.
 */
export async function openLibrary(store: LibraryStore, digests: readonly ParsedDigest[], options: OpenLibraryOptions): Promise<OpenedLibrary> {
  let papers: Paper[] = [];
  let newDisputes: readonly string[] = [];
  let warning: string | undefined;
  let written: LibraryRecords | undefined;
  if (options.save) {
    written = await store
      .update((current) => {
        papers = mergeDigests(digests, current).papers;
        newDisputes = [...current.newDisputes];
        return current;
      })
      .catch((error: unknown) => {
        if (options.unsavable !== 'read' || !(error instanceof FileAccessError || error instanceof LockTimeoutError)) throw error;
        warning = `${error.message} Until then, keys of new papers are shown but not saved.`;
        return undefined;
      });
  }
  const records = written ?? (await store.read());
  if (!written) {
    papers = mergeDigests(digests, records).papers;
    newDisputes = [...records.newDisputes];
  }
  return { papers, records, newDisputes, warning };
}

/** The tags the library file gives the paper `key` (none for a key it does not hold). */
export function tagsIn(records: LibraryRecords): (key: string) => readonly string[] {
  return (key) => records.get(key)?.tags ?? [];
}
