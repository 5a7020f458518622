/**
 * The library's commands: open, reveal, copy key, re-read, and the welcome view's actions. Each
 * command turns its argument (a tree node, a key, or nothing: then it asks) into a call and shows
 * the result; failures are logged and told to the user in one sentence.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LIBRARY_FILE_PATH } from '../../core/library/libraryFile';
import { describePaper } from '../../core/papers/grouping';
import type { Paper } from '../../core/types';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { PaperPanels } from '../paperView/paperPanel';
import type { PapersView } from '../papers/papersView';
import type { WorkspaceLibrary } from './workspaceLibrary';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';

/** A tree node as VS Code hands it to a context-menu command. */
interface PaperNodeLike {
  kind: 'paper';
  paper: Paper;
}

/** The keys a command was invoked on: the tree's multi-selection, one node, one key, or none. */
export function keysFromArguments(first: unknown, all: unknown): string[] {
  const keyOf = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null && (value as PaperNodeLike).kind === 'paper') return (value as PaperNodeLike).paper.key;
    return undefined;
  };
  if (Array.isArray(all) && all.length > 0) return all.map(keyOf).filter((key): key is string => key !== undefined);
  const key = keyOf(first);
  return key ? [key] : [];
}

/** A quick pick over the library; resolves to the chosen paper's key, or undefined when cancelled. */
export async function pickPaper(library: WorkspaceLibrary, title: string): Promise<string | undefined> {
  if (library.papers.length === 0) {
    void vscode.window.showInformationMessage('The Marginalia library is empty: add a Daily Papers digest to the workspace first.');
    return undefined;
  }
  const items = library.papers.map((paper) => ({
    // "$(" would be read as an icon reference in a quick pick label.
    label: paper.title.replace(/\$\(/g, '\\$('),
    description: [paper.key, describePaper(paper)].filter(Boolean).join(' · '),
    key: paper.key,
  }));
  const choice = await vscode.window.showQuickPick(items, { title, placeHolder: 'Type to find a paper by title or key', matchOnDescription: true });
  return choice?.key;
}

export class LibraryCommands extends Disposable {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly library: WorkspaceLibrary,
    private readonly panels: PaperPanels,
    private readonly papersView: PapersView,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const command = (id: string, run: CommandRun) => this.register(registerSafeCommand(id, run, (failed, error) => reportError(this.log, failed, error)));

    command(CommandIds.openPaper, async (first, all) => {
      for (const key of await this.keysOrAsk(first, all, 'Open Paper', { useTreeSelection: false })) this.panels.show(key, { preview: false });
    });
    command(CommandIds.openPaperToSide, async (first, all) => {
      for (const key of await this.keysOrAsk(first, all, 'Open Paper to the Side')) this.panels.show(key, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    });
    command(CommandIds.pinPaper, (first) => this.panels.pin(typeof first === 'string' ? first : undefined));
    command(CommandIds.revealPaper, async (first) => {
      const key = typeof first === 'string' ? first : this.panels.activePaperKey;
      if (!key) {
        void vscode.window.showInformationMessage('Open a paper first: Reveal in Papers shows the paper of the active paper view in the tree.');
        return;
      }
      if (!(await this.papersView.reveal(key, { focus: true }))) {
        void vscode.window.showInformationMessage('That paper is not in the Papers tree: clear the filter or check that its digest is still in the workspace.');
      }
    });
    command(CommandIds.revealInDigest, async (first, all) => {
      const [key] = await this.keysOrAsk(first, all, 'Reveal in Digest');
      const source = key ? this.library.get(key)?.sources[0] : undefined;
      if (!source) return;
      const line = Math.max(0, source.line - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(source.file), { selection: new vscode.Range(line, 0, line, 0), preview: true });
    });
    command(CommandIds.copyKey, async (first, all) => {
      const keys = await this.keysOrAsk(first, all, 'Copy Citation Key');
      if (keys.length === 0) return;
      await vscode.env.clipboard.writeText(keys.join(', '));
      vscode.window.setStatusBarMessage(`Copied ${keys.join(', ')}`, 3000);
    });
    command(CommandIds.reindex, () => this.library.reload());
    command(CommandIds.configureDigests, () => vscode.commands.executeCommand('workbench.action.openSettings', 'marginalia.digests'));
    command(CommandIds.openLibraryFile, async () => {
      const file = this.library.libraryFile;
      if (file) await vscode.window.showTextDocument(file);
    });
    command(CommandIds.resolveLibraryConflict, async () => {
      if (!this.library.hasMergeConflict) {
        void vscode.window.showInformationMessage(`${LIBRARY_FILE_PATH} has no merge conflict to resolve.`);
        return;
      }
      const markers = await this.library.resolveConflict();
      void vscode.window.showInformationMessage(`Resolved the merge conflict in ${LIBRARY_FILE_PATH}: removed ${markers} marker line${markers === 1 ? '' : 's'} and kept the keys and tags of both sides. Commit the file to finish the merge.`);
    });
    command(CommandIds.showLog, () => this.log.show());
    command(CommandIds.addSampleDigests, () => this.copyIntoWorkspace(this.sampleDigests(), 'sample digests'));
    command(CommandIds.openDigest, async () => {
      const chosen = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Add to Library', filters: { 'Digests (plain text)': ['txt'], 'All files': ['*'] }, title: 'Add Daily Papers Digests' });
      if (chosen) await this.copyIntoWorkspace(chosen, 'digests');
    });
  }

  /**
   * The papers a command acts on: its arguments, else (from the palette) the tree's selection
   * unless `useTreeSelection` is false, else one paper the user picks.
   */
  private async keysOrAsk(first: unknown, all: unknown, title: string, { useTreeSelection = true } = {}): Promise<string[]> {
    const keys = keysFromArguments(first, all);
    if (keys.length > 0) return keys;
    const selected = this.papersView.selectedKeys();
    if (useTreeSelection && first === undefined && selected.length > 0) return selected;
    const key = await pickPaper(this.library, title);
    return key ? [key] : [];
  }

  private sampleDigests(): vscode.Uri[] {
    const seeds = vscode.Uri.joinPath(this.extensionUri, 'seeds');
    return ['000_896f7befaa86139f.txt', '001_4527b1b50237e4c0.txt', '002_7de4789b7565d511.txt', '003_633ab4c5ca64d127.txt'].map((name) => vscode.Uri.joinPath(seeds, name));
  }

  /**
   * Copies digests into the workspace's `digests/` folder, where the default globs find them.
   * Never overwrites: a file of the same name is left as it is.
   */
  private async copyIntoWorkspace(files: readonly vscode.Uri[], what: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      const open = 'Open Folder';
      const choice = await vscode.window.showInformationMessage(`Open a folder first: Marginalia keeps ${what}, notes and keys in the workspace.`, open);
      if (choice === open) await vscode.commands.executeCommand('vscode.openFolder');
      return;
    }
    const target = vscode.Uri.joinPath(folder.uri, 'digests');
    await vscode.workspace.fs.createDirectory(target);
    let copied = 0;
    for (const file of files) {
      const destination = vscode.Uri.joinPath(target, path.basename(file.path));
      const exists = await vscode.workspace.fs.stat(destination).then(() => true, () => false);
      if (exists) continue;
      await vscode.workspace.fs.copy(file, destination, { overwrite: false });
      copied++;
    }
    this.log.info(`Copied ${copied} of ${files.length} ${what} into ${target.fsPath}`);
    void vscode.window.showInformationMessage(copied > 0 ? `Added ${copied} ${what} to ${vscode.workspace.asRelativePath(target)}/.` : `The ${what} are already in ${vscode.workspace.asRelativePath(target)}/.`);
    // The watcher picks the files up too; reading now makes the tree appear without waiting for it.
    await this.library.reload();
  }
}
