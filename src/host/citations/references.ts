/** Find All References (Shift+F12) on a citation key: its citations in the workspace, and its digest lines as declarations. */
import * as vscode from 'vscode';
import type { Library } from '../library/library';
import { sourceLocation } from '../shared/locations';
import { type DocumentMentions, mentionRange } from './documentMentions';
import type { WorkspaceCitations } from './workspaceCitations';

export class CitationReferenceProvider implements vscode.ReferenceProvider {
  constructor(
    private readonly library: Library,
    private readonly mentions: DocumentMentions,
    private readonly citations: WorkspaceCitations,
  ) {}

  provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): vscode.Location[] | undefined {
    const mention = this.mentions.at(document, position);
    if (!mention) return undefined;
    // The document being edited may not be indexed (untitled) or be ahead of the index.
    const here = document.uri.toString();
    const fromIndex = this.citations
      .mentionsOf(mention.key)
      .filter((m) => m.uri.toString() !== here)
      .map((m) => new vscode.Location(m.uri, m.range));
    const fromDocument = this.mentions
      .in(document)
      .filter((m) => m.key === mention.key)
      .map((m) => new vscode.Location(document.uri, mentionRange(m)));
    const result = [...fromIndex, ...fromDocument];
    if (context.includeDeclaration) result.push(...(this.library.get(mention.key)?.sources ?? []).map(sourceLocation));
    return result;
  }
}
