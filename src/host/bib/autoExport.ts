/**
 * The export that stays current: when `marginalia.autoExport.file` names a `.bib` in the workspace,
 * Marginalia rewrites it (atomically: a temporary file and a rename) whenever the library, the
 * tags, the .bib sources or the workspace's citations change and its text would differ, as Better
 * BibTeX's auto-export does, so latexmk and pandoc always see current entries. It holds the digest
 * papers of `marginalia.autoExport.papers` ("cited", "all" or "tag:NAME"); papers the reader's own
 * .bib already has are left to it. A file that does not start with Marginalia's marker line is
 * never overwritten: the user is told once. Nothing is written in Restricted Mode.
 */
import * as vscode from 'vscode';
import { autoExportAction, autoExportPath, autoExportText, parseAutoExportScope } from '../../core/bibliography/autoExport';
import { selectPapers, toCslItem, type ExportScope } from '../../core/bibliography/csl';
import type { BibEntry } from '../../core/bibliography/bibEntries';
import type { Paper } from '../../core/types';
import { Disposable } from '../lifecycle';
import { writeAtomically } from './bibCommands';
import type { Library } from '../library/library';

/** Changes are gathered for this long before the file is brought up to date. */
const DEBOUNCE_MS = 750;

/** What the last run did, for the log and the tests. */
export type AutoExportOutcome = 'off' | 'written' | 'unchanged' | 'notOurs' | 'untrusted' | 'invalid' | 'failed';

export class AutoExport extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private lastWarning: string | undefined;
  /** What the last run did, and how many runs have finished. */
  outcome: AutoExportOutcome = 'off';
  runs = 0;

  /**
   * @param library the digest library (its papers are what is exported, with their tags)
   * @param entryOf the reader's .bib entry behind a paper: such papers are left to the reader's .bib
   * @param citedKeys the keys cited in the workspace, once the citation index is current
   */
  constructor(
    private readonly library: Library,
    private readonly entryOf: (paper: Paper) => BibEntry | undefined,
    private readonly citedKeys: () => Promise<Set<string>>,
    changes: vscode.Event<unknown>[],
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    for (const event of changes) this.register(event(() => this.schedule()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('marginalia.autoExport')) this.schedule();
      }),
    );
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()));
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  /** Brings the file up to date now (after any run in progress); resolves with what it did. */
  update(): Promise<AutoExportOutcome> {
    clearTimeout(this.timer);
    this.running = this.running
      .then(() => this.run())
      .catch((error: unknown) => {
        this.outcome = 'failed';
        this.log.error(`Auto-export failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      });
    return this.running.then(() => this.outcome);
  }

  private schedule(): void {
    if (!this.configuredFile()) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), DEBOUNCE_MS);
  }

  private configuredFile(): string {
    const value = vscode.workspace.getConfiguration('marginalia.autoExport').get<unknown>('file');
    return typeof value === 'string' ? value.trim() : '';
  }

  private async run(): Promise<void> {
    this.runs++;
    const setting = this.configuredFile();
    const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === 'file');
    if (!setting || !folder) {
      this.outcome = 'off';
      return;
    }
    if (!vscode.workspace.isTrusted) {
      this.outcome = 'untrusted';
      return;
    }
    // Keys (and tags) come from the library file: never export before it is read.
    if (this.library.state !== 'ready') {
      this.outcome = 'off';
      return;
    }
    const target = autoExportPath(folder.uri.fsPath, setting);
    const scope = parseAutoExportScope(vscode.workspace.getConfiguration('marginalia.autoExport').get<unknown>('papers'));
    if ('error' in target || 'error' in scope) {
      this.outcome = 'invalid';
      this.warnOnce(`Marginalia's auto-export is off: ${'error' in target ? target.error : (scope as { error: string }).error}`);
      return;
    }
    const selection: ExportScope = scope.kind === 'cited' ? { kind: 'keys', keys: [...(await this.citedKeys())] } : scope;
    const own = this.library.papers.filter((paper) => this.entryOf(paper) === undefined);
    const { papers } = selectPapers(own, selection, (key) => this.library.tagsOf(key));
    const { formatBibtex } = await import('../../node/bib/bibtex.js');
    const text = autoExportText(formatBibtex(papers.map((paper) => toCslItem(paper, this.library.tagsOf(paper.key)))), scope, papers.length);
    const uri = vscode.Uri.file(target.path);
    const existing = await vscode.workspace.fs.readFile(uri).then(
      (bytes) => new TextDecoder('utf-8').decode(bytes),
      () => null,
    );
    const action = autoExportAction(existing, text);
    const relative = vscode.workspace.asRelativePath(uri);
    if (action === 'notOurs') {
      this.outcome = 'notOurs';
      this.warnOnce(
        `Marginalia did not write ${relative}: it exists and was not written by Marginalia. Delete it, or set marginalia.autoExport.file to another .bib.`,
      );
      return;
    }
    if (action === 'unchanged') {
      this.outcome = 'unchanged';
      return;
    }
    const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === uri.fsPath);
    if (open?.isDirty) {
      this.outcome = 'notOurs';
      this.warnOnce(`Marginalia did not rewrite ${relative}: it has unsaved changes in an editor. Close it without saving, and it is rewritten.`);
      return;
    }
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await writeAtomically(uri, text);
    this.outcome = 'written';
    this.lastWarning = undefined;
    this.log.info(`Auto-export: wrote ${papers.length} entr${papers.length === 1 ? 'y' : 'ies'} to ${relative}`);
  }

  private warnOnce(message: string): void {
    this.log.warn(message);
    if (message === this.lastWarning) return;
    this.lastWarning = message;
    void vscode.window.showWarningMessage(message);
  }
}
