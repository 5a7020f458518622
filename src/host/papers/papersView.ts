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
  filterPapers,
  groupPapers,
  sortPapers,
  type GroupBy,
  type PaperGroup,
  type SortBy,
} from '../../core/papers/grouping';
import { isCodeLink } from '../../core/digest/links';
import { formatPaperDate } from '../../core/paperView/viewModel';
import type { Paper } from '../../core/types';
import { CommandIds, ContextKeys } from '../commandIds';
import { paperResourceUri } from '../notes/noteDecorations';
import { Disposable } from '../lifecycle';
import { appendPlainText } from '../shared/markdown';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { countOf, formatNumber } from '../shared/counts';

export const PAPERS_VIEW_ID = 'marginalia.papers';

interface GroupNode {
  kind: 'group';
  group: PaperGroup;
}

interface PaperNode {
  kind: 'paper';
  paper: Paper;
  parent: GroupNode;
}

type Node = GroupNode | PaperNode;

const TOOLTIP_ABSTRACT_LENGTH = 500;
/** Two clicks on the same paper within this time are a double-click: open it pinned. */
const DOUBLE_CLICK_MS = 500;

class PapersTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private groups: GroupNode[] = [];
  private readonly children = new Map<GroupNode, PaperNode[]>();
  /** Papers left after the filter. */
  visibleCount = 0;

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly settings: () => { groupBy: GroupBy; sortBy: SortBy; filter: string },
  ) {}

  /** Recomputes the groups from the library and tells the tree to redraw. */
  refresh(): void {
    const { groupBy, filter } = this.settings();
    const papers = filterPapers(this.library.papers, filter);
    this.visibleCount = papers.length;
    this.groups = groupPapers(papers, groupBy, {
      digestFiles: this.library.digestFiles,
      digestLabel: (file) => path.basename(file),
      tagsOf: (paper) => this.library.tagsOf(paper.key),
      digestDateOf: (file) => this.library.digest(file)?.digestDate ?? null,
    }).map((group) => ({ kind: 'group', group }));
    this.children.clear();
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.groups;
    if (node.kind === 'paper') return [];
    let papers = this.children.get(node);
    if (!papers) {
      papers = sortPapers(node.group.papers, this.settings().sortBy).map((paper) => ({ kind: 'paper', paper, parent: node }));
      this.children.set(node, papers);
    }
    return papers;
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'paper' ? node.parent : undefined;
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
    return node.kind === 'group' ? this.itemId(node.group) : `${this.itemId(node.parent.group)}|${node.paper.key}`;
  }

  get groupCount(): number {
    return this.groups.length;
  }

  /** The node of `key` in its first group, for reveal. */
  nodeOf(key: string): PaperNode | undefined {
    for (const group of this.groups) {
      if (group.group.papers.some((paper) => paper.key === key)) {
        return this.getChildren(group).find((node): node is PaperNode => node.kind === 'paper' && node.paper.key === key);
      }
    }
    return undefined;
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
    return node.kind === 'group' ? this.groupItem(node.group) : this.paperItem(node);
  }

  private groupItem(group: PaperGroup): vscode.TreeItem {
    const item = new vscode.TreeItem(
      group.label,
      this.groups.length === 1 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = this.itemId(group);
    const count = countOf(group.papers.length, 'paper');
    if (group.file) {
      const digest = this.library.digest(group.file);
      const date = digest?.digestDate ? formatPaperDate({ year: null, ...digest.digestDate }) : undefined;
      // The count first: it is what tells digests apart, and a narrow sidebar cuts the end of the description.
      item.description = date ? `${count} · ${date}` : count;
      item.tooltip = `${this.library.workspaceRelative(group.file)}\n${count}`;
      item.iconPath = new vscode.ThemeIcon('file-text');
      item.contextValue = 'digestGroup';
      item.resourceUri = vscode.Uri.file(group.file);
    } else {
      item.description = count;
      item.iconPath = new vscode.ThemeIcon(group.id.startsWith('tag:') ? 'tag' : 'calendar');
      item.contextValue = 'group';
    }
    return item;
  }

  private paperItem(node: PaperNode): vscode.TreeItem {
    const { paper } = node;
    const item = new vscode.TreeItem(paper.title, vscode.TreeItemCollapsibleState.None);
    item.id = this.nodeId(node);
    item.description = describePaper(paper);
    const hasCode = paper.links.some(isCodeLink);
    item.iconPath = new vscode.ThemeIcon(hasCode ? 'file-code' : 'file');
    // Words the menus match: "hasCode" offers Open Code, "tagged" offers Remove Tag.
    const tags = this.library.tagsOf(paper.key);
    item.contextValue = ['paper', hasCode ? 'hasCode' : '', tags.length > 0 ? 'tagged' : ''].filter(Boolean).join(' ');
    item.resourceUri = paperResourceUri(paper.key); // carries the "has a note" decoration
    item.tooltip = paperTooltip(paper, tags);
    item.command = { command: CommandIds.openPaperFromTree, title: 'Open Paper', arguments: [paper.key] };
    item.accessibilityInformation = { label: [paper.title, item.description, hasCode ? 'has code' : ''].filter(Boolean).join(', ') };
    return item;
  }
}

/** A markdown tooltip; digest text goes in escaped (appendPlainText), so it is shown, never interpreted. */
function paperTooltip(paper: Paper, tags: readonly string[]): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(undefined, false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  tooltip.appendMarkdown('**');
  appendPlainText(tooltip, paper.title).appendMarkdown('**\n\n');
  const facts = [
    paper.key,
    formatPaperDate(paper.date),
    describePaper(paper).replace(/^\d{4}( · )?/, ''),
    tags.length ? `tags: ${tags.join(', ')}` : '',
  ].filter(Boolean);
  appendPlainText(tooltip, facts.join(' · ')).appendMarkdown('\n\n');
  const abstract =
    paper.abstract.length > TOOLTIP_ABSTRACT_LENGTH ? `${paper.abstract.slice(0, TOOLTIP_ABSTRACT_LENGTH).replace(/\s+\S*$/, '')}…` : paper.abstract;
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
  private lastClick: { key: string; time: number } | undefined;
  /** Group rows the reader opened or closed (by tree item id): VS Code tells no extension which rows are open otherwise. */
  private readonly expanded = new Set<string>();
  private readonly collapsed = new Set<string>();
  /** The paper reveal() is selecting: the preview does not follow that selection. */
  private revealing: string | undefined;
  private papersShown = false;

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly state: vscode.Memento,
    private readonly openPaper: OpenPaper,
  ) {
    super();
    this.provider = this.register(new PapersTreeProvider(library, () => ({ groupBy: this.groupBy, sortBy: this.sortBy, filter: this.filter })));
    this.view = this.register(vscode.window.createTreeView(PAPERS_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true, canSelectMany: true }));
    // A library change is followed in a turn of its own: the library's other listeners run first,
    // so that no one task of the host does all their work at 100,000 papers.
    let pending: ReturnType<typeof setImmediate> | undefined;
    this.register(
      library.onDidChange(() => {
        if (pending) return;
        pending = setImmediate(() => {
          pending = undefined;
          this.refresh();
        });
      }),
    );
    this.register({ dispose: () => pending && clearImmediate(pending) });
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('marginalia.tree')) this.refresh();
      }),
    );
    // The walkthrough's first step completes when this context key turns true. VS Code never
    // checks a step off for a context that already held when it read the walkthrough, so the key
    // turns true at a moment the reader sees (papers in this view), not at start-up.
    this.register(this.view.onDidChangeVisibility(() => this.notePapersShown()));
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
    this.refresh();
  }

  /**
   * Keys move the selection: the keybindings of package.json act on papers only when a paper is
   * selected (Enter on a group still opens or closes it), and the preview follows the selection
   * when the reader wants it, keeping the focus in the tree so that the arrows go on moving.
   */
  private selectionChanged(selection: readonly Node[]): void {
    const papers = selection.filter((node): node is PaperNode => node.kind === 'paper');
    void vscode.commands.executeCommand('setContext', ContextKeys.paperSelected, papers.length > 0 && papers.length === selection.length);
    if (papers.length !== 1 || selection.length !== 1 || papers[0].paper.key === this.revealing) return;
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
    if (this.papersShown || !this.view.visible || this.library.papers.length === 0) return;
    this.papersShown = true;
    void vscode.commands.executeCommand('setContext', ContextKeys.papersShown, true);
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
  snapshot(): { label: string; description: string | undefined; keys: string[] }[] {
    return this.provider.getChildren().map((node) => ({
      label: (node as GroupNode).group.label,
      description: this.provider.getTreeItem(node).description as string | undefined,
      keys: this.provider.getChildren(node).map((child) => (child as PaperNode).paper.key),
    }));
  }

  /** For tests: the tree item of `key` in its first group. */
  treeItem(key: string): vscode.TreeItem | undefined {
    const node = this.provider.nodeOf(key);
    return node ? this.provider.getTreeItem(node) : undefined;
  }

  /** Selects and shows `key` in the tree (expanding its group). */
  async reveal(key: string, options: { focus?: boolean } = {}): Promise<boolean> {
    const node = this.provider.nodeOf(key);
    if (!node) return false;
    // Showing a paper in the tree (Reveal Paper, tests) selects it without opening it.
    this.revealing = key;
    try {
      await this.view.reveal(node, { select: true, focus: options.focus ?? false, expand: true });
    } finally {
      setImmediate(() => (this.revealing = undefined));
    }
    return true;
  }

  /** The papers selected in the tree (several with Ctrl/Shift-click). */
  selectedKeys(): string[] {
    return [...new Set(this.view.selection.filter((node): node is PaperNode => node.kind === 'paper').map((node) => node.paper.key))];
  }

  private refresh(): void {
    this.provider.refresh();
    const total = this.library.papers.length;
    this.view.description = this.filter ? `filter: ${this.filter}` : undefined;
    this.view.message = this.filter
      ? this.provider.visibleCount === 0
        ? `No paper matches "${this.filter}".`
        : `${formatNumber(this.provider.visibleCount)} of ${countOf(total, 'paper')} match "${this.filter}".`
      : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, this.groupBy);
    void vscode.commands.executeCommand('setContext', ContextKeys.sortBy, this.sortBy);
    void vscode.commands.executeCommand('setContext', ContextKeys.filterActive, this.filter !== '');
    this.notePapersShown();
  }

  private async setGroupBy(value: GroupBy): Promise<void> {
    await this.state.update('marginalia.groupBy', value);
    this.refresh();
  }

  private async setSortBy(value: SortBy): Promise<void> {
    await this.state.update('marginalia.sortBy', value);
    this.refresh();
  }

  private registerCommands(): void {
    const command = (id: string, run: (...args: never[]) => unknown) => this.register(vscode.commands.registerCommand(id, run));
    command(CommandIds.groupByDigest, () => this.setGroupBy('digest'));
    command(CommandIds.groupByMonth, () => this.setGroupBy('month'));
    command(CommandIds.groupByTag, () => this.setGroupBy('tag'));
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
      this.refresh();
    });
    command(CommandIds.clearFilter, () => {
      this.filter = '';
      this.refresh();
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
