/**
 * The citation keys in open documents, as every citation provider reads them: which documents are
 * scanned (CITATION_SELECTOR), their mentions scanned once per version, and the one conversion of
 * a core mention to a vscode.Range.
 */
import * as vscode from 'vscode';
import {
  CITABLE_LANGUAGES,
  type CitationMention,
  type CitationSyntax,
  citationSyntaxForLanguage,
  mentionAt,
  scanCitations,
} from '../../core/citations/scanner';
import { Disposable } from '../lifecycle';

/** The documents whose citations Marginalia reads: every citable language, on disk or untitled. */
export const CITATION_SELECTOR: vscode.DocumentSelector = CITABLE_LANGUAGES.flatMap((language) => [
  { language, scheme: 'file' },
  { language, scheme: 'untitled' },
]);

/** How to read a document: by its language, or undefined for documents Marginalia does not scan. */
export function syntaxOf(document: vscode.TextDocument): CitationSyntax | undefined {
  return citationSyntaxForLanguage(document.languageId);
}

/** Where a mention's key stands in its document. */
export function mentionRange(mention: CitationMention): vscode.Range {
  return new vscode.Range(mention.line, mention.start, mention.line, mention.end);
}

/** The mentions of open documents; a document's scan is kept until it changes or closes. */
export class DocumentMentions extends Disposable {
  private readonly scans = new Map<string, { version: number; languageId: string; mentions: CitationMention[] }>();

  constructor() {
    super();
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.scans.delete(document.uri.toString())));
  }

  /** The mentions of a document, scanned once per version (and again if its language changes). */
  in(document: vscode.TextDocument): CitationMention[] {
    const syntax = syntaxOf(document);
    if (!syntax) return [];
    const uri = document.uri.toString();
    const cached = this.scans.get(uri);
    if (cached && cached.version === document.version && cached.languageId === document.languageId) return cached.mentions;
    const mentions = scanCitations(document.getText(), syntax);
    this.scans.set(uri, { version: document.version, languageId: document.languageId, mentions });
    return mentions;
  }

  /** The mention whose key holds the position, if any. */
  at(document: vscode.TextDocument, position: vscode.Position): CitationMention | undefined {
    return mentionAt(this.in(document), position.line, position.character);
  }
}
