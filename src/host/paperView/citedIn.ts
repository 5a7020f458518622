/**
 * The paper view's "Cited in" section, host side: the workspace lines that cite a panel's paper
 * (markdown mentions are its backlinks), kept current from the citation index, and what the
 * section's buttons and entries ask for.
 */
import * as vscode from 'vscode';
import { assertNever, type CitedInEntry, type CitedInHostMessage, type CitedInWebviewMessage } from '../../protocol';
import type { WorkspaceCitations } from '../citations/workspaceCitations';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { PaperViewSection, SectionPanel } from './section';

/** How many entries a panel lists; the Find Citations button shows them all. */
const MAX_ENTRIES = 500;

export class CitedIn extends Disposable implements PaperViewSection<'citedIn'> {
  readonly name = 'citedIn';
  private readonly changed = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly citations: WorkspaceCitations,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(
      citations.onDidChange((keys) => {
        for (const key of keys) this.changed.fire(key);
      }),
    );
    // The "scanning" note goes away when the first scan ends, for every paper shown.
    this.register(citations.onDidChangeState(() => this.changed.fire(undefined)));
  }

  /** The entries of a paper, markdown (backlinks) first, each group by file and line. */
  entries(key: string): CitedInEntry[] {
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const entries = this.citations.mentionsOf(key).map((mention): CitedInEntry => ({
      file: mention.uri.toString(),
      label: vscode.workspace.asRelativePath(mention.uri, multiRoot),
      line: mention.range.start.line + 1,
      text: mention.lineText,
      kind: mention.form === 'latex' ? 'latex' : /\.(?:md|markdown|mdown|mkd|qmd|rmd|mdx)$/i.test(mention.uri.path) ? 'markdown' : 'code',
    }));
    // One entry per line: `[@a; @a]` on one line is one place that cites the paper.
    const seen = new Set<string>();
    return entries
      .filter((entry) => {
        const id = `${entry.file}:${entry.line}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      })
      .slice(0, MAX_ENTRIES);
  }

  messages(key: string): CitedInHostMessage[] {
    return [{ type: 'didUpdateCitedIn', key, entries: this.entries(key), scanning: this.citations.state !== 'ready' }];
  }

  receive(panel: SectionPanel, message: CitedInWebviewMessage): void {
    switch (message.type) {
      case 'openCitation':
        void this.open(panel, message.file, message.line);
        break;
      case 'insertCitation':
        void vscode.commands.executeCommand(CommandIds.insertCitation, panel.key);
        break;
      case 'copyCitation':
        void vscode.commands.executeCommand(CommandIds.copyCitation, panel.key);
        break;
      case 'findCitations':
        void vscode.commands.executeCommand(CommandIds.findCitations, panel.key);
        break;
      default:
        assertNever(message);
    }
  }

  private async open(panel: SectionPanel, file: string, line: number): Promise<void> {
    const key = panel.key;
    // Only a place that cites the panel's paper: the page never chooses which file the host opens.
    const entry = this.entries(key).find((e) => e.file === file && e.line === line);
    if (!entry) {
      this.log.warn(`Ignored Open Citation for ${file.slice(0, 200)}:${line}: not a citation of ${key}`);
      return;
    }
    const uri = vscode.Uri.parse(entry.file, true);
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const mention = this.citations.mentionsOf(key).find((m) => m.uri.toString() === entry.file && m.range.start.line === line - 1);
      const range = mention?.range ?? document.lineAt(Math.min(line - 1, document.lineCount - 1)).range;
      const editor = await vscode.window.showTextDocument(document, { viewColumn: panel.besideColumn, selection: range });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (error) {
      this.log.error(`Opening ${uri.toString()} failed: ${error instanceof Error ? error.message : String(error)}`);
      void vscode.window.showErrorMessage(`Marginalia could not open ${entry.label}; it may have been moved or deleted.`);
    }
  }
}
