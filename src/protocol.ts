/**
 * The messages between the extension host and the paper view (webview/paperView.ts). Both sides
 * import this file; every message is one of the unions below and every switch over them ends in
 * assertNever, so adding a message without handling it is a type error.
 *
 * Host -> webview messages are named `did...`; webview -> host messages are verbs. The host queues
 * its messages until the webview has said `ready`.
 */
import type { Paper } from './core/types';

/** What the paper view shows about one paper. Plain data: digest text stays text until the webview sanitises it. */
export interface PaperViewModel {
  paper: Paper;
  /** Links to code repositories (GitHub, GitLab, Hugging Face, ...) found in the abstract. */
  codeLinks: string[];
  /** The other links found in the abstract (project pages and the like). */
  otherLinks: string[];
  /** Digest file names (workspace-relative) with the line of the paper, for "Reveal in Digest". */
  sources: { label: string; file: string; line: number }[];
  /** True when the panel is a preview that the next opened paper replaces. */
  preview: boolean;
}

/** The state the webview keeps with setState, so that a reloaded window can restore the panel. */
export interface PaperViewState {
  key: string;
  preview: boolean;
}

export type HostMessage =
  | { type: 'didLoadPaper'; model: PaperViewModel }
  /** The paper was removed from the library (its digests were deleted). */
  | { type: 'didRemovePaper'; key: string }
  | { type: 'didChangePreview'; preview: boolean };

export type WebviewMessage =
  | { type: 'ready' }
  /** Open an http(s) link in the browser; the host checks the scheme again. */
  | { type: 'openLink'; url: string }
  | { type: 'revealInDigest'; file: string; line: number }
  /** Keep this panel: it is no longer replaced by the next paper. */
  | { type: 'pin' }
  | { type: 'copyKey'; key: string };

/** Exhaustiveness check for switches over the message unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(value)}`);
}
