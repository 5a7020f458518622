/**
 * Quick fixes on the citation warnings (diagnostics.ts): for an unknown key, the nearest known
 * keys and a search of the papers; for a key retired after a merge, each paper it named, here or in
 * every citation of it.
 */
import * as vscode from 'vscode';
import type { KeyDispute } from '../../core/library/libraryFile';
import { nearestKeys, shortTitle } from '../../core/citations/format';
import { CommandIds } from '../commandIds';
import type { Library } from '../library/library';
import { DIAGNOSTIC_SOURCE, RETIRED_KEY_CODE, UNKNOWN_KEY_CODE } from './diagnostics';
import type { WorkspaceCitations } from './workspaceCitations';

export class CitationQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly library: Library,
    private readonly citations: WorkspaceCitations,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if ((diagnostic.code !== UNKNOWN_KEY_CODE && diagnostic.code !== RETIRED_KEY_CODE) || diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const unknown = document.getText(diagnostic.range);
      // A retired key offers exactly the papers it named; an unknown one the nearest keys.
      const dispute = this.library.dispute(unknown);
      const suggestions = dispute
        ? dispute.papers.map((paper) => paper.key)
        : nearestKeys(
            unknown,
            this.library.papers.map((paper) => paper.key),
            5,
          );
      suggestions.forEach((key, index) => {
        const paper = this.library.get(key);
        const title = paper ? ` (${shortTitle(paper.title, 50)})` : '';
        const action = new vscode.CodeAction(`Change to ${key}${title}`, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, diagnostic.range, key);
        action.diagnostics = [diagnostic];
        action.isPreferred = index === 0 && !dispute;
        actions.push(action);
      });
      if (dispute) actions.push(...this.rewriteEverywhere(unknown, dispute, diagnostic));
      else actions.push(this.searchInstead(document, unknown, diagnostic, suggestions.length === 0));
    }
    return actions;
  }

  /** For an unknown key: a paper picker that starts with the key's words (preferred when no key is near). */
  private searchInstead(document: vscode.TextDocument, unknown: string, diagnostic: vscode.Diagnostic, preferred: boolean): vscode.CodeAction {
    const action = new vscode.CodeAction(`Search papers for "${unknown}"...`, vscode.CodeActionKind.QuickFix);
    action.command = { command: CommandIds.replaceCitationKey, title: 'Search Papers', arguments: [document.uri, diagnostic.range] };
    action.diagnostics = [diagnostic];
    action.isPreferred = preferred;
    return action;
  }

  /**
   * For a key retired after a merge: one fix per paper it named that rewrites every citation of it in
   * the workspace (the reader knows which paper their branch meant; Marginalia does not guess).
   */
  private rewriteEverywhere(key: string, dispute: KeyDispute, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
    const mentions = this.citations.mentionsOf(key);
    const files = new Set(mentions.map((mention) => mention.uri.toString()));
    if (mentions.length < 2) return [];
    return dispute.papers.map((paper) => {
      const action = new vscode.CodeAction(
        `Change all ${mentions.length} citations of ${key} in ${files.size} file${files.size === 1 ? '' : 's'} to ${paper.key} (${shortTitle(paper.title, 50)})`,
        vscode.CodeActionKind.QuickFix,
      );
      action.edit = new vscode.WorkspaceEdit();
      for (const mention of mentions) action.edit.replace(mention.uri, mention.range, paper.key);
      action.diagnostics = [diagnostic];
      return action;
    });
  }
}
