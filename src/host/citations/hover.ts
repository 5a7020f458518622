/** The hover on a citation key: the paper it names, or a word on a key no paper has. */
import * as vscode from 'vscode';
import { commandLink, markdownLinkTarget } from '../../core/escaping';
import { formatPaperDate, isSafeExternalUrl } from '../../core/paperView/viewModel';
import { trimAtWord } from '../../core/text';
import type { BibEntry } from '../../core/bibliography/bibEntries';
import type { Paper } from '../../core/types';
import { CommandIds } from '../commandIds';
import type { Library } from '../library/library';
import { appendPlainText } from '../shared/markdown';
import { type DocumentMentions, mentionRange } from './documentMentions';
import { readableMath } from '../../core/math/readable';

/** The command ids a hover may run; nothing else in a hover is trusted. */
const HOVER_COMMANDS = [CommandIds.openPaper, CommandIds.openNote];
const HOVER_ABSTRACT_CHARS = 600;

export class CitationHoverProvider implements vscode.HoverProvider {
  /** @param entryOf the reader's .bib entry behind a paper, for its authors, venue and year */
  constructor(
    private readonly library: Library,
    private readonly mentions: DocumentMentions,
    private readonly entryOf: (paper: Paper) => BibEntry | undefined = () => undefined,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const mention = this.mentions.at(document, position);
    if (!mention) return undefined;
    const range = mentionRange(mention);
    const paper = this.library.get(mention.key);
    if (!paper) {
      if (this.library.state !== 'ready' || mention.form === 'bare') return undefined;
      const text = appendPlainText(new vscode.MarkdownString(), `Unknown citation key ${mention.key}: no digest paper or .bib entry of the workspace has it.`);
      return new vscode.Hover(text, range);
    }
    return new vscode.Hover(paperHover(paper, this.entryOf(paper)), range);
  }
}

/**
 * The hover of a paper. Digest text is hostile: every digest string goes in through
 * appendPlainText (escaped), links only when http(s) and percent-encoded, and the only trusted
 * parts are the command links to Open Paper and Open Note.
 */
function paperHover(paper: Paper, entry: BibEntry | undefined): vscode.MarkdownString {
  // Theme icons on, for the link icon; appendPlainText escapes any icon reference in digest text.
  const text = new vscode.MarkdownString(undefined, true);
  text.isTrusted = { enabledCommands: HOVER_COMMANDS };
  text.supportHtml = false;
  text.appendMarkdown('**');
  appendPlainText(text, readableMath(paper.title) || paper.key);
  text.appendMarkdown('**\n\n');
  if (entry) {
    // What the reader's .bib says: authors, venue, year, and where the entry is.
    const authors = entry.authors.length > 6 ? `${entry.authors.slice(0, 6).join(', ')} et al.` : entry.authors.join(', ');
    const bibFacts = [authors, entry.venue ?? '', entry.year === null ? '' : String(entry.year)].filter((part) => part !== '');
    if (bibFacts.length > 0) {
      appendPlainText(text, bibFacts.join(' · '));
      text.appendMarkdown('\n\n');
    }
  }
  const facts = [
    formatPaperDate(paper.date),
    paper.authors !== null ? `${paper.authors} author${paper.authors === 1 ? '' : 's'}` : (paper.submitter?.trim() ?? ''),
    paper.upvotes !== null ? `${paper.upvotes} upvote${paper.upvotes === 1 ? '' : 's'}` : '',
  ].filter((part) => part !== '');
  const keys = paper.aliases.length > 0 ? `${paper.key} (also ${paper.aliases.join(', ')})` : paper.key;
  appendPlainText(text, [keys, ...facts].join(' · '));
  text.appendMarkdown('\n\n');
  if (paper.abstract.trim() !== '') {
    appendPlainText(text, trimAtWord(readableMath(paper.abstract), HOVER_ABSTRACT_CHARS));
    text.appendMarkdown('\n\n');
  }
  const links = paper.links.filter(isSafeExternalUrl).slice(0, 4);
  for (const url of links) {
    text.appendMarkdown(`[$(link-external) `);
    appendPlainText(text, displayUrl(url));
    text.appendMarkdown(`](${markdownLinkTarget(url)})  \n`);
  }
  if (links.length > 0) text.appendMarkdown('\n');
  text.appendMarkdown(`[Open Paper](${commandLink(CommandIds.openPaper, paper.key)})`);
  text.appendMarkdown(` | [Open Note](${commandLink(CommandIds.openNote, paper.key)})`);
  return text;
}

function displayUrl(url: string): string {
  const short = url.replace(/^https?:\/\/(?:www\.)?/i, '').replace(/\/$/, '');
  return short.length > 60 ? `${short.slice(0, 59)}…` : short;
}
