/**
 * Citation keys in editors: completion, hover, go to definition / peek, document links, references
 * (Shift+F12), and a warning with quick fixes on keys the library does not know, each in its own
 * file. Works in every language of CITABLE_LANGUAGES: markdown (pandoc citations), LaTeX (`\cite`
 * family) and code (pandoc citations in comments). This class only builds and registers them.
 */
import * as vscode from 'vscode';
import type { BibEntry } from '../../core/bibliography/bibEntries';
import { PaperFinder } from '../../core/citations/paperFinder';
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
import { yieldTurn } from '../shared/turns';

/** Below this many papers the finder is built when first asked for: a few milliseconds. */
const BACKGROUND_FINDER_PAPERS = 5000;
/** How long the library must stay unchanged before the finder is built in the background. */
const FINDER_SETTLE_MS = 2000;

export class CitationFeatures extends Disposable {
  private finderCache: PaperFinder | undefined;
  /** The library's list of papers the finder was built from. */
  private finderPapers: readonly Paper[] | undefined;
  private prepareTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly mentions: DocumentMentions;
  private readonly diagnostics: CitationDiagnostics;

  /** @param entryOf the reader's .bib entry behind a paper (see host/bib/citableLibrary.ts), for hovers */
  constructor(
    private readonly library: Library,
    citations: WorkspaceCitations,
    notes: NoteLookup | undefined,
    entryOf?: (paper: Paper) => BibEntry | undefined,
  ) {
    super();
    this.register(library.onDidChange(() => this.prepareFinder()));
    this.register({ dispose: () => clearTimeout(this.prepareTimer) });
    const mentions = (this.mentions = this.register(new DocumentMentions()));
    this.diagnostics = this.register(new CitationDiagnostics(library, mentions));
    const selector = CITATION_SELECTOR;
    this.register(
      vscode.languages.registerCompletionItemProvider(selector, new CitationCompletionProvider(library, () => this.finder, entryOf), ...COMPLETION_TRIGGERS),
    );
    this.register(vscode.languages.registerHoverProvider(selector, new CitationHoverProvider(library, mentions, entryOf)));
    this.register(vscode.languages.registerDefinitionProvider(selector, new CitationDefinitionProvider(library, mentions, notes)));
    this.register(vscode.languages.registerReferenceProvider(selector, new CitationReferenceProvider(library, mentions, citations)));
    this.register(vscode.languages.registerDocumentLinkProvider(selector, new CitationLinkProvider(library, mentions)));
    this.register(vscode.languages.registerCodeActionsProvider(selector, new CitationQuickFixes(library, citations), CitationQuickFixes.metadata));
  }

  /**
   * The paper finder for the current library, rebuilt when its papers change. A tag change keeps
   * the library's list of papers, and with it the finder: building it folds every title and
   * abstract, a second at 100,000 papers, which each Add Tag used to cost the next completion.
   */
  get finder(): PaperFinder {
    if (!this.finderCache || this.finderPapers !== this.library.papers) {
      this.finderPapers = this.library.papers;
      this.finderCache = new PaperFinder(this.library.papers);
    }
    return this.finderCache;
  }

  /**
   * Builds the finder for the library's new papers in slices, in the background, so that the first
   * completion after a load finds it ready rather than building it in one block of the host's thread.
   * A completion asked for before it is done builds it at once (the getter above).
   */
  private prepareFinder(): void {
    clearTimeout(this.prepareTimer);
    const papers = this.library.papers;
    if (this.finderPapers === papers || papers.length < BACKGROUND_FINDER_PAPERS) return;
    // A load changes the library several times in a row: build once it has settled, and stop a
    // build whose papers are no longer the library's.
    this.prepareTimer = setTimeout(() => {
      const current = () => this.library.papers === papers && this.finderPapers !== papers && !this.isDisposed;
      void PaperFinder.build(papers, async () => {
        await yieldTurn();
        return current();
      }).then((finder) => {
        if (finder && current()) {
          this.finderPapers = papers;
          this.finderCache = finder;
        }
      });
    }, FINDER_SETTLE_MS);
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
