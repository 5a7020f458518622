/**
 * Digest text into a MarkdownString: the one way the host puts untrusted text in a hover, a
 * tooltip or a completion item's documentation.
 */
import type * as vscode from 'vscode';
import { markdownText } from '../../core/escaping';

/**
 * Appends `text` so that it renders as exactly that text, on one line (white space runs become one
 * space). The escaping follows the string's own `supportThemeIcons`, so a caller cannot pick the
 * wrong one; set that before appending.
 */
export function appendPlainText(markdown: vscode.MarkdownString, text: string): vscode.MarkdownString {
  return markdown.appendMarkdown(markdownText(text, markdown.supportThemeIcons === true));
}
