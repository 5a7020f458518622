/**
 * Keeps the `tags:` of notes' front matter following the papers' tags (the library file stays
 * their source of truth): after every library change, the papers whose tags changed and that have
 * a note get their front matter's tags rewritten, one note after another (Notes.syncTags). Off with
 * `marginalia.notes.syncTags: false`.
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { SYNC_TAGS_SETTING, type Notes } from './notes';
import { sameList } from '../../core/sameList';

export class NoteTagSync extends Disposable {
  /** The tags last seen while the library was ready; undefined until then (and while it is not). */
  private last: ReadonlyMap<string, readonly string[]> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly notes: Notes,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(library.onDidChange(() => this.libraryChanged()));
    this.register(library.onDidChangeState(() => this.libraryChanged()));
  }

  /** Resolves when the notes of every tag change seen so far have been written (for tests). */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private libraryChanged(): void {
    // A library that is loading, empty or broken shows no tags: that is no reason to clear the notes' tags.
    if (this.library.state !== 'ready') {
      this.last = undefined;
      return;
    }
    const now = this.library.tagAssignments();
    const before = this.last;
    this.last = now;
    if (!before || before === now) return;
    if (vscode.workspace.getConfiguration('marginalia').get<boolean>(SYNC_TAGS_SETTING) === false) return;
    const keys = new Set<string>();
    for (const [key, tags] of now) if (!sameList(before.get(key), tags)) keys.add(key);
    for (const key of before.keys()) if (!now.has(key)) keys.add(key);
    for (const key of keys) {
      if (!this.notes.index.hasNote(key)) continue;
      this.queue = this.queue.then(() =>
        this.notes.syncTags(key).catch((error: unknown) => {
          this.log.warn(`Could not update the tags in the note of ${key}: ${error instanceof Error ? error.message : String(error)}`);
        }),
      );
    }
  }
}
