/**
 * The paper view's tag row, host side: the paper's tags and the library's (for completion), and
 * adding or removing one from the row.
 */
import * as vscode from 'vscode';
import { isValidTag } from '../../core/library/libraryFile';
import { assertNever, type TagsHostMessage, type TagsWebviewMessage } from '../../protocol';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import type { PaperViewSection, SectionPanel } from '../paperView/section';
import { INVALID_TAG, type TagService } from './tagService';

export class TagsSection extends Disposable implements PaperViewSection<'tags'> {
  readonly name = 'tags';
  private readonly changed = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly service: TagService,
  ) {
    super();
    // A change of one paper's tags changes every row's completions.
    this.register(library.onDidChange(() => this.changed.fire(undefined)));
    this.register(library.onDidChangeState(() => this.changed.fire(undefined)));
  }

  messages(key: string): TagsHostMessage[] {
    return [{ type: 'didLoadTags', key, tags: [...this.library.tagsOf(key)], allTags: this.library.tagCounts().map(({ tag }) => tag) }];
  }

  receive(panel: SectionPanel, message: TagsWebviewMessage): void {
    const tag = message.tag.trim();
    if (!isValidTag(tag)) {
      void vscode.window.showErrorMessage(`"${tag}" is not a valid tag: use ${INVALID_TAG}.`);
      return;
    }
    switch (message.type) {
      case 'addTag':
        void this.service.add([panel.key], tag).catch((error: unknown) => this.service.reportFailure(message.type, error));
        break;
      case 'removeTag':
        void this.service.remove([panel.key], tag).catch((error: unknown) => this.service.reportFailure(message.type, error));
        break;
      default:
        assertNever(message);
    }
  }
}
