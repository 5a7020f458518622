/**
 * The composition root: builds the library, the views, the panels and the commands, and hands
 * every disposable to VS Code. Reading the digests starts after `activate` returns.
 */
import * as vscode from 'vscode';
import { keysOfPaper } from './core/library/citationKey';
import { CitationCommands } from './host/citations/citationCommands';
import { WorkspaceCitations } from './host/citations/workspaceCitations';
import { CitationFeatures } from './host/citations/citationFeatures';
import { MarkdownPreviewCitations, type MarkdownIt } from './host/citations/markdownPreview';
import { CitedIn } from './host/paperView/citedIn';
import { CommandIds, ContextKeys } from './host/commandIds';
import { LibraryCommands } from './host/library/libraryCommands';
import { PaperPanels } from './host/paperView/panels';
import { PapersView } from './host/papers/papersView';
import { FirstStart } from './host/papers/firstStart';
import { LibraryStatusBar } from './host/library/statusBar';
import { NoteCommands } from './host/notes/noteCommands';
import { NoteDecorations } from './host/notes/noteDecorations';
import { NotesSection } from './host/notes/notesSection';
import { NoteIndex } from './host/notes/noteIndex';
import { NoteLens } from './host/notes/noteLens';
import { NoteTagSync } from './host/notes/noteTagSync';
import { Notes } from './host/notes/notes';
import { TagCommands } from './host/tags/tagCommands';
import { TagService } from './host/tags/tagService';
import { TagsSection } from './host/tags/tagsSection';
import { TagsView } from './host/tags/tagsView';
import { WorkspaceLibrary } from './host/library/workspaceLibrary';
import { LibraryWorkerClient } from './node/library/libraryWorkerClient';
import { BibCommands } from './host/bib/bibCommands';
import { AutoExport } from './host/bib/autoExport';
import { Bibliographies } from './host/bib/bibliographies';
import { CitableLibrary } from './host/bib/citableLibrary';
import { CodeLinks } from './host/paperView/codeLinks';
import { RelatedView } from './host/search/relatedView';
import { SearchCommands } from './host/search/searchCommands';
import { SearchService } from './host/search/searchService';
import { SearchWorkerClient } from './node/search/searchWorkerClient';
import { NoteFiles } from './node/notes/noteFiles';
import { FolderEvents } from './host/shared/fileWatching';
import { WalkthroughButtons } from './host/shared/walkthroughButton';
import { CommandPapers } from './host/shared/commandPapers';
import { RelatedSection } from './host/paperView/related';
import { PaperTools } from './host/lm/paperTools';
import { ForYouView } from './host/recommend/forYouView';
import { ReadingStatusCommands } from './host/status/readingStatusCommands';
import { ReadingQueueView } from './host/status/readingQueueView';
import { ReadingStatusSection } from './host/status/readingStatusSection';
import { ReadingStatusDecorations } from './host/status/readingStatusDecorations';

/** What the extension exposes to its integration tests (and to nobody else). */
export interface MarginaliaApi {
  library: WorkspaceLibrary;
  /** The workspace's .bib files, and the library the citation features see (digest papers joined with .bib entries). */
  bibliographies: Bibliographies;
  citable: CitableLibrary;
  /** The .bib that stays current (its `update()` runs it now). */
  autoExport: AutoExport;
  papersView: PapersView;
  /** This start's first-start decision (its `outcome`); `createFirstStart` decides again, as another start would (for tests). */
  firstStart: FirstStart;
  createFirstStart(state?: vscode.Memento): FirstStart;
  panels: PaperPanels;
  statusBar: LibraryStatusBar;
  notes: Notes;
  /** Front matter tags following the library's (its `settled()` waits for the writes). */
  noteTagSync: NoteTagSync;
  /** Tag changes, and the Tags tree's rows. */
  tags: { service: TagService; snapshot: TagsView['snapshot'] };
  /** Reading status commands, and the Reading Queue view's rows. */
  readingStatus: { commands: ReadingStatusCommands; queue: ReadingQueueView; section: ReadingStatusSection; decorations: ReadingStatusDecorations };
  /** Resolves when the first reading of the digests has finished. */
  ready: Promise<void>;
  /** Milliseconds from the start of `activate`: to its return, and to the first full tree. */
  timings: { activation: number; firstTree?: number };
  /** Open Code's links, local clones and actions. */
  codeLinks: CodeLinks;
  /** The workspace citation index (its `ready` resolves after the first background scan). */
  citations: WorkspaceCitations;
  citationFeatures: CitationFeatures;
  citationCommands: CitationCommands;
  citedIn: CitedIn;
  /** The search index (its `lastSync.origin` says whether the cache was used), the Related view, the search commands. */
  search: SearchService;
  related: RelatedView;
  searchCommands: SearchCommands;
  /** The For You view (recommendations for a tag). */
  forYou: ForYouView;
  /** Builds a second SearchService over the same library and storage, as a window reload does (for tests). */
  createSearchService(): SearchService;
  /** VS Code's markdown preview calls this (package.json: `markdown.markdownItPlugins`) to render citations. */
  extendMarkdownIt(md: MarkdownIt): MarkdownIt;
}

export function activate(context: vscode.ExtensionContext): MarginaliaApi {
  const started = performance.now();
  const timings: MarginaliaApi['timings'] = { activation: 0 };
  const log = vscode.window.createOutputChannel('Marginalia', { log: true });
  context.subscriptions.push(log);

  // The library's thread reads digests and the library file; parsed digests are cached in the
  // workspace's extension storage (never in the workspace).
  const libraryWorker = new LibraryWorkerClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'libraryWorker.js').fsPath, (level, message) =>
    log[level](message),
  );
  context.subscriptions.push({ dispose: () => libraryWorker.dispose() });
  const digestCache = context.storageUri?.scheme === 'file' ? vscode.Uri.joinPath(context.storageUri, 'digests').fsPath : null;
  // Folders created or deleted whole (a git pull, a copy): the features that watch files look inside.
  const folderEvents = new FolderEvents();
  context.subscriptions.push(folderEvents);
  const library = new WorkspaceLibrary(log, libraryWorker, digestCache, folderEvents);
  // The reader's .bib files join the digest library here, and only here: citing, hovers,
  // definitions, search and the paper view take `citable`; the tree, tags and notes the digest library.
  const bibliographies = new Bibliographies(log, folderEvents);
  const citable = new CitableLibrary(library, bibliographies);
  context.subscriptions.push(bibliographies, citable);
  const panels = new PaperPanels(context.extensionUri, citable, log);
  const papersView = new PapersView(library, context.workspaceState, (key, options) => panels.show(key, options), log);
  const statusBar = new LibraryStatusBar(library, CommandIds.searchPapers);
  // Which papers a command acts on, for every feature's commands: one rule, one owner.
  const commandPapers = new CommandPapers(citable, { selectedKeys: () => papersView.selectedKeys(), activePaperKey: () => panels.activePaperKey });
  const commands = new LibraryCommands(context.extensionUri, library, panels, papersView, commandPapers, log);
  context.subscriptions.push(library, panels, papersView, statusBar, commands);
  // Decided now, before the reader acts: the first start in a workspace of digests shows Marginalia.
  const createFirstStart = (state: vscode.Memento = context.workspaceState) =>
    new FirstStart({
      state,
      hasDigests: () => library.hasDigestFiles(),
      papersVisible: () => papersView.visible,
      showContainer: () => papersView.showContainer(),
      log,
    });
  const firstStart = createFirstStart();
  context.subscriptions.push(firstStart, new WalkthroughButtons(log));
  const noteIndex = new NoteIndex(log, folderEvents);
  const notes = new Notes(noteIndex, new NoteFiles(), library, log);
  const noteCommands = new NoteCommands(notes, panels, commandPapers, log);
  // The front matter's tags follow the library's (marginalia.notes.syncTags).
  const noteTagSync = new NoteTagSync(library, notes, log);
  const notesSection = new NotesSection(notes, library, log);
  const tagService = new TagService(library, log);
  const tagsView = new TagsView(library);
  const tagsSection = new TagsSection(library, tagService);
  panels.addSection(notesSection);
  panels.addSection(tagsSection);
  context.subscriptions.push(
    noteIndex,
    notes,
    noteCommands,
    notesSection,
    new NoteDecorations(noteIndex),
    new NoteLens(noteIndex),
    noteTagSync,
    tagsView,
    tagsSection,
    new TagCommands(library, tagService, commandPapers),
  );
  const tags = { service: tagService, snapshot: () => tagsView.snapshot() };
  const statusCommands = new ReadingStatusCommands(library, commandPapers, (key) => panels.show(key, { preview: true }), log);
  const queueView = new ReadingQueueView(library, {
    move: (key, index) => statusCommands.move(key, index),
    enqueue: (keys) => vscode.commands.executeCommand(CommandIds.addToReadingQueue, undefined, keys),
  });
  const statusSection = new ReadingStatusSection(library);
  panels.addSection(statusSection);
  const statusDecorations = new ReadingStatusDecorations(library);
  context.subscriptions.push(statusCommands, queueView, statusSection, statusDecorations);
  const readingStatus = { commands: statusCommands, queue: queueView, section: statusSection, decorations: statusDecorations };

  // Citations: the index scans the workspace in the background, after activation has returned.
  // The NoteLookup (for "Open Note" and the note as a definition) comes from the notes feature.
  const citations = new WorkspaceCitations(log, folderEvents);
  // A paper's citations, and its note, are those of its key and of each alias.
  const keysOfKey = (key: string) => {
    const paper = citable.get(key);
    return paper ? keysOfPaper(paper) : [key];
  };
  const canonicalKey = (key: string) => citable.canonicalKey(key);
  citations.resolveKeysWith(keysOfKey, canonicalKey);
  noteIndex.resolveKeysWith(keysOfKey, canonicalKey);
  const citationFeatures = new CitationFeatures(citable, citations, noteIndex, (paper) => citable.entryOf(paper));
  const citationCommands = new CitationCommands(citable, citationFeatures, citations, commandPapers, log);
  const citedIn = new CitedIn(citations, log);
  panels.addSection(citedIn);
  context.subscriptions.push(citations, citationFeatures, citationCommands, citedIn);
  setImmediate(() => void citations.start());
  const previewCitations = new MarkdownPreviewCitations(citable, (paper) => citable.entryOf(paper));
  context.subscriptions.push(previewCitations);
  // "Papers cited in the workspace" for the exports comes from the same index, once it is current.
  const citedKeys = async () => {
    await citations.start();
    await citations.settled();
    return new Set(citations.citedKeys().keys());
  };
  const codeLinks = new CodeLinks(library, commandPapers, log);
  context.subscriptions.push(new BibCommands(library, commandPapers, log, citedKeys), codeLinks);
  // The .bib that stays current (marginalia.autoExport.file): digest papers only, those the reader's .bib lacks.
  const autoExport = new AutoExport(
    library,
    (paper) => citable.entryOf(citable.get(paper.key) ?? paper),
    citedKeys,
    [citable.onDidChange, citations.onDidChange],
    log,
  );
  context.subscriptions.push(autoExport);
  // Search: the index is built in a worker and cached in the workspace's extension storage.
  const searchWorkerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'searchWorker.js').fsPath;
  const createSearchService = () => {
    // The worker reports progress to the service that owns it, which shows it while it synchronises.
    const client = new SearchWorkerClient(
      searchWorkerScript,
      (done, total) => service.workerProgress(done, total),
      (message) => log.warn(`Search index: ${message}`),
    );
    const service = new SearchService(citable, noteIndex, context.storageUri, client, log);
    return service;
  };
  const search = createSearchService();
  const related = new RelatedView(search, citable, panels, noteIndex, log);
  const searchCommands = new SearchCommands(search, citable, commandPapers, related, (key) => panels.show(key, { preview: false }), noteIndex, log);
  const relatedSection = new RelatedSection(search, citable, (key) => panels.show(key, { preview: true }), log);
  panels.addSection(relatedSection);
  context.subscriptions.push(search, related, searchCommands, relatedSection);
  // Chat agents search, read and cite the library through language-model tools.
  context.subscriptions.push(new PaperTools(citable, search, noteIndex, log));
  // For You: a tag's papers are the positives, the rest negatives. Papers marked "not interested"
  // are negatives too and never recommended.
  const forYou = new ForYouView(library, search, context.workspaceState, () => library.keysWithStatus('not-interested'), log);
  context.subscriptions.push(forYou);

  const setState = () => void vscode.commands.executeCommand('setContext', ContextKeys.libraryState, library.state);
  context.subscriptions.push(library.onDidChangeState(setState));
  setState();

  // Parsing waits until activation has returned, so the window is never held up by it.
  const ready = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => Promise.all([library.reload(), noteIndex.rescan(), bibliographies.reload()]))
    .then(
      () => {
        timings.firstTree = performance.now() - started;
        log.info(`First tree after ${Math.round(timings.firstTree)} ms`);
      },
      (error: unknown) => {
        log.error(`Reading the digests failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        void vscode.window.showErrorMessage('Marginalia could not read the digests; see the Marginalia log for details.', 'Show Log').then((choice) => {
          if (choice) log.show();
        });
      },
    );
  timings.activation = performance.now() - started;
  log.info(`Marginalia ${String(context.extension.packageJSON.version)} activated in ${timings.activation.toFixed(1)} ms`);
  return {
    library,
    bibliographies,
    citable,
    autoExport,
    papersView,
    firstStart,
    createFirstStart,
    panels,
    statusBar,
    notes,
    noteTagSync,
    tags,
    readingStatus,
    codeLinks,
    citations,
    citationFeatures,
    citationCommands,
    citedIn,
    search,
    related,
    searchCommands,
    forYou,
    createSearchService,
    extendMarkdownIt: (md) => previewCitations.extend(md),
    ready,
    timings,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
