/**
 * The messages between the search index's worker thread (searchWorker.ts) and its client
 * (searchWorkerClient.ts). Every request carries an id and gets exactly one reply with that id;
 * `progress` messages come in between while documents are indexed.
 */
import type { ForYouResult } from '../../core/search/forYou';
import type { SearchDocument, SearchHit, SearchIndexStats, SearchResult } from '../../core/search/searchIndex';

/** Where an index came from: read from the cache unchanged, read and then updated, or built from scratch. */
export type IndexOrigin = 'cache' | 'updated' | 'built';

export interface SyncSummary {
  origin: IndexOrigin;
  documents: number;
  /** Documents added, changed or removed compared with the cache (all of them for a build). */
  changed: number;
  /** Milliseconds the worker spent reading the cache (0 without one). */
  loadMs: number;
  /** Milliseconds the worker spent indexing after the last chunk arrived. */
  indexMs: number;
  /** Why the cache was not used, when it was not (missing, another version, damaged). */
  cacheProblem?: string;
  stats: SearchIndexStats;
}

export type WorkerRequest =
  /** Starts a full synchronisation: the cache (if any) is read, then `documents` chunks follow. */
  | { id: number; type: 'begin'; cacheFile: string | null; total: number }
  | { id: number; type: 'documents'; documents: SearchDocument[] }
  /** Ends a synchronisation: documents not sent since `begin` are removed; the cache is written if anything changed. */
  | { id: number; type: 'end' }
  | { id: number; type: 'upsert'; documents: SearchDocument[] }
  | { id: number; type: 'remove'; keys: string[] }
  | { id: number; type: 'search'; query: string; limit: number }
  | { id: number; type: 'related'; key: string; limit: number }
  | { id: number; type: 'relatedToText'; text: string; limit: number; excludeKey?: string }
  /** For You: the papers most like `positives` (a tag's papers), trained on the index as it is now; see core/search/forYou.ts. */
  | { id: number; type: 'forYou'; positives: string[]; notInterested: string[]; limit: number }
  /** Writes a pending cache update now (updates are otherwise written a moment after the last one). */
  | { id: number; type: 'flush' };

export type WorkerReply =
  | { id: number; type: 'ok'; value: unknown }
  | { id: number; type: 'error'; message: string }
  | { type: 'progress'; done: number; total: number }
  /** Writing the cache failed; the index still works. */
  | { type: 'cacheError'; message: string }
  /** A search needs these papers' fields to check its phrases: the client answers with a TextsMessage of the same token. */
  | { type: 'needTexts'; token: number; keys: string[] };

/**
 * The client's answer to `needTexts` (not a request: it gets no reply): each key's fields as last
 * sent to the worker, or null for a key the client does not have.
 */
export interface TextsMessage {
  type: 'texts';
  token: number;
  documents: (SearchDocument | null)[];
}

/** The value of the reply to each request type. */
export interface WorkerValues {
  begin: { loaded: number; loadMs: number; cacheProblem?: string };
  documents: null;
  end: SyncSummary;
  upsert: number;
  remove: number;
  search: SearchResult;
  related: SearchHit[];
  relatedToText: SearchHit[];
  /** `ms`: the worker's milliseconds for the request, vectors included when the index had changed. */
  forYou: ForYouResult & { ms: number };
  flush: null;
}
