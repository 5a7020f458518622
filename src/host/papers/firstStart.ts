/**
 * The first start in a workspace of digests shows Marginalia's sidebar instead of the Explorer:
 * decided at activation, before the reader acts, and never again in that workspace.
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

/** workspaceState: this workspace's first start with digests has happened (Marginalia revealed or not). */
export const FIRST_START_KEY = 'marginalia.firstStartDone';

/**
 * How a start went: `revealed` (Marginalia shown), `alreadyShown` (the reader or the restored
 * layout showed it first), `readerMoved` (the reader opened an editor or a terminal before the
 * decision, which is theirs to keep), `earlier` (an earlier start had its first start),
 * `noDigests` (nothing matches the digest globs: a later start with digests is still a first one),
 * `failed` (the search for digests failed; logged).
 */
export type FirstStartOutcome = 'revealed' | 'alreadyShown' | 'readerMoved' | 'earlier' | 'noDigests' | 'failed';

/** What the first start needs of the rest of the extension. */
export interface FirstStartDeps {
  /** The workspace's memento, which keeps FIRST_START_KEY. */
  state: vscode.Memento;
  /** Whether the workspace holds a digest (cheap: one findFiles result). */
  hasDigests(): Promise<boolean>;
  /** Whether the Papers view already shows. */
  papersVisible(): boolean;
  /** Shows the Marginalia container; not counted as the reader opening it. */
  showContainer(): Promise<void>;
  log: vscode.LogOutputChannel;
}

export class FirstStart extends Disposable {
  /** Resolves with how this start went (never rejects). */
  readonly outcome: Promise<FirstStartOutcome>;
  private moved = false;

  constructor(private readonly deps: FirstStartDeps) {
    super();
    // VS Code tells an extension neither which view container is active nor when another opens:
    // what it does tell, an editor or terminal the reader opened meanwhile, keeps the window theirs.
    const move = () => (this.moved = true);
    this.register(vscode.window.onDidChangeActiveTextEditor(move));
    this.register(vscode.window.onDidChangeActiveTerminal(move));
    this.register(vscode.window.onDidChangeActiveNotebookEditor(move));
    this.outcome = this.decide().then(
      (outcome) => {
        deps.log.info(`First start: ${DESCRIPTIONS[outcome]}`);
        this.dispose();
        return outcome;
      },
      (error: unknown) => {
        deps.log.warn(`First start: not revealing Marginalia: ${error instanceof Error ? error.message : String(error)}`);
        this.dispose();
        return 'failed' as const;
      },
    );
  }

  private async decide(): Promise<FirstStartOutcome> {
    const { state } = this.deps;
    if (state.get<boolean>(FIRST_START_KEY)) return 'earlier';
    if (!(await this.deps.hasDigests())) return 'noDigests';
    await state.update(FIRST_START_KEY, true);
    if (this.deps.papersVisible()) return 'alreadyShown';
    if (this.moved || this.isDisposed) return 'readerMoved';
    await this.deps.showContainer();
    return 'revealed';
  }
}

const DESCRIPTIONS: Readonly<Record<FirstStartOutcome, string>> = {
  revealed: 'Marginalia shown in the sidebar (once per workspace)',
  alreadyShown: 'Marginalia was already showing',
  readerMoved: 'the reader opened something else first; the sidebar is left as it is',
  earlier: 'not the first start in this workspace',
  noDigests: 'no digest in the workspace; the sidebar is left as it is',
  failed: 'not revealing Marginalia',
};
