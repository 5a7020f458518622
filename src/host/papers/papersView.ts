/**
 * The Papers tree: the library grouped by digest, month or tag, sorted by title, date or upvotes
 * (both remembered per workspace), with a filter, and the commands of its title bar.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  GROUP_BY_VALUES,
  SORT_BY_VALUES,
  describePaper,
  digestGroupLabel,
  groupPapers,
  groupPapersInSlices,
  paperFilter,
  sortPapers,
  type GroupBy,
  type PaperGroup,
  type SortBy,
} from '../../core/papers/grouping';
import { isCodeLink } from '../../core/digest/links';
import { formatPaperDate } from '../../core/paperView/viewModel';
import type { Paper } from '../../core/types';
import { TreeRefetch } from '../../core/papers/treeRefetch';
import { CommandIds, ContextKeys } from '../commandIds';
import { paperResourceUri } from '../notes/noteDecorations';
import { Disposable } from '../lifecycle';
import { appendPlainText } from '../shared/markdown';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { countOf, formatNumber } from '../shared/counts';
import { Pages, showMoreItem } from '../shared/pages';
import { yieldTurn } from '../shared/turns';
import { readableMath } from '../../core/math/readable';
import { READING_STATUSES, STATUS_LABELS, isReadingStatus, type ReadingStatus } from '../../core/library/readingStatus';

export const PAPERS_VIEW_ID = 'marginalia.papers';
/** The activity bar's Marginalia container (package.json `viewsContainers`). */
const VIEW_CONTAINER_ID = 'marginalia';

interface GroupNode {
  kind: 'group';
  group: PaperGroup;
}

interface PaperNode {
  kind: 'paper';
  paper: Paper;
  parent: GroupNode;
}

/** The "Show More" item after a group's last page (see shared/pages.ts). */
interface MoreNode {
  kind: 'more';
  parent: GroupNode;
}

type Node = GroupNode | PaperNode | MoreNode;

const TOOLTIP_ABSTRACT_LENGTH = 500;
/** Above this many papers the tree is grouped in slices (see sliced): some 60 ms of grouping at 100,000. */
const SLICED_GROUPING_PAPERS = 20_000;
/** The longest a reveal waits for VS Code to fetch a group's grown page (it takes some 200 ms). */
const PAGE_IN_MS = 2000;
/** Two clicks on the same paper within this time are a double-click: open it pinned. */
const DOUBLE_CLICK_MS = 500;

class PapersTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private groups: GroupNode[] = [];
  /** Each opened group's papers, sorted, and its "Show More" item. */
  private readonly children = new Map<GroupNode, { papers: PaperNode[]; more: MoreNode }>();
  /** How many papers of each group are shown: a page at a time. */
  readonly pages = new Pages();
  /** A reveal waiting for VS Code to fetch a group's children again (see pageIn). */
  private fetchWait: { group: GroupNode; fetched: () => void } | undefined;
  /** Papers left after the filter. */
  visibleCount = 0;

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly settings: () => { groupBy: GroupBy; sortBy: SortBy; filter: string; status: ReadingStatus | '' },
  ) {}

  /** Counts refreshes: a filter still going through the papers stops when a newer refresh began. */
  private generation = 0;

  /**
   * Recomputes the groups from the library and tells the tree to redraw. Without a filter that is
   * done on return; a filter goes through the papers in slices of a few milliseconds (the abstracts
   * of 100,000 papers take some 200 ms to search), and the promise says when the tree has the result
   * (false when a newer refresh took its place).
   */
  refresh(): Promise<boolean> | undefined {
    const generation = ++this.generation;
    const { filter, status } = this.settings();
    const library = this.library;
    // The status filter is a lookup per paper, quick at any size; the text filter reads abstracts.
    const papers = status ? library.papers.filter((paper) => library.statusOf(paper.key) === status) : library.papers;
    const matches = paperFilter(filter);
    if (!matches && papers.length <= SLICED_GROUPING_PAPERS) {
      this.show(this.group(papers), papers.length);
      return undefined;
    }
    return this.sliced(papers, matches, generation);
  }

  /** Filters and groups a big library a slice at a time (groupPapersInSlices), letting the host run between slices. */
  private async sliced(papers: readonly Paper[], matches: ((paper: Paper) => boolean) | null, generation: number): Promise<boolean> {
    const result = await groupPapersInSlices(papers, this.settings().groupBy, this.groupOptions(), matches, async () => {
      await yieldTurn();
      return generation === this.generation;
    });
    if (!result || generation !== this.generation) return false;
    this.show(result.groups, result.count);
    return true;
  }

  private group(papers: readonly Paper[]): PaperGroup[] {
    return groupPapers(papers, this.settings().groupBy, this.groupOptions());
  }

  private groupOptions(): Parameters<typeof groupPapers>[2] {
    const digestFiles = this.library.digestFiles;
    return {
      digestFiles,
      digestLabel: (file) => digestGroupLabel(path.basename(file), this.library.digest(file)?.digestDate ?? null),
      tagsOf: (paper) => this.library.tagsOf(paper.key),
      digestDateOf: (file) => this.library.digest(file)?.digestDate ?? null,
      statusOf: (paper) => this.library.statusOf(paper.key),
    };
  }

  private show(groups: PaperGroup[], count: number): void {
    this.visibleCount = count;
    this.groups = groups.map((group) => ({ kind: 'group', group }));
    this.children.clear();
    this.pages.reset();
    this.changed.fire(undefined);
    this.refetch?.changed();
  }

  /** The groups as VS Code gets them, for the view's own use (getChildren is VS Code's: it counts as a fetch). */
  get topLevel(): readonly GroupNode[] {
    return this.groups;
  }

  /** Watches that VS Code fetches the top level after each change (see TreeRefetch); set by the view. */
  refetch: TreeRefetch | undefined;

  /** Tells VS Code again that the top level changed, the groups being as they are. */
  refireRoot(): void {
    this.changed.fire(undefined);
  }

  /** Shows the next page of the group `id`. */
  showMore(id: string): void {
    const group = this.groups.find((node) => node.group.id === id);
    if (!group) return;
    this.pages.more(id);
    this.changed.fire(group);
  }

  dispose(): void {
    this.changed.dispose();
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      this.refetch?.fetched();
      return this.groups;
    }
    if (node.kind !== 'group') return [];
    if (this.fetchWait?.group === node) {
      this.fetchWait.fetched();
      this.fetchWait = undefined;
    }
    const { papers, more } = this.sorted(node);
    const shown = this.pages.count(node.group.id, papers.length);
    return shown < papers.length ? [...papers.slice(0, shown), more] : papers;
  }

  /** Every paper of a group in order, whether shown yet or not. */
  sorted(node: GroupNode): { papers: PaperNode[]; more: MoreNode } {
    let children = this.children.get(node);
    if (!children) {
      // The library's papers come in title order (the library worker sorts them), and so do each
      // group's: sorting by title finds them sorted, in one pass, even for 100,000 papers.
      const papers = sortPapers(node.group.papers, this.settings().sortBy).map((paper): PaperNode => ({ kind: 'paper', paper, parent: node }));
      children = { papers, more: { kind: 'more', parent: node } };
      this.children.set(node, children);
    }
    return children;
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'group' ? undefined : node.parent;
  }

  /** The rows a person sees, top to bottom, when the groups `isExpanded` says are open. */
  visibleRows(isExpanded: (group: GroupNode) => boolean): Node[] {
    const rows: Node[] = [];
    for (const group of this.groups) {
      rows.push(group);
      if (isExpanded(group)) rows.push(...this.getChildren(group));
    }
    return rows;
  }

  /** The tree item id of a node, which VS Code keeps the selection and expansion by. */
  nodeId(node: Node): string {
    if (node.kind === 'group') return this.itemId(node.group);
    return `${this.itemId(node.parent.group)}|${node.kind === 'paper' ? node.paper.key : 'more'}`;
  }

  get groupCount(): number {
    return this.groups.length;
  }

  /**
   * The node of `key` in its first group. With `showPage`, the page holding it is shown if it was
   * not (`grew`): pageIn then hands it to the window.
   */
  nodeOf(key: string, showPage = false): { node: PaperNode; grew: boolean } | undefined {
    for (const group of this.groups) {
      if (group.group.papers.some((paper) => paper.key === key)) {
        const { papers } = this.sorted(group);
        const index = papers.findIndex((node) => node.paper.key === key);
        if (index < 0) return undefined;
        const grew = showPage && this.pages.include(group.group.id, index);
        return { node: papers[index], grew };
      }
    }
    return undefined;
  }

  /**
   * Redraws the open `group` and resolves when VS Code has fetched its children again: a grown
   * page reaches the window that way, a moment after the change (VS Code batches a tree's
   * changes), or at the latest after PAGE_IN_MS.
   */
  pageIn(group: GroupNode): Promise<void> {
    this.fetchWait?.fetched(); // one reveal at a time: the newer takes over
    const fetched = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, PAGE_IN_MS);
      this.fetchWait = {
        group,
        fetched: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
    this.changed.fire(group);
    return fetched;
  }

  /**
   * A lone group opens by itself; several start closed. VS Code keeps an item's expansion by its id,
   * so the lone group has an id of its own: once more digests arrive (as "Add Sample Digests" copies
   * them one by one) the groups all start closed, instead of the first staying open above the rest.
   */
  itemId(group: PaperGroup): string {
    return this.groups.length === 1 ? `only:${group.id}` : group.id;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') return this.groupItem(node.group);
    if (node.kind === 'paper') return this.paperItem(node);
    const total = node.parent.group.papers.length;
    return showMoreItem(this.itemId(node.parent.group), this.pages.count(node.parent.group.id, total), total, CommandIds.showMorePapers, node.parent.group.id);
  }

  /** The tooltip, built when the pointer rests on a row rather than for every row sent to the window. */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node.kind === 'paper') item.tooltip = paperTooltip(node.paper, this.library.tagsOf(node.paper.key));
    return item;
  }

  private groupItem(group: PaperGroup): vscode.TreeItem {
    const item = new vscode.TreeItem(
      group.label,
      this.groups.length === 1 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = this.itemId(group);
    const count = countOf(group.papers.length, 'paper');
    if (group.file) {
      // The label is the digest's date when it gives one: the file name follows the count, which
      // comes first because a narrow sidebar cuts the end of the description. A label that names the
      // file already (undated, or two digests of one day) needs only the count.
      item.description = group.namesFile ? count : `${count} · ${path.basename(group.file)}`;
      item.tooltip = `${this.library.workspaceRelative(group.file)}\n${count}`;
      item.iconPath = new vscode.ThemeIcon('file-text');
      item.contextValue = 'digestGroup';
      item.resourceUri = vscode.Uri.file(group.file);
    } else {
      item.description = count;
      item.iconPath = new vscode.ThemeIcon(
        group.id.startsWith('tag:') ? 'tag' : group.id.startsWith('status:') ? STATUS_ICONS[group.id.slice(7) as ReadingStatus] : 'calendar',
      );
      item.contextValue = 'group';
    }
    return item;
  }

  private paperItem(node: PaperNode): vscode.TreeItem {
    const { paper } = node;
    const item = new vscode.TreeItem(readableMath(paper.title), vscode.TreeItemCollapsibleState.None);
    item.id = this.nodeId(node);
    // The status leads the description, in words: a narrow sidebar cuts its end, and the badge slot is the note's.
    const status = this.library.statusOf(paper.key);
    item.description = [status === 'unread' ? '' : STATUS_BADGES[status], describePaper(paper)].filter(Boolean).join(' · ');
    const hasCode = paper.links.some(isCodeLink);
    item.iconPath = new vscode.ThemeIcon(hasCode ? 'file-code' : 'file');
    // Words the menus match: "hasCode" offers Open Code, "tagged" offers Remove Tag, the status and
    // "queued" offer only the status changes and queue actions that apply.
    const tags = this.library.tagsOf(paper.key);
    const queued = this.library.readingQueue.includes(paper.key);
    item.contextValue = ['paper', hasCode ? 'hasCode' : '', tags.length > 0 ? 'tagged' : '', `status-${status}`, queued ? 'queued' : '']
      .filter(Boolean)
      .join(' ');
    item.resourceUri = paperResourceUri(paper.key); // carries the "has a note" decoration
    item.command = { command: CommandIds.openPaperFromTree, title: 'Open Paper', arguments: [paper.key] };
    item.accessibilityInformation = { label: [readableMath(paper.title), item.description, hasCode ? 'has code' : ''].filter(Boolean).join(', ') };
    return item;
  }
}

/** A paper's status as its tree row says it (unread papers say nothing: it is the default). */
const STATUS_BADGES: Readonly<Record<ReadingStatus, string>> = { unread: '', reading: '◔ Reading', read: '✓ Read', 'not-interested': '✕ Not interested' };
const STATUS_ICONS: Readonly<Record<ReadingStatus, string>> = {
  unread: 'circle-large-outline',
  reading: 'eye',
  read: 'check',
  'not-interested': 'circle-slash',
};

/** A markdown tooltip; digest text goes in escaped (appendPlainText), so it is shown, never interpreted. */
function paperTooltip(paper: Paper, tags: readonly string[]): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(undefined, false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  tooltip.appendMarkdown('**');
  appendPlainText(tooltip, readableMath(paper.title)).appendMarkdown('**\n\n');
  const facts = [
    paper.key,
    formatPaperDate(paper.date),
    describePaper(paper).replace(/^\d{4}( · )?/, ''),
    tags.length ? `tags: ${tags.join(', ')}` : '',
  ].filter(Boolean);
  appendPlainText(tooltip, facts.join(' · ')).appendMarkdown('\n\n');
  const readable = readableMath(paper.abstract);
  const abstract = readable.length > TOOLTIP_ABSTRACT_LENGTH ? `${readable.slice(0, TOOLTIP_ABSTRACT_LENGTH).replace(/\s+\S*$/, '')}…` : readable;
  appendPlainText(tooltip, abstract || 'No abstract in the digest.');
  return tooltip;
}

/** Opens a paper from the tree; the view decides between preview and pinned, and whether the focus moves to it. */
export type OpenPaper = (key: string, options: { preview: boolean; preserveFocus: boolean }) => void;

/** The setting that makes the preview paper view follow the tree's selection (under `marginalia.`). */
export const FOLLOW_SELECTION_SETTING = 'paperView.followSelection';

export class PapersView extends Disposable {
  private readonly provider: PapersTreeProvider;
  private readonly view: vscode.TreeView<Node>;
  private filter = '';
  /** Only papers of this reading status, or '' for all. */
  private statusFilter: ReadingStatus | '' = '';
  private lastClick: { key: string; time: number } | undefined;
  /** Group rows the reader opened or closed (by tree item id): VS Code tells no extension which rows are open otherwise. */
  private readonly expanded = new Set<string>();
  private readonly collapsed = new Set<string>();
  /** The paper reveal() is selecting: the preview does not follow that selection. */
  private revealing: { key: string } | undefined;
  private papersShown = false;
  /**
   * The view shows because the first start revealed it, not because the reader opened it: the
   * walkthrough's first step waits for the reader (until the view is hidden and shown again, or
   * the reader runs Show Papers, the walkthrough step's button).
   */
  private shownByRevealer = false;

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly state: vscode.Memento,
    private readonly openPaper: OpenPaper,
    log?: vscode.LogOutputChannel,
  ) {
    super();
    this.provider = this.register(
      new PapersTreeProvider(library, () => ({ groupBy: this.groupBy, sortBy: this.sortBy, filter: this.filter, status: this.statusFilter })),
    );
    // Papers can be dragged (into the Reading Queue); VS Code carries the dragged nodes under the tree's own type.
    const dragAndDropController: vscode.TreeDragAndDropController<Node> = { dragMimeTypes: [], dropMimeTypes: [] };
    this.view = this.register(
      vscode.window.createTreeView(PAPERS_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true, canSelectMany: true, dragAndDropController }),
    );
    const refetch = new TreeRefetch({
      visible: () => this.view.visible,
      refire: () => this.provider.refireRoot(),
      onRefire: (attempt) => log?.info(`Papers view: VS Code did not fetch the changed papers; told it again (${attempt})`),
    });
    this.register({ dispose: () => refetch.dispose() });
    this.provider.refetch = refetch;
    // A library change is followed in a turn of its own: the library's other listeners run first,
    // so that no one task of the host does all their work at 100,000 papers.
    let pending: ReturnType<typeof setImmediate> | undefined;
    this.register(
      library.onDidChange(() => {
        if (pending) return;
        pending = setImmediate(() => {
          pending = undefined;
          void this.refresh();
        });
      }),
    );
    this.register({ dispose: () => pending && clearImmediate(pending) });
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('marginalia.tree')) void this.refresh();
      }),
    );
    // The walkthrough's first step completes when this context key turns true. VS Code never
    // checks a step off for a context that already held when it read the walkthrough, so the key
    // turns true at a moment the reader sees (papers in this view), not at start-up.
    this.register(
      this.view.onDidChangeVisibility(({ visible }) => {
        if (!visible) this.shownByRevealer = false;
        else refetch.shown();
        this.notePapersShown();
      }),
    );
    this.register(this.view.onDidChangeSelection((event) => this.selectionChanged(event.selection)));
    this.register(
      this.view.onDidExpandElement(({ element }) => {
        const id = this.provider.nodeId(element);
        this.expanded.add(id);
        this.collapsed.delete(id);
      }),
    );
    this.register(
      this.view.onDidCollapseElement(({ element }) => {
        const id = this.provider.nodeId(element);
        this.collapsed.add(id);
        this.expanded.delete(id);
      }),
    );
    this.registerCommands();
    void this.refresh();
  }

  /**
   * Keys move the selection: the keybindings of package.json act on papers only when a paper is
   * selected (Enter on a group still opens or closes it), and the preview follows the selection
   * when the reader wants it, keeping the focus in the tree so that the arrows go on moving.
   */
  private selectionChanged(selection: readonly Node[]): void {
    const papers = selection.filter((node): node is PaperNode => node.kind === 'paper');
    void vscode.commands.executeCommand('setContext', ContextKeys.paperSelected, papers.length > 0 && papers.length === selection.length);
    if (papers.length !== 1 || selection.length !== 1 || papers[0].paper.key === this.revealing?.key) return;
    if (vscode.workspace.getConfiguration('marginalia').get<boolean>(FOLLOW_SELECTION_SETTING) === false) return;
    this.openPaper(papers[0].paper.key, { preview: true, preserveFocus: true });
  }

  /**
   * Moves the selection (and the tree's focus) `delta` rows down or up, as the arrow keys do when the
   * preview follows the selection: a custom tree's own arrows move only its focus, which no extension
   * hears of, so package.json binds them here while `marginalia.paperView.followSelection` is on.
   */
  async moveSelection(delta: 1 | -1): Promise<void> {
    const rows = this.provider.visibleRows((group) => this.isExpanded(group));
    if (rows.length === 0) return;
    const current = this.view.selection[this.view.selection.length - 1];
    const index = current ? rows.findIndex((row) => this.provider.nodeId(row) === this.provider.nodeId(current)) : -1;
    const next = rows[index === -1 ? 0 : Math.min(Math.max(index + delta, 0), rows.length - 1)];
    await this.view.reveal(next, { select: true, focus: true, expand: false });
  }

  private isExpanded(group: GroupNode): boolean {
    const id = this.provider.nodeId(group);
    if (this.expanded.has(id)) return true;
    if (this.collapsed.has(id)) return false;
    return this.provider.groupCount === 1; // a lone group starts open, the others closed
  }

  private notePapersShown(): void {
    if (this.papersShown || this.shownByRevealer || !this.view.visible || this.library.papers.length === 0) return;
    this.papersShown = true;
    void vscode.commands.executeCommand('setContext', ContextKeys.papersShown, true);
  }

  /** Whether the Papers view shows in the window. */
  get visible(): boolean {
    return this.view.visible;
  }

  /** For tests: whether the walkthrough's "papers shown" context key was set (the reader saw the papers). */
  get papersShownByReader(): boolean {
    return this.papersShown;
  }

  /**
   * Shows the Marginalia container in the sidebar on the reader's behalf (the first start): that
   * showing does not count as the reader opening the view for the walkthrough.
   */
  async showContainer(): Promise<void> {
    if (this.view.visible) return;
    this.shownByRevealer = true;
    await vscode.commands.executeCommand(`workbench.view.extension.${VIEW_CONTAINER_ID}`);
  }

  get groupBy(): GroupBy {
    return pick(
      this.state.get<string>('marginalia.groupBy'),
      GROUP_BY_VALUES,
      vscode.workspace.getConfiguration('marginalia.tree').get<string>('groupBy'),
      'digest',
    );
  }

  get sortBy(): SortBy {
    return pick(
      this.state.get<string>('marginalia.sortBy'),
      SORT_BY_VALUES,
      vscode.workspace.getConfiguration('marginalia.tree').get<string>('sortBy'),
      'title',
    );
  }

  /** For tests: the top-level groups with their paper counts, and the keys of a group in order. */
  snapshot(): { label: string; file: string | undefined; description: string | undefined; keys: string[] }[] {
    return this.provider.topLevel.map((node) => ({
      label: (node as GroupNode).group.label,
      file: (node as GroupNode).group.file,
      description: this.provider.getTreeItem(node).description as string | undefined,
      keys: this.provider.sorted(node as GroupNode).papers.map((child) => child.paper.key),
    }));
  }

  /** For tests: the tree item of `key` in its first group, resolved as when the pointer rests on it. */
  treeItem(key: string): vscode.TreeItem | undefined {
    const node = this.provider.nodeOf(key)?.node;
    return node ? this.provider.resolveTreeItem(this.provider.getTreeItem(node), node) : undefined;
  }

  /** For tests: the rows the tree shows under the group labelled `label` (papers' keys, and "more" for a Show More item). */
  shownRows(label: string): string[] {
    const group = this.provider.topLevel.find((node) => node.group.label === label);
    return group ? this.provider.getChildren(group).map((node) => (node.kind === 'paper' ? node.paper.key : 'more')) : [];
  }

  /**
   * Selects and shows `key` in the tree (expanding its group), once the page holding it is in the
   * window. A paper past its group's shown pages waits for it: the group is opened, redrawn with
   * the grown page, and the paper revealed once VS Code has fetched that page, so that no redraw
   * arrives after the reveal to drop its selection. Showing a paper this way (Reveal Paper, tests)
   * selects it without opening it.
   */
  async reveal(key: string, options: { focus?: boolean } = {}): Promise<boolean> {
    const found = this.provider.nodeOf(key, true);
    if (!found) return false;
    const revealing = { key };
    this.revealing = revealing;
    try {
      if (found.grew) {
        const group = found.node.parent;
        if (!this.view.visible || !this.isExpanded(group)) await this.view.reveal(group, { select: false, focus: false, expand: true });
        await this.provider.pageIn(group);
      }
      await this.view.reveal(found.node, { select: true, focus: options.focus ?? false, expand: true });
    } finally {
      // The selection event of the reveal comes after it resolves.
      setImmediate(() => {
        if (this.revealing === revealing) this.revealing = undefined;
      });
    }
    return true;
  }

  /** The papers selected in the tree (several with Ctrl/Shift-click). */
  selectedKeys(): string[] {
    return [...new Set(this.view.selection.filter((node): node is PaperNode => node.kind === 'paper').map((node) => node.paper.key))];
  }

  /** Redraws the tree; resolves once it shows the current grouping, sort and filter. */
  private async refresh(): Promise<void> {
    const filtering = this.provider.refresh();
    if (filtering) {
      if (this.filter) this.view.message = `Filtering ${countOf(this.library.papers.length, 'paper')}…`;
      if (!(await filtering)) return;
    }
    const total = this.library.papers.length;
    const status = this.statusFilter ? STATUS_LABELS[this.statusFilter] : '';
    const filters = [status, this.filter ? `"${this.filter}"` : ''].filter(Boolean).join(', ');
    this.view.description = [status && `status: ${status}`, this.filter && `filter: ${this.filter}`].filter(Boolean).join(', ') || undefined;
    this.view.message = filters
      ? this.provider.visibleCount === 0
        ? `No paper matches ${filters}.`
        : `${formatNumber(this.provider.visibleCount)} of ${countOf(total, 'paper')} match ${filters}.`
      : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, this.groupBy);
    void vscode.commands.executeCommand('setContext', ContextKeys.sortBy, this.sortBy);
    void vscode.commands.executeCommand('setContext', ContextKeys.filterActive, this.filter !== '' || this.statusFilter !== '');
    void vscode.commands.executeCommand('setContext', ContextKeys.statusFilter, this.statusFilter);
    this.notePapersShown();
  }

  private async setGroupBy(value: GroupBy): Promise<void> {
    await this.state.update('marginalia.groupBy', value);
    await this.refresh();
  }

  private async setSortBy(value: SortBy): Promise<void> {
    await this.state.update('marginalia.sortBy', value);
    await this.refresh();
  }

  private registerCommands(): void {
    const command = (id: string, run: (...args: never[]) => unknown) => this.register(vscode.commands.registerCommand(id, run));
    command(CommandIds.groupByDigest, () => this.setGroupBy('digest'));
    command(CommandIds.groupByMonth, () => this.setGroupBy('month'));
    command(CommandIds.groupByTag, () => this.setGroupBy('tag'));
    command(CommandIds.groupByStatus, () => this.setGroupBy('status'));
    // A status argument (scripts, tests) or a pick; "All" clears it.
    command(CommandIds.filterByStatus, async (value?: unknown) => {
      let status: ReadingStatus | '' | undefined;
      if (value === '' || isReadingStatus(value)) status = value;
      else {
        const counts = this.library.statusCounts();
        const picked = await vscode.window.showQuickPick(
          [
            { label: 'All Statuses', description: countOf(this.library.papers.length, 'paper'), status: '' as const },
            ...READING_STATUSES.map((s) => ({ label: STATUS_LABELS[s], description: countOf(counts[s], 'paper'), status: s })),
          ].map((item) => ({ ...item, picked: item.status === this.statusFilter })),
          { title: 'Filter Papers by Reading Status' },
        );
        status = picked?.status;
      }
      if (status === undefined) return;
      this.statusFilter = status;
      await this.refresh();
    });
    command(CommandIds.sortByTitle, () => this.setSortBy('title'));
    command(CommandIds.sortByDate, () => this.setSortBy('date'));
    command(CommandIds.sortByUpvotes, () => this.setSortBy('upvotes'));
    command(CommandIds.filter, async (text?: string) => {
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({
              title: 'Filter Papers',
              prompt: 'Show the papers whose title, key or abstract contain every word',
              value: this.filter,
              placeHolder: 'e.g. diffusion policy',
            });
      if (value === undefined) return;
      this.filter = value.trim();
      await this.refresh();
    });
    command(CommandIds.showPapers, async () => {
      await vscode.commands.executeCommand(`${PAPERS_VIEW_ID}.focus`);
      this.shownByRevealer = false;
      this.notePapersShown();
    });
    command(CommandIds.showMorePapers, (id: string) => this.provider.showMore(id));
    command(CommandIds.clearFilter, () => {
      this.filter = '';
      this.statusFilter = '';
      return this.refresh();
    });
    command(CommandIds.openPaperFromTree, (key: string) => {
      // VS Code runs an item's command on every click: a second click soon after is a double-click.
      const now = Date.now();
      const doubleClick = this.lastClick?.key === key && now - this.lastClick.time < DOUBLE_CLICK_MS;
      this.lastClick = { key, time: now };
      // A click previews and leaves the focus in the tree, as the Explorer does; a double-click opens the paper for good, focused.
      this.openPaper(key, { preview: !doubleClick, preserveFocus: !doubleClick });
    });
    command(CommandIds.selectNextPaper, () => this.moveSelection(1));
    command(CommandIds.selectPreviousPaper, () => this.moveSelection(-1));
    // Enter and Space (package.json's keybindings): open the selected papers and move the focus to the paper view.
    command(CommandIds.openSelectedPapers, () => {
      const keys = this.selectedKeys();
      for (const key of keys) this.openPaper(key, { preview: false, preserveFocus: false });
    });
  }
}

function pick<T extends string>(stored: string | undefined, values: readonly T[], configured: string | undefined, fallback: T): T {
  if (stored && (values as readonly string[]).includes(stored)) return stored as T;
  if (configured && (values as readonly string[]).includes(configured)) return configured as T;
  return fallback;
}
