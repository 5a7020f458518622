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

/** One workspace line that cites the paper, for the paper view's "Cited in" section. */
export interface CitedInEntry {
  /** The file's URI (the host checks it against its index before opening anything). */
  file: string;
  /** The file as the user reads it: a workspace-relative path. */
  label: string;
  /** 1-based. */
  line: number;
  /** The line's text, trimmed and cut. */
  text: string;
  /** Markdown mentions are the paper's backlinks; code and LaTeX are listed apart. */
  kind: 'markdown' | 'latex' | 'code';
}

export type HostMessage =
  | { type: 'didLoadPaper'; model: PaperViewModel }
  /** Where the workspace cites the paper; `scanning` while the first scan of the workspace runs. */
  | { type: 'didUpdateCitedIn'; key: string; entries: CitedInEntry[]; scanning: boolean }
  /** The paper was removed from the library (its digests were deleted). */
  | { type: 'didRemovePaper'; key: string }
  | { type: 'didChangePreview'; preview: boolean }
  /** The paper's note (null: none yet), for the note preview. */
  | { type: 'didLoadNote'; key: string; note: NotePreview | null }
  /** The paper's tags, and every tag of the library for completion. */
  | { type: 'didLoadTags'; key: string; tags: string[]; allTags: string[] }
  /** "Quote in Note" was chosen from the context menu: answer with quoteInNote and the selection. */
  | { type: 'didRequestQuote' }
  /** The papers most related to `key` (search), shown under its abstract. */
  | { type: 'didLoadRelated'; key: string; related: RelatedPaperItem[] };

/** The start of a paper's note, as the paper view shows it. */
export interface NotePreview {
  /** Workspace-relative path of the note. */
  path: string;
  /** The start of what the reader wrote (see noteExcerpt); '' when nothing yet. Plain text. */
  excerpt: string;
}

/** A related paper as the paper view lists it. */
export interface RelatedPaperItem {
  key: string;
  title: string;
  score: number;
  /** Words the two papers share. */
  shared: string[];
}

export type WebviewMessage =
  | { type: 'ready' }
  /** Open an http(s) link in the browser; the host checks the scheme again. */
  | { type: 'openLink'; url: string }
  | { type: 'revealInDigest'; file: string; line: number }
  /** Keep this panel: it is no longer replaced by the next paper. */
  | { type: 'pin' }
  | { type: 'copyKey'; key: string }
  /** Open (creating if needed) the note of the panel's paper. */
  | { type: 'openNote' }
  /** Append `text` (the selection in the abstract) as a quote to the panel's paper's note. */
  | { type: 'quoteInNote'; text: string }
  | { type: 'addTag'; tag: string }
  | { type: 'removeTag'; tag: string }
  /** Copy the paper's BibTeX entry (the Copy BibTeX command). */
  | { type: 'copyBibtex'; key: string }
  /** Open the paper's code link, or a local clone of it (the Open Code command). */
  | { type: 'openCode'; key: string }
  /** Open a file at a line of the panel paper's "Cited in" list; the host checks it is one. */
  | { type: 'openCitation'; file: string; line: number }
  | { type: 'insertCitation' }
  | { type: 'copyCitation' }
  | { type: 'findCitations' }
  /** Open another paper (a related one) in the paper view. */
  | { type: 'openPaper'; key: string };

// Limits on what a webview message may carry: the webview renders untrusted text, so the host treats
// whatever it posts as untrusted too.
const MAX_URL_LENGTH = 8192;
const MAX_PATH_LENGTH = 4096;
const MAX_KEY_LENGTH = 1024;
const MAX_QUOTE_LENGTH = 100_000;
const MAX_TAG_LENGTH = 256;

/**
 * The message `value` is, when it is a well-formed WebviewMessage; undefined otherwise (unknown type,
 * missing or mistyped fields, oversized strings). Extra fields are dropped. It checks shape only: what
 * a message may do (which URLs open, which files are revealed) is for the host to decide.
 */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  const type = value.type as WebviewMessage['type'];
  switch (type) {
    case 'ready':
    case 'pin':
    case 'openNote':
      return { type };
    case 'quoteInNote':
      return isShortString(value.text, MAX_QUOTE_LENGTH) ? { type, text: value.text } : undefined;
    case 'addTag':
    case 'removeTag':
      return isShortString(value.tag, MAX_TAG_LENGTH) ? { type, tag: value.tag } : undefined;
    case 'insertCitation':
    case 'copyCitation':
    case 'findCitations':
      return { type };
    case 'openCitation':
      return isShortString(value.file, MAX_PATH_LENGTH) && isLineNumber(value.line) ? { type, file: value.file, line: value.line } : undefined;
    case 'openLink':
      return isShortString(value.url, MAX_URL_LENGTH) ? { type, url: value.url } : undefined;
    case 'revealInDigest':
      return isShortString(value.file, MAX_PATH_LENGTH) && isLineNumber(value.line)
        ? { type, file: value.file, line: value.line }
        : undefined;
    case 'copyKey':
    case 'copyBibtex':
    case 'openCode':
      return isShortString(value.key, MAX_KEY_LENGTH) ? { type, key: value.key } : undefined;
    case 'openPaper':
      return isShortString(value.key, MAX_KEY_LENGTH) && value.key !== '' ? { type, key: value.key } : undefined;
    default:
      // Not assertNever: `type` is any string the webview sent, so this branch is reachable.
      return undefined;
  }
}

/** The state a webview saved with setState, when it has the PaperViewState shape; undefined otherwise. */
export function parsePaperViewState(value: unknown): PaperViewState | undefined {
  if (!isRecord(value) || !isShortString(value.key, MAX_KEY_LENGTH) || value.key === '') return undefined;
  return { key: value.key, preview: value.preview === true };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isLineNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** Exhaustiveness check for switches over the message unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(value)}`);
}
