/**
 * Open Code: opens a paper's code link (GitHub, GitLab, Hugging Face, ...; a quick pick when it has
 * several) and, when the workspace holds a clone of that repository, offers the local folder too. A
 * clone is a workspace folder, or a folder one or two levels below one, whose `.git/config` has a
 * remote naming the same repository (see core/paperView/repository.ts).
 */
import * as vscode from 'vscode';
import { isCodeLink } from '../../core/digest/links';
import { iconLabelText } from '../../core/escaping';
import { isSafeExternalUrl } from '../../core/paperView/viewModel';
import { gitRemoteUrls, sameRepository } from '../../core/paperView/repository';
import { walksInto } from '../../core/workspaceFiles';
import { CommandIds } from '../commandIds';
import { registerSafeCommand, reportError } from '../commandRunner';
import { Disposable } from '../lifecycle';
import type { Library } from '../library/library';
import type { CommandPapers } from '../shared/commandPapers';

/** One thing Open Code can do with a code link. */
export interface CodeAction {
  action: 'browser' | 'revealClone' | 'openClone';
  url: string;
  /** The clone's folder, for the clone actions. */
  folder?: vscode.Uri;
  label: string;
  detail?: string;
}

export class CodeLinks extends Disposable {
  constructor(
    private readonly library: Library,
    private readonly commandPapers: CommandPapers,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(
      registerSafeCommand(
        CommandIds.openCode,
        (first, all) => this.openCode(first, all),
        (id, error) => reportError(this.log, id, error, 'Marginalia could not open the code'),
      ),
    );
  }

  /** The code links of a paper (http(s) only), in the order of its abstract. */
  codeLinksOf(key: string): string[] {
    return (this.library.get(key)?.links ?? []).filter((link) => isCodeLink(link) && isSafeExternalUrl(link));
  }

  /** Folders of the workspace (and one or two levels below) that are clones of the repository `url` names. */
  async localClones(url: string): Promise<vscode.Uri[]> {
    const clones: vscode.Uri[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const candidate of await candidates(folder.uri)) {
        const remotes = await remotesOf(candidate, this.log);
        if (remotes.some((remote) => sameRepository(url, remote))) clones.push(candidate);
      }
    }
    return clones;
  }

  /** What Open Code offers for `url`: the browser, and for each local clone, reveal it or open it in a new window. */
  async actionsFor(url: string): Promise<CodeAction[]> {
    const actions: CodeAction[] = [{ action: 'browser', url, label: '$(globe) Open in Browser', detail: url }];
    for (const folder of await this.localClones(url)) {
      const where = vscode.workspace.asRelativePath(folder, true);
      actions.push({ action: 'revealClone', url, folder, label: '$(folder-opened) Reveal Local Clone in Explorer', detail: where });
      actions.push({ action: 'openClone', url, folder, label: '$(empty-window) Open Local Clone in New Window', detail: where });
    }
    return actions;
  }

  private async openCode(first: unknown, all: unknown): Promise<void> {
    const key = await this.commandPapers.key(first, all, {
      title: 'Open Code',
      picker: {
        only: (paper) => this.codeLinksOf(paper.key).length > 0,
        placeHolder: 'Papers whose abstract links code',
        emptyMessage: 'No paper in the library links a code repository in its abstract.',
      },
    });
    if (!key) return;
    const links = this.codeLinksOf(key);
    if (links.length === 0) {
      void vscode.window.showInformationMessage("This paper's abstract links no code repository (GitHub, GitLab, Hugging Face).");
      return;
    }
    const url =
      links.length === 1
        ? links[0]
        : (
            await vscode.window.showQuickPick(
              // Links come from digest text: a `$(name)` in one is shown as written, not as an icon.
              links.map((link) => ({ label: iconLabelText(link.replace(/^https?:\/\/(?:www\.)?/i, '')), detail: iconLabelText(link), link })),
              { title: 'Open Code', placeHolder: 'Which repository?' },
            )
          )?.link;
    if (!url) return;
    const actions = await this.actionsFor(url);
    const action =
      actions.length === 1
        ? actions[0]
        : await vscode.window.showQuickPick(actions, {
            title: `Open Code: ${url.replace(/^https?:\/\/(?:www\.)?/i, '')}`,
            placeHolder: 'The workspace holds a clone of this repository',
          });
    if (!action) return;
    switch (action.action) {
      case 'browser':
        await vscode.env.openExternal(vscode.Uri.parse(url, true));
        break;
      case 'revealClone':
        await vscode.commands.executeCommand('revealInExplorer', action.folder);
        break;
      case 'openClone':
        await vscode.commands.executeCommand('vscode.openFolder', action.folder, { forceNewWindow: true });
        break;
      default:
        action.action satisfies never;
    }
  }
}

/** A workspace folder and its sub-folders one and two levels down (hidden and build folders left out). */
async function candidates(root: vscode.Uri): Promise<vscode.Uri[]> {
  const found = [root];
  const children = async (folder: vscode.Uri) => {
    const entries = await vscode.workspace.fs.readDirectory(folder).then(undefined, () => [] as [string, vscode.FileType][]);
    return entries.filter(([name, type]) => (type & vscode.FileType.Directory) !== 0 && walksInto(name)).map(([name]) => vscode.Uri.joinPath(folder, name));
  };
  for (const child of await children(root)) {
    found.push(child);
    found.push(...(await children(child)));
  }
  return found;
}

/**
 * The remote URLs of the git repository at `folder`, read from `.git/config`; a `.git` file (a
 * worktree or submodule) points at the git folder, whose `commondir` holds the shared config.
 */
async function remotesOf(folder: vscode.Uri, log: vscode.LogOutputChannel): Promise<string[]> {
  const dotGit = vscode.Uri.joinPath(folder, '.git');
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(dotGit);
  } catch {
    return [];
  }
  const read = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  try {
    let gitDir = dotGit;
    if ((stat.type & vscode.FileType.File) !== 0) {
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(await read(dotGit))?.[1];
      if (!pointer) return [];
      gitDir = pointer.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pointer) ? vscode.Uri.file(pointer) : vscode.Uri.joinPath(folder, pointer);
      const common = await read(vscode.Uri.joinPath(gitDir, 'commondir')).then(
        (text) => text.trim(),
        () => '',
      );
      if (common) gitDir = common.startsWith('/') ? vscode.Uri.file(common) : vscode.Uri.joinPath(gitDir, common);
    }
    return gitRemoteUrls(await read(vscode.Uri.joinPath(gitDir, 'config')));
  } catch (error) {
    log.warn(`Could not read the git remotes of ${folder.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}
