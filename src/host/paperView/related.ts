/**
 * The paper view's related papers: search's answer for a paper, as the page lists it.
 */
import type * as vscode from 'vscode';
import type { RelatedPaperItem } from '../../protocol';
import type { PickerLibrary } from '../search/searchPicker';
import type { SearchService } from '../search/searchService';

/** What the paper panels ask for related papers. */
export interface PaperRelatedSource {
  relatedItems(key: string): Promise<RelatedPaperItem[]>;
  /** Fires when the answers may have changed (the index changed). */
  readonly onDidChange: vscode.Event<void>;
}

/** The paper view shows this many related papers. */
const PAPER_VIEW_RELATED = 5;

export function paperRelatedSource(search: SearchService, library: PickerLibrary): PaperRelatedSource {
  return {
    onDidChange: search.onDidChangeIndex,
    relatedItems: async (key) => (await search.related(key, PAPER_VIEW_RELATED)).map((hit) => ({
      key: hit.key,
      title: library.get(hit.key)?.title ?? hit.key,
      score: Math.round(hit.score * 10) / 10,
      shared: hit.matches.slice(0, 4).map((match) => match.word),
    })),
  };
}
