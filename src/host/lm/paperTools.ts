/**
 * Marginalia's language-model tools (package.json `languageModelTools`): chat agents in VS Code can
 * search the reader's library, read one paper, and list the papers related to it, and cite what they
 * find by its key. Each tool answers with text (core/lm/toolAnswers.ts); bad input gets a sentence
 * back, never an exception, so that the model can correct itself.
 */
import * as vscode from 'vscode';
import {
  EMPTY_QUERY_ANSWER,
  cleanKey,
  paperAnswer,
  relatedAnswer,
  resultLimit,
  searchAnswer,
  unknownKeyAnswer,
  type ToolLibrary,
} from '../../core/lm/toolAnswers';
import type { Library } from '../library/library';
import { Disposable } from '../lifecycle';
import type { NoteLookup } from '../notes/noteLookup';
import type { SearchService } from '../search/searchService';
import { ToolNames } from './toolNames';

export interface SearchPapersInput {
  query: string;
  limit?: number;
}

export interface PaperKeyInput {
  key: string;
  limit?: number;
}

const DEFAULT_SEARCH_RESULTS = 10;
const DEFAULT_RELATED_RESULTS = 8;

export class PaperTools extends Disposable {
  constructor(
    private readonly library: Library,
    private readonly search: SearchService,
    private readonly notes: NoteLookup,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    // The API is there from VS Code 1.95 on; `engines.vscode` asks for 1.100, but a host without it loses only the tools.
    if (typeof vscode.lm?.registerTool !== 'function') {
      log.warn('Language-model tools: this VS Code has no vscode.lm.registerTool; chat agents cannot use the library.');
      return;
    }
    this.register(
      vscode.lm.registerTool<SearchPapersInput>(ToolNames.searchPapers, {
        prepareInvocation: (options) => ({ invocationMessage: `Searching your papers for "${String(options.input?.query ?? '').slice(0, 80)}"` }),
        invoke: (options) => this.answer('search', () => this.searchPapers(options.input)),
      }),
    );
    this.register(
      vscode.lm.registerTool<PaperKeyInput>(ToolNames.getPaper, {
        prepareInvocation: (options) => ({ invocationMessage: `Reading the paper ${cleanKey(options.input?.key) || '(no key)'}` }),
        invoke: (options) => this.answer('get paper', () => this.getPaper(options.input)),
      }),
    );
    this.register(
      vscode.lm.registerTool<PaperKeyInput>(ToolNames.relatedPapers, {
        prepareInvocation: (options) => ({ invocationMessage: `Finding papers related to ${cleanKey(options.input?.key) || '(no key)'}` }),
        invoke: (options) => this.answer('related papers', () => this.relatedPapers(options.input)),
      }),
    );
  }

  private async searchPapers(input: SearchPapersInput | undefined): Promise<string> {
    const query = typeof input?.query === 'string' ? input.query.trim() : '';
    if (query === '') return EMPTY_QUERY_ANSWER;
    const waiting = await this.whenReady();
    if (waiting) return waiting;
    const result = await this.search.search(query, resultLimit(input?.limit, DEFAULT_SEARCH_RESULTS));
    return searchAnswer(query, result.hits, result.total, result.hints, this.citable());
  }

  private async getPaper(input: PaperKeyInput | undefined): Promise<string> {
    const waiting = await this.whenReady(false);
    if (waiting) return waiting;
    const key = cleanKey(input?.key);
    const paper = key === '' ? undefined : this.library.get(key);
    if (!paper) return unknownKeyAnswer(key);
    const note = this.notes.noteUri(paper.key);
    return paperAnswer(paper, this.citable(), note ? vscode.workspace.asRelativePath(note, false) : undefined);
  }

  private async relatedPapers(input: PaperKeyInput | undefined): Promise<string> {
    const waiting = await this.whenReady();
    if (waiting) return waiting;
    const key = cleanKey(input?.key);
    const paper = key === '' ? undefined : this.library.get(key);
    if (!paper) return unknownKeyAnswer(key);
    const hits = await this.search.related(paper.key, resultLimit(input?.limit, DEFAULT_RELATED_RESULTS));
    return relatedAnswer(paper, hits, this.citable());
  }

  /** A sentence for the model when the library cannot answer yet; undefined once it can. */
  private async whenReady(needsIndex = true): Promise<string | undefined> {
    if (this.library.state === 'loading') return "The reader's Marginalia library is still being read; call the tool again in a few seconds.";
    if (this.library.state !== 'ready') return `The reader's Marginalia library is not available (${describeState(this.library.state)}).`;
    if (needsIndex) {
      await this.search.ready;
      if (this.search.state === 'failed') return 'The search index of the reader\'s library failed to build; the reader can run "Marginalia: Reindex Digests".';
    }
    return undefined;
  }

  private citable(): ToolLibrary {
    return { get: (key) => this.library.get(key), tagsOf: (key) => this.library.tagsOf(key) };
  }

  /** Runs a tool; a failure is logged and told to the model as a sentence. */
  private async answer(tool: string, run: () => Promise<string>): Promise<vscode.LanguageModelToolResult> {
    let text: string;
    try {
      text = await run();
    } catch (error) {
      this.log.error(`Language-model tool "${tool}" failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      text = `Marginalia could not answer (${error instanceof Error ? error.message : String(error)}); the details are in the Marginalia log.`;
    }
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
  }
}

function describeState(state: Library['state']): string {
  switch (state) {
    case 'noFolder':
      return 'no folder is open';
    case 'empty':
      return 'the workspace has no digests yet';
    case 'corrupt':
      return 'its library file .marginalia/library.jsonl does not parse; the reader must fix it first';
    case 'loading':
    case 'ready':
      return state;
  }
}
