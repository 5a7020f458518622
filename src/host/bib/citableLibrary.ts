/**
 * The library the citation features see: the digest library (WorkspaceLibrary, unchanged) joined
 * with the workspace's bibliographies (core/bibliography/bibEntries.ts). This is the one seam
 * between the two: WorkspaceLibrary knows nothing of `.bib` files, and every feature that cites,
 * hovers, defines, searches or opens papers takes this Library instead.
 */
import * as vscode from 'vscode';
import { joinBibliographies, type BibEntry, type JoinedLibrary } from '../../core/bibliography/bibEntries';
import { PaperFinder, mergeMatches, type FindMode, type PaperMatch } from '../../core/citations/paperFinder';
import type { KeyDispute } from '../../core/library/libraryFile';
import { keysOfPaper } from '../../core/library/citationKey';
import type { Paper } from '../../core/types';
import { Disposable } from '../lifecycle';
import type { Library, LibraryState } from '../library/library';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import type { Bibliographies } from './bibliographies';

export class CitableLibrary extends Disposable implements Library {
  private joinedCache: JoinedLibrary | undefined;
  /** The citation finder of the papers the join changed or added (a few, next to the worker's finder of the digests). */
  private joinFinder: { joined: JoinedLibrary; finder: PaperFinder } | undefined;
  /** Every key (canonical and alias) of the papers the join changed or added, to that paper. */
  private changedByKey = new Map<string, Paper>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private readonly stateChanged = this.register(new vscode.EventEmitter<LibraryState>());
  private lastState: LibraryState;

  readonly onDidChange = this.changed.event;
  /** The digest library's list of papers the join was made from. */
  private joinedFrom: readonly Paper[] | undefined;
  readonly onDidChangeState = this.stateChanged.event;

  constructor(
    private readonly digests: WorkspaceLibrary,
    private readonly bibliographies: Bibliographies,
  ) {
    super();
    this.lastState = this.state;
    const invalidate = () => {
      this.joinedCache = undefined;
      this.changed.fire();
      this.fireState();
    };
    // A tag change keeps the digest library's list of papers: the join (and what is built from its
    // papers, such as the citation finder) stays as it is.
    this.register(
      digests.onDidChange(() => {
        if (this.joinedCache && this.joinedFrom === this.digests.papers) {
          this.changed.fire();
          this.fireState();
          return;
        }
        invalidate();
      }),
    );
    this.register(bibliographies.onDidChange(invalidate));
    this.register(digests.onDidChangeState(() => this.fireState()));
  }

  /** The digest papers (with their .bib keys as aliases), then the .bib entries no digest lists. */
  get papers(): readonly Paper[] {
    return this.joined.papers;
  }

  /** Ready when the digest library is, or when it has no digest to read but the bibliographies have entries. */
  get state(): LibraryState {
    const state = this.digests.state;
    if ((state === 'empty' || state === 'noFolder') && this.bibliographies.entries.length > 0) return 'ready';
    return state;
  }

  get(key: string): Paper | undefined {
    const joined = this.joined;
    if (joined.entries.size === 0) return this.digests.get(key);
    return this.changedByKey.get(key) ?? this.digests.get(key);
  }

  /** The canonical key of `key` (itself, or the key an alias stands for); undefined for no paper. */
  canonicalKey(key: string): string | undefined {
    return this.get(key)?.key;
  }

  tagsOf(key: string): readonly string[] {
    return this.digests.tagsOf(key);
  }

  dispute(key: string): KeyDispute | undefined {
    return this.digests.dispute(key);
  }

  /**
   * The digest library's matches (from its worker), as the join shows those papers, joined with the
   * matches among the papers the join changed (a .bib key as an alias) or added (a .bib entry no
   * digest lists).
   */
  async find(mode: FindMode, query: string, limit: number): Promise<PaperMatch[]> {
    const fromDigests = await this.digests.find(mode, query, limit);
    const joined = this.joined;
    if (this.changedByKey.size === 0) return fromDigests;
    if (this.joinFinder?.joined !== joined) this.joinFinder = { joined, finder: new PaperFinder([...new Set(this.changedByKey.values())]) };
    const shown = fromDigests.map(({ paper, rank }) => ({ paper: this.get(paper.key) ?? paper, rank }));
    return mergeMatches([shown, this.joinFinder.finder.find(mode, query, limit)], limit);
  }

  workspaceRelative(file: string): string {
    return this.digests.workspaceRelative(file);
  }

  /** The .bib entry behind `paper` (one of its keys), if any. */
  entryOf(paper: Pick<Paper, 'key' | 'aliases'>): BibEntry | undefined {
    const entries = this.joined.entries;
    if (entries.size === 0) return undefined;
    for (const key of keysOfPaper(paper)) {
      const entry = entries.get(key);
      if (entry) return entry;
    }
    return undefined;
  }

  private get joined(): JoinedLibrary {
    if (!this.joinedCache) {
      const joined = joinBibliographies(this.digests.papers, this.bibliographies.entries);
      this.joinedFrom = this.digests.papers;
      const changed = new Map<string, Paper>();
      if (joined.entries.size > 0) {
        const digestCount = this.digests.papers.length;
        joined.papers.forEach((paper, index) => {
          if (index < digestCount && paper === this.digests.papers[index]) return;
          for (const key of keysOfPaper(paper)) changed.set(key, paper);
        });
      }
      this.changedByKey = changed;
      this.joinedCache = joined;
    }
    return this.joinedCache;
  }

  private fireState(): void {
    const state = this.state;
    if (state === this.lastState) return;
    this.lastState = state;
    this.stateChanged.fire(state);
  }
}
