/**
 * The library file `.marginalia/library.jsonl`: the reader's citation keys and tags, one
 * self-contained JSON record per line, sorted by key, after a header line:
 *
 *     {"marginalia":"library","version":2}
 *     {"key":"genie","title":"Genie: Generative Interactive Environments","aliases":["genie2024"],"tags":{"rl":"2026-11-30T09:12:44.120Z"}}
 *     {"key":"pasta","title":"PASTA: Pretrained Action-State Transformer Agents","removedTags":{"to-read":"2026-12-01T08:00:00.000Z"}}
 *
 * Git merges it with its built-in `union` driver (`.marginalia/.gitattributes`), which keeps the
 * lines of both sides without conflict markers. Reading joins whatever lines there are into one
 * consistent library by rules that do not depend on the order of the lines, so a merged file, a file
 * with a line twice, and a file resolved by hand all read the same:
 *
 * - Lines with the same title identity are one paper; its keys are every key and alias they list
 *   (keys only grow: a key once written resolves forever). The canonical key is the shortest of the
 *   `key` fields (then the first in code-unit order); the others are aliases.
 * - A key that two different papers claim (two branches each gave it to a new paper) names neither:
 *   it is *retired* on both, each paper gets a new key from its own title, and whoever cites the
 *   retired key is told which papers it named (see `disputes`).
 * - A tag's latest change wins: every tag carries the time it was set (`tags`) or removed
 *   (`removedTags`); a removal made after the other branch's last change to that tag removes it, and a
 *   tag set again after a removal stays. On equal times the tag stays.
 * - The reading status's latest change wins (`status` with `statusAt`; a paper without them is
 *   unread, and "unread" is written only to undo another status). On equal times the later of
 *   READING_STATUSES wins.
 * - The Reading Queue: a paper in the queue has a position (`queue`, see readingStatus.ts) and the
 *   time it was set (`queueAt`); `"queue":null` records when it left. Per paper the latest change
 *   wins (on equal times: in the queue, then the lower position), and the queue is every paper with a
 *   position, by position, then key. Two branches that moved different papers keep both moves.
 *
 * A file that does not parse is reported with a LibraryFileError naming the line and is never
 * overwritten; git conflict markers are a LibraryConflictError, which `resolveConflictMarkers` undoes.
 */
import { PANDOC_KEY_PATTERN, keyCandidates } from './citationKey';
import { MAX_POSITION_LENGTH, QUEUE_POSITION, isReadingStatus, positionBetween, spreadPositions, statusRank, type ReadingStatus } from './readingStatus';
import { titleIdentity } from '../text';
import { sameList } from '../sameList';

/** Where the library file lives, relative to the workspace root. */
export const LIBRARY_FILE_PATH = '.marginalia/library.jsonl';
/** The file Marginalia 0.1 wrote (one JSON document); read once and migrated to LIBRARY_FILE_PATH. */
export const LEGACY_LIBRARY_FILE_PATH = '.marginalia/library.json';
/** The `.gitattributes` beside the library file, which tells git to merge it line by line. */
export const LIBRARY_GITATTRIBUTES_PATH = '.marginalia/.gitattributes';
export const LIBRARY_GITATTRIBUTES =
  '# Written by Marginalia: its records are one per line, so git keeps the lines of both sides.\nlibrary.jsonl merge=union\n';

export const LIBRARY_FILE_VERSION = 2;
const HEADER = `{"marginalia":"library","version":${LIBRARY_FILE_VERSION}}`;
/** The time given to tags migrated from the 0.1 file, which recorded none: older than any change. */
export const UNKNOWN_TIME = '1970-01-01T00:00:00.000Z';

/** One paper's record, as the rest of Marginalia sees it. */
export interface LibraryRecord {
  /** The canonical key: the one Marginalia inserts and exports. */
  readonly key: string;
  /** The title as first seen; papers are matched by its identity (see titleIdentity). */
  readonly title: string;
  /** Other keys that name this paper (older keys, keys from a merge), sorted. */
  readonly aliases: readonly string[];
  /** Keys this paper once held that another paper held too: they name no paper any more, sorted. */
  readonly retired: readonly string[];
  /** The paper's tags, sorted. */
  readonly tags: readonly string[];
  /** The reader's reading status ('unread' unless set). */
  readonly status: ReadingStatus;
  /** The paper's position in the Reading Queue (see readingStatus.ts), or null when it is not queued. */
  readonly queuePosition: string | null;
}

/** A retired key with every paper that held it, for telling a reader who cites it what it meant. */
export interface KeyDispute {
  key: string;
  papers: { key: string; title: string }[];
}

/** Why a library file could not be read. The file is left as it is. */
export class LibraryFileError extends Error {
  constructor(
    /** What is wrong, as a sentence for the user. */
    readonly reason: string,
    /** 1-based line of the problem, when known. */
    readonly line: number | null,
  ) {
    super(line === null ? reason : `line ${line}: ${reason}`);
    this.name = 'LibraryFileError';
  }
}

/** The library file holds git's conflict markers: a merge stopped in it. `resolveConflictMarkers` settles it. */
export class LibraryConflictError extends LibraryFileError {
  constructor(
    /** 1-based lines of the markers. */
    readonly lines: number[],
  ) {
    super(
      `it has git merge conflict markers (line${lines.length === 1 ? '' : 's'} ${formatLines(lines)}); resolve it with "Marginalia: Resolve Library Merge Conflict" or "marginalia resolve", which keep every key and tag of both sides`,
      lines[0],
    );
    this.name = 'LibraryConflictError';
  }
}

/** Why a tag could not be changed: an invalid tag or an unknown key. Nothing was changed. */
export class TagError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TagError';
  }
}

/**
 * Why a status or queue change could not be made (an unknown key, a position out of range). A
 * TagError, so that every caller that reports a bad tag change reports this alike. Nothing was changed.
 */
export class StatusError extends TagError {
  constructor(reason: string) {
    super(reason);
    this.name = 'StatusError';
  }
}

/** When a tag was last set (`on`) or removed, as an ISO 8601 UTC time. */
interface TagMark {
  on: boolean;
  at: string;
}

/** The reading status and when it was set. */
interface StatusMark {
  value: ReadingStatus;
  at: string;
}

/** The queue position (null: left the queue) and when it was set. */
interface QueueMark {
  position: string | null;
  at: string;
}

/** A line of the file as written, before it is joined with the others. */
export interface RawRecord {
  key: string;
  title: string;
  aliases?: readonly string[];
  retired?: readonly string[];
  /** Tag -> the time it was set. */
  tags?: Readonly<Record<string, string>>;
  /** Tag -> the time it was removed. */
  removedTags?: Readonly<Record<string, string>>;
  /** The reading status, with statusAt; absent means unread. */
  status?: ReadingStatus;
  statusAt?: string;
  /** The queue position, or null once the paper left the queue; with queueAt. */
  queue?: string | null;
  queueAt?: string;
}

class PaperRecord implements LibraryRecord {
  key: string;
  aliases: string[];
  retired: string[];
  tags: string[] = [];
  /** The record's line as last serialized; null after a change. */
  line: string | null = null;

  constructor(
    readonly title: string,
    key: string,
    aliases: string[],
    retired: string[],
    readonly marks: Map<string, TagMark>,
    public statusMark: StatusMark | null = null,
    public queueMark: QueueMark | null = null,
  ) {
    this.key = key;
    this.aliases = aliases;
    this.retired = retired;
    this.refreshTags();
  }

  get status(): ReadingStatus {
    return this.statusMark?.value ?? 'unread';
  }

  get queuePosition(): string | null {
    return this.queueMark?.position ?? null;
  }

  refreshTags(): void {
    this.line = null;
    if (this.marks.size === 0) {
      this.tags = EMPTY;
      return;
    }
    const tags: string[] = [];
    for (const [tag, mark] of this.marks) if (mark.on) tags.push(tag);
    // Default sort compares strings by UTF-16 code units, like compare(), only faster.
    this.tags = tags.sort();
  }
}

/** A paper that needs a key: its title (the year is no longer part of a key; see keyCandidates). */
export interface KeyRequest {
  title: string;
  year?: number | null;
  /** titleIdentity(title), when the caller has it already. */
  identity?: string;
}

/**
 * The library's records, joined and checked: every key and alias names exactly one paper (keys that
 * differ only in case count as one, as BibTeX tools treat them), and every paper has a key.
 */
export class LibraryRecords {
  private readonly byIdentityMap = new Map<string, PaperRecord>();
  /** Canonical keys and aliases -> record. */
  private readonly byKeyMap = new Map<string, PaperRecord>();
  /** Lower-cased keys that may not be given to a new paper: held, aliases, retired. */
  private readonly taken = new Set<string>();
  private readonly retiredKeys = new Map<string, PaperRecord[]>();
  private newlyRetired: string[] = [];
  /** Records in key order, kept until a record is added (tag changes keep the order). */
  private order: PaperRecord[] | null = null;
  /** The Reading Queue in order, kept until a queue position changes or a record is added. */
  private queueOrder: PaperRecord[] | null = null;

  /** The clock tag changes are stamped with; tests set it. */
  clock: () => Date = () => new Date();

  /** Joins raw records by the rules in this file's header. */
  constructor(raws: Iterable<RawRecord> = []) {
    this.join(raws);
  }

  get size(): number {
    return this.byIdentityMap.size;
  }

  /** The paper a key names: its canonical key or an alias (exact case). Retired keys name none. */
  get(key: string): LibraryRecord | undefined {
    return this.byKeyMap.get(key);
  }

  byTitle(title: string): LibraryRecord | undefined {
    return this.byIdentityMap.get(titleIdentity(title));
  }

  /** The record of a title identity (see titleIdentity), for callers that computed it already. */
  byIdentity(identity: string): LibraryRecord | undefined {
    return this.byIdentityMap.get(identity);
  }

  /** True when `key` (any case) is held, an alias or retired: a new paper may not get it. */
  isTaken(key: string): boolean {
    return this.taken.has(key.toLowerCase());
  }

  /** Every retired key with the papers that held it, sorted by key. */
  disputes(): KeyDispute[] {
    return [...this.retiredKeys]
      .map(([key, records]) => ({ key, papers: records.map((record) => ({ key: record.key, title: record.title })).sort((a, b) => compare(a.key, b.key)) }))
      .sort((a, b) => compare(a.key, b.key));
  }

  /** Keys this reading retired because two papers claimed them (not yet retired in the file). */
  get newDisputes(): readonly string[] {
    return this.newlyRetired;
  }

  /**
   * Gives every requested paper that has no record yet a key: the first of its keyCandidates that
   * nobody holds. Requests are taken in the order of their title identities, so the result does not
   * depend on the order of the digests. Returns the new records.
   */
  assignKeys(requests: Iterable<KeyRequest>): LibraryRecord[] {
    const pending = new Map<string, string>();
    for (const { title, identity: known } of requests) {
      const identity = known ?? titleIdentity(title);
      if (identity === '' || this.byIdentityMap.has(identity) || pending.has(identity)) continue;
      pending.set(identity, title);
    }
    const added: LibraryRecord[] = [];
    for (const identity of [...pending.keys()].sort(compare)) {
      const title = pending.get(identity)!;
      const record = new PaperRecord(title, this.freeKey(title), [], [], new Map());
      this.insert(identity, record);
      added.push(record);
    }
    return added;
  }

  /**
   * Adds `tag` to each paper of `keys` (canonical keys or aliases); returns the canonical keys of the
   * papers that did not have it. Throws TagError for an invalid tag or a key no paper has (and then
   * changes nothing).
   */
  addTag(keys: readonly string[], tag: string): string[] {
    return this.recordsFor(keys, tag)
      .filter((record) => this.mark(record, tag, true))
      .map((record) => record.key);
  }

  /** Removes `tag` from each paper of `keys`; returns the canonical keys of those that had it. Throws like addTag. */
  removeTag(keys: readonly string[], tag: string): string[] {
    return this.recordsFor(keys, tag)
      .filter((record) => this.mark(record, tag, false))
      .map((record) => record.key);
  }

  /** Renames `from` to `to` on every paper (merging with `to` where a paper has both); returns the keys changed. */
  renameTag(from: string, to: string): string[] {
    if (!isValidTag(to)) throw new TagError(invalidTag(to));
    const changed: string[] = [];
    if (from === to) return changed;
    for (const record of this.byIdentityMap.values()) {
      if (!record.tags.includes(from)) continue;
      this.mark(record, from, false);
      this.mark(record, to, true);
      changed.push(record.key);
    }
    return changed;
  }

  /** Every paper that has a tag, as [canonical key, sorted tags], in no particular order. */
  tagged(): [string, string[]][] {
    const list: [string, string[]][] = [];
    for (const record of this.byIdentityMap.values()) if (record.tags.length > 0) list.push([record.key, [...record.tags]]);
    return list;
  }

  /** Every tag with the number of papers that have it, sorted by tag. */
  tagCounts(): { tag: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const record of this.byIdentityMap.values()) for (const tag of record.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => compare(a, b)).map(([tag, count]) => ({ tag, count }));
  }

  /** The reading status of the paper `key` names ('unread' for an unknown key). */
  statusOf(key: string): ReadingStatus {
    return this.byKeyMap.get(key)?.status ?? 'unread';
  }

  /** Every paper whose status is not 'unread', as [canonical key, status], in no particular order. */
  statuses(): [string, ReadingStatus][] {
    const list: [string, ReadingStatus][] = [];
    for (const record of this.byIdentityMap.values()) if (record.status !== 'unread') list.push([record.key, record.status]);
    return list;
  }

  /**
   * Sets the reading status of each paper of `keys`; returns the canonical keys whose status changed.
   * Marking a paper read or not interested also takes it out of the Reading Queue: the queue holds
   * what is still to read. Throws StatusError for a key no paper has (and then changes nothing).
   */
  setStatus(keys: readonly string[], status: ReadingStatus): string[] {
    if (!isReadingStatus(status)) throw new StatusError(`"${String(status)}" is not a reading status: use unread, reading, read or not-interested`);
    const changed: string[] = [];
    for (const record of this.recordsOf(keys, StatusError)) {
      if (record.status === status) continue;
      // Back to unread with nothing to undo on any branch needs no mark; otherwise the time is what merges.
      record.statusMark = { value: status, at: this.stamp(record.statusMark?.at) };
      record.line = null;
      if ((status === 'read' || status === 'not-interested') && record.queuePosition !== null) this.setQueueMark(record, null);
      changed.push(record.key);
    }
    return changed;
  }

  /** The canonical keys of the Reading Queue, in the reader's order. */
  queue(): string[] {
    return this.queueRecords().map((record) => record.key);
  }

  /** Adds each paper of `keys` that is not queued to the end of the Reading Queue, in the order given; returns those added. Throws StatusError like setStatus. */
  enqueue(keys: readonly string[]): string[] {
    const records = this.recordsOf(keys, StatusError).filter((record) => record.queuePosition === null);
    let last = this.queueRecords().at(-1)?.queuePosition ?? null;
    for (const record of records) {
      last = positionBetween(last, null);
      this.setQueueMark(record, last);
    }
    if ((last?.length ?? 0) > MAX_POSITION_LENGTH) this.renumberQueue();
    return records.map((record) => record.key);
  }

  /** Takes each paper of `keys` out of the Reading Queue; returns those that were in it. Throws StatusError like setStatus. */
  dequeue(keys: readonly string[]): string[] {
    const records = this.recordsOf(keys, StatusError).filter((record) => record.queuePosition !== null);
    for (const record of records) this.setQueueMark(record, null);
    return records.map((record) => record.key);
  }

  /**
   * Moves the queued paper `key` to `index` of the queue (0: the top; the queue's length or more: the
   * end), giving it a position between its new neighbours and touching no other paper (unless the
   * positions grew too long, then the whole queue is renumbered). Returns true when it moved. Throws
   * StatusError for an unknown key or a paper that is not queued.
   */
  moveInQueue(key: string, index: number): boolean {
    const [record] = this.recordsOf([key], StatusError);
    if (record.queuePosition === null) throw new StatusError(`"${record.key}" is not in the Reading Queue: add it first`);
    const queue = this.queueRecords();
    const from = queue.indexOf(record);
    const others = queue.filter((other) => other !== record);
    const to = Math.max(0, Math.min(Math.trunc(index), others.length));
    if (to === from) return false;
    const position = positionBetween(others[to - 1]?.queuePosition ?? null, others[to]?.queuePosition ?? null);
    this.setQueueMark(record, position);
    if (position.length > MAX_POSITION_LENGTH) this.renumberQueue();
    return true;
  }

  /** Gives the queue evenly spread short positions, in its current order. */
  private renumberQueue(): void {
    const queue = this.queueRecords();
    const positions = spreadPositions(queue.length);
    queue.forEach((record, i) => {
      if (record.queuePosition !== positions[i]) this.setQueueMark(record, positions[i]);
    });
  }

  private queueRecords(): PaperRecord[] {
    if (!this.queueOrder) {
      const queued: PaperRecord[] = [];
      for (const record of this.byIdentityMap.values()) if (record.queuePosition !== null) queued.push(record);
      this.queueOrder = queued.sort((a, b) => compare(a.queuePosition!, b.queuePosition!) || compare(a.key, b.key));
    }
    return this.queueOrder;
  }

  /** Records sorted by canonical key (code-unit order, so every platform sorts alike). */
  sorted(): LibraryRecord[] {
    return this.sortedRecords();
  }

  /** The records as raw lines, sorted by key, with the tag times (what serializeLibraryFile writes). */
  raw(): RawRecord[] {
    return this.sortedRecords().map(toRaw);
  }

  /**
   * The file's lines after the header, in key order. A record unchanged since it was read from one
   * line, or since its line was last made, gives that line (see saysExactly).
   */
  lines(): string[] {
    return this.sortedRecords().map((record) => (record.line ??= JSON.stringify(toRaw(record))));
  }

  /** The lines as serializeLibraryFile would make them afresh, ignoring the text records were read from. */
  canonicalLines(): string[] {
    return this.sortedRecords().map((record) => JSON.stringify(toRaw(record)));
  }

  /** Forgets which disputes were new: called once they are in the file. */
  acknowledgeDisputes(): void {
    this.newlyRetired = [];
  }

  private sortedRecords(): PaperRecord[] {
    if (this.order) return this.order;
    const byKey = new Map<string, PaperRecord>();
    for (const record of this.byIdentityMap.values()) byKey.set(record.key, record);
    // Default sort: code-unit order, done natively, several times faster than a comparator at 100,000.
    this.order = [...byKey.keys()].sort().map((key) => byKey.get(key)!);
    return this.order;
  }

  private recordsFor(keys: readonly string[], tag: string): PaperRecord[] {
    if (!isValidTag(tag)) throw new TagError(invalidTag(tag));
    return this.recordsOf(keys, TagError);
  }

  /** The records of `keys` (canonical keys or aliases), each once; throws `kind` naming the keys no paper has. */
  private recordsOf(keys: readonly string[], kind: new (reason: string) => TagError): PaperRecord[] {
    const unknown = keys.filter((key) => !this.byKeyMap.has(key));
    if (unknown.length > 0) {
      const retired = unknown.filter((key) => this.retiredKeys.has(key));
      const why = retired.length > 0 ? ` (${retired.map((key) => `"${key}"`).join(', ')} named two papers after a merge and was retired)` : '';
      throw new kind(`no paper has the key${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')}${why}`);
    }
    return [...new Set(keys.map((key) => this.byKeyMap.get(key)!))];
  }

  /** A time for a change after `previous`: now, or a millisecond after `previous` when the clock says otherwise. */
  private stamp(previous: string | undefined): string {
    const at = this.clock().toISOString();
    return previous !== undefined && at <= previous ? new Date(Date.parse(previous) + 1).toISOString() : at;
  }

  private setQueueMark(record: PaperRecord, position: string | null): void {
    record.queueMark = { position, at: this.stamp(record.queueMark?.at) };
    record.line = null;
    this.queueOrder = null;
  }

  /** Sets a tag's mark; returns false when the paper already stood so. Local changes always follow the last mark. */
  private mark(record: PaperRecord, tag: string, on: boolean): boolean {
    const previous = record.marks.get(tag);
    if ((previous?.on ?? false) === on) return false;
    const at = this.stamp(previous?.at);
    record.marks.set(tag, { on, at });
    record.refreshTags();
    return true;
  }

  private freeKey(title: string): string {
    const candidates = keyCandidates(title);
    for (const candidate of candidates) if (!this.taken.has(candidate.toLowerCase())) return candidate;
    // Both hashes taken: practically never; a counter keeps the result determined by the file alone.
    const last = candidates[candidates.length - 1];
    for (let n = 2; ; n++) if (!this.taken.has(`${last}${n}`.toLowerCase())) return `${last}${n}`;
  }

  private insert(identity: string, record: PaperRecord): void {
    this.order = null;
    this.queueOrder = null;
    this.byIdentityMap.set(identity, record);
    this.byKeyMap.set(record.key, record);
    this.taken.add(record.key.toLowerCase());
    for (const key of record.aliases) {
      this.byKeyMap.set(key, record);
      this.taken.add(key.toLowerCase());
    }
    for (const key of record.retired) {
      this.taken.add(key.toLowerCase());
      const holders = this.retiredKeys.get(key);
      if (holders) holders.push(record);
      else this.retiredKeys.set(key, [record]);
    }
  }

  private join(raws: Iterable<RawRecord>): void {
    // Written for 100,000 records: most papers have one line, one key and no alias, so a group
    // allocates lists only when it needs them, and nothing is sorted but the keyless papers.
    interface Group {
      title: string;
      /** The group's first line, and how many lines it has: a paper of one line may keep its text. */
      first: RawRecord;
      lines: number;
      keys: string[];
      aliases: string[] | null;
      retired: string[] | null;
      marks: Map<string, TagMark> | null;
      status: StatusMark | null;
      queue: QueueMark | null;
    }
    const groups = new Map<string, Group>();
    for (const raw of raws) {
      const identity = titleIdentity(raw.title);
      if (identity === '') continue;
      let group = groups.get(identity);
      if (!group) {
        group = { title: raw.title, first: raw, lines: 1, keys: [raw.key], aliases: null, retired: null, marks: null, status: null, queue: null };
        groups.set(identity, group);
      } else {
        group.lines++;
        if (compare(raw.title, group.title) < 0) group.title = raw.title;
        if (!group.keys.includes(raw.key)) group.keys.push(raw.key);
      }
      if (raw.aliases) for (const alias of raw.aliases) addOnce((group.aliases ??= []), alias);
      if (raw.retired) for (const key of raw.retired) addOnce((group.retired ??= []), key);
      if (raw.tags) for (const tag in raw.tags) joinMark((group.marks ??= new Map()), tag, { on: true, at: raw.tags[tag] });
      if (raw.removedTags) for (const tag in raw.removedTags) joinMark((group.marks ??= new Map()), tag, { on: false, at: raw.removedTags[tag] });
      if (raw.status !== undefined && raw.statusAt !== undefined) group.status = laterStatus(group.status, { value: raw.status, at: raw.statusAt });
      if (raw.queue !== undefined && raw.queueAt !== undefined) group.queue = laterQueue(group.queue, { position: raw.queue, at: raw.queueAt });
    }

    // Which paper claims each key (lower-cased: keys differing in case are one key to BibTeX); a
    // key claimed by two papers is retired.
    const claimant = new Map<string, string>();
    const retired = new Set<string>();
    const newlyRetired = new Set<string>();
    const claim = (key: string, identity: string) => {
      const lower = key.toLowerCase();
      const holder = claimant.get(lower);
      if (holder === undefined) claimant.set(lower, identity);
      else if (holder !== identity) newlyRetired.add(lower);
    };
    for (const [identity, group] of groups) {
      for (const key of group.keys) claim(key, identity);
      if (group.aliases) for (const key of group.aliases) claim(key, identity);
      if (group.retired) for (const key of group.retired) retired.add(key.toLowerCase());
    }
    for (const lower of retired) newlyRetired.delete(lower);
    for (const lower of newlyRetired) retired.add(lower);

    const keyless: [string, Group, string[]][] = [];
    for (const [identity, group] of groups) {
      let retiredHere: string[] = group.retired ? [...group.retired] : EMPTY;
      let liveKeys = group.keys;
      let liveAliases = group.aliases ?? EMPTY;
      if (retired.size > 0) {
        const isRetired = (key: string) => retired.has(key.toLowerCase());
        const lost = [...liveKeys, ...liveAliases].filter(isRetired);
        if (lost.length > 0) {
          retiredHere = [...new Set([...retiredHere, ...lost])];
          liveKeys = liveKeys.filter((key) => !isRetired(key));
          liveAliases = liveAliases.filter((key) => !isRetired(key));
        }
      }
      if (retiredHere.length > 1) retiredHere.sort(compare);
      const canonical = pickCanonical(liveKeys.length > 0 ? liveKeys : liveAliases);
      if (canonical === undefined) {
        keyless.push([identity, group, retiredHere]);
        continue;
      }
      let aliases = EMPTY;
      if (liveKeys.length + liveAliases.length > 1) {
        aliases = [...new Set([...liveKeys, ...liveAliases])].filter((key) => key !== canonical).sort(compare);
      }
      const record = new PaperRecord(group.title, canonical, aliases, retiredHere, group.marks ?? new Map(), group.status, group.queue);
      // A paper read from one line that says exactly what the record says keeps that line's text, so
      // that writing an unchanged library does not serialize 100,000 records to find it unchanged.
      const text = group.lines === 1 ? rawLines.get(group.first) : undefined;
      if (text !== undefined && saysExactly(group.first, record)) record.line = text;
      this.insert(identity, record);
    }
    // Every retired key stays taken even where no live record lists it yet.
    for (const lower of retired) this.taken.add(lower);
    // Papers left without a key get a new one from their own title, in identity order.
    keyless.sort(([a], [b]) => compare(a, b));
    for (const [identity, group, retiredHere] of keyless) {
      this.insert(identity, new PaperRecord(group.title, this.freeKey(group.title), [], retiredHere, group.marks ?? new Map(), group.status, group.queue));
    }
    this.newlyRetired = [...this.retiredKeys.keys()].filter((key) => newlyRetired.has(key.toLowerCase())).sort(compare);
  }
}

/** Shared by records without aliases or retired keys; never changed in place. */
const EMPTY: string[] = [];

/** The text of each line parseLibraryLines read, by the raw record it gave (trimmed). */
const rawLines = new WeakMap<RawRecord, string>();

/**
 * True when `raw`, the only line of `record`'s paper, holds exactly the record: the same key,
 * title, aliases and retired keys in the same order, and tag marks the join kept unchanged (no tag
 * both set and removed on the line). Its text then stands for the record, whatever its spacing.
 */
function saysExactly(raw: RawRecord, record: PaperRecord): boolean {
  if (raw.key !== record.key || raw.title !== record.title) return false;
  if (!sameList(raw.aliases ?? EMPTY, record.aliases) || !sameList(raw.retired ?? EMPTY, record.retired)) return false;
  if (raw.tags && raw.removedTags) for (const tag in raw.tags) if (tag in raw.removedTags) return false;
  return true;
}

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** The shortest key, then the first in code-unit order: a rule every clone applies alike. */
function pickCanonical(keys: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const key of keys) if (best === undefined || key.length < best.length || (key.length === best.length && key < best)) best = key;
  return best;
}

/** The later of two status marks; on equal times, the later status of READING_STATUSES. */
function laterStatus(current: StatusMark | null, mark: StatusMark): StatusMark {
  if (!current || mark.at > current.at) return mark;
  if (mark.at === current.at && statusRank(mark.value) > statusRank(current.value)) return mark;
  return current;
}

/** The later of two queue marks; on equal times, in the queue beats out of it, then the lower position. */
function laterQueue(current: QueueMark | null, mark: QueueMark): QueueMark {
  if (!current || mark.at > current.at) return mark;
  if (mark.at !== current.at || mark.position === null) return current;
  return current.position === null || mark.position < current.position ? mark : current;
}

/** Keeps the later of two marks of a tag; on equal times the tag stays set. */
function joinMark(marks: Map<string, TagMark>, tag: string, mark: TagMark): void {
  const current = marks.get(tag);
  if (!current || mark.at > current.at || (mark.at === current.at && mark.on)) marks.set(tag, mark);
}

function toRaw(record: PaperRecord): RawRecord {
  const raw: { -readonly [K in keyof RawRecord]: RawRecord[K] } = { key: record.key, title: record.title };
  if (record.aliases.length > 0) raw.aliases = record.aliases;
  if (record.retired.length > 0) raw.retired = record.retired;
  const tags: Record<string, string> = {};
  const removed: Record<string, string> = {};
  for (const tag of [...record.marks.keys()].sort(compare)) {
    const mark = record.marks.get(tag)!;
    (mark.on ? tags : removed)[tag] = mark.at;
  }
  if (Object.keys(tags).length > 0) raw.tags = tags;
  if (Object.keys(removed).length > 0) raw.removedTags = removed;
  if (record.statusMark) {
    raw.status = record.statusMark.value;
    raw.statusAt = record.statusMark.at;
  }
  if (record.queueMark) {
    raw.queue = record.queueMark.position;
    raw.queueAt = record.queueMark.at;
  }
  return raw;
}

/** Reads a library file. Linear in its lines. Throws LibraryFileError (LibraryConflictError for git markers). */
export function parseLibraryFile(text: string): LibraryRecords {
  return new LibraryRecords(parseLibraryLines(text));
}

/** The raw records of a library file, checked line by line; see parseLibraryFile. */
export function parseLibraryLines(text: string): RawRecord[] {
  const lines = text.replace(/^\ufeff/, '').split('\n');
  const markers = conflictMarkerLines(lines);
  if (markers.length > 0) throw new LibraryConflictError(markers);
  const raws: RawRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new LibraryFileError('this line is not a JSON record', i + 1);
    }
    if (isObject(data) && 'marginalia' in data) {
      if (typeof data.version === 'number' && data.version > LIBRARY_FILE_VERSION) {
        throw new LibraryFileError(`it was written by a newer Marginalia (version ${data.version}); update the extension`, i + 1);
      }
      continue;
    }
    const raw = checkRecord(data, i + 1);
    rawLines.set(raw, line);
    raws.push(raw);
  }
  return raws;
}

/** Writes a library file: the header, then one record per line sorted by key, ending with a newline. */
export function serializeLibraryFile(records: LibraryRecords): string {
  const lines = records.lines();
  return lines.length === 0 ? `${HEADER}\n` : `${HEADER}\n${lines.join('\n')}\n`;
}

/** The first line of every library file in normal form, with its newline. */
export const NORMAL_HEADER_LINE = `${HEADER}\n`;

/**
 * Changes tags in a library file in normal form (exactly what serializeLibraryFile writes for the
 * records it reads as) from the lines that mention the change's keys, or the tag a rename renames,
 * as JSON strings; the caller finds them (the store does, in the file's bytes: changeNormalBytes).
 * In normal form each line is one paper that the join leaves as it is, so those lines joined on
 * their own give the records the whole file would give for them, and `change` gives the same lines
 * it would give on the whole file. `before` are those lines in file order. Returns their lines after
 * `change`, one for one, or null when they do not read back as themselves or the change would add or
 * drop a line (change the whole file then). Throws what `change` throws.
 */
export function changeNormalLines<T>(
  before: readonly string[],
  change: (records: LibraryRecords) => T,
  clock?: () => Date,
): { lines: string[]; result: T } | null {
  let records: LibraryRecords;
  try {
    records = new LibraryRecords(parseLibraryLines(before.join('\n')));
  } catch {
    return null;
  }
  if (clock) records.clock = clock;
  // The lines must read back as themselves: one record each, in key order, serialized alike.
  const check = records.canonicalLines();
  if (check.length !== before.length || check.some((line, i) => line !== before[i])) return null;
  const result = change(records);
  const after = records.lines();
  if (after.length !== before.length) return null;
  return { lines: after, result };
}

/** More than this many lines mention a change's keys or tag: reading the whole file is as quick. */
export const MAX_CHANGED_LINES = 5000;

/**
 * Reads the file Marginalia 0.1 wrote (`library.json`: one JSON document with a "papers" list),
 * keeping every key exactly; its tags get UNKNOWN_TIME. Linear in its size.
 */
export function parseLegacyLibraryFile(text: string): RawRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    const lines = text.split('\n');
    const markers = conflictMarkerLines(lines);
    if (markers.length > 0) throw new LibraryConflictError(markers);
    throw new LibraryFileError(`it is not valid JSON (${(error as Error).message})`, jsonErrorLine(text, error as Error));
  }
  if (!isObject(data) || !Array.isArray(data.papers)) throw new LibraryFileError('it has no "papers" list', null);
  if (typeof data.version === 'number' && data.version > 1) {
    throw new LibraryFileError(`it was written by a newer Marginalia (version ${data.version}); update the extension`, null);
  }
  const papers: unknown[] = data.papers;
  const raws: RawRecord[] = [];
  for (let index = 0; index < papers.length; index++) {
    try {
      raws.push(legacyRecord(papers[index]));
    } catch (error) {
      // Only a bad record costs a search for its line.
      if (error instanceof LibraryFileError) throw new LibraryFileError(error.reason, lineOfLegacyPaper(text, index));
      throw error;
    }
  }
  return raws;
}

/**
 * Undoes a merge that stopped in the library file: drops git's conflict marker lines and keeps the
 * record lines of every side (ours, theirs and, with diff3, the base), which the join then settles
 * without losing a key or a tag. Works on the 0.1 `library.json` too, whose records are one per line.
 * Throws LibraryFileError when a remaining line is not a record.
 */
export function resolveConflictMarkers(text: string, legacy = false): RawRecord[] {
  const lines = text.replace(/^\ufeff/, '').split('\n');
  const markers = new Set(conflictMarkerLines(lines));
  const kept = lines.filter((_, index) => !markers.has(index + 1));
  if (!legacy) return parseLibraryLines(kept.join('\n'));
  const raws: RawRecord[] = [];
  lines.forEach((line, index) => {
    const record = /^\s*(\{.*\})\s*,?\s*$/.exec(line);
    if (!record || markers.has(index + 1)) return;
    let data: unknown;
    try {
      data = JSON.parse(record[1]);
    } catch {
      throw new LibraryFileError('this line is not a JSON record', index + 1);
    }
    if (isObject(data) && 'key' in data) {
      try {
        raws.push(legacyRecord(data));
      } catch (error) {
        if (error instanceof LibraryFileError) throw new LibraryFileError(error.reason, index + 1);
        throw error;
      }
    }
  });
  return raws;
}

/** 1-based lines that are git conflict markers (`<<<<<<<`, `|||||||`, `=======`, `>>>>>>>`). */
export function conflictMarkerLines(lines: readonly string[]): number[] {
  const found: number[] = [];
  for (let i = 0; i < lines.length; i++) if (/^(<{7}|\|{7}|={7}|>{7})(\s|$)/.test(lines[i])) found.push(i + 1);
  return found;
}

/**
 * The canonical keys of the papers the reader marked "not interested", sorted: negatives for
 * recommendations (papers like these are the ones not to suggest).
 */
export function notInterestedKeys(records: LibraryRecords): string[] {
  return records
    .statuses()
    .filter(([, status]) => status === 'not-interested')
    .map(([key]) => key)
    .sort(compare);
}

/** A tag is one word: no white space, no comma, not empty, at most 64 characters. */
export function isValidTag(tag: string): boolean {
  return tag.length > 0 && tag.length <= 64 && !/[\s,]/.test(tag);
}

function invalidTag(tag: string): string {
  return `"${tag}" is not a valid tag: use one word without spaces or commas, at most 64 characters`;
}

function checkRecord(data: unknown, line: number): RawRecord {
  if (!isObject(data) || typeof data.key !== 'string' || typeof data.title !== 'string' || data.title.trim() === '') {
    throw new LibraryFileError('each record needs a "key" and a "title" string', line);
  }
  if (!PANDOC_KEY_PATTERN.test(data.key)) throw new LibraryFileError(`"${data.key}" is not a valid citation key`, line);
  // The parsed object is the record: checked in place rather than copied, since a library of
  // 100,000 records is read on every change.
  checkKeys(data, 'aliases', line);
  checkKeys(data, 'retired', line);
  checkTimes(data, 'tags', line);
  checkTimes(data, 'removedTags', line);
  checkStatus(data, line);
  return data as unknown as RawRecord;
}

function checkStatus(data: Record<string, unknown>, line: number): void {
  const key = String(data.key);
  if (data.status !== undefined || data.statusAt !== undefined) {
    if (!isReadingStatus(data.status) || typeof data.statusAt !== 'string' || !ISO_TIME.test(data.statusAt)) {
      throw new LibraryFileError(
        `the status of "${key}" must be unread, reading, read or not-interested, with a "statusAt" time such as "2026-12-01T09:30:00.000Z"`,
        line,
      );
    }
  }
  if (data.queue !== undefined || data.queueAt !== undefined) {
    const position = data.queue;
    if (
      !(position === null || (typeof position === 'string' && QUEUE_POSITION.test(position))) ||
      typeof data.queueAt !== 'string' ||
      !ISO_TIME.test(data.queueAt)
    ) {
      throw new LibraryFileError(
        `the queue of "${key}" must be a position (lower-case letters and digits) or null, with a "queueAt" time such as "2026-12-01T09:30:00.000Z"`,
        line,
      );
    }
  }
}

function checkKeys(data: Record<string, unknown>, field: string, line: number): void {
  const value = data[field];
  if (value === undefined) return;
  if (!Array.isArray(value) || !value.every((key) => typeof key === 'string' && PANDOC_KEY_PATTERN.test(key))) {
    throw new LibraryFileError(`the ${field} of "${String(data.key)}" must be a list of citation keys`, line);
  }
}

function checkTimes(data: Record<string, unknown>, field: string, line: number): void {
  const value = data[field];
  if (value === undefined) return;
  if (!isObject(value)) throw new LibraryFileError(timesMessage(data, field), line);
  for (const tag in value) {
    const at = value[tag];
    if (!isValidTag(tag) || typeof at !== 'string' || !ISO_TIME.test(at)) throw new LibraryFileError(timesMessage(data, field), line);
  }
}

function timesMessage(data: Record<string, unknown>, field: string): string {
  return `the ${field} of "${String(data.key)}" must map tags (words without spaces) to times such as "2026-12-01T09:30:00.000Z"`;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function legacyRecord(entry: unknown): RawRecord {
  if (!isObject(entry) || typeof entry.key !== 'string' || typeof entry.title !== 'string') {
    throw new LibraryFileError('each paper needs a "key" and a "title" string', null);
  }
  if (!PANDOC_KEY_PATTERN.test(entry.key)) throw new LibraryFileError(`"${entry.key}" is not a valid citation key`, null);
  const tags = entry.tags === undefined ? [] : entry.tags;
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string' && isValidTag(tag))) {
    throw new LibraryFileError(`the tags of "${entry.key}" must be a list of words without spaces`, null);
  }
  return { key: entry.key, title: entry.title, tags: Object.fromEntries((tags as string[]).map((tag) => [tag, UNKNOWN_TIME])) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatLines(lines: number[]): string {
  const shown = lines.slice(0, 6).join(', ');
  return lines.length > 6 ? `${shown} and ${lines.length - 6} more` : shown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonErrorLine(text: string, error: Error): number | null {
  const position = /position (\d+)/.exec(error.message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  const line = /line (\d+)/.exec(error.message);
  return line ? Number(line[1]) : null;
}

/** The line of the index-th element of "papers" in the 0.1 layout (one paper per line). */
function lineOfLegacyPaper(text: string, index: number): number | null {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /"papers"\s*:/.test(line));
  if (start === -1) return null;
  let seen = -1;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].trim().startsWith('{')) seen++;
    if (seen === index) return i + 1;
  }
  return null;
}
