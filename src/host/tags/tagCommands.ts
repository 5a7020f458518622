/**
 * The tag commands: Add / Remove / Rename Tag on one or many papers (Papers and Tags trees with
 * multi-select, the palette, the paper view's paper). A third argument names the tag for scripts and
 * tests; otherwise the user picks one, or types a new one.
 */
import * as vscode from 'vscode';
import { iconLabelText } from '../../core/escaping';
import { isValidTag } from '../../core/library/libraryFile';
import { CommandIds } from '../commandIds';
import { registerSafeCommand, type CommandRun } from '../commandRunner';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import type { CommandPapers } from '../shared/commandPapers';
import { INVALID_TAG, type TagService } from './tagService';
import { isTaggedPaperNode, isTagNode } from './tagsView';

export class TagCommands extends Disposable {
  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly service: TagService,
    private readonly commandPapers: CommandPapers,
  ) {
    super();
    const command = (id: string, run: CommandRun) => this.register(registerSafeCommand(id, run, (failed, error) => this.service.reportFailure(failed, error)));

    // A third argument names the tag (scripts and tests); otherwise the user picks one.
    command(CommandIds.addTag, async (first, all, extra) => {
      if (!this.service.checkWritable()) return undefined;
      const keys = await this.commandPapers.keys(first, all, { title: 'Add Tag', activePaper: true });
      if (keys.length === 0) return undefined;
      const tag =
        typeof extra === 'string'
          ? extra
          : await this.pickTag(
              `Add Tag to ${describeKeys(keys)}`,
              this.library.tagCounts().filter(({ tag: t }) => !keys.every((key) => this.library.tagsOf(key).includes(t))),
              true,
            );
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
      const keys = await this.commandPapers.keys(first, all, { title: 'Remove Tag', activePaper: true });
      if (keys.length === 0) return undefined;
      const counts = new Map<string, number>();
      for (const key of keys) for (const tag of this.library.tagsOf(key)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      if (typeof extra !== 'string' && counts.size === 0) {
        void vscode.window.showInformationMessage(`${keys.length === 1 ? 'This paper has' : 'These papers have'} no tags to remove.`);
        return undefined;
      }
      const tag =
        typeof extra === 'string'
          ? extra
          : await this.pickTag(
              `Remove Tag from ${describeKeys(keys)}`,
              [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, count]) => ({ tag: t, count })),
              false,
            );
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
      const to =
        typeof newName === 'string'
          ? newName
          : await vscode.window.showInputBox({
              title: `Rename Tag "${from}"`,
              prompt: 'The new name, on every paper that has the tag (an existing tag merges)',
              value: from,
              validateInput: (value) => {
                const tag = value.trim();
                if (!isValidTag(tag)) return `A tag is ${INVALID_TAG}.`;
                return tag !== from && existing.has(tag)
                  ? { message: `"${tag}" exists: the two tags will be merged.`, severity: vscode.InputBoxValidationSeverity.Info }
                  : undefined;
              },
            });
      if (to === undefined || to.trim() === from) return undefined;
      const changed = await this.service.rename(from, to.trim());
      if (changed) vscode.window.setStatusBarMessage(`Renamed "${from}" to "${to.trim()}" on ${changed.length} paper${changed.length === 1 ? '' : 's'}`, 3000);
      return changed;
    });
  }

  /**
   * A quick pick of tags with their counts; with `allowCreate`, typing a new name offers
   * "Create tag ...". Resolves to the tag, or undefined when cancelled.
   */
  private pickTag(title: string, tags: readonly { tag: string; count: number }[], allowCreate: boolean): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { tag?: string };
    const existing: Item[] = tags.map(({ tag, count }) => ({
      label: iconLabelText(tag),
      description: `${count} paper${count === 1 ? '' : 's'}`,
      tag,
      iconPath: new vscode.ThemeIcon('tag'),
    }));
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
        ? { label: `Create tag "${iconLabelText(value)}"`, tag: value, iconPath: new vscode.ThemeIcon('add'), alwaysShow: true }
        : { label: `"${iconLabelText(value)}" cannot be a tag`, detail: `A tag is ${INVALID_TAG}.`, iconPath: new vscode.ThemeIcon('error'), alwaysShow: true };
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
}

function describeKeys(keys: readonly string[]): string {
  return keys.length === 1 ? keys[0] : `${keys.length} papers`;
}
