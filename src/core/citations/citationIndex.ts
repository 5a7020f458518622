/**
 * The workspace's citations in memory: which file cites which key where, kept per file so that one
 * changed file is rescanned alone, with the reverse map from key to files for "Cited in". Also the
 * batched initial scan, which reads files through a function it is given and yields between
 * batches, so that the extension host (and the user's typing) is never held up by it.
 */
import { type CitationMention, type CitationSyntax, scanCitations } from './scanner';

/** A mention with the text of its line, for lists such as "Cited in". */
export interface IndexedMention extends CitationMention {
  /** The file, as the index's caller names it (a URI string in the extension). */
  readonly file: string;
  /** The whole line, trimmed and cut to {@link LINE_PREVIEW_CHARS} characters. */
  readonly lineText: string;
}

/** How much of a line a mention keeps for display. */
export const LINE_PREVIEW_CHARS = 240;

/**
 * Mentions per file and files per key. Files are named by opaque strings (the extension uses URI
 * strings). Updating a file returns the keys whose mentions changed, so listeners can refresh only
 * what shows those keys.
 */
export class CitationIndex {
  private readonly byFile = new Map<string, IndexedMention[]>();
  private readonly byKey = new Map<string, Set<string>>();

  /** Number of files that hold at least one mention. */
  get fileCount(): number {
    return this.byFile.size;
  }

  /** Number of mentions in the whole index. */
  get mentionCount(): number {
    let count = 0;
    for (const mentions of this.byFile.values()) count += mentions.length;
    return count;
  }

  /**
   * Scans `text` with `syntax` and stores its mentions for `file`, replacing what the file had.
   * Returns the keys whose mentions in this file changed (added, removed or moved).
   */
  setFile(file: string, text: string, syntax: CitationSyntax): Set<string> {
    const mentions = scanCitations(text, syntax);
    if (mentions.length === 0) return this.removeFile(file);
    const lines = linesOf(text, mentions);
    const indexed = mentions.map((m) => ({ ...m, file, lineText: lines.get(m.line) ?? '' }));
    return this.store(file, indexed);
  }

  /** Forgets a file. Returns the keys it mentioned. */
  removeFile(file: string): Set<string> {
    const old = this.byFile.get(file);
    if (!old) return new Set();
    this.byFile.delete(file);
    const keys = new Set(old.map((m) => m.key));
    for (const key of keys) this.unlink(key, file);
    return keys;
  }

  /** Forgets every file. Returns every key that was mentioned. */
  clear(): Set<string> {
    const keys = new Set(this.byKey.keys());
    this.byFile.clear();
    this.byKey.clear();
    return keys;
  }

  /** Every mention of `key` (exact, case-sensitive as pandoc and BibTeX tools see keys), by file then position. */
  mentionsOf(key: string): IndexedMention[] {
    const files = this.byKey.get(key);
    if (!files) return [];
    return [...files].sort().flatMap((file) => (this.byFile.get(file) ?? []).filter((m) => m.key === key));
  }

  /** The mentions in one file, in document order. */
  mentionsIn(file: string): readonly IndexedMention[] {
    return this.byFile.get(file) ?? [];
  }

  /** Every key mentioned anywhere, with the number of files mentioning it. */
  citedKeys(): Map<string, number> {
    const result = new Map<string, number>();
    for (const [key, files] of this.byKey) result.set(key, files.size);
    return result;
  }

  /** The files that hold mentions. */
  files(): string[] {
    return [...this.byFile.keys()];
  }

  private store(file: string, mentions: IndexedMention[]): Set<string> {
    const old = this.byFile.get(file) ?? [];
    this.byFile.set(file, mentions);
    const oldKeys = new Set(old.map((m) => m.key));
    const newKeys = new Set(mentions.map((m) => m.key));
    for (const key of oldKeys) if (!newKeys.has(key)) this.unlink(key, file);
    for (const key of newKeys) {
      let files = this.byKey.get(key);
      if (!files) this.byKey.set(key, (files = new Set()));
      files.add(file);
    }
    const changed = new Set<string>();
    const before = signatures(old);
    const after = signatures(mentions);
    for (const key of new Set([...oldKeys, ...newKeys])) {
      if (before.get(key) !== after.get(key)) changed.add(key);
    }
    return changed;
  }

  private unlink(key: string, file: string): void {
    const files = this.byKey.get(key);
    if (!files) return;
    files.delete(file);
    if (files.size === 0) this.byKey.delete(key);
  }
}

/** Per key, a string that changes whenever any of its mentions moves or its line changes. */
function signatures(mentions: readonly IndexedMention[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const m of mentions) {
    const part = `${m.line}:${m.start}:${m.form}:${m.lineText}`;
    const previous = result.get(m.key);
    result.set(m.key, previous === undefined ? part : `${previous}|${part}`);
  }
  return result;
}

/** The trimmed text of the lines that hold mentions. */
function linesOf(text: string, mentions: readonly CitationMention[]): Map<number, string> {
  const wanted = new Set(mentions.map((m) => m.line));
  const result = new Map<number, string>();
  let line = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text.charCodeAt(i);
    const end = i === text.length || ch === 10 || ch === 13;
    if (!end) continue;
    if (wanted.has(line)) {
      const content = text.slice(start, i).trim();
      result.set(line, content.length > LINE_PREVIEW_CHARS ? `${content.slice(0, LINE_PREVIEW_CHARS - 1)}…` : content);
    }
    if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
    line++;
    start = i + 1;
    if (line > mentions[mentions.length - 1].line) break;
  }
  return result;
}

/** What {@link scanInBatches} needs from its caller. */
export interface BatchScan {
  /** The files to scan, in order. */
  files: readonly string[];
  /** How to read each file; given the file name, resolves to its text, or undefined to skip it. */
  read(file: string): Promise<string | undefined>;
  /** How to read each file's syntax; undefined skips the file. */
  syntaxOf(file: string): CitationSyntax | undefined;
  /** Where the mentions go. */
  index: CitationIndex;
  /** Gives the host a turn (the extension passes `setImmediate`); called between batches. */
  yieldToHost(): Promise<void>;
  /** Files read at once (default 25). */
  batchSize?: number;
  /**
   * Longest stretch of scanning between two yields, in milliseconds (default 8): a batch yields
   * again after any file that takes it past this, so one keystroke never waits for a whole batch.
   */
  sliceMs?: number;
  /** Stops early when this returns true (a newer scan started, the index was disposed). */
  cancelled?(): boolean;
  /** Called after every batch with the keys whose mentions changed in it. */
  onBatch?(changed: Set<string>): void;
  /** A clock in milliseconds (default `performance.now`), for the figures returned. */
  now?(): number;
}

/** What a batched scan did, with its figures. */
export interface BatchScanResult {
  scanned: number;
  skipped: number;
  mentions: number;
  cancelled: boolean;
  /** Wall-clock time of the whole scan. */
  totalMs: number;
  /** The longest stretch of synchronous scanning between two yields: how long the host was held. */
  longestBatchMs: number;
}

/**
 * Scans files into an index in batches: reads a batch (concurrently, through `read`), scans it
 * in slices of at most about `sliceMs` (a file is never split), yielding to the host between
 * slices and batches. Files whose read fails or returns
 * undefined are counted as skipped. Never throws for a file; `read` errors are the caller's to log.
 */
export async function scanInBatches(scan: BatchScan): Promise<BatchScanResult> {
  const now = scan.now ?? (() => performance.now());
  const size = Math.max(1, scan.batchSize ?? 25);
  const sliceMs = scan.sliceMs ?? 8;
  const started = now();
  let scanned = 0;
  let skipped = 0;
  let longest = 0;
  for (let start = 0; start < scan.files.length; start += size) {
    if (scan.cancelled?.()) {
      return { scanned, skipped, mentions: scan.index.mentionCount, cancelled: true, totalMs: now() - started, longestBatchMs: longest };
    }
    const batch = scan.files.slice(start, start + size);
    const texts = await Promise.all(batch.map((file) => scan.read(file).catch(() => undefined)));
    if (scan.cancelled?.()) continue;
    let sliceStarted = now();
    let changed = new Set<string>();
    for (let i = 0; i < batch.length; i++) {
      const text = texts[i];
      const syntax = scan.syntaxOf(batch[i]);
      if (text === undefined || syntax === undefined) {
        skipped++;
        continue;
      }
      for (const key of scan.index.setFile(batch[i], text, syntax)) changed.add(key);
      scanned++;
      const elapsed = now() - sliceStarted;
      if (elapsed > sliceMs && i + 1 < batch.length) {
        longest = Math.max(longest, elapsed);
        if (changed.size > 0) scan.onBatch?.(changed);
        changed = new Set();
        await scan.yieldToHost();
        if (scan.cancelled?.()) break;
        sliceStarted = now();
      }
    }
    longest = Math.max(longest, now() - sliceStarted);
    if (changed.size > 0) scan.onBatch?.(changed);
    await scan.yieldToHost();
  }
  return { scanned, skipped, mentions: scan.index.mentionCount, cancelled: scan.cancelled?.() ?? false, totalMs: now() - started, longestBatchMs: longest };
}

/** Whether bytes look like a binary file: a NUL byte in the first 8 KB. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8192);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}
