/**
 * Insert Citation, Copy Citation and Find Citations. Each turns its argument (a key, a tree node,
 * the tree's selection, the key under the cursor, or nothing: then it asks with a quick pick that
 * searches titles and abstracts) into text at every cursor, text on the clipboard, or VS Code's
 * references view.
 */
import * as vscode from 'vscode';
import { type CitationFormats, formatCitations } from '../../core/citations/format';
import { citationContextAt, isInsideComment, mentionAt } from '../../core/citations/scanner';
import type { Paper } from '../../core/types';
import type { WorkspaceCitations } from './workspaceCitations';
import type { CitationFeatures } from './citationFeatures';
import { syntaxOf } from './documentMentions';
import type { Library } from '../library/library';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { CommandPapers } from '../shared/commandPapers';
import { pickPaper } from '../shared/paperPicker';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';

/** How many papers the Insert Citation quick pick lists for a query. */
const PICK_LIMIT = 200;

export class CitationCommands extends Disposable {
  constructor(
    private readonly library: Library,
    private readonly features: CitationFeatures,
    private readonly citations: WorkspaceCitations,
    private readonly commandPapers: CommandPapers,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const command = (id: string, run: CommandRun) => this.register(registerSafeCommand(id, run, (failed, error) => reportError(this.log, failed, error)));
    command(CommandIds.insertCitation, (first, all) => this.insertCitation(first, all));
    command(CommandIds.copyCitation, (first, all) => this.copyCitation(first, all));
    command(CommandIds.findCitations, (first, all) => this.findCitations(first, all));
    command(CommandIds.replaceCitationKey, (uri, range) => this.replaceCitationKey(uri, range));
  }

  /**
   * The quick fix for a key that names no paper and is near none: a paper picker that starts with
   * the key's words (a key is made of its title's words), and the chosen paper's key in its place.
   * Resolves to the key put in, or undefined when nothing was chosen.
   */
  async replaceCitationKey(uri: unknown, range: unknown): Promise<string | undefined> {
    if (!(uri instanceof vscode.Uri) || !(range instanceof vscode.Range)) return undefined;
    const document = await vscode.workspace.openTextDocument(uri);
    const unknown = document.getText(range);
    const key = await pickPaper(this.library, {
      title: `Cite a paper instead of "${unknown}"`,
      placeHolder: 'Type words of the title, abstract or key',
      value: keyWords(unknown),
      find: async (query) => (await this.library.find('search', query, PICK_LIMIT)).map(({ paper }) => paper),
    });
    if (!key) return undefined;
    // The text may have moved while the picker was open: replace only what is still the unknown key.
    if (document.getText(range) !== unknown) {
      void vscode.window.showWarningMessage(`"${unknown}" changed while the picker was open; nothing was replaced. Run the quick fix again.`);
      return undefined;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, range, key);
    return (await vscode.workspace.applyEdit(edit)) ? key : undefined;
  }

  /** Inserts a citation at every cursor of the active editor. Resolves to the text inserted at the first cursor. */
  async insertCitation(first?: unknown, all?: unknown): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor ?? lastTextEditor();
    if (!editor) {
      void vscode.window.showInformationMessage('Open a file and place the cursor where the citation goes, then run Insert Citation again.');
      return undefined;
    }
    const papers = await this.papersFor(first, all, 'Insert Citation', false);
    if (papers.length === 0) return undefined;
    const document = editor.document;
    const languageId = document.languageId;
    const formats = citationFormats(document.uri);
    const syntax = syntaxOf(document);
    const text = document.getText();
    const inserted: string[] = [];
    const applied = await editor.edit((builder) => {
      for (const selection of editor.selections) {
        const position = selection.active;
        // Inside a citation being typed (`[@a; |`, `\cite{a,|`): only the keys.
        const context = syntax && selection.isEmpty ? citationContextAt(text, position.line, position.character, syntax) : undefined;
        if (context) {
          const keys = papers.map((paper) => paper.key);
          const value = context.kind === 'latex' ? keys.join(',') : keys.map((key, i) => (i === 0 && !context.needsAt ? key : `@${key}`)).join('; ');
          builder.replace(new vscode.Range(context.line, context.start, context.line, context.end), value);
          inserted.push(value);
          continue;
        }
        if (syntax?.kind === 'code') {
          const line = document.lineAt(position.line);
          if (isInsideComment(text, position.line, position.character, syntax)) {
            const value = `${needsSpaceBefore(line.text, position.character) ? ' ' : ''}[${papers.map((paper) => `@${paper.key}`).join('; ')}]`;
            builder.replace(selection, value);
            inserted.push(value);
            continue;
          }
          // In code, a comment placed mid-line would comment out the code after the cursor: it goes at the end of the line.
          const after = line.text.slice(position.character);
          const at = after.trim() === '' ? position : line.range.end;
          const before = line.text.slice(0, at.character);
          const value = `${before.trim() !== '' && !/\s$/.test(before) ? ' ' : ''}${formatCitations(papers, languageId, formats)}`;
          if (at === position) builder.replace(selection, value);
          else builder.insert(at, value);
          inserted.push(value);
          continue;
        }
        const value = formatCitations(papers, languageId, formats);
        builder.replace(selection, value);
        inserted.push(value);
      }
    });
    if (!applied) {
      void vscode.window.showWarningMessage('The citation could not be inserted because the document changed meanwhile; run Insert Citation again.');
      return undefined;
    }
    return inserted[0];
  }

  /** Copies the citation, in the active editor's language (markdown without one), to the clipboard. */
  async copyCitation(first?: unknown, all?: unknown): Promise<string | undefined> {
    const papers = await this.papersFor(first, all, 'Copy Citation', true);
    if (papers.length === 0) return undefined;
    const document = (vscode.window.activeTextEditor ?? lastTextEditor())?.document;
    const languageId = document?.languageId ?? 'markdown';
    const value = formatCitations(papers, languageId, citationFormats(document?.uri));
    await vscode.env.clipboard.writeText(value);
    vscode.window.setStatusBarMessage(`Copied ${value}`, 3000);
    return value;
  }

  /** Shows every workspace citation of a paper in the references view. */
  async findCitations(first?: unknown, all?: unknown): Promise<number | undefined> {
    const [paper] = await this.papersFor(first, all, 'Find Citations', true, true);
    if (!paper) return undefined;
    await this.citations.ready;
    await this.citations.settled();
    const mentions = this.citations.mentionsOf(paper.key);
    if (mentions.length === 0) {
      void vscode.window.showInformationMessage(`No file in the workspace cites ${paper.key} yet: Insert Citation writes one.`);
      return 0;
    }
    const locations = mentions.map((m) => new vscode.Location(m.uri, m.range));
    const editor = vscode.window.activeTextEditor;
    const anchor = editor ? { uri: editor.document.uri, position: editor.selection.active } : { uri: locations[0].uri, position: locations[0].range.start };
    await vscode.commands.executeCommand('editor.action.showReferences', anchor.uri, anchor.position, locations);
    return locations.length;
  }

  /**
   * The papers a command acts on (see CommandPapers); Find Citations looks at the key under the
   * cursor first, and the picker searches titles and abstracts with the citation finder.
   */
  private async papersFor(first: unknown, all: unknown, title: string, useTreeSelection: boolean, useCursor = false): Promise<Paper[]> {
    const keys = await this.commandPapers.keys(first, all, {
      title,
      treeSelection: useTreeSelection,
      own: useCursor ? () => this.keyUnderCursor() : undefined,
      picker: { find: async (query) => (await this.library.find('search', query, PICK_LIMIT)).map(({ paper }) => paper) },
    });
    const papers = keys.map((key) => this.library.get(key)).filter((paper): paper is Paper => paper !== undefined);
    const missing = keys.filter((key) => !this.library.get(key));
    if (missing.length > 0) {
      void vscode.window.showWarningMessage(
        `No paper with the key ${missing.join(', ')} is in the library; run "Marginalia: Reindex Digests" if its digest was just added.`,
      );
    }
    return papers;
  }

  /** The key of the citation under the active editor's cursor, when it names a paper of the library. */
  private keyUnderCursor(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    const mention = editor && mentionAt(this.features.mentionsIn(editor.document), editor.selection.active.line, editor.selection.active.character);
    return mention && this.library.get(mention.key) ? mention.key : undefined;
  }
}

function needsSpaceBefore(lineText: string, character: number): boolean {
  return character > 0 && !/\s/.test(lineText[character - 1]);
}

/** The `marginalia.citation.formats` setting for a document (resource scoped). */
function citationFormats(uri: vscode.Uri | undefined): CitationFormats {
  const value = vscode.workspace.getConfiguration('marginalia.citation', uri).get<unknown>('formats');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** A visible text editor when the focus is elsewhere (the paper view, the tree). */
function lastTextEditor(): vscode.TextEditor | undefined {
  return vscode.window.visibleTextEditors.find((editor) => editor.document.uri.scheme === 'file' || editor.document.uri.scheme === 'untitled');
}

/** The words of a citation key, as a search: "dinoWm2024" -> "dino wm 2024", "geo_llm" -> "geo llm". */
export function keyWords(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
}
