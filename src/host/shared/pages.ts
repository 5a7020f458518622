/**
 * Long lists in a tree, handed to VS Code a page at a time. VS Code asks a provider for all the
 * children of an item at once and sends every one of them to the window, which lays them all out
 * before it draws again: 100,000 untagged papers in one group froze the window for seconds. A group
 * shows its first page and a "Show More" item after it; each click shows one more page.
 */
import * as vscode from 'vscode';
import { formatNumber } from './counts';

/** Children shown per page: a few screens of a tall sidebar, and quick for the window to lay out. */
export const PAGE_SIZE = 500;

/** How many children of each group (by a stable id) are shown. */
export class Pages {
  private readonly shown = new Map<string, number>();

  /** How many of `total` children of `id` to show. */
  count(id: string, total: number): number {
    return Math.min(total, this.shown.get(id) ?? PAGE_SIZE);
  }

  /** Shows one more page of `id`. */
  more(id: string): void {
    this.shown.set(id, (this.shown.get(id) ?? PAGE_SIZE) + PAGE_SIZE);
  }

  /** Shows at least the child at `index` of `id` (for reveal): true when the page grew. */
  include(id: string, index: number): boolean {
    const shown = this.shown.get(id) ?? PAGE_SIZE;
    if (index < shown) return false;
    this.shown.set(id, Math.ceil((index + 1) / PAGE_SIZE) * PAGE_SIZE);
    return true;
  }

  /** Back to the first page everywhere (another grouping, sort or filter). */
  reset(): void {
    this.shown.clear();
  }
}

/** The "Show More" item after `shown` of `total` children; its command shows the next page. */
export function showMoreItem(id: string, shown: number, total: number, command: string, argument: unknown): vscode.TreeItem {
  const next = Math.min(PAGE_SIZE, total - shown);
  const item = new vscode.TreeItem(`Show ${formatNumber(next)} More`, vscode.TreeItemCollapsibleState.None);
  item.id = `${id}|more`;
  item.description = `${formatNumber(shown)} of ${formatNumber(total)} shown`;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = 'showMore';
  item.command = { command, title: 'Show More', arguments: [argument] };
  item.accessibilityInformation = { label: `Show ${next} more, ${shown} of ${total} shown` };
  return item;
}
