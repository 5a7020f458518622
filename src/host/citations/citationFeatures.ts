/**
 * Citation keys in editors: completion, hover, go to definition / peek, document links, references
 * (Shift+F12), and a warning with quick fixes on keys the library does not know, each in its own
 * file. Works in every language of CITABLE_LANGUAGES: markdown (pandoc citations), LaTeX (`\cite`
 * family) and code (pandoc citations in comments). This class only builds and registers them.
 */
import * as vscode from 'vscode';
import type { BibEntry } from '../../core/bibliography/bibEntries';
import type { Paper } from '../../core/types';
import type { CitationMention } from '../../core/citations/scanner';
import { Disposable } from '../lifecycle';
import type { Library } from '../library/library';
import type { NoteLookup } from '../notes/noteLookup';
import { CitationQuickFixes } from './codeActions';
import { COMPLETION_TRIGGERS, CitationCompletionProvider } from './completion';
import { CitationDefinitionProvider } from './definitions';
import { CitationDiagnostics } from './diagnostics';
import { CITATION_SELECTOR, DocumentMentions } from './documentMentions';
import { CitationLinkProvider } from './documentLinks';
import { CitationHoverProvider } from './hover';
import { CitationReferenceProvider } from './references';
import type { WorkspaceCitations } from './workspaceCitations';

export class CitationFeatures extends Disposable {
  private readonly mentions: DocumentMentions;
  private readonly diagnostics: CitationDiagnostics;

  /** @param entryOf the reader's .bib entry behind a paper (see host/bib/citableLibrary.ts), for hovers */
  constructor(library: Library, citations: WorkspaceCitations, notes: NoteLookup | undefined, entryOf?: (paper: Paper) => BibEntry | undefined) {
    super();
    const mentions = (this.mentions = this.register(new DocumentMentions()));
    this.diagnostics = this.register(new CitationDiagnostics(library, mentions));
    const selector = CITATION_SELECTOR;
    this.register(vscode.languages.registerCompletionItemProvider(selector, new CitationCompletionProvider(library, entryOf), ...COMPLETION_TRIGGERS));
    this.register(vscode.languages.registerHoverProvider(selector, new CitationHoverProvider(library, mentions, entryOf)));
    this.register(vscode.languages.registerDefinitionProvider(selector, new CitationDefinitionProvider(library, mentions, notes)));
    this.register(vscode.languages.registerReferenceProvider(selector, new CitationReferenceProvider(library, mentions, citations)));
    this.register(vscode.languages.registerDocumentLinkProvider(selector, new CitationLinkProvider(library, mentions)));
    this.register(vscode.languages.registerCodeActionsProvider(selector, new CitationQuickFixes(library, citations), CitationQuickFixes.metadata));
  }

  /** The mentions of a document, scanned once per version. */
  mentionsIn(document: vscode.TextDocument): CitationMention[] {
    return this.mentions.in(document);
  }

  /** The unknown-key diagnostics of a document, for tests. */
  diagnosticsOf(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.diagnostics.of(uri);
  }
}
