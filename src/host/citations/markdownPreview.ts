/**
 * Citations in VS Code's markdown preview (`"markdown.markdownItPlugins": true`, and
 * `extendMarkdownIt` returned from `activate`): a markdown-it inline rule reads pandoc's bracketed
 * citations, a renderer writes them as links to the paper with its title as tooltip (unknown keys
 * marked), and a core rule appends the "References" list of the cited papers. The HTML comes from
 * core/citations/previewCitations.ts; every string in it is escaped with markdown-it's escapeHtml.
 */
import * as vscode from 'vscode';
import type { BibEntry } from '../../core/bibliography/bibEntries';
import { primaryUrl } from '../../core/bibliography/csl';
import {
  citationLabel,
  parseCitationGroup,
  renderCitationGroup,
  renderReferences,
  type PreviewCitation,
  type PreviewPaper,
} from '../../core/citations/previewCitations';
import { isSafeExternalUrl } from '../../core/paperView/viewModel';
import type { Paper } from '../../core/types';
import { Disposable } from '../lifecycle';
import type { Library } from '../library/library';

/** The parts of markdown-it this plugin uses (VS Code passes its own instance; we ship none). */
export interface MarkdownIt {
  inline: { ruler: { before(name: string, rule: string, fn: (state: InlineState, silent: boolean) => boolean): void } };
  core: { ruler: { push(rule: string, fn: (state: CoreState) => void): void } };
  renderer: { rules: Record<string, ((tokens: Token[], index: number) => string) | undefined> };
  utils: { escapeHtml(text: string): string };
}
interface Token {
  meta: unknown;
  content: string;
}
interface InlineState {
  src: string;
  pos: number;
  posMax: number;
  env: Record<string, unknown>;
  push(type: string, tag: string, nesting: number): Token;
}
interface CoreState {
  env: Record<string, unknown>;
  tokens: Token[];
  Token: new (type: string, tag: string, nesting: number) => Token;
}

/** Where a render keeps the papers it cited, in order (markdown-it's env is per render). */
const CITED = 'marginaliaCited';
const RULE = 'marginalia_citation';

export class MarkdownPreviewCitations extends Disposable {
  private used = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** @param entryOf the .bib entry behind a paper (its authors, venue and year), if any */
  constructor(
    private readonly library: Library,
    private readonly entryOf: (paper: Paper) => BibEntry | undefined,
  ) {
    super();
    // A preview rendered before the library was ready (or before a .bib changed) shows it anew.
    this.register(
      library.onDidChange(() => {
        if (!this.used) return;
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void vscode.commands.executeCommand('markdown.preview.refresh').then(undefined, () => undefined), 300);
      }),
    );
    this.register({ dispose: () => clearTimeout(this.refreshTimer) });
  }

  /** What `activate` returns as `extendMarkdownIt`. */
  extend(md: MarkdownIt): MarkdownIt {
    const escape = (text: string) => md.utils.escapeHtml(text);
    md.inline.ruler.before('link', RULE, (state, silent) => this.citationRule(state, silent));
    md.renderer.rules[RULE] = (tokens, index) => {
      const citations = tokens[index].meta as PreviewCitation[];
      return renderCitationGroup(citations, (key) => this.previewPaper(key), escape);
    };
    md.core.ruler.push('marginalia_references', (state) => {
      const cited = state.env[CITED] as string[] | undefined;
      if (!cited || cited.length === 0) return;
      const papers = cited.map((key) => this.previewPaper(key)).filter((paper): paper is PreviewPaper => paper !== undefined);
      const unique = papers.filter((paper, index) => papers.findIndex((other) => other.key === paper.key) === index);
      const html = renderReferences(unique, escape);
      if (!html) return;
      const token = new state.Token('html_block', '', 0);
      token.content = html;
      state.tokens.push(token);
    });
    return md;
  }

  /** `[...]` holding pandoc citations, not followed by `(` or `[` (then it is a link). */
  private citationRule(state: InlineState, silent: boolean): boolean {
    const start = state.pos;
    if (state.src.charCodeAt(start) !== 0x5b /* [ */) return false;
    const end = state.src.indexOf(']', start + 1);
    if (end < 0 || end > state.posMax) return false;
    const inner = state.src.slice(start + 1, end);
    if (inner.includes('[') || inner.includes('\n\n')) return false;
    const next = state.src[end + 1];
    if (next === '(' || next === '[') return false;
    const citations = parseCitationGroup(inner.replace(/\s+/g, ' '));
    if (!citations) return false;
    if (!silent) {
      this.used = true;
      const token = state.push(RULE, '', 0);
      token.meta = citations;
      const cited = (state.env[CITED] as string[] | undefined) ?? [];
      cited.push(...citations.map((citation) => citation.key));
      state.env[CITED] = cited;
    }
    state.pos = end + 1;
    return true;
  }

  private previewPaper(key: string): PreviewPaper | undefined {
    const paper = this.library.get(key);
    if (!paper) return undefined;
    const entry = this.entryOf(paper);
    const year = paper.date?.year ?? entry?.year ?? null;
    const links = paper.links.filter(isSafeExternalUrl);
    const details = entry
      ? [entry.authors.join(', '), entry.venue ?? '', year === null ? '' : String(year)].filter(Boolean).join('. ')
      : year === null
        ? ''
        : String(year);
    return {
      key: paper.key,
      shownKey: entry?.key,
      title: paper.title,
      label: citationLabel(paper.title, entry?.authors ?? [], year),
      year: year === null ? '' : String(year),
      details,
      url: primaryUrl(links) ?? null,
    };
  }
}
