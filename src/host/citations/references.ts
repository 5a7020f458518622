/** Find All References (Shift+F12) on a citation key: its citations in the workspace, and its digest lines as declarations. */
import * as vscode from 'vscode';
import { languageForFileName, type CitationForm } from '../../core/citations/scanner';
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
      .map((m) => new vscode.Location(m.uri, referenceRange(m.range, m.form, languageForFileName(m.uri.path) === 'markdown')));
    const markdown = document.languageId === 'markdown';
    // A paper's older key (kept after a merge) cites the same paper.
    const paper = this.library.get(mention.key);
    const fromDocument = this.mentions
      .in(document)
      .filter((m) => m.key === mention.key || (paper !== undefined && this.library.get(m.key)?.key === paper.key))
      .map((m) => new vscode.Location(document.uri, referenceRange(mentionRange(m), m.form, markdown)));
    const result = [...fromIndex, ...fromDocument];
    if (context.includeDeclaration) result.push(...(this.library.get(mention.key)?.sources ?? []).map(sourceLocation));
    return result;
  }
}

/**
 * Where a citation's reference stands. In a markdown file VS Code's markdown extension answers too:
 * it reads `[@key]` as a link reference and gives the range of `@key`. Ours starts at the `@` as
 * well, so that the references view, which drops a location two providers give alike, lists the
 * citation once. Elsewhere (LaTeX, code comments) the range is the key's.
 */
function referenceRange(range: vscode.Range, form: CitationForm, markdown: boolean): vscode.Range {
  if (!markdown || form === 'latex' || range.start.character === 0) return range;
  return new vscode.Range(range.start.translate(0, -1), range.end);
}
