/**
 * The way back from a note to its paper: an "Open Paper" CodeLens on the first line of every
 * markdown file that is a paper's note (NoteIndex.paperOfNote), which opens the paper view.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { NoteIndex } from './noteIndex';

export class NoteLens extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly index: NoteIndex) {
    super();
    this.register(index.onDidChangeNote(() => this.changed.fire()));
    this.register(vscode.languages.registerCodeLensProvider({ language: 'markdown', scheme: 'file' }, this));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const key = this.index.paperOfNote(document.uri);
    if (!key) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, {
        title: '$(book) Open Paper',
        tooltip: `Open the paper ${key} in the paper view`,
        command: CommandIds.openPaper,
        arguments: [key],
      }),
    ];
  }
}
