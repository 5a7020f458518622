/**
 * What every CLI command says when the library file cannot be read: the same sentence from
 * `papers`, `bib`, `search`, `related` and the tag commands, which all exit with code 3 then.
 */
import type { LibraryFileError } from '../core/library/libraryFile';

/** The stderr line for a library file at `file` that is not valid. */
export function corruptLibraryMessage(file: string, error: LibraryFileError): string {
  return `marginalia: ${file} is not a valid library file (${error.message}). It was left untouched; fix it or restore it from git, then run again.\n`;
}
