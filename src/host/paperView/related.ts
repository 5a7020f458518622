/**
 * The paper view's "Related papers" section: search's answer for a paper, as the page lists it, and
 * opening one of them.
 */
import * as vscode from 'vscode';
import { relativePercents } from '../../core/papers/relativeScores';
import { assertNever, type RelatedHostMessage, type RelatedWebviewMessage } from '../../protocol';
import type { Library } from '../library/library';
import { Disposable } from '../lifecycle';
import type { SearchService } from '../search/searchService';
import { describeUntrusted, errorText } from './panel';
import type { PaperViewSection, SectionPanel } from './section';

/** The paper view shows this many related papers. */
const PAPER_VIEW_RELATED = 5;

export class RelatedSection extends Disposable implements PaperViewSection<'related'> {
  readonly name = 'related';
  private readonly changed = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly search: SearchService,
    private readonly library: Library,
    /** Opens a paper in the preview panel, as a click in the Papers tree does. */
    private readonly openPaper: (key: string) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    // Any change of the index may change the answers for every paper.
    this.register(search.onDidChangeIndex(() => this.changed.fire(undefined)));
  }

  async messages(key: string): Promise<RelatedHostMessage[]> {
    try {
      const hits = await this.search.related(key, PAPER_VIEW_RELATED);
      // Relative, as the Related view shows them: the raw score means nothing to a reader.
      const percents = relativePercents(hits.map((hit) => hit.score));
      const related = hits.map((hit, i) => ({
        key: hit.key,
        title: this.library.get(hit.key)?.title ?? hit.key,
        percent: percents[i],
        shared: hit.matches.slice(0, 4).map((match) => match.word),
      }));
      return [{ type: 'didLoadRelated', key, related }];
    } catch (error) {
      // The rest of the page does not need search: the section stays away until the index answers.
      this.log.warn(`Related papers for ${key} are unavailable: ${errorText(error)}`);
      return [];
    }
  }

  receive(_panel: SectionPanel, message: RelatedWebviewMessage): void {
    switch (message.type) {
      case 'openPaper':
        // Only a paper of the library.
        if (this.library.get(message.key)) this.openPaper(message.key);
        else this.log.warn(`Ignored Open Paper for ${describeUntrusted(message.key)}: not in the library`);
        break;
      default:
        assertNever(message.type);
    }
  }
}
