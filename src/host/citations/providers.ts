/**
 * Citation keys in editors: completion, hover, go to definition / peek, document links, references
 * (Shift+F12), and a warning with quick fixes on keys the library does not know. Works in every
 * language of CITABLE_LANGUAGES: markdown (pandoc citations), LaTeX (`\cite` family) and code
 * (pandoc citations in comments).
 */
import * as vscode from 'vscode';
import type { KeyDispute } from '../../core/library/libraryFile';
import { nearestKeys, shortTitle } from '../../core/citations/format';
import { CITABLE_LANGUAGES, type CitationMention, type CitationSyntax, citationContextAt, citationSyntaxForLanguage, mentionAt, scanCitations } from '../../core/citations/scanner';
import { PaperFinder } from '../../core/citations/paperFinder';
import { formatPaperDate, isSafeExternalUrl } from '../../core/paperView/viewModel';
import type { Paper } from '../../core/types';
import type { WorkspaceCitations } from './workspaceCitations';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { NoteLookup } from '../notes/noteLookup';

/** What the citation features need from the library. WorkspaceLibrary is one. */
export interface CitationLibrary {
  readonly papers: readonly Paper[];
  /** The paper a key or alias names. */
  get(key: string): Paper | undefined;
  /** For a key retired after a merge: the papers it named. */
  dispute(key: string): KeyDispute | undefined;
  /** 'ready' when keys can be trusted (not loading, not corrupt). */
  readonly state: string;
  readonly onDidChange: vscode.Event<void>;
  readonly onDidChangeState: vscode.Event<unknown>;
}

/** The diagnostic code of an unknown key; the quick fixes look for it. */
export const UNKNOWN_KEY_CODE = 'unknownCitationKey';
/** The code of a citation of a key retired after a merge (it named two papers). */
export const RETIRED_KEY_CODE = 'retiredCitationKey';
/** The command ids a hover may run; nothing else in a hover is trusted. */
const HOVER_COMMANDS = [CommandIds.openPaper, 'marginalia.openNote'];
/** How much abstract a hover and a completion item show. */
const HOVER_ABSTRACT_CHARS = 600;
const COMPLETION_ABSTRACT_CHARS = 300;
const COMPLETION_LIMIT = 100;
const DIAGNOSTIC_DEBOUNCE_MS = 250;

export const CITATION_SELECTOR: vscode.DocumentSelector = CITABLE_LANGUAGES.flatMap((language) => [
  { language, scheme: 'file' },
  { language, scheme: 'untitled' },
]);

export class CitationFeatures extends Disposable {
  private finderCache: PaperFinder | undefined;
  private readonly scans = new Map<string, { version: number; languageId: string; mentions: CitationMention[] }>();
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly diagnosticTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly library: CitationLibrary,
    private readonly citations: WorkspaceCitations,
    private readonly notes: NoteLookup | undefined,
  ) {
    super();
    this.diagnostics = this.register(vscode.languages.createDiagnosticCollection('marginalia-citations'));
    this.register(library.onDidChange(() => {
      this.finderCache = undefined;
      this.refreshAllDiagnostics();
    }));
    this.register(library.onDidChangeState(() => this.refreshAllDiagnostics()));

    const selector = CITATION_SELECTOR;
    this.register(vscode.languages.registerCompletionItemProvider(selector, { provideCompletionItems: (d, p) => this.complete(d, p) }, '@', '{', ',', ';'));
    this.register(vscode.languages.registerHoverProvider(selector, { provideHover: (d, p) => this.hover(d, p) }));
    this.register(vscode.languages.registerDefinitionProvider(selector, { provideDefinition: (d, p) => this.definition(d, p) }));
    this.register(vscode.languages.registerReferenceProvider(selector, { provideReferences: (d, p, c) => this.references(d, p, c) }));
    this.register(vscode.languages.registerDocumentLinkProvider(selector, { provideDocumentLinks: (d) => this.links(d) }));
    this.register(vscode.languages.registerCodeActionsProvider(selector, { provideCodeActions: (d, _r, c) => this.quickFixes(d, c) }, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }));

    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.scheduleDiagnostics(document, 0)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.scheduleDiagnostics(event.document, DIAGNOSTIC_DEBOUNCE_MS)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => {
      const uri = document.uri.toString();
      clearTimeout(this.diagnosticTimers.get(uri));
      this.diagnosticTimers.delete(uri);
      this.scans.delete(uri);
      this.diagnostics.delete(document.uri);
    }));
    this.register({ dispose: () => { for (const timer of this.diagnosticTimers.values()) clearTimeout(timer); } });
    this.refreshAllDiagnostics();
  }

  /** The paper finder for the current library (rebuilt after the library changes). */
  get finder(): PaperFinder {
    this.finderCache ??= new PaperFinder(this.library.papers);
    return this.finderCache;
  }

  /** The mentions of a document, scanned once per version. */
  mentionsIn(document: vscode.TextDocument): CitationMention[] {
    const syntax = syntaxOf(document);
    if (!syntax) return [];
    const uri = document.uri.toString();
    const cached = this.scans.get(uri);
    if (cached && cached.version === document.version && cached.languageId === document.languageId) return cached.mentions;
    const mentions = scanCitations(document.getText(), syntax);
    this.scans.set(uri, { version: document.version, languageId: document.languageId, mentions });
    return mentions;
  }

  /** The unknown-key diagnostics of a document, for tests. */
  diagnosticsOf(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.diagnostics.get(uri) ?? [];
  }

  private mentionAtPosition(document: vscode.TextDocument, position: vscode.Position): CitationMention | undefined {
    return mentionAt(this.mentionsIn(document), position.line, position.character);
  }

  // --- Completion --------------------------------------------------------------------------------

  private complete(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionList | undefined {
    const syntax = syntaxOf(document);
    if (!syntax || this.library.papers.length === 0) return undefined;
    const context = citationContextAt(document.getText(), position.line, position.character, syntax);
    if (!context) return undefined;
    const siblings = new Set(context.siblings);
    const range = {
      inserting: new vscode.Range(context.line, context.start, position.line, position.character),
      replacing: new vscode.Range(context.line, context.start, context.line, Math.max(context.end, position.character)),
    };
    const matches = this.finder.complete(context.prefix, COMPLETION_LIMIT);
    const items = matches.map((match, index) => {
      const { paper } = match;
      const year = paper.date?.year;
      const item = new vscode.CompletionItem({ label: paper.key, detail: year ? ` ${year}` : undefined, description: shortTitle(paper.title, 70) }, vscode.CompletionItemKind.Reference);
      item.detail = [paper.key, formatPaperDate(paper.date), paper.authors !== null ? `${paper.authors} author${paper.authors === 1 ? '' : 's'}` : ''].filter(Boolean).join(' · ');
      item.documentation = completionDocumentation(paper);
      item.insertText = context.needsAt ? `@${paper.key}` : paper.key;
      item.range = range;
      // What the user typed is matched against the key and the title's words.
      item.filterText = `${[paper.key, ...paper.aliases].join(' ')} ${paper.title}`;
      // Already cited in the same bracket: offered last.
      const rank = siblings.has(paper.key) ? 9 : match.rank;
      item.sortText = `${rank}${String(index).padStart(5, '0')}`;
      return item;
    });
    // Filtered here, so VS Code asks again as the user types.
    return new vscode.CompletionList(items, true);
  }

  // --- Hover -------------------------------------------------------------------------------------

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const mention = this.mentionAtPosition(document, position);
    if (!mention) return undefined;
    const range = new vscode.Range(mention.line, mention.start, mention.line, mention.end);
    const paper = this.library.get(mention.key);
    if (!paper) {
      if (this.library.state !== 'ready' || mention.form === 'bare') return undefined;
      const text = new vscode.MarkdownString();
      text.appendMarkdown(markdownText(`Unknown citation key ${mention.key}: no paper in the Marginalia library has it.`));
      return new vscode.Hover(text, range);
    }
    return new vscode.Hover(paperHover(paper), range);
  }

  // --- Definition, links, references -------------------------------------------------------------

  private definition(document: vscode.TextDocument, position: vscode.Position): vscode.Location[] | undefined {
    const mention = this.mentionAtPosition(document, position);
    const paper = mention && this.library.get(mention.key);
    if (!paper) return undefined;
    const locations = paper.sources.map((source) => {
      const line = Math.max(0, source.line - 1);
      return new vscode.Location(vscode.Uri.file(source.file), new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER));
    });
    const note = this.notes?.noteUri(paper.key);
    if (note) locations.push(new vscode.Location(note, new vscode.Position(0, 0)));
    return locations;
  }

  private links(document: vscode.TextDocument): vscode.DocumentLink[] {
    return this.mentionsIn(document)
      .filter((mention) => this.library.get(mention.key) !== undefined)
      .map((mention) => {
        const link = new vscode.DocumentLink(
          new vscode.Range(mention.line, mention.start, mention.line, mention.end),
          vscode.Uri.parse(commandLink(CommandIds.openPaper, mention.key), true),
        );
        link.tooltip = 'Open the paper view';
        return link;
      });
  }

  private references(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): vscode.Location[] | undefined {
    const mention = this.mentionAtPosition(document, position);
    if (!mention) return undefined;
    const locations = this.citations.mentionsOf(mention.key).map((m) => new vscode.Location(m.uri, m.range));
    // The document being edited may not be indexed (untitled) or be ahead of the index.
    const here = document.uri.toString();
    const fromIndex = locations.filter((location) => location.uri.toString() !== here);
    const fromDocument = this.mentionsIn(document)
      .filter((m) => m.key === mention.key)
      .map((m) => new vscode.Location(document.uri, new vscode.Range(m.line, m.start, m.line, m.end)));
    const result = [...fromIndex, ...fromDocument];
    if (context.includeDeclaration) {
      const paper = this.library.get(mention.key);
      for (const source of paper?.sources ?? []) {
        const line = Math.max(0, source.line - 1);
        result.push(new vscode.Location(vscode.Uri.file(source.file), new vscode.Range(line, 0, line, 0)));
      }
    }
    return result;
  }

  // --- Diagnostics and quick fixes ---------------------------------------------------------------

  private scheduleDiagnostics(document: vscode.TextDocument, delayMs: number): void {
    if (!syntaxOf(document)) return;
    const uri = document.uri.toString();
    clearTimeout(this.diagnosticTimers.get(uri));
    this.diagnosticTimers.set(uri, setTimeout(() => {
      this.diagnosticTimers.delete(uri);
      if (!document.isClosed) this.updateDiagnostics(document);
    }, delayMs));
  }

  private refreshAllDiagnostics(): void {
    for (const document of vscode.workspace.textDocuments) this.updateDiagnostics(document);
  }

  private updateDiagnostics(document: vscode.TextDocument): void {
    if (!syntaxOf(document) || (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled')) return;
    // While the library loads (or cannot be read), every key would look unknown.
    if (this.library.state !== 'ready') {
      this.diagnostics.delete(document.uri);
      return;
    }
    const diagnostics = this.mentionsIn(document)
      // A bare `@name` in markdown is as often a handle or a decorator as a citation.
      .filter((mention) => mention.form !== 'bare' && this.library.get(mention.key) === undefined)
      .map((mention) => {
        const dispute = this.library.dispute(mention.key);
        const message = dispute
          ? `After a merge, "${mention.key}" named ${dispute.papers.length} papers (${dispute.papers.map((paper) => `"${shortTitle(paper.title, 60)}", now ${paper.key}`).join('; ')}), so it names none: cite the one you meant by its new key.`
          : `Unknown citation key "${mention.key}": no paper in the Marginalia library has it.`;
        const diagnostic = new vscode.Diagnostic(new vscode.Range(mention.line, mention.start, mention.line, mention.end), message, vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'Marginalia';
        diagnostic.code = dispute ? RETIRED_KEY_CODE : UNKNOWN_KEY_CODE;
        return diagnostic;
      });
    this.diagnostics.set(document.uri, diagnostics);
  }

  /**
   * For a key retired after a merge: one fix per paper it named that rewrites every citation of it in
   * the workspace (the reader knows which paper their branch meant; Marginalia does not guess).
   */
  private rewriteEverywhere(key: string, dispute: KeyDispute, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
    const mentions = this.citations.mentionsOf(key);
    const files = new Set(mentions.map((mention) => mention.uri.toString()));
    if (mentions.length < 2) return [];
    return dispute.papers.map((paper) => {
      const action = new vscode.CodeAction(`Change all ${mentions.length} citations of ${key} in ${files.size} file${files.size === 1 ? '' : 's'} to ${paper.key} (${shortTitle(paper.title, 50)})`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      for (const mention of mentions) action.edit.replace(mention.uri, mention.range, paper.key);
      action.diagnostics = [diagnostic];
      return action;
    });
  }

  private quickFixes(document: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if ((diagnostic.code !== UNKNOWN_KEY_CODE && diagnostic.code !== RETIRED_KEY_CODE) || diagnostic.source !== 'Marginalia') continue;
      const unknown = document.getText(diagnostic.range);
      // A retired key offers exactly the papers it named; an unknown one the nearest keys.
      const dispute = this.library.dispute(unknown);
      const suggestions = dispute ? dispute.papers.map((paper) => paper.key) : nearestKeys(unknown, this.library.papers.map((paper) => paper.key), 5);
      suggestions.forEach((key, index) => {
        const paper = this.library.get(key);
        const title = paper ? ` (${shortTitle(paper.title, 50)})` : '';
        const action = new vscode.CodeAction(`Change to ${key}${title}`, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, diagnostic.range, key);
        action.diagnostics = [diagnostic];
        action.isPreferred = index === 0 && !dispute;
        actions.push(action);
      });
      if (dispute) actions.push(...this.rewriteEverywhere(unknown, dispute, diagnostic));
    }
    return actions;
  }
}

/** How to read a document: by its language, or undefined for documents Marginalia does not scan. */
export function syntaxOf(document: vscode.TextDocument): CitationSyntax | undefined {
  return citationSyntaxForLanguage(document.languageId);
}

/** A `command:` link running `command` with `key` as its one argument (JSON, percent-encoded). */
export function commandLink(command: string, key: string): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([key]))}`;
}

/**
 * The hover of a paper. Digest text is hostile: every digest string goes in through markdownText
 * (escaped), links only when http(s) and percent-encoded, and the only trusted parts are the
 * command links to Open Paper and Open Note.
 */
export function paperHover(paper: Paper): vscode.MarkdownString {
  const text = new vscode.MarkdownString(undefined, true);
  text.isTrusted = { enabledCommands: HOVER_COMMANDS };
  text.supportHtml = false;
  text.appendMarkdown('**');
  text.appendMarkdown(markdownText(paper.title || paper.key));
  text.appendMarkdown('**\n\n');
  const facts = [
    formatPaperDate(paper.date),
    paper.authors !== null ? `${paper.authors} author${paper.authors === 1 ? '' : 's'}` : paper.submitter?.trim() ?? '',
    paper.upvotes !== null ? `${paper.upvotes} upvote${paper.upvotes === 1 ? '' : 's'}` : '',
  ].filter((part) => part !== '');
  const keys = paper.aliases.length > 0 ? `${paper.key} (also ${paper.aliases.join(', ')})` : paper.key;
  text.appendMarkdown(markdownText([keys, ...facts].join(' · ')));
  text.appendMarkdown('\n\n');
  if (paper.abstract.trim() !== '') {
    text.appendMarkdown(markdownText(trimText(paper.abstract, HOVER_ABSTRACT_CHARS)));
    text.appendMarkdown('\n\n');
  }
  const links = paper.links.filter(isSafeExternalUrl).slice(0, 4);
  for (const url of links) {
    text.appendMarkdown(`[$(link-external) `);
    text.appendMarkdown(markdownText(displayUrl(url)));
    text.appendMarkdown(`](${markdownUrl(url)})  \n`);
  }
  if (links.length > 0) text.appendMarkdown('\n');
  text.appendMarkdown(`[Open Paper](${commandLink(CommandIds.openPaper, paper.key)})`);
  text.appendMarkdown(` | [Open Note](${commandLink('marginalia.openNote', paper.key)})`);
  return text;
}

function completionDocumentation(paper: Paper): vscode.MarkdownString {
  const text = new vscode.MarkdownString();
  text.appendMarkdown('**');
  text.appendMarkdown(markdownText(paper.title));
  text.appendMarkdown('**');
  const date = formatPaperDate(paper.date);
  if (date) {
    text.appendMarkdown(' · ');
    text.appendMarkdown(markdownText(date));
  }
  if (paper.abstract.trim() !== '') {
    text.appendMarkdown('\n\n');
    text.appendMarkdown(markdownText(trimText(paper.abstract, COMPLETION_ABSTRACT_CHARS)));
  }
  return text;
}

/**
 * Untrusted text as markdown that renders as exactly that text: ASCII punctuation that markdown,
 * HTML or a theme icon (`$(...)`) could read as syntax is backslash-escaped, and white space runs
 * become one space. Not MarkdownString.appendText, which writes every space as &nbsp; so that a
 * hover cannot wrap between words.
 */
export function markdownText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/[\\`*_{}[\]()#+\-.!|<>&~:$]/g, '\\$&');
}

/** Cuts text at a word boundary with an ellipsis. */
function trimText(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

function displayUrl(url: string): string {
  const short = url.replace(/^https?:\/\/(?:www\.)?/i, '').replace(/\/$/, '');
  return short.length > 60 ? `${short.slice(0, 59)}…` : short;
}

/** An http(s) URL made safe inside a markdown link destination: no spaces, parentheses or angle brackets. */
function markdownUrl(url: string): string {
  return url.replace(/[\s()<>\\[\]`*_]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
