/**
 * Tags in VS Code: Add / Remove / Rename Tag on one or many papers (Papers and Tags trees with
 * multi-select, the palette, the paper view), the Tags tree (`marginalia.tags`: every tag with its
 * count and papers, and the untagged papers), and the paper view's tag chips. Every write goes
 * through WorkspaceLibrary.changeTags, i.e. the library worker's store: locked, merged with what
 * is on disk, atomic. A library file that does not parse is never written: the user is told, with
 * "Open File", and nothing happens until it is fixed.
 */
import * as vscode from 'vscode';
import { describePaper, sortPapers } from '../../core/papers/grouping';
import { isCodeLink } from '../../core/digest/links';
import { LIBRARY_FILE_PATH, isValidTag } from '../../core/library/libraryFile';
import { LibraryWorkerError } from '../../node/library/libraryWorkerClient';
import type { TagOperation } from '../../node/library/libraryWorkerProtocol';
import type { Paper } from '../../core/types';
import type { HostMessage, WebviewMessage } from '../../protocol';
import { CommandIds } from '../commandIds';
import { keysFromArguments, pickPaper } from '../library/libraryCommands';
import { Disposable } from '../lifecycle';
import { paperResourceUri } from '../notes/noteCommands';
import type { PaperViewPart } from '../paperView/paperPanel';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';

export const TAGS_VIEW_ID = 'marginalia.tags';

const INVALID_TAG = 'one word without spaces or commas, at most 64 characters';

interface TagNode {
  kind: 'tag';
  tag: string;
  count: number;
}

interface UntaggedNode {
  kind: 'untagged';
  count: number;
}

/** Shaped like a Papers tree node (`kind`, `paper`), so the library's commands accept it too. */
interface TagPaperNode {
  kind: 'paper';
  paper: Paper;
  /** The tag it stands under; null under Untagged. */
  tag: string | null;
  parent: TagNode | UntaggedNode;
}

type Node = TagNode | UntaggedNode | TagPaperNode;

/** What the tag commands need of the rest of the extension. */
export interface TagContext {
  /** The papers selected in the Papers tree. */
  selectedKeys(): string[];
  /** The paper of the active paper view, if one is active. */
  activePaperKey(): string | undefined;
}

/** Tag changes with their checks and messages; the commands and the paper view both use it. */
export class TagService {
  constructor(private readonly library: WorkspaceLibrary, private readonly log: vscode.LogOutputChannel) {}

  /** Adds `tag` to `keys`; returns the keys that changed, or undefined when nothing could be written (the user was told). */
  add(keys: readonly string[], tag: string): Promise<string[] | undefined> {
    return this.write(`add "${tag}" to ${keys.join(', ')}`, { kind: 'add', keys: [...keys], tag });
  }

  remove(keys: readonly string[], tag: string): Promise<string[] | undefined> {
    return this.write(`remove "${tag}" from ${keys.join(', ')}`, { kind: 'remove', keys: [...keys], tag });
  }

  rename(from: string, to: string): Promise<string[] | undefined> {
    return this.write(`rename "${from}" to "${to}"`, { kind: 'rename', from, to });
  }

  /** True when tags can be written now; otherwise tells the user why (corrupt file, Restricted Mode, no folder). */
  checkWritable(): boolean {
    if (this.library.state === 'corrupt') {
      this.reportCorrupt(this.library.corruption ?? 'it does not parse');
      return false;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('Marginalia writes nothing in Restricted Mode: trust this workspace to tag papers.');
      return false;
    }
    if (!this.library.libraryFile) {
      void vscode.window.showInformationMessage('Open a folder first: Marginalia keeps tags in the workspace.');
      return false;
    }
    return true;
  }

  private async write(what: string, operation: TagOperation): Promise<string[] | undefined> {
    if (!this.checkWritable()) return undefined;
    try {
      const changed = await this.library.changeTags(operation);
      this.log.info(`Tags: ${what}: ${changed.length} paper(s) changed`);
      return changed;
    } catch (error) {
      if (!(error instanceof LibraryWorkerError) || error.kind === 'internal') throw error;
      this.log.error(`Tags: could not ${what}: ${error.message}`);
      if (error.kind === 'corrupt' || error.kind === 'conflict') this.reportCorrupt(error.message);
      else if (error.kind === 'tag') void vscode.window.showErrorMessage(`Marginalia could not change the tags: ${error.message}.`);
      else void vscode.window.showErrorMessage(error.message);
      return undefined;
    }
  }

  private reportCorrupt(reason: string): void {
    const open = 'Open File';
    void vscode.window
      .showErrorMessage(`Marginalia cannot change tags: ${LIBRARY_FILE_PATH} does not parse (${reason}). It was left untouched; fix it or restore it from git, then try again.`, open)
      .then((choice) => {
        const file = this.library.libraryFile;
        if (choice === open && file) void vscode.window.showTextDocument(file);
      });
  }
}

class TagsTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: (TagNode | UntaggedNode)[] = [];

  constructor(private readonly library: WorkspaceLibrary) {}

  refresh(): void {
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
    if (node.kind === 'paper') return [];
    const papers = this.library.papers.filter((paper) => {
      const tags = this.library.tagsOf(paper.key);
      return node.kind === 'tag' ? tags.includes(node.tag) : tags.length === 0;
    });
    return sortPapers(papers, 'title').map((paper): TagPaperNode => ({ kind: 'paper', paper, tag: node.kind === 'tag' ? node.tag : null, parent: node }));
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'paper' ? node.parent : undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'paper') {
      const { paper } = node;
      const item = new vscode.TreeItem(paper.title, vscode.TreeItemCollapsibleState.None);
      item.id = `${node.tag === null ? 'untagged' : `tag:${node.tag}`}|${paper.key}`;
      item.description = describePaper(paper);
      item.resourceUri = paperResourceUri(paper.key);
      item.iconPath = new vscode.ThemeIcon(paper.links.some(isCodeLink) ? 'file-code' : 'file');
      item.contextValue = node.tag === null ? 'paper' : 'paper taggedPaper';
      const tooltip = new vscode.MarkdownString(undefined, false);
      tooltip.appendText(`${paper.title}\n\n${[paper.key, ...this.library.tagsOf(paper.key).map((tag) => `#${tag}`)].join(' · ')}`);
      item.tooltip = tooltip;
      item.command = { command: CommandIds.openPaperFromTree, title: 'Open Paper', arguments: [paper.key] };
      return item;
    }
    const label = node.kind === 'tag' ? node.tag : 'Untagged';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.kind === 'tag' ? `tag:${node.tag}` : 'untagged';
    item.description = `${node.count} paper${node.count === 1 ? '' : 's'}`;
    item.iconPath = new vscode.ThemeIcon(node.kind === 'tag' ? 'tag' : 'circle-slash');
    item.contextValue = node.kind === 'tag' ? 'tag' : 'untagged';
    item.accessibilityInformation = { label: `${label}, ${item.description}` };
    return item;
  }
}

/** The Tags view, the tag commands and the paper view's tag chips. */
export class Tags extends Disposable implements PaperViewPart {
  readonly service: TagService;
  private readonly provider: TagsTreeProvider;
  private readonly view: vscode.TreeView<Node>;
  private readonly partChanged = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChange = this.partChanged.event;

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly context: TagContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.service = new TagService(library, log);
    this.provider = this.register(new TagsTreeProvider(library));
    this.view = this.register(vscode.window.createTreeView(TAGS_VIEW_ID, { treeDataProvider: this.provider, canSelectMany: true, showCollapseAll: true }));
    // Cheap at any size (counts are kept by the library), so it follows at once.
    this.register(library.onDidChange(() => this.refresh()));
    this.register(library.onDidChangeState(() => this.refresh()));
    this.registerCommands();
    this.refresh();
  }

  /** For tests: the Tags tree's top level with descriptions, and the keys under each. */
  snapshot(): { label: string; description: string; keys: string[] }[] {
    return this.provider.getChildren().map((node) => ({
      label: String(this.provider.getTreeItem(node).label),
      description: String(this.provider.getTreeItem(node).description ?? ''),
      keys: this.provider.getChildren(node).map((child) => (child as TagPaperNode).paper.key),
    }));
  }

  // --- The paper view part ------------------------------------------------------------------------

  messages(key: string): HostMessage[] {
    return [{ type: 'didLoadTags', key, tags: [...this.library.tagsOf(key)], allTags: this.library.tagCounts().map(({ tag }) => tag) }];
  }

  receive(key: string, message: WebviewMessage): void {
    if (message.type !== 'addTag' && message.type !== 'removeTag') return;
    const tag = message.tag.trim();
    if (!isValidTag(tag)) {
      void vscode.window.showErrorMessage(`"${tag}" is not a valid tag: use ${INVALID_TAG}.`);
      return;
    }
    const run = message.type === 'addTag' ? this.service.add([key], tag) : this.service.remove([key], tag);
    void run.catch((error: unknown) => this.fail(message.type, error));
  }

  private refresh(): void {
    this.provider.refresh();
    const count = this.library.tagCounts().length;
    this.view.message = this.library.state === 'corrupt'
      ? 'The library file .marginalia/library.jsonl does not parse, so tags are unknown; fix it or restore it from git.'
      : count === 0 && this.library.state === 'ready'
        ? 'No tags yet. Tag papers from the Papers tree (right-click, several at once), the paper view, or "Marginalia: Add Tag...".'
        : undefined;
    this.view.description = count > 0 ? `${count} tag${count === 1 ? '' : 's'}` : undefined;
    this.partChanged.fire(undefined);
  }

  // --- Commands -------------------------------------------------------------------------------------

  private registerCommands(): void {
    const command = (id: string, run: CommandRun) => this.register(registerSafeCommand(id, run, (failed, error) => this.fail(failed, error)));

    // A third argument names the tag (scripts and tests); otherwise the user picks one.
    command(CommandIds.addTag, async (first, all, extra) => {
      if (!this.service.checkWritable()) return undefined;
      const keys = await this.targetKeys(first, all, 'Add Tag');
      if (keys.length === 0) return undefined;
      const tag = typeof extra === 'string' ? extra : await this.pickTag(`Add Tag to ${describeKeys(keys)}`, this.library.tagCounts().filter(({ tag: t }) => !keys.every((key) => this.library.tagsOf(key).includes(t))), true);
      if (tag === undefined) return undefined;
      const changed = await this.service.add(keys, tag);
      if (changed) vscode.window.setStatusBarMessage(`Tagged ${changed.length} paper${changed.length === 1 ? '' : 's'} "${tag}"`, 3000);
      return changed;
    });

    command(CommandIds.removeTag, async (first, all, extra) => {
      if (!this.service.checkWritable()) return undefined;
      // Papers under a tag in the Tags tree lose that tag: no question to ask.
      const nodes = (Array.isArray(all) && all.length > 0 ? all : [first]).filter(isTaggedPaperNode);
      if (typeof extra !== 'string' && nodes.length > 0) {
        const byTag = new Map<string, string[]>();
        for (const node of nodes) byTag.set(node.tag, [...(byTag.get(node.tag) ?? []), node.paper.key]);
        const changed: string[] = [];
        for (const [tag, keys] of byTag) changed.push(...((await this.service.remove(keys, tag)) ?? []));
        return changed;
      }
      const keys = await this.targetKeys(first, all, 'Remove Tag');
      if (keys.length === 0) return undefined;
      const counts = new Map<string, number>();
      for (const key of keys) for (const tag of this.library.tagsOf(key)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      if (typeof extra !== 'string' && counts.size === 0) {
        void vscode.window.showInformationMessage(`${keys.length === 1 ? 'This paper has' : 'These papers have'} no tags to remove.`);
        return undefined;
      }
      const tag = typeof extra === 'string' ? extra : await this.pickTag(`Remove Tag from ${describeKeys(keys)}`, [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, count]) => ({ tag: t, count })), false);
      if (tag === undefined) return undefined;
      const changed = await this.service.remove(keys, tag);
      if (changed) vscode.window.setStatusBarMessage(`Removed "${tag}" from ${changed.length} paper${changed.length === 1 ? '' : 's'}`, 3000);
      return changed;
    });

    command(CommandIds.renameTag, async (first, newName) => {
      if (!this.service.checkWritable()) return undefined;
      const from = isTagNode(first) ? first.tag : typeof first === 'string' ? first : await this.pickTag('Rename Tag', this.library.tagCounts(), false);
      if (from === undefined) return undefined;
      const existing = new Set(this.library.tagCounts().map(({ tag }) => tag));
      const to = typeof newName === 'string' ? newName : await vscode.window.showInputBox({
        title: `Rename Tag "${from}"`,
        prompt: 'The new name, on every paper that has the tag (an existing tag merges)',
        value: from,
        validateInput: (value) => {
          const tag = value.trim();
          if (!isValidTag(tag)) return `A tag is ${INVALID_TAG}.`;
          return tag !== from && existing.has(tag) ? { message: `"${tag}" exists: the two tags will be merged.`, severity: vscode.InputBoxValidationSeverity.Info } : undefined;
        },
      });
      if (to === undefined || to.trim() === from) return undefined;
      const changed = await this.service.rename(from, to.trim());
      if (changed) vscode.window.setStatusBarMessage(`Renamed "${from}" to "${to.trim()}" on ${changed.length} paper${changed.length === 1 ? '' : 's'}`, 3000);
      return changed;
    });
  }

  /** The papers a tag command acts on: its tree arguments, else the active paper view, else the Papers tree's selection, else one the user picks. */
  private async targetKeys(first: unknown, all: unknown, title: string): Promise<string[]> {
    const keys = keysFromArguments(first, all);
    if (keys.length > 0) return keys;
    const active = this.context.activePaperKey();
    if (active) return [active];
    const selected = this.context.selectedKeys();
    if (selected.length > 0) return selected;
    const key = await pickPaper(this.library, title);
    return key ? [key] : [];
  }

  /**
   * A quick pick of tags with their counts; with `allowCreate`, typing a new name offers
   * "Create tag ...". Resolves to the tag, or undefined when cancelled.
   */
  private pickTag(title: string, tags: readonly { tag: string; count: number }[], allowCreate: boolean): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { tag?: string };
    const existing: Item[] = tags.map(({ tag, count }) => ({ label: escapeIcons(tag), description: `${count} paper${count === 1 ? '' : 's'}`, tag, iconPath: new vscode.ThemeIcon('tag') }));
    if (!allowCreate && existing.length === 0) {
      void vscode.window.showInformationMessage('There are no tags yet.');
      return Promise.resolve(undefined);
    }
    const pick = vscode.window.createQuickPick<Item>();
    pick.title = title;
    pick.placeholder = allowCreate ? 'Pick a tag, or type a new one' : 'Pick a tag';
    pick.items = existing;
    pick.matchOnDescription = false;
    const update = () => {
      const value = pick.value.trim();
      if (!allowCreate || value === '' || tags.some(({ tag }) => tag === value)) {
        pick.items = existing;
        return;
      }
      const create: Item = isValidTag(value)
        ? { label: `Create tag "${escapeIcons(value)}"`, tag: value, iconPath: new vscode.ThemeIcon('add'), alwaysShow: true }
        : { label: `"${escapeIcons(value)}" cannot be a tag`, detail: `A tag is ${INVALID_TAG}.`, iconPath: new vscode.ThemeIcon('error'), alwaysShow: true };
      pick.items = [create, ...existing];
    };
    pick.onDidChangeValue(update);
    return new Promise<string | undefined>((resolve) => {
      let accepted: string | undefined;
      pick.onDidAccept(() => {
        const [item] = pick.selectedItems;
        if (!item?.tag) return; // the "cannot be a tag" line: keep the pick open for a fix
        accepted = item.tag;
        pick.hide();
      });
      pick.onDidHide(() => {
        pick.dispose();
        resolve(accepted);
      });
      pick.show();
    });
  }

  private fail(id: string, error: unknown): void {
    reportError(this.log, id, error, 'Marginalia could not change the tags');
  }
}

function isTagNode(value: unknown): value is TagNode {
  return typeof value === 'object' && value !== null && (value as TagNode).kind === 'tag' && typeof (value as TagNode).tag === 'string';
}

function isTaggedPaperNode(value: unknown): value is TagPaperNode & { tag: string } {
  return typeof value === 'object' && value !== null && (value as TagPaperNode).kind === 'paper' && typeof (value as TagPaperNode).tag === 'string';
}

function describeKeys(keys: readonly string[]): string {
  return keys.length === 1 ? keys[0] : `${keys.length} papers`;
}

/** "$(" would be read as an icon in a quick pick label. */
function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}
