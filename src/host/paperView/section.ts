/**
 * The one way a feature adds a section to the paper view (the note, the tag row, "Cited in", the
 * related papers). A section is named after its group of messages in src/protocol.ts: the panels
 * send it exactly that group's webview messages, and post for it exactly that group's host messages.
 * It never posts itself: the panel posts what `messages` returns, once the page is listening.
 */
import type * as vscode from 'vscode';
import type { HostMessageOf, SectionName, WebviewMessageOf } from '../../protocol';

/** A panel as its sections see it. */
export interface SectionPanel {
  /** The key of the paper the panel shows: a message from the page is about this paper only. */
  readonly key: string;
  /** Where what the page opens goes: beside the paper, so that both stay in view. */
  readonly besideColumn: vscode.ViewColumn;
}

export interface PaperViewSection<S extends SectionName> {
  /** The section's group in src/protocol.ts. */
  readonly name: S;
  /**
   * The section's host messages for the paper `key`, posted after its didLoadPaper and again when
   * onDidChange names the paper. A message equal to the last one of its type is not posted again.
   */
  messages(key: string): HostMessageOf<S>[] | Promise<HostMessageOf<S>[]>;
  /** Acts on one of the group's messages, from the page of `panel`. */
  receive(panel: SectionPanel, message: WebviewMessageOf<S>): void;
  /** Fires with the key of a paper whose section changed, or undefined for every paper. */
  readonly onDidChange: vscode.Event<string | undefined>;
}

/** Any section, as the panels hold them. */
export type AnySection = { [S in SectionName]: PaperViewSection<S> }[SectionName];
