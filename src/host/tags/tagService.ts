/**
 * Changing tags, with their checks and messages; the tag commands and the paper view's tag row both
 * use it. Every write goes through WorkspaceLibrary.changeTags, i.e. the library worker's store:
 * locked, merged with what is on disk, atomic. A library file that does not parse is never written:
 * the user is told, with "Open File", and nothing happens until it is fixed.
 */
import * as vscode from 'vscode';
import { LIBRARY_FILE_PATH } from '../../core/library/libraryFile';
import { LibraryWorkerError } from '../../node/library/libraryWorkerClient';
import type { TagOperation } from '../../node/library/libraryWorkerProtocol';
import { reportError } from '../commandRunner';
import type { WorkspaceLibrary } from '../library/workspaceLibrary';

/** What a tag is, as the user is told when a name is not one (isValidTag is the rule). */
export const INVALID_TAG = 'one word without spaces or commas, at most 64 characters';

export class TagService {
  constructor(
    private readonly library: WorkspaceLibrary,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Adds `tag` to `keys`; returns the keys that changed, or undefined when nothing could be written (the user was told). */
  add(keys: readonly string[], tag: string): Promise<string[] | undefined> {
    return this.write(`add "${tag}" to ${keys.join(', ')}`, { kind: 'add', keys: [...keys], tag });
  }

  remove(keys: readonly string[], tag: string): Promise<string[] | undefined> {
    return this.write(`remove "${tag}" from ${keys.join(', ')}`, { kind: 'remove', keys: [...keys], tag });
  }

  rename(from: string, to: string): Promise<string[] | undefined> {
    return this.write(`rename "${from}" to "${to}"`, { kind: 'rename', from, to });
  }

  /** True when tags can be written now; otherwise tells the user why (corrupt file, Restricted Mode, no folder). */
  checkWritable(): boolean {
    if (this.library.state === 'corrupt') {
      this.reportCorrupt(this.library.corruption ?? 'it does not parse');
      return false;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('Marginalia writes nothing in Restricted Mode: trust this workspace to tag papers.');
      return false;
    }
    if (!this.library.libraryFile) {
      void vscode.window.showInformationMessage('Open a folder first: Marginalia keeps tags in the workspace.');
      return false;
    }
    return true;
  }

  /** Logs an unexpected failure of a tag change (`id`: the command or message) and tells the user. */
  reportFailure(id: string, error: unknown): void {
    reportError(this.log, id, error, 'Marginalia could not change the tags');
  }

  private async write(what: string, operation: TagOperation): Promise<string[] | undefined> {
    if (!this.checkWritable()) return undefined;
    try {
      const changed = await this.library.changeTags(operation);
      this.log.info(`Tags: ${what}: ${changed.length} paper(s) changed`);
      return changed;
    } catch (error) {
      if (!(error instanceof LibraryWorkerError) || error.kind === 'internal') throw error;
      this.log.error(`Tags: could not ${what}: ${error.message}`);
      if (error.kind === 'corrupt' || error.kind === 'conflict') this.reportCorrupt(error.message);
      else if (error.kind === 'tag') void vscode.window.showErrorMessage(`Marginalia could not change the tags: ${error.message}.`);
      else void vscode.window.showErrorMessage(error.message);
      return undefined;
    }
  }

  private reportCorrupt(reason: string): void {
    const open = 'Open File';
    void vscode.window
      .showErrorMessage(
        `Marginalia cannot change tags: ${LIBRARY_FILE_PATH} does not parse (${reason}). It was left untouched; fix it or restore it from git, then try again.`,
        open,
      )
      .then((choice) => {
        const file = this.library.libraryFile;
        if (choice === open && file) void vscode.window.showTextDocument(file);
      });
  }
}
