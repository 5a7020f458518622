/** Every known citation key is a link that opens its paper view. */
import * as vscode from 'vscode';
import { commandLink } from '../../core/escaping';
import { CommandIds } from '../commandIds';
import type { Library } from '../library/library';
import { type DocumentMentions, mentionRange } from './documentMentions';

export class CitationLinkProvider implements vscode.DocumentLinkProvider {
  constructor(
    private readonly library: Library,
    private readonly mentions: DocumentMentions,
  ) {}

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    return this.mentions
      .in(document)
      .filter((mention) => this.library.get(mention.key) !== undefined)
      .map((mention) => {
        const link = new vscode.DocumentLink(mentionRange(mention), vscode.Uri.parse(commandLink(CommandIds.openPaper, mention.key), true));
        link.tooltip = 'Open the paper view';
        return link;
      });
  }
}
