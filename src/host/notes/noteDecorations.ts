/**
 * The "has a note" badge on papers in the trees: a FileDecoration on each paper item's
 * `marginalia-paper:` resource, kept current as notes are created and deleted.
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { NoteIndex } from './noteIndex';

/** The scheme of the resource URIs that paper tree items carry, so that decorations can find them. */
export const PAPER_RESOURCE_SCHEME = 'marginalia-paper';

/** The resource URI of a paper's tree items. */
export function paperResourceUri(key: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PAPER_RESOURCE_SCHEME, path: `/${key}` });
}

export class NoteDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly decorationsChanged = this.register(new vscode.EventEmitter<vscode.Uri[]>());
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;

  constructor(private readonly index: NoteIndex) {
    super();
    this.register(vscode.window.registerFileDecorationProvider(this));
    this.register(index.onDidChangeNote((key) => this.decorationsChanged.fire([paperResourceUri(key)])));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== PAPER_RESOURCE_SCHEME) return undefined;
    const key = uri.path.slice(1);
    if (!this.index.hasNote(key)) return undefined;
    return { badge: '✎', tooltip: 'Has a note', propagate: false };
  }
}
