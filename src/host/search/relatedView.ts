/**
 * The Related view (`marginalia.related`): the ten papers most related to what the user is reading,
 * with their scores and the words they share. It follows the active paper view, else the active
 * editor (a note names its paper; any other text is related by its selection or its content), until
 * a command shows the papers related to something else.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SearchHit } from '../../core/search/searchIndex';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { Library } from '../library/library';
import type { NoteLookup } from '../notes/noteLookup';
import { appendPlainText } from '../shared/markdown';
import type { SearchService } from './searchService';
import { readableMath } from '../../core/math/readable';

export const RELATED_VIEW_ID = 'marginalia.related';

/** What related papers are shown for. */
export type RelatedSubject =
  | { kind: 'paper'; key: string }
  /** Text: a selection, or a document; `excludeKey` leaves out the paper a note belongs to. */
  | { kind: 'text'; text: string; label: string; excludeKey?: string };

/** Editors' text beyond this is not used to find related papers. */
const MAX_TEXT = 20_000;
const FOLLOW_DELAY_MS = 300;
const TOOLTIP_ABSTRACT = 400;

/** What the view needs from the paper panels. */
export interface ActivePaper {
  readonly activePaperKey: string | undefined;
  readonly onDidChangeActivePaper: vscode.Event<string | undefined>;
}

interface RelatedRow {
  hit: SearchHit;
}

export class RelatedView extends Disposable implements vscode.TreeDataProvider<RelatedRow> {
  private readonly view: vscode.TreeView<RelatedRow>;
  private readonly treeChanged = this.register(new vscode.EventEmitter<void>());
  private subject: RelatedSubject | undefined;
  /** The subject the rows on screen were computed for (the subject may have moved on meanwhile). */
  private shownSubject: RelatedSubject | undefined;
  private rows: RelatedRow[] = [];
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private computing: Promise<void> = Promise.resolve();

  readonly onDidChangeTreeData = this.treeChanged.event;

  constructor(
    private readonly search: SearchService,
    private readonly library: Library,
    private readonly panels: ActivePaper,
    private readonly notes: NoteLookup,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.view = this.register(vscode.window.createTreeView(RELATED_VIEW_ID, { treeDataProvider: this }));
    this.register(panels.onDidChangeActivePaper(() => this.follow()));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.follow()));
    this.register(
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) this.follow();
      }),
    );
    this.register(search.onDidChangeIndex(() => this.refresh()));
    this.register(this.view.onDidChangeVisibility(() => this.refresh()));
    this.follow(0);
  }

  /** Shows the papers related to `subject` (a command's choice) until the user moves elsewhere. */
  async show(subject: RelatedSubject): Promise<void> {
    clearTimeout(this.timer);
    this.subject = subject;
    await this.refresh();
  }

  /** The rows on screen, for tests: key, label, description. */
  snapshot(): { subject: RelatedSubject | undefined; rows: { key: string; score: number; description: string }[] } {
    return { subject: this.shownSubject, rows: this.rows.map((row) => ({ key: row.hit.key, score: row.hit.score, description: describe(row.hit) })) };
  }

  /** Resolves when the rows follow the current subject. */
  settled(): Promise<void> {
    return this.computing;
  }

  getTreeItem(row: RelatedRow): vscode.TreeItem {
    const paper = this.library.get(row.hit.key);
    const title = paper ? readableMath(paper.title) : undefined;
    // The score leads, highlighted, so that a narrow sidebar that cuts the title still shows it.
    const score = row.hit.score.toFixed(1);
    const item = new vscode.TreeItem({ label: `${score}  ${title || row.hit.key}`, highlights: [[0, score.length]] }, vscode.TreeItemCollapsibleState.None);
    item.id = row.hit.key;
    item.description = describe(row.hit);
    item.contextValue = 'paper related';
    item.iconPath = new vscode.ThemeIcon('book');
    item.command = { command: CommandIds.openPaper, title: 'Open Paper', arguments: [row.hit.key] };
    const tooltip = new vscode.MarkdownString();
    // Digest text is untrusted: appendPlainText escapes it.
    appendPlainText(tooltip, title ?? row.hit.key).appendMarkdown('\n\n');
    const abstract = paper?.abstract ? readableMath(paper.abstract) : '';
    if (abstract) appendPlainText(tooltip, abstract.length > TOOLTIP_ABSTRACT ? `${abstract.slice(0, TOOLTIP_ABSTRACT)}…` : abstract);
    tooltip.appendMarkdown('\n\n');
    appendPlainText(tooltip, `Score ${row.hit.score.toFixed(2)}; shares: ${row.hit.matches.map((match) => match.word).join(', ') || 'nothing'}`);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${title ?? row.hit.key}, score ${row.hit.score.toFixed(1)}` };
    return item;
  }

  getChildren(row?: RelatedRow): RelatedRow[] {
    return row ? [] : this.rows;
  }

  private follow(delay = FOLLOW_DELAY_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const subject = this.subjectOfWindow();
      if (subject === undefined) return; // Nothing to follow: keep what is shown.
      if (sameSubject(subject, this.subject)) return;
      this.subject = subject;
      void this.refresh();
    }, delay);
  }

  /** The active paper view's paper, else the active editor's note paper, selection or text. */
  private subjectOfWindow(): RelatedSubject | undefined {
    const key = this.panels.activePaperKey;
    if (key) return { kind: 'paper', key };
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme === 'output') return undefined;
    const selection = editor.selection.isEmpty ? '' : editor.document.getText(editor.selection);
    if (selection.trim() !== '') return { kind: 'text', text: selection.slice(0, MAX_TEXT), label: 'the selection' };
    const noteKey = this.notes.paperOfNote(editor.document.uri);
    if (noteKey) return { kind: 'paper', key: noteKey };
    const name = path.basename(editor.document.uri.path);
    return { kind: 'text', text: editor.document.getText().slice(0, MAX_TEXT), label: name };
  }

  private refresh(): Promise<void> {
    this.computing = this.compute();
    return this.computing;
  }

  private async compute(): Promise<void> {
    const generation = ++this.generation;
    const subject = this.subject;
    let hits: SearchHit[] = [];
    let message: string | undefined;
    try {
      if (!subject) {
        message = 'Open a paper or a note, or select text, to see related papers.';
      } else if (subject.kind === 'paper') {
        hits = await this.search.related(subject.key, 10);
        const shown = this.library.get(subject.key)?.title;
        const title = shown === undefined ? subject.key : readableMath(shown);
        this.view.description = title;
        if (hits.length === 0) message = this.search.state === 'ready' ? 'No other paper shares enough words with this one.' : 'Indexing the library…';
      } else {
        hits = await this.search.relatedToText(subject.text, 10, subject.excludeKey);
        this.view.description = subject.label;
        if (hits.length === 0) message = this.search.state === 'ready' ? `No paper shares enough words with ${subject.label}.` : 'Indexing the library…';
      }
    } catch (error) {
      this.log.error(`Related papers failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      message = 'Related papers are unavailable; see the Marginalia log.';
    }
    if (generation !== this.generation || this.isDisposed) return;
    if (!subject) this.view.description = undefined;
    this.rows = hits.map((hit) => ({ hit }));
    this.shownSubject = subject;
    this.view.message = message;
    this.treeChanged.fire();
  }
}

/** The words a related paper shares with the subject. */
function describe(hit: SearchHit): string {
  return hit.matches
    .slice(0, 3)
    .map((match) => match.word)
    .join(', ');
}

function sameSubject(a: RelatedSubject, b: RelatedSubject | undefined): boolean {
  if (!b || a.kind !== b.kind) return false;
  return a.kind === 'paper' ? a.key === (b as typeof a).key : a.text === (b as typeof a).text;
}
