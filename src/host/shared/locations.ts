/**
 * Where a paper stands in its digests, for VS Code: the one conversion from a digest source (a
 * file and a 1-based line, as the library records it) to a vscode.Location.
 */
import * as vscode from 'vscode';
import type { SourceRef } from '../../core/types';

/**
 * The title line of a source entry. The library reads only digests on the `file` scheme and names
 * them by their fsPath (WorkspaceLibrary), so the URI is Uri.file of it: Uri.parse would read a
 * Windows path's drive letter as a scheme. The range spans the whole line; VS Code clips its end
 * to the line's length. A line past the end of a digest that has since shrunk is the caller's to
 * clamp against the open document.
 */
export function sourceLocation(source: SourceRef): vscode.Location {
  const line = Math.max(0, source.line - 1);
  return new vscode.Location(vscode.Uri.file(source.file), new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER));
}
