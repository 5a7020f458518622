import type { LibraryRecords } from '../../src/core/library/libraryFile';
import { FileBytes, changeNormalBytes } from '../../src/node/library/libraryStore';

/** The store's tag change on the lines that mention `mentions` (changeNormalBytes), on a text: the new text, or null when it does not apply. */
export function changeNormalLibrary<T>(
  text: string,
  mentions: readonly string[],
  change: (records: LibraryRecords) => T,
  clock?: () => Date,
): { text: string; result: T } | null {
  const bytes = Buffer.from(text, 'utf8');
  const patched = changeNormalBytes(bytes, mentions, change, clock);
  if (!patched) return null;
  return { text: Buffer.concat(FileBytes.of(bytes).replaced(patched.spans, patched.lines).pieces).toString('utf8'), result: patched.result };
}
