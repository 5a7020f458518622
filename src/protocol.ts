/**
 * The messages between the extension host and the paper view (webview/paperView.ts). Both sides
 * import this file. The messages are grouped by the part of the page they belong to: `paper` is the
 * page itself (its paper, header and links), and each other group is one section, handled on the
 * host by one PaperViewSection (src/host/paperView/section.ts) and on the page by one module. Every
 * switch over a group's messages ends in assertNever, so adding a message without handling it is a
 * type error; PaperViewProtocol and the tables below make forgetting its group one too.
 *
 * Host -> webview messages are named `did...`; webview -> host messages are verbs. The host queues
 * its messages until the webview has said `ready`.
 */
import { isReadingStatus, type ReadingStatus } from './core/library/readingStatus';
import type { Paper } from './core/types';

// --- The paper: the page, its header and its links ------------------------------------------------

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

export type PaperHostMessage =
  | { type: 'didLoadPaper'; model: PaperViewModel }
  /** The paper was removed from the library (its digests were deleted). */
  | { type: 'didRemovePaper'; key: string }
  | { type: 'didChangePreview'; preview: boolean };

export type PaperWebviewMessage =
  | { type: 'ready' }
  /** Open an http(s) link in the browser; the host checks the scheme again. */
  | { type: 'openLink'; url: string }
  /** Reveal one of the panel paper's sources (the Reveal in Digest command); the host checks it is one. */
  | { type: 'revealInDigest'; file: string; line: number }
  /** Keep this panel: it is no longer replaced by the next paper. */
  | { type: 'pin' }
  /** Copy the paper's citation key (the Copy Citation Key command). */
  | { type: 'copyKey'; key: string }
  /** Copy the paper's BibTeX entry (the Copy BibTeX command). */
  | { type: 'copyBibtex'; key: string }
  /** Open the paper's code link, or a local clone of it (the Open Code command). */
  | { type: 'openCode'; key: string };

// --- The note section ---------------------------------------------------------------------------------

/** The start of a paper's note, as the paper view shows it. */
export interface NotePreview {
  /** Workspace-relative path of the note. */
  path: string;
  /** The start of what the reader wrote (see noteExcerpt); '' when nothing yet. Plain text. */
  excerpt: string;
}

export type NotesHostMessage =
  /** The paper's note (null: none yet), for the note preview. */
  | { type: 'didLoadNote'; key: string; note: NotePreview | null }
  /** "Quote in Note" was chosen from the context menu: answer with quoteInNote and the selection. */
  | { type: 'didRequestQuote' };

export type NotesWebviewMessage =
  /** Open (creating if needed) the note of the panel's paper. */
  | { type: 'openNote' }
  /** Append `text` (the selection in the abstract) as a quote to the panel's paper's note. */
  | { type: 'quoteInNote'; text: string };

// --- The tag row ----------------------------------------------------------------------------------------

export type TagsHostMessage =
  /** The paper's tags, and every tag of the library for completion. */
  { type: 'didLoadTags'; key: string; tags: string[]; allTags: string[] };

export type TagsWebviewMessage = { type: 'addTag'; tag: string } | { type: 'removeTag'; tag: string };

// --- The reading status row -----------------------------------------------------------------------------

export type StatusHostMessage =
  /** The paper's reading status, and whether it is in the Reading Queue. */
  { type: 'didLoadStatus'; key: string; status: ReadingStatus; queued: boolean };

export type StatusWebviewMessage =
  /** Set the panel paper's reading status. */
  | { type: 'setStatus'; status: ReadingStatus }
  /** Add the panel's paper to the Reading Queue, or take it out. */
  | { type: 'toggleQueue' }
  /** Mark the panel's paper read and open the next unread paper. */
  | { type: 'markReadAndOpenNext' };

// --- The "Cited in" section -------------------------------------------------------------------------

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

export type CitedInHostMessage =
  /** Where the workspace cites the paper; `scanning` while the first scan of the workspace runs. */
  { type: 'didUpdateCitedIn'; key: string; entries: CitedInEntry[]; scanning: boolean };

export type CitedInWebviewMessage =
  /** Open a file at a line of the panel paper's "Cited in" list; the host checks it is one. */
  { type: 'openCitation'; file: string; line: number } | { type: 'insertCitation' } | { type: 'copyCitation' } | { type: 'findCitations' };

// --- The related papers section -------------------------------------------------------------------

/** A related paper as the paper view lists it. */
export interface RelatedPaperItem {
  key: string;
  title: string;
  /** Its score as a share of the first related paper's, 1 to 100 (the first is 100). */
  percent: number;
  /** Words the two papers share. */
  shared: string[];
}

export type RelatedHostMessage =
  /** The papers most related to `key` (search), shown under its abstract. */
  { type: 'didLoadRelated'; key: string; related: RelatedPaperItem[] };

export type RelatedWebviewMessage =
  /** Open another paper (a related one) in the paper view. */
  { type: 'openPaper'; key: string };

// --- The groups -----------------------------------------------------------------------------------------

/** Each group's messages, by direction. */
export interface PaperViewProtocol {
  paper: { host: PaperHostMessage; webview: PaperWebviewMessage };
  notes: { host: NotesHostMessage; webview: NotesWebviewMessage };
  tags: { host: TagsHostMessage; webview: TagsWebviewMessage };
  status: { host: StatusHostMessage; webview: StatusWebviewMessage };
  citedIn: { host: CitedInHostMessage; webview: CitedInWebviewMessage };
  related: { host: RelatedHostMessage; webview: RelatedWebviewMessage };
}

export type MessageGroup = keyof PaperViewProtocol;
/** The groups that are sections: every group but the page's own. */
export type SectionName = Exclude<MessageGroup, 'paper'>;
export type HostMessageOf<G extends MessageGroup> = PaperViewProtocol[G]['host'];
export type WebviewMessageOf<G extends MessageGroup> = PaperViewProtocol[G]['webview'];

export type HostMessage = HostMessageOf<MessageGroup>;
export type WebviewMessage = WebviewMessageOf<MessageGroup>;

/** The group of every host message: the page checks what it receives against it. */
const HOST_MESSAGE_GROUPS: { readonly [T in HostMessage['type']]: MessageGroup } = {
  didLoadPaper: 'paper',
  didRemovePaper: 'paper',
  didChangePreview: 'paper',
  didLoadNote: 'notes',
  didRequestQuote: 'notes',
  didLoadTags: 'tags',
  didLoadStatus: 'status',
  didUpdateCitedIn: 'citedIn',
  didLoadRelated: 'related',
};

/** True when `value` names a host message type (the page checks the type only: the host is trusted). */
export function isHostMessage(value: unknown): value is HostMessage {
  return isRecord(value) && typeof value.type === 'string' && Object.hasOwn(HOST_MESSAGE_GROUPS, value.type);
}

// --- Reading webview messages ---------------------------------------------------------------------

// Limits on what a webview message may carry: the webview renders untrusted text, so the host treats
// whatever it posts as untrusted too.
const MAX_URL_LENGTH = 8192;
const MAX_PATH_LENGTH = 4096;
const MAX_KEY_LENGTH = 1024;
const MAX_QUOTE_LENGTH = 100_000;
const MAX_TAG_LENGTH = 256;

/** Reads one message type from a record the webview posted: the message, or undefined when malformed. */
type Reader<M> = (value: Record<string, unknown>) => M | undefined;
type GroupReaders<M extends { type: string }> = { readonly [T in M['type']]: Reader<Extract<M, { type: T }>> };

/**
 * The webview messages of each group with their checks: a message is in exactly one group, and a
 * type missing here does not compile.
 */
const READERS: { readonly [G in MessageGroup]: GroupReaders<WebviewMessageOf<G>> } = {
  paper: {
    ready: () => ({ type: 'ready' }),
    pin: () => ({ type: 'pin' }),
    openLink: (value) => (isShortString(value.url, MAX_URL_LENGTH) ? { type: 'openLink', url: value.url } : undefined),
    revealInDigest: (value) =>
      isShortString(value.file, MAX_PATH_LENGTH) && isLineNumber(value.line) ? { type: 'revealInDigest', file: value.file, line: value.line } : undefined,
    copyKey: (value) => (isShortString(value.key, MAX_KEY_LENGTH) ? { type: 'copyKey', key: value.key } : undefined),
    copyBibtex: (value) => (isShortString(value.key, MAX_KEY_LENGTH) ? { type: 'copyBibtex', key: value.key } : undefined),
    openCode: (value) => (isShortString(value.key, MAX_KEY_LENGTH) ? { type: 'openCode', key: value.key } : undefined),
  },
  notes: {
    openNote: () => ({ type: 'openNote' }),
    quoteInNote: (value) => (isShortString(value.text, MAX_QUOTE_LENGTH) ? { type: 'quoteInNote', text: value.text } : undefined),
  },
  tags: {
    addTag: (value) => (isShortString(value.tag, MAX_TAG_LENGTH) ? { type: 'addTag', tag: value.tag } : undefined),
    removeTag: (value) => (isShortString(value.tag, MAX_TAG_LENGTH) ? { type: 'removeTag', tag: value.tag } : undefined),
  },
  status: {
    setStatus: (value) => (isReadingStatus(value.status) ? { type: 'setStatus', status: value.status } : undefined),
    toggleQueue: () => ({ type: 'toggleQueue' }),
    markReadAndOpenNext: () => ({ type: 'markReadAndOpenNext' }),
  },
  citedIn: {
    openCitation: (value) =>
      isShortString(value.file, MAX_PATH_LENGTH) && isLineNumber(value.line) ? { type: 'openCitation', file: value.file, line: value.line } : undefined,
    insertCitation: () => ({ type: 'insertCitation' }),
    copyCitation: () => ({ type: 'copyCitation' }),
    findCitations: () => ({ type: 'findCitations' }),
  },
  related: {
    openPaper: (value) => (isShortString(value.key, MAX_KEY_LENGTH) && value.key !== '' ? { type: 'openPaper', key: value.key } : undefined),
  },
};

/** Each webview message type with its group and reader; a Map, so that `toString` and the like are no types. */
const WEBVIEW_MESSAGES = new Map<string, { group: MessageGroup; read: Reader<WebviewMessage> }>(
  (Object.keys(READERS) as MessageGroup[]).flatMap((group) =>
    Object.entries(READERS[group] as Record<string, Reader<WebviewMessage>>).map(([type, read]) => [type, { group, read }] as const),
  ),
);

/**
 * The message `value` is, when it is a well-formed WebviewMessage; undefined otherwise (unknown type,
 * missing or mistyped fields, oversized strings). Extra fields are dropped. It checks shape only: what
 * a message may do (which URLs open, which files are revealed) is for the host to decide.
 */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  return WEBVIEW_MESSAGES.get(value.type)?.read(value);
}

/** True when `message` is one of `group`'s webview messages. */
export function isWebviewMessageOf<G extends MessageGroup>(message: WebviewMessage, group: G): message is WebviewMessageOf<G> {
  return WEBVIEW_MESSAGES.get(message.type)?.group === group;
}

/** The section that handles `message`: the panel routes every message that is not its own by this. */
export function sectionOf(message: WebviewMessageOf<SectionName>): SectionName {
  const group = WEBVIEW_MESSAGES.get(message.type)?.group;
  if (group === undefined || group === 'paper') throw new Error(`Not a section's message: ${JSON.stringify(message)}`);
  return group;
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
