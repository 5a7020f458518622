/**
 * The paper view's host side: webview panels of type `marginalia.paper`, one per paper, plus at most
 * one preview panel that the next opened paper replaces (like VS Code's preview editor). Panels come
 * back after a window reload through a WebviewPanelSerializer. The page itself is webview/paperView.ts;
 * the two talk only through the typed messages of src/protocol.ts.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { buildPaperViewModel, findSource, isSafeExternalUrl, panelTitle } from '../../core/paperView/viewModel';
import type { Paper } from '../../core/types';
import { assertNever, parsePaperViewState, parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../protocol';
import { CommandIds } from '../commandIds';
import type { CitedInHook } from './citedIn';
import { Disposable } from '../lifecycle';
import type { PaperRelatedSource } from './related';

/** The webview panel type, as `onWebviewPanel:` activation events and `activeWebviewPanelId` name it. */
export const PAPER_VIEW_TYPE = 'marginalia.paper';

/** Where the panels get their papers. WorkspaceLibrary is one. */
export interface PaperSource {
  get(key: string): Paper | undefined;
  /** Fires after papers were added, removed or changed: open panels show the new version. */
  readonly onDidChange: vscode.Event<void>;
  /** A digest file as the user should read it (a workspace-relative path). */
  workspaceRelative(file: string): string;
  /**
   * Optional: `'loading'` while the digests are being read. A panel restored after a reload may ask
   * for its paper before the library has it; while loading, it waits instead of saying "not found".
   */
  readonly state?: string;
  /** Optional: fires when `state` changes, so that waiting panels learn that loading has ended. */
  readonly onDidChangeState?: vscode.Event<unknown>;
}

/** What show() accepts. */
export interface ShowPaperOptions {
  /** Open in the preview panel, replacing the paper it shows, instead of a panel of its own. */
  preview: boolean;
  /** Where a new panel opens (default: the active group). A panel that exists stays where it is. */
  viewColumn?: vscode.ViewColumn;
  preserveFocus?: boolean;
}

/** One panel and what it shows. */
class PaperPanel extends Disposable {
  /** True between the page's `ready` and the panel being hidden (which unloads the page). */
  ready = false;
  /**
   * The last message sent of each kind, to skip re-rendering a page whose paper did not change (a
   * rebuilt page loses the reader's selection). didLoadPaper and didRemovePaper share a slot.
   */
  readonly lastSent = new Map<string, string>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    public key: string,
    public preview: boolean,
    hooks: { message(from: PaperPanel, value: unknown): void; viewState(of: PaperPanel): void; disposed(of: PaperPanel): void },
  ) {
    super();
    this.register(panel.webview.onDidReceiveMessage((value: unknown) => hooks.message(this, value)));
    this.register(panel.onDidChangeViewState(() => {
      // Without retainContextWhenHidden a hidden page is unloaded; it says `ready` again when shown.
      if (!panel.visible) this.ready = false;
      hooks.viewState(this);
    }));
    this.register(panel.onDidDispose(() => {
      hooks.disposed(this);
      this.dispose();
    }));
  }

  /**
   * Posts `message` if the page is listening. Until it says `ready` nothing is posted: every message
   * describes the whole state, and the whole current state is sent on `ready`.
   */
  post(message: HostMessage): void {
    if (!this.ready) return;
    const text = JSON.stringify(message);
    const slot = message.type === 'didRemovePaper' ? 'didLoadPaper' : message.type;
    if (this.lastSent.get(slot) === text) return;
    this.lastSent.set(slot, text);
    void this.panel.webview.postMessage(message);
  }
}

/**
 * A feature that adds to the paper view (note preview, tags): the messages it sends for a paper
 * after didLoadPaper, and the webview messages of its own that it handles for a panel's paper.
 */
export interface PaperViewPart {
  messages(key: string): HostMessage[] | Promise<HostMessage[]>;
  receive(key: string, message: WebviewMessage): void;
  /** Fires with the key of a paper whose part changed, or undefined for every paper. */
  readonly onDidChange: vscode.Event<string | undefined>;
}

/** Opens, reuses, restores and updates the paper views. */
export class PaperPanels extends Disposable {
  private readonly panels = new Set<PaperPanel>();
  private readonly parts: PaperViewPart[] = [];
  private previewPanel: PaperPanel | undefined;
  private lastActiveKey: string | undefined;
  private readonly activeChanged = this.register(new vscode.EventEmitter<string | undefined>());
  private readonly hooks = {
    message: (from: PaperPanel, value: unknown) => this.receive(from, value),
    viewState: () => this.updateActive(),
    disposed: (of: PaperPanel) => {
      this.panels.delete(of);
      if (this.previewPanel === of) this.previewPanel = undefined;
      this.updateActive();
    },
  };

  /** Fires with the key of the paper in the active panel, or undefined when no paper view is active. */
  readonly onDidChangeActivePaper = this.activeChanged.event;
  private citedIn: CitedInHook | undefined;

  /** Adds the "Cited in" section: its entries follow the workspace's citations of each panel's paper. */
  attachCitedIn(hook: CitedInHook): void {
    this.citedIn = hook;
    this.register(hook.onDidChange((keys) => {
      for (const item of this.panels) if (keys.has(item.key)) hook.post(item.key, item.ready, (message) => item.panel.webview.postMessage(message));
    }));
  }
  /** Where the panels get related papers (search sets it); none until then. */
  private related: PaperRelatedSource | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly papers: PaperSource,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(PAPER_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
    }));
    this.register(papers.onDidChange(() => this.renderAll()));
    if (papers.onDidChangeState) this.register(papers.onDidChangeState(() => this.renderAll()));
    // Registered last so that it runs first on dispose, while the emitters still work.
    this.register({ dispose: () => { for (const item of [...this.panels]) item.panel.dispose(); } });
  }

  /** Opens the paper: into the preview panel (replacing its paper) when preview, else a panel of its own (reusing one already showing that paper). */
  show(key: string, options: ShowPaperOptions): void {
    const existing = this.panelShowing(key);
    if (existing) {
      // Opening for good what the preview shows keeps the preview, as a double click does for editors.
      if (!options.preview) this.pinPanel(existing);
      existing.panel.reveal(undefined, options.preserveFocus);
      return;
    }
    const preview = options.preview ? this.previewPanel : undefined;
    if (preview) {
      preview.key = key;
      this.render(preview);
      preview.panel.reveal(undefined, options.preserveFocus);
      this.updateActive();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PAPER_VIEW_TYPE,
      panelTitle(this.papers.get(key)?.title ?? key),
      { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      // No retainContextWhenHidden: a hidden page is cheap to rebuild from its state and the host's data.
      { ...this.webviewOptions(), enableFindWidget: true },
    );
    this.adopt(panel, key, options.preview);
  }

  /** Keeps the preview panel (if it shows `key`, or the active one) as a normal panel. */
  pin(key?: string): void {
    const preview = this.previewPanel;
    if (preview && (key === undefined ? preview.panel.active : preview.key === key)) this.pinPanel(preview);
  }

  /** The key of the paper in the active panel, or undefined when no paper view is active. */
  get activePaperKey(): string | undefined {
    for (const item of this.panels) if (item.panel.active) return item.key;
    return undefined;
  }

  /** Adds a part to every paper view, now and later. */
  addPart(part: PaperViewPart): void {
    this.parts.push(part);
    this.register(part.onDidChange((key) => {
      for (const item of this.panels) if (key === undefined || item.key === key) this.renderParts(item);
    }));
    for (const item of this.panels) this.renderParts(item);
  }

  /** Posts `message` to the active paper view; false when no paper view is active. */
  postToActive(message: HostMessage): boolean {
    const item = [...this.panels].find((candidate) => candidate.panel.active);
    item?.post(message);
    return item !== undefined;
  }

  /** Shows related papers in every panel from now on, and again whenever `source` changes. */
  setRelatedSource(source: PaperRelatedSource): vscode.Disposable {
    this.related = source;
    for (const item of this.panels) void this.postRelated(item);
    return source.onDidChange(() => { for (const item of this.panels) void this.postRelated(item); });
  }

  private async postRelated(item: PaperPanel): Promise<void> {
    const key = item.key;
    if (!this.related || !this.papers.get(key)) return;
    try {
      const related = await this.related.relatedItems(key);
      if (item.key === key) item.post({ type: 'didLoadRelated', key, related });
    } catch (error) {
      this.log.warn(`Related papers for ${key} are unavailable: ${errorText(error)}`);
    }
  }

  /** For tests: the keys shown, and which panel is the preview. */
  openPanels(): { key: string; preview: boolean; active: boolean }[] {
    return [...this.panels].map((item) => ({ key: item.key, preview: item.preview, active: item.panel.active }));
  }

  private webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  /** Takes charge of a new or restored panel. */
  private adopt(panel: vscode.WebviewPanel, key: string, preview: boolean): void {
    panel.webview.options = this.webviewOptions();
    panel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'paper-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'paper.svg'),
    };
    const item = new PaperPanel(panel, key, preview, this.hooks);
    this.panels.add(item);
    if (preview) this.previewPanel = item;
    panel.webview.html = this.html(panel.webview);
    this.render(item);
    this.updateActive();
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parsePaperViewState(state);
    if (!saved) {
      this.log.warn(`Closed a restored paper view whose saved state names no paper: ${describe(state)}`);
      panel.dispose();
      return;
    }
    // Only one preview: should two have been saved, the second comes back as a normal panel.
    this.adopt(panel, saved.key, saved.preview && this.previewPanel === undefined);
  }

  private renderAll(): void {
    for (const item of this.panels) this.render(item);
  }

  /** Sends the panel its paper, or says that the paper is gone. */
  private render(item: PaperPanel): void {
    const paper = this.papers.get(item.key);
    if (paper) {
      item.panel.title = panelTitle(paper.title);
      item.post({ type: 'didLoadPaper', model: buildPaperViewModel(paper, item.preview, (file) => this.papers.workspaceRelative(file)) });
      this.renderParts(item);
      this.citedIn?.post(item.key, item.ready, (message) => item.panel.webview.postMessage(message));
      void this.postRelated(item);
    } else if (this.papers.state !== 'loading') {
      item.post({ type: 'didRemovePaper', key: item.key });
    }
    // While the library loads, a missing paper may still come: the page keeps saying "Loading".
  }

  /** Sends the parts' messages for the panel's paper (after its didLoadPaper). */
  private renderParts(item: PaperPanel): void {
    const key = item.key;
    if (!item.ready || !this.papers.get(key)) return;
    for (const part of this.parts) {
      void Promise.resolve(part.messages(key)).then((messages) => {
        if (item.key === key && !item.isDisposed) for (const message of messages) item.post(message);
      }, (error: unknown) => this.log.error(`A paper view part failed for ${key}: ${errorText(error)}`));
    }
  }

  private pinPanel(item: PaperPanel): void {
    if (!item.preview) return;
    item.preview = false;
    if (this.previewPanel === item) this.previewPanel = undefined;
    item.post({ type: 'didChangePreview', preview: false });
  }

  /** The panel showing `key`, a normal one before the preview. */
  private panelShowing(key: string): PaperPanel | undefined {
    let found: PaperPanel | undefined;
    for (const item of this.panels) {
      if (item.key !== key) continue;
      if (!item.preview) return item;
      found = item;
    }
    return found;
  }

  private updateActive(): void {
    const key = this.activePaperKey;
    if (key === this.lastActiveKey) return;
    this.lastActiveKey = key;
    this.activeChanged.fire(key);
  }

  private receive(from: PaperPanel, value: unknown): void {
    const message = parseWebviewMessage(value);
    if (!message) {
      this.log.warn(`Ignored a malformed message from the paper view: ${describe(value)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        from.ready = true;
        from.lastSent.clear();
        this.render(from);
        break;
      case 'openLink':
        void this.openLink(message);
        break;
      case 'revealInDigest':
        void this.revealInDigest(from, message);
        break;
      case 'pin':
        this.pinPanel(from);
        break;
      case 'copyKey':
        void this.copyKey(from, message);
        break;
      case 'openNote':
      case 'quoteInNote':
      case 'addTag':
      case 'removeTag':
        for (const part of this.parts) part.receive(from.key, message);
        break;
      case 'copyBibtex':
      case 'openCode':
        // The panel's own paper only: a page cannot ask for another paper's entry or code.
        if (message.key === from.key) void vscode.commands.executeCommand(message.type === 'copyBibtex' ? CommandIds.copyBibtex : CommandIds.openCode, from.key);
        break;
      case 'openCitation':
      case 'insertCitation':
      case 'copyCitation':
      case 'findCitations':
        void this.citedIn?.handle(from.key, message, from.panel.viewColumn);
        break;
      case 'openPaper':
        // Only a paper of the library; the preview follows, as a click in the tree does.
        if (this.papers.get(message.key)) this.show(message.key, { preview: true });
        else this.log.warn(`Ignored Open Paper for ${describe(message.key)}: not in the library`);
        break;
      default:
        assertNever(message);
    }
  }

  private async openLink({ url }: Extract<WebviewMessage, { type: 'openLink' }>): Promise<void> {
    // Checked again here: the page renders hostile text, so what it posts proves nothing.
    if (!isSafeExternalUrl(url)) {
      this.log.warn(`Refused to open a link that is not http(s): ${describe(url)}`);
      return;
    }
    try {
      await vscode.env.openExternal(vscode.Uri.parse(url, true));
    } catch (error) {
      this.log.error(`Opening ${url} failed: ${errorText(error)}`);
      void vscode.window.showErrorMessage(`Marginalia could not open ${url}; copy it into a browser instead.`);
    }
  }

  private async revealInDigest(from: PaperPanel, { file, line }: Extract<WebviewMessage, { type: 'revealInDigest' }>): Promise<void> {
    // Only a source of the panel's own paper: the page never chooses which file the host opens.
    const paper = this.papers.get(from.key);
    const source = paper && findSource(paper, file, line);
    if (!source) {
      this.log.warn(`Ignored Reveal in Digest for ${describe(file)}:${line}: not a source of ${from.key}`);
      return;
    }
    try {
      const document = await vscode.workspace.openTextDocument(digestUri(source.file));
      const index = Math.min(Math.max(source.line - 1, 0), Math.max(document.lineCount - 1, 0));
      const range = document.lineAt(index).range;
      // Beside the paper rather than over it, so both stay in view.
      const viewColumn = from.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
      const editor = await vscode.window.showTextDocument(document, { viewColumn, selection: range, preview: true });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (error) {
      this.log.error(`Reveal in Digest failed for ${source.file}:${source.line}: ${errorText(error)}`);
      void vscode.window.showErrorMessage(`Marginalia could not open the digest ${this.papers.workspaceRelative(source.file)}; if it was moved or deleted, run "Marginalia: Reindex Digests".`);
    }
  }

  private async copyKey(from: PaperPanel, { key }: Extract<WebviewMessage, { type: 'copyKey' }>): Promise<void> {
    if (key !== from.key) {
      this.log.warn(`Ignored Copy Citation Key for ${describe(key)}: the panel shows ${from.key}`);
      return;
    }
    await vscode.env.clipboard.writeText(key);
    vscode.window.setStatusBarMessage(`Copied citation key ${key}`, 3000);
  }

  private html(webview: vscode.Webview): string {
    // A fresh nonce per render: a page written with an old one cannot be replayed into this one.
    const nonce = randomBytes(18).toString('base64');
    const asset = (...path: string[]) => escapeAttribute(webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...path)).toString());
    // No 'unsafe-inline' for styles either: the Lit-based @vscode-elements style their shadow roots
    // with constructable stylesheets (adoptedStyleSheets), which are built through the CSSOM and not
    // subject to style-src; Lit falls back to <style> elements only in browsers without them, which
    // VS Code's Chromium is not. vscode-icon links codicon.css from its shadow root: that is cspSource.
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} https: data:`,
      `font-src ${webview.cspSource}`,
    ].join('; ');
    // Nothing from a paper goes into this template: the page receives its data by postMessage.
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'paperView.css')}">
<title>Paper</title>
</head>
<body>
<main id="paper"><p class="muted" role="status">Loading…</p></main>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'paperView.js')}"></script>
</body>
</html>`;
  }
}

/** A source file as the library names it: a file system path, or a URI for a non-file scheme. */
function digestUri(file: string): vscode.Uri {
  // "C:\..." has a one-letter "scheme"; real schemes are longer.
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(file) ? vscode.Uri.parse(file, true) : vscode.Uri.file(file);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A short, safe rendering of an untrusted value for the log. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
