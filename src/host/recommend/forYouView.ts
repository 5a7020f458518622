/**
 * The For You view (`marginalia.forYou`): for one tag the reader picks, the papers most like the
 * ones they gave it, ranked by a classifier the search worker trains on the spot (core/search/forYou.ts),
 * each with the words that weigh most for it. It follows the library: tagging or untagging a paper
 * trains again. The tag is remembered per workspace.
 */
import * as vscode from 'vscode';
import type { ForYouHit } from '../../core/search/forYou';
import { iconLabelText } from '../../core/escaping';
import { registerSafeCommand, reportError } from '../commandRunner';
import { CommandIds } from '../commandIds';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { Disposable } from '../lifecycle';
import type { SearchService } from '../search/searchService';
import { rankedPaperItem } from '../shared/rankedPaperRow';
import { isTagNode } from '../tags/tagsView';

export const FOR_YOU_VIEW_ID = 'marginalia.forYou';
const TAG_STATE = 'marginalia.forYou.tag';
const RESULTS = 20;
/** Library changes (a tag added) are gathered this long before training again. */
const FOLLOW_DELAY_MS = 500;

/** The papers the reader marked not interested: negatives for every tag, never recommended. */
export type NotInterested = () => readonly string[];

interface ForYouRow {
  hit: ForYouHit;
}

export class ForYouView extends Disposable implements vscode.TreeDataProvider<ForYouRow> {
  private readonly view: vscode.TreeView<ForYouRow>;
  private readonly treeChanged = this.register(new vscode.EventEmitter<void>());
  private rows: ForYouRow[] = [];
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private computing: Promise<void> = Promise.resolve();
  /** What the last training cost in the worker, for the log and tests. */
  lastMs: number | undefined;

  readonly onDidChangeTreeData = this.treeChanged.event;

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly search: SearchService,
    private readonly state: vscode.Memento,
    private readonly notInterested: NotInterested,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.view = this.register(vscode.window.createTreeView(FOR_YOU_VIEW_ID, { treeDataProvider: this }));
    this.register(
      registerSafeCommand(
        CommandIds.forYou,
        (first) => this.choose(first),
        (id, error) => reportError(log, id, error, 'Marginalia could not recommend papers'),
      ),
    );
    this.register(library.onDidChange(() => this.schedule()));
    this.register(search.onDidChangeIndex(() => this.schedule()));
    this.register(this.view.onDidChangeVisibility(() => this.schedule(0)));
    this.schedule(0);
  }

  /** The tag the view recommends for, if any. */
  get tag(): string | undefined {
    return this.state.get<string>(TAG_STATE) || undefined;
  }

  /** The rows on screen, for tests. */
  snapshot(): { tag: string | undefined; message: string | undefined; rows: { key: string; words: string[]; description: string }[] } {
    return {
      tag: this.tag,
      message: this.view.message,
      rows: this.rows.map((row) => ({ key: row.hit.key, words: row.hit.words, description: describe(row) })),
    };
  }

  /** Resolves when the rows follow the current tag and library. */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.computing;
      await current;
    } while (current !== this.computing || this.timer !== undefined);
  }

  getTreeItem(row: ForYouRow): vscode.TreeItem {
    return rankedPaperItem({
      key: row.hit.key,
      paper: this.library.get(row.hit.key),
      description: describe(row),
      reason: `like your "${this.tag ?? ''}" papers by: ${row.hit.words.join(', ') || 'its words overall'}`,
      contextValue: 'paper recommended',
      icon: 'sparkle',
    });
  }

  getChildren(row?: ForYouRow): ForYouRow[] {
    return row ? [] : this.rows;
  }

  /** The command: a tag from the Tags view, a tag name (scripts, tests), or a quick pick of the tags. */
  private async choose(first: unknown): Promise<string | undefined> {
    const tag = isTagNode(first) ? first.tag : typeof first === 'string' && first.trim() !== '' ? first.trim() : await this.pickTag();
    if (tag === undefined) return undefined;
    await this.state.update(TAG_STATE, tag);
    void vscode.commands.executeCommand(`${FOR_YOU_VIEW_ID}.focus`).then(undefined, (error: unknown) => this.log.warn(`For You: ${String(error)}`));
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.refresh();
    return tag;
  }

  private async pickTag(): Promise<string | undefined> {
    const counts = this.library.tagCounts();
    if (counts.length === 0) {
      void vscode.window.showInformationMessage('For You recommends papers like those you gave a tag: tag a few papers first (Add Tag... on a paper).');
      return undefined;
    }
    const current = this.tag;
    const items = counts.map(({ tag, count }) => ({
      label: iconLabelText(tag),
      description: `${count.toLocaleString(vscode.env.language)} paper${count === 1 ? '' : 's'}${tag === current ? ' · shown now' : ''}`,
      iconPath: new vscode.ThemeIcon('tag'),
      tag,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: 'For You: Recommend Papers Like a Tag',
      placeHolder: 'The tag whose papers you want more of',
    });
    return picked?.tag;
  }

  private schedule(delay = FOLLOW_DELAY_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delay);
  }

  private refresh(): Promise<void> {
    this.computing = this.computing.then(() => this.compute());
    return this.computing;
  }

  private async compute(): Promise<void> {
    if (this.isDisposed) return;
    const generation = ++this.generation;
    const tag = this.tag;
    let rows: ForYouRow[] = [];
    let message: string | undefined;
    try {
      if (tag === undefined) {
        message = 'Pick a tag (the sparkle button above, or a tag\'s "Recommend Papers Like This Tag") to see the papers most like the ones you gave it.';
      } else if (this.library.state !== 'ready' || this.search.state !== 'ready') {
        message = 'Reading the library…';
      } else {
        const positives = this.library.papers.filter((paper) => this.library.tagsOf(paper.key).includes(tag)).map((paper) => paper.key);
        if (positives.length === 0) {
          message = `No paper has the tag "${tag}" any more: tag a few papers with it, or pick another tag.`;
        } else {
          const result = await this.search.forYou(positives, [...this.notInterested()], RESULTS);
          this.lastMs = result.ms;
          this.log.info(
            `For You "${tag}": ${result.positives} tagged, ${result.candidates} ranked, ${result.passes} passes, ${Math.round(result.ms)} ms in the worker`,
          );
          rows = result.hits.map((hit) => ({ hit }));
          if (rows.length === 0) message = `Every paper has the tag "${tag}": there is nothing left to recommend.`;
        }
      }
    } catch (error) {
      this.log.error(`For You failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      message = 'Recommendations are unavailable; see the Marginalia log.';
    }
    if (generation !== this.generation || this.isDisposed) return;
    this.rows = rows;
    this.view.description = tag === undefined ? undefined : `like "${tag}"`;
    this.view.message = message;
    this.treeChanged.fire();
  }
}

/** The words that weigh most, as the row's description. */
function describe(row: ForYouRow): string {
  return row.hit.words.slice(0, 3).join(', ');
}
