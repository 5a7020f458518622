/**
 * The library as every feature sees it: its papers by key, their tags, retired keys, and where the
 * library stands. WorkspaceLibrary implements it; features that only read the library take this
 * interface, so that they depend on the contract and not on how the library is loaded.
 */
import type * as vscode from 'vscode';
import type { FindMode, PaperMatch } from '../../core/citations/paperFinder';
import type { KeyDispute } from '../../core/library/libraryFile';
import type { Paper } from '../../core/types';

/** Where the library stands; drives the welcome view (`marginalia.libraryState`). */
export type LibraryState = 'loading' | 'noFolder' | 'empty' | 'corrupt' | 'ready';

/** The library's papers and what is known about them, read-only. */
export interface Library {
  /** Every paper, in title order (as the Papers tree sorts titles; ties by key). */
  readonly papers: readonly Paper[];
  /** 'ready' when papers and keys can be trusted: not loading, the library file not corrupt. */
  readonly state: LibraryState;
  /** The paper a key names: its canonical key or one of its aliases. */
  get(key: string): Paper | undefined;
  /** The tags of the paper `key` names (none for an unknown key). */
  tagsOf(key: string): readonly string[];
  /** For a key retired after a merge (two papers held it): the papers it named. */
  dispute(key: string): KeyDispute | undefined;
  /**
   * The papers matching what the user types, best first, at most `limit`: a citation key being
   * completed, or the words typed into a paper picker (core/citations/paperFinder.ts).
   */
  find(mode: FindMode, query: string, limit: number): Promise<PaperMatch[]>;
  /** Fires after the papers changed (added, removed, re-parsed, keys or tags changed). */
  readonly onDidChange: vscode.Event<void>;
  readonly onDidChangeState: vscode.Event<LibraryState>;
}
