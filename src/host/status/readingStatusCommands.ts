/**
 * Reading status and the Reading Queue: the Mark ... commands (tree context menu, paper view, palette,
 * keys), Mark Read and Open Next Unread, and the queue's Add / Remove / Move commands. Every write goes
 * through WorkspaceLibrary.changeStatus, i.e. the library worker's store, as tags do.
 */
import * as vscode from 'vscode';
import { READING_STATUSES, STATUS_LABELS, type ReadingStatus } from '../../core/library/readingStatus';
import { LibraryWorkerError } from '../../node/library/libraryWorkerClient';
import type { StatusOperation } from '../../node/library/libraryWorkerProtocol';
import { CommandIds } from '../commandIds';
import { registerSafeCommand, reportError, type CommandRun } from '../commandRunner';
import { Disposable } from '../lifecycle';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';
import type { CommandPapers } from '../shared/commandPapers';
import { LIBRARY_FILE_PATH } from '../../core/library/libraryFile';

const EMPTY_QUEUE = 'The Reading Queue is empty: add papers with "Add to Reading Queue" from a paper\'s context menu or the paper view.';

/** Opens a paper in the paper view (the preview, so that the next one replaces it). */
export type ShowPaper = (key: string) => void;

export class ReadingStatusCommands extends Disposable {
  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly commandPapers: CommandPapers,
    private readonly showPaper: ShowPaper,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const command = (id: string, run: CommandRun) =>
      this.register(registerSafeCommand(id, run, (failed, error) => reportError(this.log, failed, error, 'Marginalia could not change the reading status')));

    const markAs =
      (status: ReadingStatus): CommandRun =>
      async (first, all) => {
        const keys = await this.commandPapers.keys(first, all, { title: `Mark ${STATUS_LABELS[status]}`, activePaper: true });
        return keys.length === 0 ? undefined : this.setStatus(keys, status);
      };
    command(CommandIds.markUnread, markAs('unread'));
    command(CommandIds.markReading, markAs('reading'));
    command(CommandIds.markRead, markAs('read'));
    command(CommandIds.markNotInterested, markAs('not-interested'));

    // The palette's one entry for all four: asks which status (a second argument names it, for scripts).
    command(CommandIds.setReadingStatus, async (first, all, extra) => {
      const keys = await this.commandPapers.keys(first, all, { title: 'Set Reading Status', activePaper: true });
      if (keys.length === 0) return undefined;
      const status = READING_STATUSES.includes(extra as ReadingStatus) ? (extra as ReadingStatus) : await this.pickStatus(keys);
      return status === undefined ? undefined : this.setStatus(keys, status);
    });

    command(CommandIds.markReadAndOpenNext, async (first, all) => {
      const keys = await this.commandPapers.keys(first, all, { title: 'Mark Read and Open Next Unread', activePaper: true });
      if (keys.length === 0) return undefined;
      const changed = await this.setStatus(keys, 'read');
      if (changed === undefined) return undefined;
      const next = this.nextUnread(keys[keys.length - 1]);
      if (next) this.showPaper(next);
      else void vscode.window.showInformationMessage('No unread paper is left: every paper is read, being read or marked not interested.');
      return next;
    });

    command(CommandIds.addToReadingQueue, async (first, all) => {
      const keys = await this.commandPapers.keys(first, all, { title: 'Add to Reading Queue', activePaper: true });
      return keys.length === 0 ? undefined : this.change({ kind: 'enqueue', keys }, (n) => `Added ${n} to the Reading Queue`);
    });
    command(CommandIds.removeFromReadingQueue, async (first, all) => {
      const keys = await this.commandPapers.keys(first, all, {
        title: 'Remove from Reading Queue',
        activePaper: true,
        picker: { only: (paper) => this.library.readingQueue.includes(paper.key), emptyMessage: EMPTY_QUEUE },
      });
      return keys.length === 0 ? undefined : this.change({ kind: 'dequeue', keys }, (n) => `Removed ${n} from the Reading Queue`);
    });
    const moveBy =
      (step: -1 | 1): CommandRun =>
      async (first, all) => {
        const key = await this.commandPapers.key(first, all, {
          title: step < 0 ? 'Move Up in Reading Queue' : 'Move Down in Reading Queue',
          activePaper: true,
          picker: { only: (paper) => this.library.readingQueue.includes(paper.key), emptyMessage: EMPTY_QUEUE },
        });
        if (key === undefined) return undefined;
        const canonical = this.library.canonicalKey(key) ?? key;
        const index = this.library.readingQueue.indexOf(canonical);
        if (index === -1) {
          void vscode.window.showInformationMessage('This paper is not in the Reading Queue: add it first (Add to Reading Queue).');
          return undefined;
        }
        return this.move(canonical, Math.max(0, index + step));
      };
    command(CommandIds.moveUpInReadingQueue, moveBy(-1));
    command(CommandIds.moveDownInReadingQueue, moveBy(1));
  }

  /** Sets `status` on `keys`; returns the keys changed, or undefined when nothing could be written (the user was told). */
  setStatus(keys: readonly string[], status: ReadingStatus): Promise<string[] | undefined> {
    return this.change({ kind: 'set', keys: [...keys], status }, (n) => `Marked ${n} ${STATUS_LABELS[status].toLowerCase()}`);
  }

  /** Moves the queued paper `key` to `index` of the queue. */
  move(key: string, index: number): Promise<string[] | undefined> {
    return this.change({ kind: 'move', key, index }, () => '');
  }

  /**
   * The paper to read after `key`: the first unread paper of the Reading Queue, else the next unread
   * paper after `key` in library order (wrapping round), else none.
   */
  nextUnread(key: string): string | undefined {
    const unread = (candidate: string) => candidate !== key && this.library.statusOf(candidate) === 'unread';
    const queued = this.library.readingQueue.find(unread);
    if (queued) return queued;
    const papers = this.library.papers;
    const canonical = this.library.canonicalKey(key) ?? key;
    const from = papers.findIndex((paper) => paper.key === canonical);
    for (let step = 1; step <= papers.length; step++) {
      const paper = papers[(from + step + papers.length) % papers.length];
      if (unread(paper.key)) return paper.key;
    }
    return undefined;
  }

  private async pickStatus(keys: readonly string[]): Promise<ReadingStatus | undefined> {
    const current = new Set(keys.map((key) => this.library.statusOf(key)));
    const items = READING_STATUSES.map((status) => ({
      label: STATUS_LABELS[status],
      description: current.size === 1 && current.has(status) ? 'current' : undefined,
      status,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: `Set Reading Status of ${keys.length === 1 ? keys[0] : `${keys.length} papers`}` });
    return picked?.status;
  }

  private async change(operation: StatusOperation, done: (papers: string) => string): Promise<string[] | undefined> {
    if (!this.checkWritable()) return undefined;
    try {
      const changed = await this.library.changeStatus(operation);
      this.log.info(`Reading status: ${operation.kind} ${JSON.stringify(operation)}: ${changed.length} paper(s) changed`);
      const message = done(changed.length === 1 ? '1 paper' : `${changed.length} papers`);
      if (message) vscode.window.setStatusBarMessage(message, 3000);
      return changed;
    } catch (error) {
      if (!(error instanceof LibraryWorkerError) || error.kind === 'internal') throw error;
      this.log.error(`Reading status: could not ${operation.kind}: ${error.message}`);
      if (error.kind === 'corrupt' || error.kind === 'conflict') this.reportCorrupt(error.message);
      else void vscode.window.showErrorMessage(`Marginalia could not change the reading status: ${error.message}${error.kind === 'tag' ? '.' : ''}`);
      return undefined;
    }
  }

  /** True when statuses can be written now; otherwise tells the user why (corrupt file, Restricted Mode, no folder). */
  private checkWritable(): boolean {
    if (this.library.state === 'corrupt') {
      this.reportCorrupt(this.library.corruption ?? 'it does not parse');
      return false;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('Marginalia writes nothing in Restricted Mode: trust this workspace to mark papers read.');
      return false;
    }
    if (!this.library.libraryFile) {
      void vscode.window.showInformationMessage('Open a folder first: Marginalia keeps reading status in the workspace.');
      return false;
    }
    return true;
  }

  private reportCorrupt(reason: string): void {
    const open = 'Open File';
    void vscode.window
      .showErrorMessage(
        `Marginalia cannot change the reading status: ${LIBRARY_FILE_PATH} does not parse (${reason}). It was left untouched; fix it or restore it from git, then try again.`,
        open,
      )
      .then((choice) => {
        const file = this.library.libraryFile;
        if (choice === open && file) void vscode.window.showTextDocument(file);
      });
  }
}
