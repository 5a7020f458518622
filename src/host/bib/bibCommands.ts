/**
 * Copy BibTeX, Export BibTeX... and Export CSL-JSON...: papers chosen in the tree, the paper view or
 * a quick pick; exports for all papers, a tag or the papers cited in the workspace, written where
 * the user says (atomically) and confirmed with an "Open File" button.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type * as BibtexModuleType from '../../node/bib/bibtex.js';
import { formatCslJson, selectPapers, tagCounts, toCslItem, type ExportScope } from '../../core/bibliography/csl';
import { iconLabelText } from '../../core/escaping';
import type { Paper } from '../../core/types';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { CommandPapers } from '../shared/commandPapers';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';

export type ExportFormat = 'bibtex' | 'csl';

/** What Export BibTeX / CSL-JSON accept as arguments (tests and other commands pass them; users get asked). */
export interface ExportRequest {
  scope?: { kind: 'all' } | { kind: 'tag'; tag: string } | { kind: 'cited' };
  /** Where to write, instead of asking with a save dialog. */
  target?: vscode.Uri;
}

type BibtexModule = typeof BibtexModuleType;

/**
 * citation-js, loaded when BibTeX is first written: evaluating it took a third of a second of the
 * extension host's start for every window, most of which never export.
 */
function bibtex(): Promise<BibtexModule> {
  return import('../../node/bib/bibtex.js');
}

export class BibCommands extends Disposable {
  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly commandPapers: CommandPapers,
    private readonly log: vscode.LogOutputChannel,
    /** The keys cited in the workspace, once the citation index is up to date. */
    private readonly citedKeys: () => Promise<Set<string>>,
  ) {
    super();
    const command = (id: string, run: CommandRun) =>
      this.register(
        registerSafeCommand(id, run, (failed, error) => {
          // BibTeX's module is loaded on first use (see bibtex()), so its error is known by name here.
          if (error instanceof Error && error.name === 'BibtexKeyError') {
            this.log.error(`${failed} failed: ${error.message}`);
            void vscode.window.showErrorMessage(`${error.message}.`);
          } else {
            reportError(this.log, failed, error);
          }
        }),
      );
    command(CommandIds.copyBibtex, (first, all) => this.copyBibtex(first, all));
    command(CommandIds.exportBibtex, (first) => this.export('bibtex', first as ExportRequest | undefined));
    command(CommandIds.exportCslJson, (first) => this.export('csl', first as ExportRequest | undefined));
  }

  /** Copies the BibTeX of the papers the command was given, else those selected in the tree, else one picked. */
  private async copyBibtex(first: unknown, all: unknown): Promise<string | undefined> {
    const keys = await this.commandPapers.keys(first, all, { title: 'Copy BibTeX' });
    if (keys.length === 0) return undefined;
    const papers = keys.map((key) => this.library.get(key)).filter((paper): paper is Paper => paper !== undefined);
    if (papers.length === 0) {
      void vscode.window.showInformationMessage('That paper is no longer in the library, so there is no BibTeX to copy.');
      return undefined;
    }
    const text = (await bibtex()).formatBibtex(papers.map((paper) => toCslItem(paper, this.library.tagsOf(paper.key))));
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied BibTeX for ${papers.length === 1 ? papers[0].key : `${papers.length} papers`}`, 3000);
    return text;
  }

  /** Asks for the scope (unless given), then the file (unless given), writes it and offers to open it. */
  private async export(format: ExportFormat, request: ExportRequest = {}): Promise<vscode.Uri | undefined> {
    const what = format === 'bibtex' ? 'BibTeX' : 'CSL-JSON';
    if (this.library.papers.length === 0) {
      void vscode.window.showInformationMessage(`The Marginalia library is empty: add a Daily Papers digest to the workspace before exporting ${what}.`);
      return undefined;
    }
    const scope = request.scope ?? (await this.pickScope(what));
    if (!scope) return undefined;

    let selection: ExportScope;
    let label: string;
    let fileStem: string;
    if (scope.kind === 'cited') {
      const keys = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Marginalia: finding citations' }, () =>
        this.citedKeys(),
      );
      selection = { kind: 'keys', keys: [...keys] };
      label = 'cited in the workspace';
      fileStem = 'cited';
    } else if (scope.kind === 'tag') {
      selection = scope;
      label = `tagged "${scope.tag}"`;
      fileStem = scope.tag.replace(/[^\p{L}\p{N}_-]+/gu, '-');
    } else {
      selection = scope;
      label = 'in the library';
      fileStem = 'papers';
    }
    const { papers } = selectPapers(this.library.papers, selection, (key) => this.library.tagsOf(key));
    if (papers.length === 0) {
      void vscode.window.showInformationMessage(
        scope.kind === 'cited'
          ? `No paper of the library is cited in the workspace ([@key] in markdown or code comments, \\cite{key} in LaTeX), so no ${what} file was written.`
          : `No paper is ${label}, so no ${what} file was written.`,
      );
      return undefined;
    }
    const items = papers.map((paper) => toCslItem(paper, this.library.tagsOf(paper.key)));
    const text = format === 'bibtex' ? (await bibtex()).formatBibtex(items) : formatCslJson(items);

    const extension = format === 'bibtex' ? 'bib' : 'json';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target =
      request.target ??
      (await vscode.window.showSaveDialog({
        title: `Export ${what}: ${papers.length} paper${papers.length === 1 ? '' : 's'} ${label}`,
        saveLabel: 'Export',
        defaultUri: folder ? vscode.Uri.joinPath(folder, `${fileStem}.${extension}`) : undefined,
        filters: format === 'bibtex' ? { BibTeX: ['bib'] } : { 'CSL-JSON': ['json'] },
      }));
    if (!target) return undefined;
    await writeAtomically(target, text);
    this.log.info(`Exported ${papers.length} ${what} entries (${label}) to ${target.toString()}`);
    const open = 'Open File';
    void vscode.window
      .showInformationMessage(`Exported ${papers.length} paper${papers.length === 1 ? '' : 's'} ${label} to ${vscode.workspace.asRelativePath(target)}.`, open)
      .then((choice) => {
        if (choice === open) void vscode.window.showTextDocument(target);
      });
    return target;
  }

  private async pickScope(what: string): Promise<ExportRequest['scope'] | undefined> {
    const tags = tagCounts(this.library.papers, (key) => this.library.tagsOf(key));
    type Item = vscode.QuickPickItem & { scope?: 'all' | 'tag' | 'cited' };
    const items: Item[] = [
      { label: '$(library) All papers', description: `${this.library.papers.length}`, scope: 'all' },
      {
        label: '$(tag) Papers with a tag...',
        description: tags.length === 0 ? 'no paper is tagged yet' : `${tags.length} tag${tags.length === 1 ? '' : 's'}`,
        scope: 'tag',
      },
      { label: '$(references) Papers cited in the workspace', description: 'markdown, LaTeX and code comments', scope: 'cited' },
    ];
    const choice = await vscode.window.showQuickPick(items, { title: `Export ${what}`, placeHolder: 'Which papers?' });
    if (!choice?.scope) return undefined;
    if (choice.scope !== 'tag') return { kind: choice.scope };
    if (tags.length === 0) {
      void vscode.window.showInformationMessage(`No paper is tagged yet, so there is no tag to export ${what} for.`);
      return undefined;
    }
    const tag = await vscode.window.showQuickPick(
      tags.map(({ tag: name, count }) => ({ label: iconLabelText(name), description: `${count} paper${count === 1 ? '' : 's'}`, tag: name })),
      { title: `Export ${what}: Papers with a Tag`, placeHolder: 'Pick a tag' },
    );
    return tag ? { kind: 'tag', tag: tag.tag } : undefined;
  }
}

/**
 * Writes `text` to `target` through a temporary file in the same folder and a rename, so that a
 * reader never sees half a file. An open editor of the target reloads it (it is an export, not the
 * user's text, so replacing it is what the user asked for).
 */
export async function writeAtomically(target: vscode.Uri, text: string): Promise<void> {
  const folder = vscode.Uri.joinPath(target, '..');
  const name = target.path.slice(target.path.lastIndexOf('/') + 1);
  const temp = vscode.Uri.joinPath(folder, `.${name}.${process.pid}.${Date.now()}.tmp`);
  await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(text));
  try {
    // On disk, a plain rename replaces the file in one step. VS Code's rename with overwrite deletes
    // the target first, so a reader (latexmk, pandoc, a test) could find no file at all in between.
    if (target.scheme === 'file' && temp.scheme === 'file') await fs.rename(temp.fsPath, target.fsPath);
    else await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  } catch (error) {
    await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
    throw error;
  }
}
