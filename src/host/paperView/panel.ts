/**
 * One paper view panel: what it shows, what it last posted, and what its page asks for. The page's
 * own messages (the `paper` group of src/protocol.ts) are handled here, by running the same commands
 * as the trees and the palette; every other message goes to the section of its group.
 */
import * as vscode from 'vscode';
import { isLinkOfPaper, isSafeExternalUrl } from '../../core/paperView/viewModel';
import type { Paper } from '../../core/types';
import { assertNever, isWebviewMessageOf, parseWebviewMessage, sectionOf, type HostMessage, type PaperWebviewMessage, type SectionName } from '../../protocol';
import { CommandIds } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { PaperViewSection, SectionPanel } from './section';

/** What a panel needs of the panels that manage it. */
export interface PanelHooks {
  /** The page said `ready`: send it everything. */
  ready(of: PaperPanel): void;
  /** The page asked to be kept open. */
  pin(of: PaperPanel): void;
  viewState(of: PaperPanel): void;
  disposed(of: PaperPanel): void;
  /** The section that handles a group's messages, if it was added. */
  section(name: SectionName): PaperViewSection<SectionName> | undefined;
  /** The paper the panel shows, as the library has it now. */
  paper(of: PaperPanel): Paper | undefined;
}

export class PaperPanel extends Disposable implements SectionPanel {
  /** True between the page's `ready` and the panel being hidden (which unloads the page). */
  private listening = false;
  /**
   * The last message sent of each kind, to skip re-rendering a page whose paper did not change (a
   * rebuilt page loses the reader's selection). didLoadPaper and didRemovePaper share a slot.
   */
  private readonly lastSent = new Map<string, string>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    public key: string,
    public preview: boolean,
    private readonly hooks: PanelHooks,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(panel.webview.onDidReceiveMessage((value: unknown) => this.receive(value)));
    this.register(
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden a hidden page is unloaded; it says `ready` again when shown.
        if (!panel.visible) this.listening = false;
        hooks.viewState(this);
      }),
    );
    this.register(
      panel.onDidDispose(() => {
        hooks.disposed(this);
        this.dispose();
      }),
    );
  }

  get ready(): boolean {
    return this.listening;
  }

  get besideColumn(): vscode.ViewColumn {
    // Beside the paper rather than over it, so that both stay in view.
    return this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
  }

  /**
   * Posts `message` if the page is listening. Until it says `ready` nothing is posted: every message
   * describes the whole state, and the whole current state is sent on `ready`.
   */
  post(message: HostMessage): void {
    if (!this.listening) return;
    // A request is sent every time: a second Quote in Note is a second quote, not a repeated state.
    if (message.type !== 'didRequestQuote') {
      const text = JSON.stringify(message);
      const slot = message.type === 'didRemovePaper' ? 'didLoadPaper' : message.type;
      if (this.lastSent.get(slot) === text) return;
      this.lastSent.set(slot, text);
    }
    void this.panel.webview.postMessage(message);
  }

  private receive(value: unknown): void {
    const message = parseWebviewMessage(value);
    if (!message) {
      this.log.warn(`Ignored a malformed message from the paper view: ${describeUntrusted(value)}`);
      return;
    }
    if (isWebviewMessageOf(message, 'paper')) {
      this.receiveOwn(message);
      return;
    }
    // sectionOf names the group the message belongs to, so it is that section's message.
    this.hooks.section(sectionOf(message))?.receive(this, message);
  }

  private receiveOwn(message: PaperWebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.listening = true;
        this.lastSent.clear();
        this.hooks.ready(this);
        break;
      case 'pin':
        this.hooks.pin(this);
        break;
      case 'openLink':
        void this.openLink(message.url);
        break;
      case 'revealInDigest':
        // The command checks that the file and line are a source of the panel's paper: the page
        // never chooses which file the host opens.
        void vscode.commands.executeCommand(CommandIds.revealInDigest, this.key, undefined, {
          file: message.file,
          line: message.line,
          viewColumn: this.besideColumn,
        });
        break;
      case 'copyKey':
      case 'copyBibtex':
      case 'openCode':
        // The panel's own paper only: a page cannot ask for another paper's key, entry or code.
        if (message.key === this.key) void vscode.commands.executeCommand(PAGE_COMMANDS[message.type], this.key);
        else this.log.warn(`Ignored ${message.type} for ${describeUntrusted(message.key)}: the panel shows ${this.key}`);
        break;
      default:
        assertNever(message);
    }
  }

  private async openLink(url: string): Promise<void> {
    // Checked again here: the page renders hostile text, so what it posts proves nothing.
    if (!isSafeExternalUrl(url)) {
      this.log.warn(`Refused to open a link that is not http(s): ${describeUntrusted(url)}`);
      return;
    }
    // Only a link the paper holds: a page that renders hostile text must not open whatever it likes.
    const paper = this.hooks.paper(this);
    if (!paper || !isLinkOfPaper(paper, url)) {
      this.log.warn(`Refused to open ${describeUntrusted(url)}: it is not a link of ${this.key}, the paper the panel shows`);
      return;
    }
    try {
      await vscode.env.openExternal(vscode.Uri.parse(url, true));
    } catch (error) {
      this.log.error(`Opening ${url} failed: ${errorText(error)}`);
      void vscode.window.showErrorMessage(`Marginalia could not open ${url}; copy it into a browser instead.`);
    }
  }
}

/** The command each header button of the page runs on the panel's paper. */
const PAGE_COMMANDS = {
  copyKey: CommandIds.copyKey,
  copyBibtex: CommandIds.copyBibtex,
  openCode: CommandIds.openCode,
} as const;

/** A short, safe rendering of an untrusted value for the log. */
export function describeUntrusted(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
