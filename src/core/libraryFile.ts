/**
 * The library file `.marginalia/library.json`: the user's citation keys (and, later, tags), one
 * paper per line, sorted by key, so that git diffs and merges stay readable.
 *
 *     {
 *       "version": 1,
 *       "papers": [
 *         {"key": "pasta", "title": "PASTA: Pretrained Action-State Transformer Agents"},
 *         {"key": "thoughtCloning", "title": "Thought Cloning: Learning to Think while Acting by Imitating Human Thinking"}
 *       ]
 *     }
 *
 * A key, once written here, belongs to its title for good: re-parsing, adding, removing or
 * reordering digests never renames it. A file that does not parse is reported with a
 * LibraryFileError and never overwritten.
 */
import { PANDOC_KEY_PATTERN, baseKey, uniqueKey } from './citationKey';
import { titleIdentity } from './text';

/** Where the library file lives, relative to the workspace root. */
export const LIBRARY_FILE_PATH = '.marginalia/library.json';

export const LIBRARY_FILE_VERSION = 1;

/** One paper's line in the library file. */
export interface LibraryRecord {
  key: string;
  /** The title as first seen; papers are matched by its identity (see titleIdentity). */
  title: string;
  /** Sorted, without duplicates; omitted from the file when empty. */
  tags: string[];
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

/** Why a tag could not be changed: an invalid tag or an unknown key. Nothing was changed. */
export class TagError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TagError';
  }
}

/** The records of a library file, checked: unique keys, unique title identities. */
export class LibraryRecords {
  private readonly byKey = new Map<string, LibraryRecord>();
  private readonly byIdentity = new Map<string, LibraryRecord>();
  private readonly takenKeys = new Set<string>();

  constructor(records: Iterable<LibraryRecord> = []) {
    for (const record of records) this.add(record);
  }

  /** Adds a record; throws LibraryFileError when its key or its title is already held. */
  add(record: LibraryRecord): void {
    const identity = titleIdentity(record.title);
    if (this.takenKeys.has(record.key.toLowerCase())) {
      throw new LibraryFileError(`the key "${record.key}" is listed twice`, null);
    }
    if (identity && this.byIdentity.has(identity)) {
      throw new LibraryFileError(`the paper "${record.title}" is listed twice (keys "${this.byIdentity.get(identity)!.key}" and "${record.key}")`, null);
    }
    const copy: LibraryRecord = { key: record.key, title: record.title, tags: normaliseTags(record.tags) };
    this.byKey.set(copy.key, copy);
    this.takenKeys.add(copy.key.toLowerCase());
    if (identity) this.byIdentity.set(identity, copy);
  }

  get size(): number {
    return this.byKey.size;
  }

  byTitle(title: string): LibraryRecord | undefined {
    return this.byIdentity.get(titleIdentity(title));
  }

  get(key: string): LibraryRecord | undefined {
    return this.byKey.get(key);
  }

  /** Lower-cased keys already in use. */
  keys(): ReadonlySet<string> {
    return this.takenKeys;
  }

  /**
   * Adds `tag` to each paper of `keys`; returns the keys that did not have it. Throws TagError for
   * an invalid tag or a key the library does not hold (and then changes nothing).
   */
  addTag(keys: readonly string[], tag: string): string[] {
    const records = this.recordsFor(keys, tag);
    const changed = records.filter((record) => !record.tags.includes(tag));
    for (const record of changed) record.tags = normaliseTags([...record.tags, tag]);
    return changed.map((record) => record.key);
  }

  /** Removes `tag` from each paper of `keys`; returns the keys that had it. Throws like addTag. */
  removeTag(keys: readonly string[], tag: string): string[] {
    const records = this.recordsFor(keys, tag);
    const changed = records.filter((record) => record.tags.includes(tag));
    for (const record of changed) record.tags = record.tags.filter((existing) => existing !== tag);
    return changed.map((record) => record.key);
  }

  /** Renames `from` to `to` on every paper (merging with `to` where a paper has both); returns the keys changed. */
  renameTag(from: string, to: string): string[] {
    if (!isValidTag(to)) throw new TagError(`"${to}" is not a valid tag: use one word without spaces or commas, at most 64 characters`);
    const changed: string[] = [];
    for (const record of this.byKey.values()) {
      if (!record.tags.includes(from)) continue;
      record.tags = normaliseTags(record.tags.map((tag) => (tag === from ? to : tag)));
      changed.push(record.key);
    }
    return changed;
  }

  /** Every tag with the number of papers that have it, sorted by tag. */
  tagCounts(): { tag: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const record of this.byKey.values()) for (const tag of record.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tag, count]) => ({ tag, count }));
  }

  private recordsFor(keys: readonly string[], tag: string): LibraryRecord[] {
    if (!isValidTag(tag)) throw new TagError(`"${tag}" is not a valid tag: use one word without spaces or commas, at most 64 characters`);
    const unknown = keys.filter((key) => !this.byKey.has(key));
    if (unknown.length > 0) throw new TagError(`no paper has the key${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')}`);
    return [...new Set(keys)].map((key) => this.byKey.get(key)!);
  }

  /** Records sorted by key (code-unit order, so every platform sorts alike). */
  sorted(): LibraryRecord[] {
    return [...this.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/** A paper that needs a key: its title and, when known, its year. */
export interface KeyRequest {
  title: string;
  year: number | null;
}

/**
 * Gives every requested paper its key: the recorded one when the library file has the paper, a
 * new one otherwise. New keys are handed out in the order of the papers' title identities, so the
 * result does not depend on the order of the digests; on a clash the earlier holder keeps the plain
 * key and the newcomer gets the first free suffix (a, b, ...). Adds the new records to `records`
 * and returns them.
 */
export function assignKeys(records: LibraryRecords, requests: Iterable<KeyRequest>): LibraryRecord[] {
  const pending = new Map<string, KeyRequest>();
  for (const request of requests) {
    const identity = titleIdentity(request.title);
    if (records.byTitle(request.title) || pending.has(identity)) continue;
    pending.set(identity, request);
  }
  const added: LibraryRecord[] = [];
  const identities = [...pending.keys()].sort();
  for (const identity of identities) {
    const request = pending.get(identity)!;
    const key = uniqueKey(baseKey(request.title, request.year), records.keys());
    const record: LibraryRecord = { key, title: request.title, tags: [] };
    records.add(record);
    added.push(record);
  }
  return added;
}

/** Reads a library file. Throws LibraryFileError, naming the line, when it does not parse. */
export function parseLibraryFile(text: string): LibraryRecords {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw new LibraryFileError(`it is not valid JSON (${(error as Error).message})`, jsonErrorLine(text, error as Error));
  }
  if (!isObject(data) || !Array.isArray(data.papers)) {
    throw new LibraryFileError('it has no "papers" list', null);
  }
  if (typeof data.version === 'number' && data.version > LIBRARY_FILE_VERSION) {
    throw new LibraryFileError(`it was written by a newer Marginalia (version ${data.version}); update the extension`, null);
  }
  const records = new LibraryRecords();
  data.papers.forEach((entry: unknown, index: number) => {
    const line = lineOfPaper(text, index);
    if (!isObject(entry) || typeof entry.key !== 'string' || typeof entry.title !== 'string') {
      throw new LibraryFileError('each paper needs a "key" and a "title" string', line);
    }
    if (!PANDOC_KEY_PATTERN.test(entry.key)) {
      throw new LibraryFileError(`"${entry.key}" is not a valid citation key`, line);
    }
    const tags = entry.tags === undefined ? [] : entry.tags;
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string' && isValidTag(tag))) {
      throw new LibraryFileError(`the tags of "${entry.key}" must be a list of words without spaces`, line);
    }
    try {
      records.add({ key: entry.key, title: entry.title, tags });
    } catch (error) {
      if (error instanceof LibraryFileError) throw new LibraryFileError(error.reason, line);
      throw error;
    }
  });
  return records;
}

/** Writes a library file: one paper per line, sorted by key, ending with a newline. */
export function serializeLibraryFile(records: LibraryRecords): string {
  const lines = records.sorted().map((record) => {
    const entry: Record<string, unknown> = { key: record.key, title: record.title };
    if (record.tags.length > 0) entry.tags = record.tags;
    return `    ${JSON.stringify(entry)}`;
  });
  return `{\n  "version": ${LIBRARY_FILE_VERSION},\n  "papers": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}

/** A tag is one word: no white space, no comma, not empty, at most 64 characters. */
export function isValidTag(tag: string): boolean {
  return tag.length > 0 && tag.length <= 64 && !/[\s,]/.test(tag);
}

function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort();
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

/** The line of the index-th element of "papers", assuming our one-paper-per-line layout. */
function lineOfPaper(text: string, index: number): number | null {
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

