/** Completion of citation keys: while a citation is being typed, the papers whose key or title match. */
import * as vscode from 'vscode';
import { shortTitle } from '../../core/citations/format';
import { describeEntry, type BibEntry } from '../../core/bibliography/bibEntries';
import { citationContextAt } from '../../core/citations/scanner';
import { keysOfPaper } from '../../core/library/citationKey';
import { formatPaperDate } from '../../core/paperView/viewModel';
import { trimAtWord } from '../../core/text';
import type { Paper } from '../../core/types';
import type { Library } from '../library/library';
import { appendPlainText } from '../shared/markdown';
import { syntaxOf } from './documentMentions';
import { readableMath } from '../../core/math/readable';

/** The characters after which VS Code asks for completions: a pandoc `@`, a `\cite{`, a list separator. */
export const COMPLETION_TRIGGERS = ['@', '{', ',', ';'];
const COMPLETION_LIMIT = 100;
const COMPLETION_ABSTRACT_CHARS = 300;

export class CitationCompletionProvider implements vscode.CompletionItemProvider {
  /**
   * @param entryOf the reader's .bib entry behind a paper: its key is the one inserted (the one
   *   BibTeX and pandoc find in the project's .bib), its year and authors are shown
   */
  constructor(
    private readonly library: Library,
    private readonly entryOf: (paper: Paper) => BibEntry | undefined = () => undefined,
  ) {}

  async provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    token?: vscode.CancellationToken,
  ): Promise<vscode.CompletionList | undefined> {
    const syntax = syntaxOf(document);
    if (!syntax || this.library.papers.length === 0) return undefined;
    const context = citationContextAt(document.getText(), position.line, position.character, syntax);
    if (!context) return undefined;
    const siblings = new Set(context.siblings);
    const range = {
      inserting: new vscode.Range(context.line, context.start, position.line, position.character),
      replacing: new vscode.Range(context.line, context.start, context.line, Math.max(context.end, position.character)),
    };
    const matches = await this.library.find('complete', context.prefix, COMPLETION_LIMIT);
    if (token?.isCancellationRequested) return undefined;
    const items = matches.map((match, index) => {
      const { paper } = match;
      const entry = this.entryOf(paper);
      const key = entry?.key ?? paper.key;
      const year = paper.date?.year ?? entry?.year;
      const item = new vscode.CompletionItem(
        { label: key, detail: year ? ` ${year}` : undefined, description: shortTitle(paper.title, 70) },
        vscode.CompletionItemKind.Reference,
      );
      item.detail = [
        key,
        formatPaperDate(paper.date),
        entry ? describeEntry(entry) : paper.authors !== null ? `${paper.authors} author${paper.authors === 1 ? '' : 's'}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      item.documentation = completionDocumentation(paper);
      item.insertText = context.needsAt ? `@${key}` : key;
      item.range = range;
      // What the user typed is matched against the key and the title's words.
      item.filterText = `${keysOfPaper(paper).join(' ')} ${readableMath(paper.title)} ${paper.title}`;
      // Already cited in the same bracket: offered last.
      const rank = siblings.has(key) ? 9 : match.rank;
      item.sortText = `${rank}${String(index).padStart(5, '0')}`;
      return item;
    });
    // Filtered here, so VS Code asks again as the user types.
    return new vscode.CompletionList(items, true);
  }
}

function completionDocumentation(paper: Paper): vscode.MarkdownString {
  const text = new vscode.MarkdownString();
  text.appendMarkdown('**');
  appendPlainText(text, readableMath(paper.title));
  text.appendMarkdown('**');
  const date = formatPaperDate(paper.date);
  if (date) {
    text.appendMarkdown(' · ');
    appendPlainText(text, date);
  }
  if (paper.abstract.trim() !== '') {
    text.appendMarkdown('\n\n');
    appendPlainText(text, trimAtWord(readableMath(paper.abstract), COMPLETION_ABSTRACT_CHARS));
  }
  return text;
}
