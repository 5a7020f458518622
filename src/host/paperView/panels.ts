/**
 * The paper view's host side: webview panels of type `marginalia.paper`, one per paper, plus at most
 * one preview panel that the next opened paper replaces (like VS Code's preview editor). Panels come
 * back after a window reload through a WebviewPanelSerializer. The page itself is webview/paperView.ts;
 * the two talk only through the typed messages of src/protocol.ts. One panel is panel.ts, its page
 * html.ts, and what features add to it are sections (section.ts).
 */
import * as vscode from 'vscode';
import { buildPaperViewModel, panelTitle } from '../../core/paperView/viewModel';
import { parsePaperViewState, type HostMessage, type SectionName } from '../../protocol';
import { ContextKeys } from '../commandIds';
import { Disposable } from '../lifecycle';
import type { Library } from '../library/library';
import { paperViewHtml, paperViewOptions } from './html';
import { describeUntrusted, errorText, PaperPanel, type PanelHooks } from './panel';
import type { AnySection, PaperViewSection } from './section';

/** The webview panel type, as `onWebviewPanel:` activation events and `activeWebviewPanelId` name it. */
export const PAPER_VIEW_TYPE = 'marginalia.paper';

/**
 * Where the panels get their papers: the library (open panels show a paper's new version on
 * onDidChange; a panel restored after a reload while the library is 'loading' waits for
 * onDidChangeState instead of saying "not found"), and how to name a digest file to the user.
 */
export type PaperSource = Pick<Library, 'get' | 'onDidChange' | 'state' | 'onDidChangeState'> & {
  /** A digest file as the user should read it (a workspace-relative path). */
  workspaceRelative(file: string): string;
};

/** What show() accepts. */
export interface ShowPaperOptions {
  /** Open in the preview panel, replacing the paper it shows, instead of a panel of its own. */
  preview: boolean;
  /** Where a new panel opens (default: the active group). A panel that exists stays where it is. */
  viewColumn?: vscode.ViewColumn;
  preserveFocus?: boolean;
}

/** Opens, reuses, restores and updates the paper views. */
export class PaperPanels extends Disposable {
  private readonly panels = new Set<PaperPanel>();
  /** The sections in the order they were added, which is the order their messages are sent in. */
  private readonly sections = new Map<SectionName, AnySection>();
  private previewPanel: PaperPanel | undefined;
  /** Whether the paperShown context key was set (once per window). */
  private paperShown = false;
  private lastActiveKey: string | undefined;
  private readonly activeChanged = this.register(new vscode.EventEmitter<string | undefined>());
  private readonly hooks: PanelHooks = {
    ready: (of) => this.render(of),
    pin: (of) => this.pinPanel(of),
    viewState: () => this.updateActive(),
    disposed: (of) => {
      this.panels.delete(of);
      if (this.previewPanel === of) this.previewPanel = undefined;
      this.updateActive();
    },
    // Every section is a PaperViewSection of its own name (addSection keys them so).
    section: (name) => this.sections.get(name) as PaperViewSection<SectionName> | undefined,
    paper: (of) => this.papers.get(of.key),
  };

  /** Fires with the key of the paper in the active panel, or undefined when no paper view is active. */
  readonly onDidChangeActivePaper = this.activeChanged.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly papers: PaperSource,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(PAPER_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
      }),
    );
    this.register(papers.onDidChange(() => this.renderAll()));
    this.register(papers.onDidChangeState(() => this.renderAll()));
    // Registered last so that it runs first on dispose, while the emitters still work.
    this.register({
      dispose: () => {
        for (const item of [...this.panels]) item.panel.dispose();
      },
    });
  }

  /** Opens the paper: into the preview panel (replacing its paper) when preview, else a panel of its own (reusing one already showing that paper). */
  show(key: string, options: ShowPaperOptions): void {
    if (!this.paperShown) {
      this.paperShown = true;
      void vscode.commands.executeCommand('setContext', ContextKeys.paperShown, true);
    }
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
      { ...paperViewOptions(this.extensionUri), enableFindWidget: true },
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

  /** Adds a section to every paper view, now and later; one section per group of messages. */
  addSection(section: AnySection): void {
    if (this.sections.has(section.name)) throw new Error(`The paper view has a ${section.name} section already.`);
    this.sections.set(section.name, section);
    this.register(
      section.onDidChange((key) => {
        for (const item of this.panels) if (key === undefined || item.key === key) this.renderSection(item, section);
      }),
    );
    for (const item of this.panels) this.renderSection(item, section);
  }

  /** Posts `message` to the active paper view; false when no paper view is active. */
  postToActive(message: HostMessage): boolean {
    const item = [...this.panels].find((candidate) => candidate.panel.active);
    item?.post(message);
    return item !== undefined;
  }

  /** For tests: the keys shown, and which panel is the preview. */
  openPanels(): { key: string; preview: boolean; active: boolean }[] {
    return [...this.panels].map((item) => ({ key: item.key, preview: item.preview, active: item.panel.active }));
  }

  /** Takes charge of a new or restored panel. */
  private adopt(panel: vscode.WebviewPanel, key: string, preview: boolean): void {
    panel.webview.options = paperViewOptions(this.extensionUri);
    panel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'paper-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'paper.svg'),
    };
    const item = new PaperPanel(panel, key, preview, this.hooks, this.log);
    this.panels.add(item);
    if (preview) this.previewPanel = item;
    panel.webview.html = paperViewHtml(panel.webview, this.extensionUri);
    this.render(item);
    this.updateActive();
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parsePaperViewState(state);
    if (!saved) {
      this.log.warn(`Closed a restored paper view whose saved state names no paper: ${describeUntrusted(state)}`);
      panel.dispose();
      return;
    }
    // Only one preview: should two have been saved, the second comes back as a normal panel.
    this.adopt(panel, saved.key, saved.preview && this.previewPanel === undefined);
  }

  private renderAll(): void {
    for (const item of this.panels) this.render(item);
  }

  /** Sends the panel its paper and its sections, or says that the paper is gone. */
  private render(item: PaperPanel): void {
    const paper = this.papers.get(item.key);
    if (paper) {
      item.panel.title = panelTitle(paper.title);
      item.post({ type: 'didLoadPaper', model: buildPaperViewModel(paper, item.preview, (file) => this.papers.workspaceRelative(file)) });
      for (const section of this.sections.values()) this.renderSection(item, section);
    } else if (this.papers.state !== 'loading') {
      item.post({ type: 'didRemovePaper', key: item.key });
    }
    // While the library loads, a missing paper may still come: the page keeps saying "Loading".
  }

  /** Sends a section's messages for the panel's paper (after its didLoadPaper). */
  private renderSection(item: PaperPanel, section: AnySection): void {
    const key = item.key;
    if (!item.ready || !this.papers.get(key)) return;
    void Promise.resolve(section.messages(key)).then(
      (messages: HostMessage[]) => {
        // The panel may show another paper by now, or be gone.
        if (item.key === key && !item.isDisposed) for (const message of messages) item.post(message);
      },
      (error: unknown) => this.log.error(`The paper view's ${section.name} section failed for ${key}: ${errorText(error)}`),
    );
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
}
