/**
 * The Reading Queue view: the papers the reader means to read next, in the order they chose. Papers
 * are added from the Papers tree, the paper view or the palette, reordered with Move Up / Move Down
 * or by drag and drop (also from the Papers tree), and leave it when removed or marked read.
 */
import * as vscode from 'vscode';
import { describePaper } from '../../core/papers/grouping';
import { TreeRefetch } from '../../core/papers/treeRefetch';
import { STATUS_LABELS } from '../../core/library/readingStatus';
import type { Paper } from '../../core/types';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { paperResourceUri } from '../notes/noteDecorations';
import { countOf } from '../shared/counts';

export const READING_QUEUE_VIEW_ID = 'marginalia.readingQueue';
/** What a drag from the queue carries: its keys, one a line. */
const QUEUE_MIME = 'application/vnd.code.tree.marginalia.readingqueue';
/** What a drag from the Papers tree carries (VS Code names it after the view id, lower-cased). */
export const PAPERS_MIME = 'application/vnd.code.tree.marginalia.papers';

/** A queued paper, as the view's context menu commands receive it (kind 'paper', as the Papers tree's nodes). */
export interface QueueNode {
  kind: 'paper';
  paper: Paper;
  index: number;
}

/** Moves `keys` to `index` of the queue (adding those not queued); the queue's commands do the writing. */
export interface QueueMoves {
  move(key: string, index: number): Thenable<unknown>;
  enqueue(keys: string[]): Thenable<unknown>;
}

export class ReadingQueueView extends Disposable implements vscode.TreeDataProvider<QueueNode>, vscode.TreeDragAndDropController<QueueNode> {
  private readonly changed = this.register(new vscode.EventEmitter<QueueNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly dragMimeTypes = [QUEUE_MIME];
  readonly dropMimeTypes = [QUEUE_MIME, PAPERS_MIME];
  private readonly view: vscode.TreeView<QueueNode>;
  private nodes: QueueNode[] = [];
  private readonly refetch: TreeRefetch;

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly moves: QueueMoves,
  ) {
    super();
    this.view = this.register(
      vscode.window.createTreeView(READING_QUEUE_VIEW_ID, { treeDataProvider: this, dragAndDropController: this, canSelectMany: true }),
    );
    // As the Papers view does: a refresh VS Code lost while showing the view for the first time is made again.
    this.refetch = new TreeRefetch({ visible: () => this.view.visible, refire: () => this.changed.fire(undefined) });
    this.register({ dispose: () => this.refetch.dispose() });
    this.register(this.view.onDidChangeVisibility(({ visible }) => visible && this.refetch.shown()));
    this.register(library.onDidChange(() => this.refresh()));
    this.refresh();
  }

  /** For tests: the queue's keys as the view shows them. */
  snapshot(): { keys: string[]; description: string | undefined } {
    return { keys: this.nodes.map((node) => node.paper.key), description: this.view.description };
  }

  getChildren(node?: QueueNode): QueueNode[] {
    if (node) return [];
    this.refetch.fetched();
    return this.nodes;
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(node: QueueNode): vscode.TreeItem {
    const { paper, index } = node;
    const item = new vscode.TreeItem(paper.title, vscode.TreeItemCollapsibleState.None);
    item.id = `queue|${paper.key}`;
    const status = this.library.statusOf(paper.key);
    item.description = [status === 'unread' ? '' : STATUS_LABELS[status], describePaper(paper)].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(status === 'reading' ? 'eye' : 'circle-large-outline');
    item.resourceUri = paperResourceUri(paper.key);
    // Words the menus match: first/last hide the moves that cannot be made.
    item.contextValue = ['queued', `status-${status}`, index === 0 ? 'first' : '', index === this.nodes.length - 1 ? 'last' : ''].filter(Boolean).join(' ');
    item.command = { command: CommandIds.openPaperFromTree, title: 'Open Paper', arguments: [paper.key] };
    item.tooltip = `${index + 1}. ${paper.title}\n${paper.key}`;
    item.accessibilityInformation = { label: `${index + 1} of ${this.nodes.length}: ${paper.title}${status === 'unread' ? '' : `, ${STATUS_LABELS[status]}`}` };
    return item;
  }

  handleDrag(source: readonly QueueNode[], data: vscode.DataTransfer): void {
    data.set(QUEUE_MIME, new vscode.DataTransferItem(source.map((node) => node.paper.key).join('\n')));
  }

  async handleDrop(target: QueueNode | undefined, data: vscode.DataTransfer): Promise<void> {
    // Dropped on a paper: the dragged papers go where it is, pushing it down; elsewhere: to the end.
    const fromQueue = await data.get(QUEUE_MIME)?.asString();
    if (fromQueue) {
      const keys = fromQueue.split('\n').filter(Boolean);
      let index = target ? target.index : this.nodes.length;
      for (const key of keys) {
        const from = this.library.readingQueue.indexOf(key);
        // Taking a paper out from above the target moves the target up one.
        const to = from !== -1 && from < index ? index - 1 : index;
        await this.moves.move(key, to);
        index = to + 1;
      }
      return;
    }
    const fromPapers = data.get(PAPERS_MIME);
    if (!fromPapers) return;
    const nodes = fromPapers.value as unknown;
    const keys = Array.isArray(nodes)
      ? nodes.map((node: { paper?: { key?: unknown } }) => node?.paper?.key).filter((key): key is string => typeof key === 'string')
      : [];
    if (keys.length === 0) return;
    await this.moves.enqueue(keys);
    if (target) {
      let index = target.index;
      for (const key of keys) await this.moves.move(this.library.canonicalKey(key) ?? key, index++);
    }
  }

  private refresh(): void {
    this.nodes = this.library.readingQueue
      .map((key) => this.library.get(key))
      .filter((paper): paper is Paper => paper !== undefined)
      .map((paper, index) => ({ kind: 'paper', paper, index }));
    this.view.description = this.nodes.length > 0 ? countOf(this.nodes.length, 'paper') : undefined;
    this.changed.fire(undefined);
    this.refetch.changed();
  }
}
