/**
 * The paper view's reading status row, host side: the paper's status and whether it is queued, and
 * the row's Status menu, Add to Queue and Mark Read and Open Next Unread.
 */
import * as vscode from 'vscode';
import { assertNever, type StatusHostMessage, type StatusWebviewMessage } from '../../protocol';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import type { PaperViewSection, SectionPanel } from '../paperView/section';
import { CommandIds } from '../commandIds';

export class ReadingStatusSection extends Disposable implements PaperViewSection<'status'> {
  readonly name = 'status';
  private readonly changed = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly library: WorkspaceLibrary) {
    super();
    this.register(library.onDidChange(() => this.changed.fire(undefined)));
  }

  messages(key: string): StatusHostMessage[] {
    const canonical = this.library.canonicalKey(key) ?? key;
    return [{ type: 'didLoadStatus', key, status: this.library.statusOf(key), queued: this.library.readingQueue.includes(canonical) }];
  }

  receive(panel: SectionPanel, message: StatusWebviewMessage): void {
    switch (message.type) {
      case 'setStatus':
        void vscode.commands.executeCommand(CommandIds.setReadingStatus, panel.key, undefined, message.status);
        break;
      case 'toggleQueue': {
        const queued = this.library.readingQueue.includes(this.library.canonicalKey(panel.key) ?? panel.key);
        void vscode.commands.executeCommand(queued ? CommandIds.removeFromReadingQueue : CommandIds.addToReadingQueue, panel.key);
        break;
      }
      case 'markReadAndOpenNext':
        void vscode.commands.executeCommand(CommandIds.markReadAndOpenNext, panel.key);
        break;
      default:
        assertNever(message);
    }
  }
}
