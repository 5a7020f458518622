/**
 * Read and not-interested papers drawn de-emphasised in the trees: a FileDecoration colour on each
 * paper item's `marginalia-paper:` resource. A colour shows however narrow the sidebar is, where the
 * status at the start of the description is often cut off with the title; the badge slot stays the
 * note's (✎).
 */
import * as vscode from 'vscode';
import { STATUS_LABELS } from '../../core/library/readingStatus';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { PAPER_RESOURCE_SCHEME } from '../notes/noteDecorations';

export class ReadingStatusDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly decorationsChanged = this.register(new vscode.EventEmitter<undefined>());
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;

  constructor(private readonly library: WorkspaceLibrary) {
    super();
    this.register(vscode.window.registerFileDecorationProvider(this));
    this.register(library.onDidChange(() => this.decorationsChanged.fire(undefined)));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== PAPER_RESOURCE_SCHEME) return undefined;
    const status = this.library.statusOf(uri.path.slice(1));
    if (status !== 'read' && status !== 'not-interested') return undefined;
    return { color: new vscode.ThemeColor('list.deemphasizedForeground'), tooltip: STATUS_LABELS[status], propagate: false };
  }
}
