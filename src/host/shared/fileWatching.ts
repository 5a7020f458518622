/**
 * Watching the workspace's files the way they really arrive. Two things a plain
 * `createFileSystemWatcher('**\/*.bib')` misses, seen in the real VS Code:
 *
 * - a bare glob string is not reliably watched by every VS Code host: each workspace folder gets a
 *   RelativePattern watcher instead;
 * - a folder created with its files already in it (a git pull, a copy, `mkdir` then a write) or
 *   deleted with its files can reach the watcher as the folder alone, since inotify watches a new
 *   folder only once it exists.
 *
 * So `FolderEvents` (one per window) reports created folders and deleted paths of any kind, and
 * `watchFiles` gives a feature the file events of its glob; the feature itself decides what a new
 * or deleted folder means for it (search it, or drop what it knew under it).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isInIgnoredFolder } from '../../core/workspaceFiles';
import { mapLimited } from '../../node/concurrency';
import { Disposable } from '../lifecycle';

/** Events are gathered for this long, so that a checkout of thousands of files is one batch. */
const BATCH_MS = 200;
/** A batch is given out once its first event is this old, even while events keep coming (a watch build). */
const MAX_BATCH_WAIT_MS = 1000;
/** Created paths whose kind is asked at once. */
const STATS_IN_FLIGHT = 16;

/**
 * The workspace's created folders and deleted paths, from one watcher of every path, in batches:
 * a `git checkout` that creates 500 folders is one event with the outermost of them, not 500
 * searches of the workspace.
 */
export class FolderEvents extends Disposable {
  private readonly created = this.register(new vscode.EventEmitter<readonly vscode.Uri[]>());
  private readonly deleted = this.register(new vscode.EventEmitter<readonly vscode.Uri[]>());
  private watchers: vscode.Disposable | undefined;
  private readonly pendingCreated = new Map<string, vscode.Uri>();
  private readonly pendingDeleted = new Map<string, vscode.Uri>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the first event of the pending batch came. */
  private batchStart = 0;

  /** Folders were created (none inside another of the batch); the files in them may not be reported one by one. */
  readonly onDidCreateFolders = this.created.event;
  /** Files or folders were deleted (which, the watcher cannot say once they are gone; none inside another of the batch). */
  readonly onDidDelete = this.deleted.event;

  constructor() {
    super();
    this.watch();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()));
    this.register({ dispose: () => (this.watchers?.dispose(), clearTimeout(this.timer)) });
  }

  private watch(): void {
    this.watchers?.dispose();
    this.watchers = forEachFolder('**', false, true, false, (watcher) => [
      watcher.onDidCreate((uri) => this.pend(this.pendingCreated, uri)),
      watcher.onDidDelete((uri) => this.pend(this.pendingDeleted, uri)),
    ]);
  }

  private pend(into: Map<string, vscode.Uri>, uri: vscode.Uri): void {
    if (!ours(uri)) return;
    into.set(uri.fsPath, uri);
    const now = Date.now();
    if (this.timer === undefined) this.batchStart = now;
    else if (now - this.batchStart >= MAX_BATCH_WAIT_MS) return; // due already: a steady stream must not hold it back
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), Math.min(BATCH_MS, this.batchStart + MAX_BATCH_WAIT_MS - now));
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const deleted = outermost([...this.pendingDeleted.values()]);
    const created = outermost([...this.pendingCreated.values()]);
    this.pendingDeleted.clear();
    this.pendingCreated.clear();
    if (deleted.length > 0) this.deleted.fire(deleted);
    const kinds = await mapLimited(created, STATS_IN_FLIGHT, async (uri) => {
      try {
        return (await vscode.workspace.fs.stat(uri)).type;
      } catch {
        return undefined; // gone again already: nothing to look into
      }
    });
    const folders = created.filter((_, i) => kinds[i] === vscode.FileType.Directory);
    if (folders.length > 0) this.created.fire(folders);
  }
}

/** Up to this many folders are searched one by one; more, and the workspace is searched once. */
const FOLDERS_SEARCHED_APART = 8;

/**
 * The files matching `glob` (relative to the workspace folder) inside `folders`, outside the
 * folders Marginalia ignores. A glob that matches at any depth (`**\/...`) is searched in each
 * folder when there are few; otherwise the workspace is searched once and the files kept that are
 * inside one of them, so that a checkout of 500 folders is one search.
 */
export async function filesIn(folders: readonly vscode.Uri[], glob: string, exclude: string): Promise<vscode.Uri[]> {
  let found: vscode.Uri[];
  if (glob.startsWith('**/') && folders.length <= FOLDERS_SEARCHED_APART) {
    found = (await Promise.all(folders.map((folder) => vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), exclude)))).flat();
  } else {
    const inside = underAny(folders);
    found = (await vscode.workspace.findFiles(glob, exclude)).filter((uri) => inside(uri.fsPath));
  }
  return found.filter(ours);
}

/** A test of "is this path one of `folders` or inside one", by its parents: no scan of the list per path. */
export function underAny(folders: readonly vscode.Uri[]): (file: string) => boolean {
  const set = new Set(folders.map((folder) => folder.fsPath));
  return (file) => {
    for (let at = file; ;) {
      if (set.has(at)) return true;
      const parent = path.dirname(at);
      if (parent === at) return false;
      at = parent;
    }
  };
}

/** The paths of `uris` that are not inside another of them. */
function outermost(uris: vscode.Uri[]): vscode.Uri[] {
  const set = new Set(uris.map((uri) => uri.fsPath));
  return uris.filter((uri) => {
    for (let at = path.dirname(uri.fsPath); ;) {
      if (set.has(at)) return false;
      const parent = path.dirname(at);
      if (parent === at) return true;
      at = parent;
    }
  });
}

/**
 * Calls `changed` for every file matching `glob` (relative to each workspace folder) that is
 * created, changed or deleted, outside the folders Marginalia ignores (node_modules, .git, ...);
 * follows the workspace's folders as they change. Folders arriving or leaving whole come from
 * FolderEvents.
 */
export function watchFiles(glob: string, changed: (uri: vscode.Uri) => void): vscode.Disposable {
  const report = (uri: vscode.Uri) => {
    if (ours(uri)) changed(uri);
  };
  const watch = () =>
    forEachFolder(glob, false, false, false, (watcher) => [watcher.onDidCreate(report), watcher.onDidChange(report), watcher.onDidDelete(report)]);
  let watchers = watch();
  const folders = vscode.workspace.onDidChangeWorkspaceFolders(() => {
    watchers.dispose();
    watchers = watch();
  });
  return { dispose: () => (folders.dispose(), watchers.dispose()) };
}

/** A file of the disk outside the folders Marginalia ignores. */
function ours(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && !isInIgnoredFolder(uri.fsPath);
}

function forEachFolder(
  glob: string,
  ignoreCreate: boolean,
  ignoreChange: boolean,
  ignoreDelete: boolean,
  listen: (watcher: vscode.FileSystemWatcher) => vscode.Disposable[],
): vscode.Disposable {
  const parts: vscode.Disposable[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob), ignoreCreate, ignoreChange, ignoreDelete);
    parts.push(watcher, ...listen(watcher));
  }
  return vscode.Disposable.from(...parts);
}
