/**
 * The composition root: builds the library, the views, the panels and the commands, and hands
 * every disposable to VS Code. Reading the digests starts after `activate` returns.
 */
import * as vscode from 'vscode';
import { CommandIds, ContextKeys } from './host/commandIds';
import { LibraryCommands } from './host/libraryCommands';
import { PaperPanels } from './host/paperPanel';
import { PapersView } from './host/papersView';
import { LibraryStatusBar } from './host/statusBar';
import { WorkspaceLibrary } from './host/workspaceLibrary';
import { RelatedView } from './host/relatedView';
import { SearchCommands } from './host/searchCommands';
import { SearchService } from './host/searchService';
import { paperRelatedSource } from './host/paperRelated';

/** What the extension exposes to its integration tests (and to nobody else). */
export interface MarginaliaApi {
  library: WorkspaceLibrary;
  papersView: PapersView;
  panels: PaperPanels;
  statusBar: LibraryStatusBar;
  /** Resolves when the first reading of the digests has finished. */
  ready: Promise<void>;
  /** Milliseconds from the start of `activate`: to its return, and to the first full tree. */
  timings: { activation: number; firstTree?: number };
  /** The search index (its `lastSync.origin` says whether the cache was used), the Related view, the search commands. */
  search: SearchService;
  related: RelatedView;
  searchCommands: SearchCommands;
  /** Builds a second SearchService over the same library and storage, as a window reload does (for tests). */
  createSearchService(): SearchService;
}

export function activate(context: vscode.ExtensionContext): MarginaliaApi {
  const started = performance.now();
  const timings: MarginaliaApi['timings'] = { activation: 0 };
  const log = vscode.window.createOutputChannel('Marginalia', { log: true });
  context.subscriptions.push(log);

  const library = new WorkspaceLibrary(log);
  const panels = new PaperPanels(context.extensionUri, library, log);
  const papersView = new PapersView(library, context.workspaceState, (key, options) => panels.show(key, options));
  const statusBar = new LibraryStatusBar(library, CommandIds.searchPapers);
  const commands = new LibraryCommands(context.extensionUri, library, panels, papersView, log);
  context.subscriptions.push(library, panels, papersView, statusBar, commands);
  // Integrator: pass the notes helper's NoteIndex (a NoteLookup) instead of undefined, here and in createSearchService.
  const createSearchService = () => new SearchService(library, undefined, context.storageUri, context.extensionUri, log);
  const search = createSearchService();
  const related = new RelatedView(search, library, panels, log);
  const searchCommands = new SearchCommands(search, library, panels, related, (key) => panels.show(key, { preview: false }), undefined, log);
  context.subscriptions.push(search, related, searchCommands, panels.setRelatedSource(paperRelatedSource(search, library)));

  const setState = () => void vscode.commands.executeCommand('setContext', ContextKeys.libraryState, library.state);
  context.subscriptions.push(library.onDidChangeState(setState));
  setState();

  // Parsing waits until activation has returned, so the window is never held up by it.
  const ready = new Promise<void>((resolve) => setImmediate(resolve)).then(() => library.reload()).then(() => {
    timings.firstTree = performance.now() - started;
    log.info(`First tree after ${Math.round(timings.firstTree)} ms`);
  }, (error: unknown) => {
    log.error(`Reading the digests failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    void vscode.window.showErrorMessage('Marginalia could not read the digests; see the Marginalia log for details.', 'Show Log').then((choice) => {
      if (choice) log.show();
    });
  });
  timings.activation = performance.now() - started;
  log.info(`Marginalia ${String(context.extension.packageJSON.version)} activated in ${timings.activation.toFixed(1)} ms`);
  return { library, papersView, panels, statusBar, ready, timings, search, related, searchCommands, createSearchService };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
