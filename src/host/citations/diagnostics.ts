/**
 * A warning on every citation of a key the library does not know, or of a key retired after a
 * merge. Kept current as documents open and change (debounced) and as the library changes.
 */
import * as vscode from 'vscode';
import { latexBibliography } from '../../core/bibliography/bibEntries';
import { shortTitle } from '../../core/citations/format';
import { Disposable } from '../lifecycle';
import type { Library } from '../library/library';
import { type DocumentMentions, mentionRange, syntaxOf } from './documentMentions';

/** The diagnostic code of an unknown key; the quick fixes look for it. */
export const UNKNOWN_KEY_CODE = 'unknownCitationKey';
/** The code of a citation of a key retired after a merge (it named two papers). */
export const RETIRED_KEY_CODE = 'retiredCitationKey';
/** The source of every citation diagnostic; the quick fixes look for it too. */
export const DIAGNOSTIC_SOURCE = 'Marginalia';
const DIAGNOSTIC_DEBOUNCE_MS = 250;
/** How unknown keys are shown: "warning" (the default), "hint" (dotted underline only) or "off". */
export const SEVERITY_SETTING = 'marginalia.citations.unknownKeySeverity';

export class CitationDiagnostics extends Disposable {
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly library: Library,
    private readonly mentions: DocumentMentions,
  ) {
    super();
    this.diagnostics = this.register(vscode.languages.createDiagnosticCollection('marginalia-citations'));
    this.register(library.onDidChange(() => this.refreshAll()));
    this.register(library.onDidChangeState(() => this.refreshAll()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SEVERITY_SETTING)) this.refreshAll();
      }),
    );
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document, DIAGNOSTIC_DEBOUNCE_MS)));
    this.register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        const uri = document.uri.toString();
        clearTimeout(this.timers.get(uri));
        this.timers.delete(uri);
        this.diagnostics.delete(document.uri);
      }),
    );
    this.register({
      dispose: () => {
        for (const timer of this.timers.values()) clearTimeout(timer);
      },
    });
    this.refreshAll();
  }

  /** The warnings of a document, for tests. */
  of(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.diagnostics.get(uri) ?? [];
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!syntaxOf(document)) return;
    const uri = document.uri.toString();
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        if (!document.isClosed) this.update(document);
      }, delayMs),
    );
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private update(document: vscode.TextDocument): void {
    if (!syntaxOf(document) || (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled')) return;
    // While the library loads (or cannot be read), every key would look unknown.
    if (this.library.state !== 'ready') {
      this.diagnostics.delete(document.uri);
      return;
    }
    const setting = vscode.workspace.getConfiguration(undefined, document.uri).get<unknown>(SEVERITY_SETTING);
    const unknownSeverity = setting === 'off' ? null : setting === 'hint' ? vscode.DiagnosticSeverity.Hint : vscode.DiagnosticSeverity.Warning;
    // A LaTeX document's own thebibliography defines its \bibitem keys.
    const bibitems = document.languageId === 'latex' || document.languageId === 'tex' ? new Set(latexBibliography(document.getText()).bibitems) : null;
    const diagnostics = this.mentions
      .in(document)
      // A bare `@name` in markdown is as often a handle or a decorator as a citation.
      .filter((mention) => mention.form !== 'bare' && this.library.get(mention.key) === undefined && !bibitems?.has(mention.key))
      .flatMap((mention) => {
        const dispute = this.library.dispute(mention.key);
        // A retired key is always a warning: it used to name a paper, and now names two.
        const severity = dispute ? vscode.DiagnosticSeverity.Warning : unknownSeverity;
        if (severity === null) return [];
        const message = dispute
          ? `After a merge, "${mention.key}" named ${dispute.papers.length} papers (${dispute.papers.map((paper) => `"${shortTitle(paper.title, 60)}", now ${paper.key}`).join('; ')}), so it names none: cite the one you meant by its new key.`
          : `Unknown citation key "${mention.key}": no digest paper or .bib entry of the workspace has it.`;
        const diagnostic = new vscode.Diagnostic(mentionRange(mention), message, severity);
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = dispute ? RETIRED_KEY_CODE : UNKNOWN_KEY_CODE;
        return [diagnostic];
      });
    this.diagnostics.set(document.uri, diagnostics);
  }
}
