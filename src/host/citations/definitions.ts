/** Go to Definition and Peek on a citation key: the paper's lines in its digests, then its note. */
import * as vscode from 'vscode';
import type { Library } from '../library/library';
import type { NoteLookup } from '../notes/noteLookup';
import { sourceLocation } from '../shared/locations';
import type { DocumentMentions } from './documentMentions';

export class CitationDefinitionProvider implements vscode.DefinitionProvider {
  constructor(
    private readonly library: Library,
    private readonly mentions: DocumentMentions,
    private readonly notes: NoteLookup | undefined,
  ) {}

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location[] | undefined {
    const mention = this.mentions.at(document, position);
    const paper = mention && this.library.get(mention.key);
    if (!paper) return undefined;
    const locations = paper.sources.map(sourceLocation);
    const note = this.notes?.noteUri(paper.key);
    if (note) locations.push(new vscode.Location(note, new vscode.Position(0, 0)));
    return locations;
  }
}
