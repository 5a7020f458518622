/**
 * The status bar item: the number of papers and, once the reader marked some, how many are unread
 * (the tooltip counts every status), or that digests are being read; a click runs the command it is
 * given (Search Papers).
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from './workspaceLibrary';
import { countOf, formatNumber } from '../shared/counts';
import { READING_STATUSES, STATUS_LABELS } from '../../core/library/readingStatus';

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
      case 'ready': {
        const counts = this.library.statusCounts();
        // The unread count joins the paper count once the reader has marked anything: until then every paper is unread.
        const marked = count - counts.unread;
        this.item.text = marked > 0 ? `$(book) ${countOf(count, 'paper')}, ${formatNumber(counts.unread)} unread` : `$(book) ${countOf(count, 'paper')}`;
        const statuses = READING_STATUSES.map((status) => `${formatNumber(counts[status])} ${STATUS_LABELS[status].toLowerCase()}`).join(', ');
        this.item.tooltip = `${countOf(count, 'paper')} from ${countOf(this.library.digestFiles.length, 'digest')}: ${statuses}. Click to search them.`;
      }
    }
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/, '') };
    this.item.show();
  }
}
