/**
 * How the rest of the extension finds a paper's note. The notes feature implements it; citations
 * (hover, go to definition), search (note text in the index) and the paper view consume it, so
 * none of them needs to know where notes live or how a note names its paper.
 */
import type * as vscode from 'vscode';

export interface NoteLookup {
  /**
   * The note of the paper with this key, if one exists: a markdown file whose front matter `key`
   * is the paper's, or else `<notes folder>/<key>.md`.
   */
  noteUri(key: string): vscode.Uri | undefined;
  /**
   * Every key that may have a note (a superset: keys named by front matter, and the names of the
   * files in the notes folder), so that a caller going through the whole library asks noteUri only
   * for these.
   */
  keysWithNotes(): ReadonlySet<string>;
  /** The paper whose note this file is (its canonical key), if it is one. */
  paperOfNote(uri: vscode.Uri): string | undefined;
  /** The note's text: the open document's text when it is open in an editor, else the file's. */
  noteText(key: string): Promise<string | undefined>;
  /** Fires with the key of a paper whose note was created, changed or deleted. */
  readonly onDidChangeNote: vscode.Event<string>;
}
