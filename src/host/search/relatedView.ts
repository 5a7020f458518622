/**
 * The Related view (`marginalia.related`): the ten papers most related to what the user is reading
 * or writing, with a relative score and the words they share. It follows the active paper view, else
 * the active editor: the selection, else the text around the cursor (the paragraph of a note or of
 * markdown, the comment block or function of code; a note's own paper when the cursor is in its
 * front matter), once the cursor and the typing have settled. Files that are neither prose nor code
 * (.bib, .json, lock files, logs, output) leave the view as it is, as does a command that shows the
 * papers related to something else, until the user moves on.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { relativePercents } from '../../core/papers/relativeScores';
import type { SearchHit } from '../../core/search/searchIndex';
import { codeBlockAt, commentBlockAt, paragraphAt, textKind, type LineSpan } from '../../core/search/textAtCursor';
import { Disposable } from '../lifecycle';
import type { Library } from '../library/library';
import type { NoteLookup } from '../notes/noteLookup';
import { rankedPaperItem } from '../shared/rankedPaperRow';
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
/** The view follows the cursor and the typing this long after they settle, never on every keystroke. */
export const FOLLOW_DELAY_MS = 400;
/** Text around the cursor with fewer letters than this says too little: the view keeps what it shows. */
const MIN_TEXT_LETTERS = 12;

/** What the view needs from the paper panels. */
export interface ActivePaper {
  readonly activePaperKey: string | undefined;
  readonly onDidChangeActivePaper: vscode.Event<string | undefined>;
}

interface RelatedRow {
  hit: SearchHit;
  /** The score as a share of the first row's, 1 to 100. */
  percent: number;
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
  private following: Promise<void> = Promise.resolve();
  private followed = 0;

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
    this.register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && event.document === vscode.window.activeTextEditor?.document) this.follow();
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
    return { subject: this.shownSubject, rows: this.rows.map((row) => ({ key: row.hit.key, score: row.hit.score, description: describe(row) })) };
  }

  /** Resolves when the rows follow the current subject. */
  async settled(): Promise<void> {
    await this.following;
    await this.computing;
  }

  getTreeItem(row: RelatedRow): vscode.TreeItem {
    // The title leads; the score, relative to the best (100%), stays in the description's muted
    // colour: a raw BM25 figure means nothing to a reader, and highlighting is for search matches.
    return rankedPaperItem({
      key: row.hit.key,
      paper: this.library.get(row.hit.key),
      description: describe(row),
      reason: `${row.percent}% as related as the first; shares: ${row.hit.matches.map((match) => match.word).join(', ') || 'nothing'}`,
      contextValue: 'paper related',
      icon: 'book',
    });
  }

  getChildren(row?: RelatedRow): RelatedRow[] {
    return row ? [] : this.rows;
  }

  private follow(delay = FOLLOW_DELAY_MS): void {
    clearTimeout(this.timer);
    const followed = ++this.followed;
    this.timer = setTimeout(() => {
      this.following = this.subjectOfWindow().then(
        (subject) => {
          // Nothing to follow, or the cursor moved on while the symbols were asked for: keep what is shown.
          if (subject === undefined || followed !== this.followed || sameSubject(subject, this.subject)) return;
          this.subject = subject;
          void this.refresh();
        },
        (error: unknown) => this.log.warn(`Related view: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, delay);
  }

  /** The active paper view's paper, else the active editor's selection or the text around its cursor. */
  private async subjectOfWindow(): Promise<RelatedSubject | undefined> {
    const key = this.panels.activePaperKey;
    if (key) return { kind: 'paper', key };
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme === 'output') return undefined;
    const document = editor.document;
    const name = path.basename(document.uri.path);
    const kind = textKind(name, document.languageId);
    if (kind === 'other') return undefined;
    const noteKey = this.notes.paperOfNote(document.uri);
    const selection = editor.selection.isEmpty ? '' : document.getText(editor.selection);
    if (selection.trim() !== '') return { kind: 'text', text: selection.slice(0, MAX_TEXT), label: 'the selection', excludeKey: noteKey };
    const line = editor.selection.active.line;
    const lines = linesAround(document, line);
    let span: LineSpan | null;
    let what: string;
    if (kind === 'prose') {
      span = paragraphAt(lines.text, line - lines.first);
      what = 'paragraph';
    } else {
      span = commentBlockAt(lines.text, line - lines.first);
      what = 'comment';
      if (!span) {
        const symbol = await enclosingFunction(document, editor.selection.active);
        if (symbol) return { kind: 'text', text: document.getText(symbol.range).slice(0, MAX_TEXT), label: `${symbol.name} in ${name}`, excludeKey: noteKey };
        span = codeBlockAt(lines.text, line - lines.first);
        what = 'code';
      }
    }
    if (!span || letters(span.text) < MIN_TEXT_LETTERS) {
      // In a note's front matter or title, or on a blank line of it: the note's paper.
      return noteKey ? { kind: 'paper', key: noteKey } : undefined;
    }
    const at = lines.first + span.start + 1;
    return { kind: 'text', text: span.text.slice(0, MAX_TEXT), label: `${what} at line ${at} of ${name}`, excludeKey: noteKey };
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
    const percents = relativePercents(hits.map((hit) => hit.score));
    this.rows = hits.map((hit, i) => ({ hit, percent: percents[i] }));
    this.shownSubject = subject;
    this.view.message = message;
    this.treeChanged.fire();
  }
}

/** The row's relative score and the words the paper shares with the subject. */
function describe(row: RelatedRow): string {
  const words = row.hit.matches
    .slice(0, 3)
    .map((match) => match.word)
    .join(', ');
  return words ? `${row.percent}% · ${words}` : `${row.percent}%`;
}

/** Lines read around the cursor (a paragraph or a comment rarely spans more): a huge file is never split whole. */
const AROUND_LINES = 400;

function linesAround(document: vscode.TextDocument, line: number): { first: number; text: string[] } {
  // From the top when the cursor is near it, so that front matter is recognised.
  const first = line < AROUND_LINES ? 0 : line - AROUND_LINES;
  const last = Math.min(document.lineCount - 1, line + AROUND_LINES);
  const text: string[] = [];
  for (let i = first; i <= last; i++) text.push(document.lineAt(i).text);
  return { first, text };
}

function letters(text: string): number {
  return (text.match(/\p{L}/gu) ?? []).length;
}

/** The innermost function, method or constructor around `position`, from the language's document symbols (none without a language extension). */
async function enclosingFunction(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.DocumentSymbol | undefined> {
  const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>(
    'vscode.executeDocumentSymbolProvider',
    document.uri,
  );
  const functions = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor]);
  let found: vscode.DocumentSymbol | undefined;
  const visit = (list: readonly vscode.DocumentSymbol[]) => {
    for (const symbol of list) {
      if (!symbol.range.contains(position)) continue;
      if (functions.has(symbol.kind)) found = symbol;
      visit(symbol.children ?? []);
    }
  };
  visit((symbols ?? []).filter((symbol): symbol is vscode.DocumentSymbol => 'range' in symbol && 'children' in symbol));
  return found;
}

function sameSubject(a: RelatedSubject, b: RelatedSubject | undefined): boolean {
  if (!b || a.kind !== b.kind) return false;
  return a.kind === 'paper' ? a.key === (b as typeof a).key : a.text === (b as typeof a).text;
}
