/**
 * Search Papers: a quick pick that searches the index as the user types (lunr's query syntax),
 * ranks the papers, and shows which words matched where. Accepting opens the paper view.
 */
import * as vscode from 'vscode';
import { iconLabelText } from '../../core/escaping';
import type { SearchHit, SearchMatch } from '../../core/search/searchIndex';
import type { Library } from '../library/library';
import { Disposable } from '../lifecycle';
import type { SearchService } from './searchService';
import { countOf, formatNumber } from '../shared/counts';
import { readableMath } from '../../core/math/readable';

/** Typing pauses this long before a query runs. */
const DEBOUNCE_MS = 60;
const RESULT_LIMIT = 50;
const PLACEHOLDER = 'Search papers: words, title:cloning, imit*, cloning~1, +diffusion -driving';

/** A result row: the paper's key rides along. */
export interface PaperPickItem extends vscode.QuickPickItem {
  key: string;
}

/** One open Search Papers picker. */
export class SearchPicker extends Disposable {
  private readonly pick: vscode.QuickPick<PaperPickItem>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  /** The query whose results are on screen, for tests. */
  shownQuery: string | undefined;

  constructor(
    private readonly search: SearchService,
    private readonly library: Library,
    private readonly open: (key: string) => void,
    private readonly log: vscode.LogOutputChannel,
    initialQuery = '',
  ) {
    super();
    this.pick = this.register(vscode.window.createQuickPick<PaperPickItem>());
    this.pick.title = 'Search Papers';
    this.pick.placeholder = PLACEHOLDER;
    // The index ranks and filters; the quick pick must not filter or re-sort on top of it.
    this.pick.matchOnDescription = false;
    this.pick.matchOnDetail = false;
    (this.pick as { sortByLabel?: boolean }).sortByLabel = false;
    this.register(this.pick.onDidChangeValue((value) => this.schedule(value)));
    this.register(this.pick.onDidAccept(() => this.accept()));
    this.register(this.pick.onDidHide(() => this.dispose()));
    this.register(search.onDidChangeIndex(() => this.schedule(this.pick.value, 0)));
    this.pick.value = initialQuery;
    this.pick.show();
    this.schedule(initialQuery, 0);
  }

  /** The rows on screen, for tests. */
  get items(): readonly PaperPickItem[] {
    return this.pick.items;
  }

  get title(): string | undefined {
    return this.pick.title;
  }

  /** Types `value` into the box, as a user does. */
  setValue(value: string): void {
    this.pick.value = value;
    this.schedule(value);
  }

  hide(): void {
    this.pick.hide();
  }

  private schedule(value: string, delay = DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(value), delay);
  }

  private async run(query: string): Promise<void> {
    const generation = ++this.generation;
    if (query.trim() === '') {
      this.pick.items = [];
      this.pick.title = `Search Papers (${countOf(this.library.papers.length, 'paper')})`;
      this.shownQuery = query;
      return;
    }
    this.pick.busy = true;
    try {
      if (this.search.state === 'indexing' || this.search.state === 'idle') this.pick.title = 'Search Papers: indexing the library, results follow…';
      const result = await this.search.search(query, RESULT_LIMIT);
      if (generation !== this.generation || this.isDisposed) return;
      const items = result.hits.map((hit) => this.item(hit)).filter((item): item is PaperPickItem => item !== undefined);
      this.pick.items = items;
      const count =
        result.total === 0
          ? 'no papers'
          : result.total > items.length
            ? `${formatNumber(items.length)} of ${countOf(result.total, 'paper')}`
            : countOf(result.total, 'paper');
      this.pick.title = result.hints.length > 0 ? `${count}: ${result.hints.join(' ')}` : `Search Papers: ${count}`;
      this.shownQuery = query;
    } catch (error) {
      if (generation !== this.generation || this.isDisposed) return;
      this.log.error(`Search for ${JSON.stringify(query.slice(0, 200))} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.pick.items = [];
      this.pick.title = 'Search failed; see the Marginalia log (Marginalia: Show Log).';
      this.shownQuery = query;
    } finally {
      if (generation === this.generation && !this.isDisposed) this.pick.busy = false;
    }
  }

  private item(hit: SearchHit): PaperPickItem | undefined {
    const paper = this.library.get(hit.key);
    if (!paper) return undefined;
    const year = paper.date?.year ? ` · ${paper.date.year}` : '';
    return {
      key: hit.key,
      label: iconLabelText(readableMath(paper.title) || hit.key),
      description: iconLabelText(`${hit.key}${year}`),
      detail: iconLabelText(describeMatches(hit.matches)),
      // Ranked by the index: VS Code's own matching would hide papers that matched through a stem or a wildcard.
      alwaysShow: true,
    };
  }

  private accept(): void {
    const [chosen] = this.pick.selectedItems;
    if (!chosen) return;
    this.pick.hide();
    this.open(chosen.key);
  }
}

/** "cloning in title, abstract · behavior in abstract" */
export function describeMatches(matches: readonly SearchMatch[]): string {
  if (matches.length === 0) return 'matches every word left out by -';
  return matches
    .slice(0, 6)
    .map((match) => `${match.word} in ${match.fields.join(', ')}`)
    .join(' · ');
}
