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
import { Disposable } from '../lifecycle';

/** The workspace's created folders and deleted paths, from one watcher of every path. */
export class FolderEvents extends Disposable {
  private readonly created = this.register(new vscode.EventEmitter<vscode.Uri>());
  private readonly deleted = this.register(new vscode.EventEmitter<vscode.Uri>());
  private watchers: vscode.Disposable | undefined;

  /** A folder was created; the files in it may not be reported one by one. */
  readonly onDidCreateFolder = this.created.event;
  /** A file or a folder was deleted (which, the watcher cannot say once it is gone). */
  readonly onDidDelete = this.deleted.event;

  constructor() {
    super();
    this.watch();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()));
    this.register({ dispose: () => this.watchers?.dispose() });
  }

  private watch(): void {
    this.watchers?.dispose();
    this.watchers = forEachFolder('**', false, true, false, (watcher) => [
      watcher.onDidCreate((uri) => void this.createdPath(uri)),
      watcher.onDidDelete((uri) => {
        if (ours(uri)) this.deleted.fire(uri);
      }),
    ]);
  }

  private async createdPath(uri: vscode.Uri): Promise<void> {
    if (!ours(uri)) return;
    const stat = await vscode.workspace.fs.stat(uri).then(
      (value) => value,
      () => undefined,
    );
    if (stat?.type === vscode.FileType.Directory) this.created.fire(uri);
  }
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

/** Whether `file` is `folder` or inside it (both absolute paths). */
export function isUnder(file: string, folder: string): boolean {
  return file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
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
