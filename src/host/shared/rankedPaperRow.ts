/**
 * A row of a view that ranks papers for the reader (For You, Related): the title readable (math as
 * text), the reason in the description's muted colour, a tooltip with the start of the abstract
 * and the reason in words, and a click that opens the paper. Both views build their rows here, so
 * they look and read alike.
 */
import * as vscode from 'vscode';
import { readableMath } from '../../core/math/readable';
import type { Paper } from '../../core/types';
import { CommandIds } from '../commandIds';
import { appendPlainText } from './markdown';

/** The tooltip shows this much of the abstract. */
const TOOLTIP_ABSTRACT = 400;

export interface RankedPaperRow {
  /** The paper's key, and the paper when the library still has it. */
  key: string;
  paper: Paper | undefined;
  /** Short, after the title: a score, the words that weigh most. */
  description: string;
  /** Why the paper is listed, in a sentence: the tooltip's last line and what a screen reader says. */
  reason: string;
  /** The words the view's menus match (`paper` first, so that paper commands apply). */
  contextValue: string;
  icon: string;
}

/** The tree item of a ranked paper. */
export function rankedPaperItem(row: RankedPaperRow): vscode.TreeItem {
  const title = (row.paper && readableMath(row.paper.title)) || row.key;
  const item = new vscode.TreeItem(title, vscode.TreeItemCollapsibleState.None);
  item.id = row.key;
  item.description = row.description;
  item.contextValue = row.contextValue;
  item.iconPath = new vscode.ThemeIcon(row.icon);
  item.command = { command: CommandIds.openPaper, title: 'Open Paper', arguments: [row.key] };
  const tooltip = new vscode.MarkdownString();
  // Digest text is untrusted: appendPlainText escapes it.
  appendPlainText(tooltip, title).appendMarkdown('\n\n');
  const abstract = row.paper?.abstract ? readableMath(row.paper.abstract) : '';
  if (abstract) appendPlainText(tooltip, abstract.length > TOOLTIP_ABSTRACT ? `${abstract.slice(0, TOOLTIP_ABSTRACT)}…` : abstract);
  tooltip.appendMarkdown('\n\n');
  appendPlainText(tooltip, row.reason);
  item.tooltip = tooltip;
  item.accessibilityInformation = { label: `${title}, ${row.reason}` };
  return item;
}
