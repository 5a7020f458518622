/**
 * The Tags tree (`marginalia.tags`): every tag with its count and papers, and the untagged papers.
 * Its nodes are what the tag commands receive from its context menu.
 */
import * as vscode from 'vscode';
import { isCodeLink } from '../../core/digest/links';
import { describePaper, sortPapers } from '../../core/papers/grouping';
import type { Paper } from '../../core/types';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { paperResourceUri } from '../notes/noteDecorations';
import { appendPlainText } from '../shared/markdown';
import { countOf } from '../shared/counts';
import { Pages, showMoreItem } from '../shared/pages';
import { readableMath } from '../../core/math/readable';

export const TAGS_VIEW_ID = 'marginalia.tags';

export interface TagNode {
  kind: 'tag';
  tag: string;
  count: number;
}

interface UntaggedNode {
  kind: 'untagged';
  count: number;
}

/** Shaped like a Papers tree node (`kind`, `paper`), so the library's commands accept it too. */
export interface TagPaperNode {
  kind: 'paper';
  paper: Paper;
  /** The tag it stands under; null under Untagged. */
  tag: string | null;
  parent: TagNode | UntaggedNode;
}

/** The "Show More" item after a tag's last page (see shared/pages.ts). */
interface MoreNode {
  kind: 'more';
  parent: TagNode | UntaggedNode;
}

type Node = TagNode | UntaggedNode | TagPaperNode | MoreNode;

export function isTagNode(value: unknown): value is TagNode {
  return typeof value === 'object' && value !== null && (value as TagNode).kind === 'tag' && typeof (value as TagNode).tag === 'string';
}

export function isTaggedPaperNode(value: unknown): value is TagPaperNode & { tag: string } {
  return typeof value === 'object' && value !== null && (value as TagPaperNode).kind === 'paper' && typeof (value as TagPaperNode).tag === 'string';
}

class TagsTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: (TagNode | UntaggedNode)[] = [];
  /** Each opened tag's papers in title order, and its "Show More" item. */
  private readonly children = new Map<TagNode | UntaggedNode, { papers: TagPaperNode[]; more: MoreNode }>();
  private readonly pages = new Pages();

  constructor(private readonly library: WorkspaceLibrary) {}

  refresh(): void {
    this.children.clear();
    this.pages.reset();
    const untagged = this.library.untaggedCount;
    this.roots = [
      ...this.library.tagCounts().map(({ tag, count }): TagNode => ({ kind: 'tag', tag, count })),
      ...(untagged > 0 && this.library.tagCounts().length > 0 ? [{ kind: 'untagged', count: untagged } as UntaggedNode] : []),
    ];
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.roots;
    if (node.kind === 'paper' || node.kind === 'more') return [];
    const { papers, more } = this.sorted(node);
    const shown = this.pages.count(idOf(node), papers.length);
    return shown < papers.length ? [...papers.slice(0, shown), more] : papers;
  }

  /** Every paper under a tag (or Untagged), in title order, whether shown yet or not. */
  sorted(node: TagNode | UntaggedNode): { papers: TagPaperNode[]; more: MoreNode } {
    let children = this.children.get(node);
    if (!children) {
      const papers = this.library.papers.filter((paper) => {
        const tags = this.library.tagsOf(paper.key);
        return node.kind === 'tag' ? tags.includes(node.tag) : tags.length === 0;
      });
      children = {
        papers: sortPapers(papers, 'title').map((paper): TagPaperNode => ({ kind: 'paper', paper, tag: node.kind === 'tag' ? node.tag : null, parent: node })),
        more: { kind: 'more', parent: node },
      };
      this.children.set(node, children);
    }
    return children;
  }

  /** Shows the next page of the tag whose item id is `id`. */
  showMore(id: string): void {
    const node = this.roots.find((root) => idOf(root) === id);
    if (!node) return;
    this.pages.more(id);
    this.changed.fire(node);
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'paper' || node.kind === 'more' ? node.parent : undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'more') {
      const id = idOf(node.parent);
      return showMoreItem(id, this.pages.count(id, node.parent.count), node.parent.count, CommandIds.showMoreTagPapers, id);
    }
    if (node.kind === 'paper') {
      const { paper } = node;
      const item = new vscode.TreeItem(readableMath(paper.title), vscode.TreeItemCollapsibleState.None);
      item.id = `${node.tag === null ? 'untagged' : `tag:${node.tag}`}|${paper.key}`;
      item.description = describePaper(paper);
      item.resourceUri = paperResourceUri(paper.key);
      item.iconPath = new vscode.ThemeIcon(paper.links.some(isCodeLink) ? 'file-code' : 'file');
      item.contextValue = node.tag === null ? 'paper' : 'paper tagged taggedPaper';
      const tooltip = new vscode.MarkdownString(undefined, false);
      appendPlainText(tooltip, readableMath(paper.title)).appendMarkdown('\n\n');
      appendPlainText(tooltip, [paper.key, ...this.library.tagsOf(paper.key).map((tag) => `#${tag}`)].join(' · '));
      item.tooltip = tooltip;
      item.command = { command: CommandIds.openPaperFromTree, title: 'Open Paper', arguments: [paper.key] };
      return item;
    }
    const label = node.kind === 'tag' ? node.tag : 'Untagged';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = idOf(node);
    item.description = countOf(node.count, 'paper');
    item.iconPath = new vscode.ThemeIcon(node.kind === 'tag' ? 'tag' : 'circle-slash');
    item.contextValue = node.kind === 'tag' ? 'tag' : 'untagged';
    item.accessibilityInformation = { label: `${label}, ${item.description}` };
    return item;
  }
}

function idOf(node: TagNode | UntaggedNode): string {
  return node.kind === 'tag' ? `tag:${node.tag}` : 'untagged';
}

/** The Tags view, kept current with the library. */
export class TagsView extends Disposable {
  private readonly provider: TagsTreeProvider;
  private readonly view: vscode.TreeView<Node>;

  constructor(private readonly library: WorkspaceLibrary) {
    super();
    this.provider = this.register(new TagsTreeProvider(library));
    this.view = this.register(vscode.window.createTreeView(TAGS_VIEW_ID, { treeDataProvider: this.provider, canSelectMany: true, showCollapseAll: true }));
    // Cheap at any size (counts are kept by the library), so it follows at once.
    this.register(library.onDidChange(() => this.refresh()));
    this.register(library.onDidChangeState(() => this.refresh()));
    this.register(vscode.commands.registerCommand(CommandIds.showMoreTagPapers, (id: string) => this.provider.showMore(id)));
    this.refresh();
  }

  /** For tests: the Tags tree's top level with descriptions, and the keys under each. */
  snapshot(): { label: string; description: string; keys: string[] }[] {
    return this.provider.getChildren().map((node) => ({
      label: String(this.provider.getTreeItem(node).label),
      description: String(this.provider.getTreeItem(node).description ?? ''),
      keys: this.provider.sorted(node as TagNode | UntaggedNode).papers.map((child) => child.paper.key),
    }));
  }

  private refresh(): void {
    this.provider.refresh();
    const count = this.library.tagCounts().length;
    this.view.message =
      this.library.state === 'corrupt'
        ? 'The library file .marginalia/library.jsonl does not parse, so tags are unknown; fix it or restore it from git.'
        : count === 0 && this.library.state === 'ready'
          ? 'No tags yet. Tag papers from the Papers tree (right-click, several at once), the paper view, or "Marginalia: Add Tag...".'
          : undefined;
    this.view.description = count > 0 ? `${count} tag${count === 1 ? '' : 's'}` : undefined;
  }
}
