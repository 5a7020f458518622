/**
 * The messages between the library's worker thread (libraryWorker.ts) and its client in the
 * extension host (libraryWorkerClient.ts). Every request carries an id and gets exactly one reply
 * with that id; `papers` messages with the same id come before a `load` reply, in chunks small
 * enough that the host clones each in a few milliseconds. The host answers each chunk with a
 * `received` receipt once its thread has taken it, and the worker keeps at most CHUNKS_IN_FLIGHT
 * chunks unreceipted: the host drains every message waiting on its port in one task, so 100
 * chunks posted at once would block it for more than a second.
 */
import type { FindMode } from '../../core/citations/paperFinder';
import type { KeyDispute } from '../../core/library/libraryFile';
import type { ReadingStatus } from '../../core/library/readingStatus';
import type { Diagnostic, Paper } from '../../core/types';

/** A change to tags, as the Tags feature asks for it. */
export type TagOperation =
  { kind: 'add'; keys: string[]; tag: string } | { kind: 'remove'; keys: string[]; tag: string } | { kind: 'rename'; from: string; to: string };

/** A change to reading status or the Reading Queue. */
export type StatusOperation =
  | { kind: 'set'; keys: string[]; status: ReadingStatus }
  | { kind: 'enqueue'; keys: string[] }
  | { kind: 'dequeue'; keys: string[] }
  | { kind: 'move'; key: string; index: number };

/** What the worker knows of one digest file after reading it. */
export interface DigestFileReport {
  file: string;
  /** The digest's header date, for labels; null when it has none. */
  digestDate: { month: number; day: number } | null;
  /** Problems for the Problems panel (empty for a clean digest). */
  problems: Diagnostic[];
  /** Why the file is not a digest, when it is skipped (it then gives no paper and no problem). */
  skipped?: string;
}

/** Why the library file could not be used: the state is 'corrupt' and nothing was written. */
export interface LibraryCorruption {
  message: string;
  /** Git conflict markers: "Resolve Merge Conflict" settles it. */
  conflict: boolean;
}

export interface LoadResult {
  state: 'ready' | 'empty' | 'corrupt';
  corruption: LibraryCorruption | null;
  /** Canonical keys of every paper, in title order (ties by key): the order of `Library.papers`. */
  order: string[];
  /** Keys the previous load had that this one does not. */
  removed: string[];
  /** How many papers came in `papers` messages (new or changed since the previous load). */
  sent: number;
  /**
   * Every paper that has a tag: [canonical key, sorted tags]. Null for a load asked with `shown`
   * when they are exactly the tags the host was last told (by loads and tag changes): 70,000
   * tagged papers are then neither cloned nor rebuilt into a map on the host's thread.
   */
  tags: [string, string[]][] | null;
  /** Every paper whose reading status is not unread: [canonical key, status]. */
  statuses: [string, ReadingStatus][];
  /** The Reading Queue's canonical keys, in order. */
  queue: string[];
  /** Every retired key, with the papers that held it. */
  disputes: KeyDispute[];
  /** Retired keys this load found for the first time (two papers claimed them after a merge). */
  newDisputes: string[];
  /** Digest files read again for this load (all of them for the first). */
  files: DigestFileReport[];
  /** Files that are no longer digests of the library (deleted, or out of the globs). */
  dropped: string[];
  /** The library file could be read but not written: one sentence for the user. */
  warning?: string;
  /** True when nothing changed since the previous load; with `shown`, the lists are then empty. */
  unchanged?: boolean;
  /** Milliseconds the worker spent reading digests, on the library file and merging, and sending papers. */
  timings: { readMs: number; mergeMs: number; publishMs: number };
  /** True when the papers came from the snapshot the last window left (librarySnapshot.ts), not from merging the digests. */
  fromSnapshot?: boolean;
}

export interface TagResult {
  /** Canonical keys whose tags changed. */
  changed: string[];
  /** Their tags now. */
  tags: [string, string[]][];
}

export interface StatusResult {
  /** Canonical keys whose status or place in the queue changed. */
  changed: string[];
  /** The status of each changed paper now. */
  statuses: [string, ReadingStatus][];
  /** The whole queue now, in order. */
  queue: string[];
}

export interface FindResult {
  /** The papers found, best first: [canonical key, rank] (see core/citations/paperFinder.ts PaperMatch). */
  matches: [string, number][];
}

/** Errors the host tells the user about in its own words; anything else is a bug, with its stack. */
export type WorkerErrorKind = 'tag' | 'corrupt' | 'conflict' | 'access' | 'internal';

export type LibraryWorkerRequest =
  /**
   * The library from `files` (every digest file there is now): files in `reread`, and files the
   * worker has not read, are read again; the library file is always read again.
   */
  | {
      id: number;
      type: 'load';
      root: string | null;
      files: string[];
      reread: string[] | 'all';
      trusted: boolean;
      cacheDir: string | null;
      /**
       * The host shows this worker's last ready load: a load that finds nothing changed then answers
       * with `unchanged` and empty lists instead of 100,000 keys the host would throw away.
       */
      shown?: boolean;
    }
  | { id: number; type: 'tag'; operation: TagOperation }
  | { id: number; type: 'status'; operation: StatusOperation }
  /** Settles git conflict markers in the library file, then loads like `load` with nothing to re-read. */
  | { id: number; type: 'resolve' }
  /**
   * Papers of the last load matching what the user types (completion, paper pickers). Answered at
   * once, not after the requests before it: a completion does not wait for a load or a tag write.
   */
  | { id: number; type: 'find'; mode: FindMode; query: string; limit: number };

/** What the host posts back for each `papers` chunk it has taken (not a request: it gets no reply). */
export interface PapersReceipt {
  type: 'received';
  id: number;
}

/** Chunks the worker posts ahead of the host's receipts. Two keep the port busy while the host takes one. */
export const CHUNKS_IN_FLIGHT = 2;

export type LibraryWorkerReply =
  | { id: number; type: 'ok'; value: unknown }
  | { id: number; type: 'error'; kind: WorkerErrorKind; message: string }
  | { id: number; type: 'papers'; papers: Paper[] }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

export interface LibraryWorkerValues {
  load: LoadResult;
  tag: TagResult;
  status: StatusResult;
  resolve: LoadResult & { markers: number };
  find: FindResult;
}
