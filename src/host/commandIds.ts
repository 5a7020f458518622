/**
 * Every command Marginalia contributes. package.json lists exactly these (a unit test checks both
 * ways), and src/host registers exactly these.
 */
export const CommandIds = {
  openPaper: 'marginalia.openPaper',
  openPaperToSide: 'marginalia.openPaperToSide',
  openPaperFromTree: 'marginalia.openPaperFromTree',
  openSelectedPapers: 'marginalia.openSelectedPapers',
  selectNextPaper: 'marginalia.selectNextPaper',
  selectPreviousPaper: 'marginalia.selectPreviousPaper',
  pinPaper: 'marginalia.pinPaper',
  revealPaper: 'marginalia.revealPaper',
  /** Opens the Papers view; the walkthrough's first step counts it as the reader opening the library. */
  showPapers: 'marginalia.showPapers',
  /** Internal: a walkthrough button's command, run once the walkthrough has focused its step (walkthroughButton.ts). */
  walkthroughButton: 'marginalia.walkthroughButton',
  revealInDigest: 'marginalia.revealInDigest',
  copyKey: 'marginalia.copyKey',
  groupByDigest: 'marginalia.groupByDigest',
  groupByMonth: 'marginalia.groupByMonth',
  groupByTag: 'marginalia.groupByTag',
  sortByTitle: 'marginalia.sortByTitle',
  sortByDate: 'marginalia.sortByDate',
  sortByUpvotes: 'marginalia.sortByUpvotes',
  filter: 'marginalia.filter',
  clearFilter: 'marginalia.clearFilter',
  /** A "Show More" item's: the next page of a group in the Papers tree (argument: the group's id). */
  showMorePapers: 'marginalia.showMorePapers',
  /** The same in the Tags view (argument: the tag item's id). */
  showMoreTagPapers: 'marginalia.showMoreTagPapers',
  reindex: 'marginalia.reindex',
  openDigest: 'marginalia.openDigest',
  configureDigests: 'marginalia.configureDigests',
  addSampleDigests: 'marginalia.addSampleDigests',
  openLibraryFile: 'marginalia.openLibraryFile',
  resolveLibraryConflict: 'marginalia.resolveLibraryConflict',
  showLog: 'marginalia.showLog',
  openNote: 'marginalia.openNote',
  quoteInNote: 'marginalia.quoteInNote',
  addTag: 'marginalia.addTag',
  removeTag: 'marginalia.removeTag',
  renameTag: 'marginalia.renameTag',
  copyBibtex: 'marginalia.copyBibtex',
  exportBibtex: 'marginalia.exportBibtex',
  exportCslJson: 'marginalia.exportCslJson',
  openCode: 'marginalia.openCode',
  insertCitation: 'marginalia.insertCitation',
  copyCitation: 'marginalia.copyCitation',
  findCitations: 'marginalia.findCitations',
  /** A quick fix's: picks a paper and puts its key in place of an unknown one (arguments: document URI, range). */
  replaceCitationKey: 'marginalia.replaceCitationKey',
  searchPapers: 'marginalia.searchPapers',
  relatedPapers: 'marginalia.relatedPapers',
  relatedToSelection: 'marginalia.relatedToSelection',
  relatedToNote: 'marginalia.relatedToNote',
  /** For You: picks a tag (or takes a Tags view tag, or a tag name) and shows the papers most like its papers. */
  forYou: 'marginalia.forYou',
  markUnread: 'marginalia.markUnread',
  markReading: 'marginalia.markReading',
  markRead: 'marginalia.markRead',
  markNotInterested: 'marginalia.markNotInterested',
  setReadingStatus: 'marginalia.setReadingStatus',
  markReadAndOpenNext: 'marginalia.markReadAndOpenNext',
  filterByStatus: 'marginalia.filterByStatus',
  groupByStatus: 'marginalia.groupByStatus',
  addToReadingQueue: 'marginalia.addToReadingQueue',
  removeFromReadingQueue: 'marginalia.removeFromReadingQueue',
  moveUpInReadingQueue: 'marginalia.moveUpInReadingQueue',
  moveDownInReadingQueue: 'marginalia.moveDownInReadingQueue',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** Context keys set by the extension, used in package.json `when` clauses. */
export const ContextKeys = {
  /** 'loading' | 'noFolder' | 'empty' | 'corrupt' | 'ready' */
  libraryState: 'marginalia.libraryState',
  groupBy: 'marginalia.groupBy',
  sortBy: 'marginalia.sortBy',
  filterActive: 'marginalia.filterActive',
  /** The Papers tree's status filter: '' (none) or a ReadingStatus. */
  statusFilter: 'marginalia.statusFilter',
  /** True once the Papers view was visible with papers in it: completes the walkthrough's first step. */
  papersShown: 'marginalia.papersShown',
  /**
   * True once a paper view showed a paper in this window: completes the walkthrough's "Open a
   * paper" step when a paper is open, not when Open Paper's picker opens (the walkthrough moving on
   * then took the focus and closed the picker).
   */
  paperShown: 'marginalia.paperShown',
  /** True while the Papers tree's selection is papers only (no group): Enter and Space open them. */
  paperSelected: 'marginalia.paperSelected',
} as const;
