/**
 * The search commands: Search Papers, Related Papers (for a paper), Papers Related to Selection and
 * Papers Related to This Note. Each turns its argument into a subject and hands it to the picker or
 * the Related view.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';
import { Disposable } from '../lifecycle';
import type { NoteLookup } from '../notes/noteLookup';
import type { Library } from '../library/library';
import type { CommandPapers } from '../shared/commandPapers';
import { RELATED_VIEW_ID, type RelatedView } from './relatedView';
import { SearchPicker } from './searchPicker';
import type { SearchService } from './searchService';

/** Text beyond this is not used to find related papers. */
const MAX_TEXT = 20_000;

export class SearchCommands extends Disposable {
  /** The open Search Papers picker, for tests. */
  picker: SearchPicker | undefined;

  constructor(
    private readonly search: SearchService,
    private readonly library: Library,
    private readonly commandPapers: CommandPapers,
    private readonly related: RelatedView,
    private readonly openPaper: (key: string) => void,
    private readonly notes: NoteLookup | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const command = (id: string, run: CommandRun) =>
      this.register(registerSafeCommand(id, run, (failed, error) => reportError(this.log, failed, error, 'Marginalia could not find related papers')));
    command(CommandIds.searchPapers, (query) => this.openPicker(typeof query === 'string' ? query : ''));
    command(CommandIds.relatedPapers, (first, all) => this.relatedPapers(first, all));
    command(CommandIds.relatedToSelection, () => this.relatedToSelection());
    command(CommandIds.relatedToNote, () => this.relatedToNote());
    this.register({ dispose: () => this.picker?.dispose() });
  }

  private openPicker(query: string): void {
    this.picker?.dispose();
    const picker = new SearchPicker(this.search, this.library, this.openPaper, this.log, query);
    this.picker = picker;
  }

  /** For a tree node or key; else the paper in the active paper view; else one the user picks (never the tree's selection). */
  private async relatedPapers(first: unknown, all: unknown): Promise<void> {
    const key = await this.commandPapers.key(first, all, { title: 'Related Papers: pick a paper', activePaper: true, treeSelection: false });
    if (!key) return;
    await this.reveal({ kind: 'paper', key });
  }

  private async relatedToSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const text = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    if (text.trim() === '') {
      void vscode.window.showInformationMessage('Select some text in an editor first: Marginalia finds the papers related to it.');
      return;
    }
    await this.reveal({ kind: 'text', text: text.slice(0, MAX_TEXT), label: 'the selection' });
  }

  /** The note's own paper (and its text), or any markdown document's text. */
  private async relatedToNote(): Promise<void> {
    const document = vscode.window.activeTextEditor?.document;
    if (!document) {
      void vscode.window.showInformationMessage('Open a note in an editor first: Marginalia finds the papers related to it.');
      return;
    }
    const key = this.notes?.paperOfNote(document.uri);
    const title = key ? this.library.get(key)?.title : undefined;
    const text = `${title ?? ''}\n${document.getText().slice(0, MAX_TEXT)}`;
    await this.reveal({ kind: 'text', text, label: key ? `the note on ${key}` : path.basename(document.uri.path), excludeKey: key });
  }

  private async reveal(subject: Parameters<RelatedView['show']>[0]): Promise<void> {
    await vscode.commands.executeCommand(`${RELATED_VIEW_ID}.focus`);
    await this.related.show(subject);
  }
}
