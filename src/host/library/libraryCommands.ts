/**
 * The library's commands: open, reveal, copy key, re-read, and the welcome view's actions. Each
 * command turns its argument (a tree node, a key, or nothing: then it asks) into a call and shows
 * the result; failures are logged and told to the user in one sentence.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LIBRARY_FILE_PATH } from '../../core/library/libraryFile';
import { findSource } from '../../core/paperView/viewModel';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { PaperPanels } from '../paperView/panels';
import type { PapersView } from '../papers/papersView';
import type { CommandPapers } from '../shared/commandPapers';
import { sourceLocation } from '../shared/locations';
import type { WorkspaceLibrary } from './workspaceLibrary';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';

export class LibraryCommands extends Disposable {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly library: WorkspaceLibrary,
    private readonly panels: PaperPanels,
    private readonly papersView: PapersView,
    private readonly commandPapers: CommandPapers,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const command = (id: string, run: CommandRun) => this.register(registerSafeCommand(id, run, (failed, error) => reportError(this.log, failed, error)));

    command(CommandIds.openPaper, async (first, all) => {
      for (const key of await this.commandPapers.keys(first, all, { title: 'Open Paper', treeSelection: false })) this.panels.show(key, { preview: false });
    });
    command(CommandIds.openPaperToSide, async (first, all) => {
      for (const key of await this.commandPapers.keys(first, all, { title: 'Open Paper to the Side' }))
        this.panels.show(key, { preview: false, viewColumn: vscode.ViewColumn.Beside });
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
    // A third argument (from the paper view) names which of the paper's sources, and the column to
    // open it in; otherwise the paper's first source opens in the active column.
    command(CommandIds.revealInDigest, async (first, all, extra) => {
      const [key] = await this.commandPapers.keys(first, all, { title: 'Reveal in Digest' });
      const paper = key ? this.library.get(key) : undefined;
      if (!paper) return;
      const at = revealTarget(extra);
      // Only a source of the paper: the page that asks never chooses which file the host opens.
      const source = at ? findSource(paper, at.file, at.line) : paper.sources[0];
      if (!source) {
        if (at) this.log.warn(`Ignored Reveal in Digest for ${at.file.slice(0, 200)}:${at.line}: not a source of ${paper.key}`);
        return;
      }
      const { uri, range } = sourceLocation(source);
      try {
        const document = await vscode.workspace.openTextDocument(uri);
        // The digest may have shrunk since it was read.
        const start = new vscode.Position(Math.min(range.start.line, Math.max(document.lineCount - 1, 0)), 0);
        const editor = await vscode.window.showTextDocument(document, { viewColumn: at?.viewColumn, selection: new vscode.Range(start, start), preview: true });
        editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      } catch (error) {
        this.log.error(`Reveal in Digest failed for ${source.file}:${source.line}: ${error instanceof Error ? error.message : String(error)}`);
        void vscode.window.showErrorMessage(
          `Marginalia could not open the digest ${this.library.workspaceRelative(source.file)}; if it was moved or deleted, run "Marginalia: Reindex Digests".`,
        );
      }
    });
    command(CommandIds.copyKey, async (first, all) => {
      const keys = await this.commandPapers.keys(first, all, { title: 'Copy Citation Key' });
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
      void vscode.window.showInformationMessage(
        `Resolved the merge conflict in ${LIBRARY_FILE_PATH}: removed ${markers} marker line${markers === 1 ? '' : 's'} and kept the keys and tags of both sides. Commit the file to finish the merge.`,
      );
    });
    command(CommandIds.showLog, () => this.log.show());
    command(CommandIds.addSampleDigests, () => this.copyIntoWorkspace(this.sampleDigests(), 'sample digests'));
    command(CommandIds.openDigest, async () => {
      const chosen = await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: 'Add to Library',
        filters: { 'Digests (plain text)': ['txt'], 'All files': ['*'] },
        title: 'Add Daily Papers Digests',
      });
      if (chosen) await this.copyIntoWorkspace(chosen, 'digests');
    });
  }

  private sampleDigests(): vscode.Uri[] {
    const seeds = vscode.Uri.joinPath(this.extensionUri, 'seeds');
    return ['000_896f7befaa86139f.txt', '001_4527b1b50237e4c0.txt', '002_7de4789b7565d511.txt', '003_633ab4c5ca64d127.txt'].map((name) =>
      vscode.Uri.joinPath(seeds, name),
    );
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
      const exists = await vscode.workspace.fs.stat(destination).then(
        () => true,
        () => false,
      );
      if (exists) continue;
      await vscode.workspace.fs.copy(file, destination, { overwrite: false });
      copied++;
    }
    this.log.info(`Copied ${copied} of ${files.length} ${what} into ${target.fsPath}`);
    void vscode.window.showInformationMessage(
      copied > 0
        ? `Added ${copied} ${what} to ${vscode.workspace.asRelativePath(target)}/.`
        : `The ${what} are already in ${vscode.workspace.asRelativePath(target)}/.`,
    );
    // The watcher picks the files up too; reading now makes the tree appear without waiting for it.
    await this.library.reload();
  }
}

/** The source and column the paper view passes to Reveal in Digest, when `value` is one. */
function revealTarget(value: unknown): { file: string; line: number; viewColumn?: vscode.ViewColumn } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { file, line, viewColumn } = value as { file?: unknown; line?: unknown; viewColumn?: unknown };
  if (typeof file !== 'string' || typeof line !== 'number') return undefined;
  return { file, line, viewColumn: typeof viewColumn === 'number' ? viewColumn : undefined };
}
