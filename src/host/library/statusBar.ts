/**
 * The status bar item: the number of papers (or that digests are being read); a click runs the
 * command it is given (Search Papers).
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from './workspaceLibrary';
import { countOf } from '../shared/counts';

export class LibraryStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(
    private readonly library: WorkspaceLibrary,
    clickCommand: string,
  ) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('marginalia.papers', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Marginalia Papers';
    this.item.command = clickCommand;
    this.register(library.onDidChange(() => this.update()));
    this.register(library.onDidChangeState(() => this.update()));
    this.update();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const count = this.library.papers.length;
    switch (this.library.state) {
      case 'noFolder':
        this.item.hide();
        return;
      case 'loading':
        this.item.text = '$(sync~spin) Marginalia';
        this.item.tooltip = 'Marginalia is reading the digests';
        break;
      case 'corrupt':
        this.item.text = '$(warning) Marginalia';
        this.item.tooltip = `The library file cannot be read: ${this.library.corruption ?? ''}`;
        break;
      case 'empty':
      case 'ready':
        this.item.text = `$(book) ${countOf(count, 'paper')}`;
        this.item.tooltip = `${countOf(count, 'paper')} from ${countOf(this.library.digestFiles.length, 'digest')}. Click to search them.`;
    }
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/, '') };
    this.item.show();
  }
}
