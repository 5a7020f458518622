/**
 * The search index of `marginalia search` and `related`, kept between runs so that a run in which
 * nothing changed neither reads nor parses nor merges a single paper: it takes the stat of every
 * input, finds them all as the cached index recorded them, loads the index and answers.
 *
 * Where. `<workspace cache>/search/<hash>.bin` (cacheFolder.ts), one file per set of PATH
 * arguments (hash: the first 16 hex digits of the SHA-256 of the absolute paths), so that
 * `search q` and `search q folder/` do not evict each other. At most MAX_INDEX_FILES are kept,
 * the least recently used going first, and none unused for UNUSED_INDEX_DAYS.
 *
 * Signature. The SHA-256 of one line per input, in a fixed order:
 * - the cache format and build stamp (see `searchCacheStamp`), the workspace root and the PATHs;
 * - every digest file the run would read (as findDigestFiles lists them): absolute path, type,
 *   size, mtime and ctime in nanoseconds, inode;
 * - the library file and the 0.1 library file (the same fields, or "absent");
 * - the workspace settings file (it names the notes folder) and every markdown file a note can be
 *   (node/notes/workspaceNotes.ts lists them; the same fields). The search reads the notes of the
 *   papers; the signature covers every markdown file, a superset that needs no key to be known
 *   before the index is loaded (a file that is no paper's note changing costs a rebuild, nothing else).
 * A new, removed, renamed, rewritten or touched input changes the signature; so does a new build.
 *
 * Racily clean inputs (see fileStamp.ts). An input whose mtime or ctime is later than 2 s
 * before its stat was taken could change again without its stat showing it. The SHA-256 of each
 * such input is recorded with the index (taken after the stat and before the input is read), and
 * a later run reads and hashes those inputs again before it trusts the index. Once none of them is
 * racy any more, the file is written again without them, so steady warm runs read no input at all.
 *
 * File. One header line and a payload, like the digest cache's:
 *
 *     MARGINALIA-SEARCH-CACHE <checksum> <payload length> <header JSON><spaces>\n<payload>
 *
 * padded with spaces so that the payload starts on an 8-byte boundary (the index's typed arrays
 * are then views of the bytes read, not copies). The header JSON gives the format, stamp,
 * signature, racy inputs, the number of papers and the byte length of each payload section; each
 * section is padded with zeros to a multiple of 8. The sections are
 * 1. the index, SearchIndex.serialize();
 * 2. the papers' titles, in the index's key order: n + 1 little-endian uint32 byte offsets, then
 * 3. the titles' UTF-8 bytes, one after the other (decoded only for the papers printed);
 * 4. the problems reading the digests gave (errors only, the ones search prints), as JSON.
 * The checksum (CRC-32, or SHA-256 on a Node without zlib.crc32) covers the header JSON and the
 * whole payload; the header gives the payload's length. Anything not exactly right (no file, a
 * short or long one, a bad checksum, another format, build or signature, sections that do not add
 * up, an index that does not deserialize) is a miss: the index is rebuilt and the file written
 * again (a temporary file renamed over it), and only a debug line says why. A write that fails
 * leaves the command's result alone.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SearchIndex } from '../core/search/searchIndex';
import type { Diagnostic } from '../core/types';
import type { DebugLog } from './workspaceState';
import { buildStamp } from '../node/buildStamp';
import { checksum } from '../node/checksum';
import { isRacy } from '../node/fileStamp';

/** Bump when the file layout or the meaning of a section changes in a way the build stamp does not see. */
export const SEARCH_CACHE_FORMAT = 1;
const MAGIC = 'MARGINALIA-SEARCH-CACHE';
const SUBFOLDER = 'search';
const SUFFIX = '.bin';
const TEMPORARY_SUFFIX = '.tmp';
/** Index files kept per workspace (one per set of PATH arguments). */
const MAX_INDEX_FILES = 4;
const DAY_MS = 24 * 60 * 60 * 1000;
const UNUSED_INDEX_DAYS = 30;
const STALE_TEMPORARY_MS = 10 * 60 * 1000;
/** Longer header lines are damage: even thousands of racy paths stay far below. */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;
const FIRST_READ_BYTES = 64 * 1024;

/** What printing results needs besides the index. */
export interface SearchState {
  index: SearchIndex;
  /** The title of a paper of the index ('' for a key it does not hold). */
  titleOf(key: string): string;
  /** The errors reading the digests gave, as the run that built the index had them. */
  problems: Diagnostic[];
}

/** The inputs of one run, as their stat found them; see the module comment. */
export interface SearchSignature {
  /** SHA-256 (hex) of the signature lines. */
  hash: string;
  /** Wall-clock time (ms) just before the first stat. */
  statAtMs: number;
  /** Regular files among the inputs that were racy when their stat was taken. */
  racyFiles: string[];
  /** How many inputs the signature covers. */
  inputs: number;
}

/** The header JSON of a cache file. */
interface Header {
  format: number;
  stamp: string;
  signature: string;
  statAtMs: number;
  racy: { path: string; sha256: string }[];
  papers: number;
  sections: number[];
}

export interface SearchCacheOptions {
  log?: DebugLog;
  /** Replaces the build stamp (tests). */
  version?: string;
}

/** The search index cache of one workspace and one set of PATH arguments. */
export class SearchCache {
  readonly file: string;
  private readonly folder: string;
  private readonly stamp: string;
  private readonly log: DebugLog;
  /** SHA-256 of each racy input, taken by `hashRacyInputs` before the inputs are read. */
  private racyHashes: { path: string; sha256: string }[] | null = null;

  /** `cacheDir`: the workspace's cache folder; `targets`: the absolute PATHs the digests are found under. */
  constructor(
    cacheDir: string,
    private readonly root: string,
    private readonly targets: readonly string[],
    options: SearchCacheOptions = {},
  ) {
    this.folder = path.join(cacheDir, SUBFOLDER);
    this.file = path.join(this.folder, `${createHash('sha256').update(JSON.stringify(targets)).digest('hex').slice(0, 16)}${SUFFIX}`);
    this.stamp = options.version ?? searchCacheStamp();
    this.log = options.log ?? (() => undefined);
  }

  /**
   * Takes the stat of every input (see the module comment): call it before reading any. `libraryFiles`
   * are the library file and the 0.1 one; `noteFiles` the settings file and the markdown files.
   */
  sign(digestFiles: readonly string[], libraryFiles: readonly string[], noteFiles: readonly string[] = []): SearchSignature {
    const statAtMs = Date.now();
    const hash = createHash('sha256');
    const racyFiles: string[] = [];
    let inputs = 0;
    const add = (kind: string, file: string) => {
      inputs++;
      let line: unknown[];
      try {
        const stat = fs.statSync(file, { bigint: true });
        const type = stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
        line = [kind, file, type, String(stat.size), String(stat.mtimeNs), String(stat.ctimeNs), String(stat.ino)];
        if (type === 'file' && isRacy(stat, statAtMs)) racyFiles.push(file);
      } catch (error) {
        line = [kind, file, 'absent', errorCode(error) ?? 'error'];
      }
      hash.update(`${JSON.stringify(line)}\n`);
    };
    hash.update(`${JSON.stringify([SEARCH_CACHE_FORMAT, this.stamp, this.root, this.targets])}\n`);
    const absolute = (file: string) => (path.isAbsolute(file) ? file : path.resolve(file));
    for (const file of digestFiles) add('digest', absolute(file));
    for (const file of libraryFiles) add('library', absolute(file));
    for (const file of noteFiles) add('note', absolute(file));
    return { hash: hash.digest('hex'), statAtMs, racyFiles, inputs };
  }

  /**
   * The index and titles the cache holds for `signature`, or null (a miss, said in a debug line).
   * Never throws.
   */
  load(signature: SearchSignature): SearchState | null {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (error) {
      this.log(
        errorCode(error) === 'ENOENT'
          ? 'search cache: none yet; building the index'
          : `search cache: cannot read ${this.file} (${describe(error)}); building the index`,
      );
      return null;
    }
    let loaded: { state: SearchState; refresh?: () => void } | null;
    try {
      loaded = this.loadFrom(fd, signature);
    } catch (error) {
      this.log(`search cache: cannot read ${this.file} (${describe(error)}); building the index`);
      loaded = null;
    } finally {
      try {
        fs.closeSync(fd);
      } catch {
        // Nothing depends on it.
      }
    }
    // Written once the file is closed: Windows renames nothing over an open file.
    loaded?.refresh?.();
    return loaded?.state ?? null;
  }

  private loadFrom(fd: number, signature: SearchSignature): { state: SearchState; refresh?: () => void } | null {
    const miss = (why: string): null => {
      this.log(`search cache: ${why}; building the index`);
      return null;
    };
    const started = performance.now();
    const stat = fs.fstatSync(fd);
    // A buffer of its own, so that the payload starts on an 8-byte boundary of its ArrayBuffer.
    const bytes = Buffer.allocUnsafeSlow(stat.size);
    let filled = readInto(fd, bytes, 0, Math.min(stat.size, FIRST_READ_BYTES));
    let newline = bytes.subarray(0, filled).indexOf(10);
    while (newline < 0 && filled < Math.min(stat.size, MAX_HEADER_BYTES)) {
      const before = filled;
      filled += readInto(fd, bytes, filled, Math.min(stat.size, MAX_HEADER_BYTES) - filled);
      if (filled === before) break;
      newline = bytes.subarray(before, filled).indexOf(10);
      if (newline >= 0) newline += before;
    }
    if (newline < 0) return miss('the cache file is damaged (no header)');
    const match = /^(\S+) (\S+) (\d+) (\{.*\}) *$/s.exec(bytes.subarray(0, newline).toString('utf8'));
    if (!match || match[1] !== MAGIC) return miss('the cache file is damaged (header)');
    const payloadStart = newline + 1;
    if (Number(match[3]) !== stat.size - payloadStart || payloadStart % 8 !== 0) return miss('the cache file is damaged (length)');
    let header: unknown;
    try {
      header = JSON.parse(match[4]);
    } catch {
      return miss('the cache file is damaged (header JSON)');
    }
    if (!isHeader(header)) return miss('the cache file is damaged (header fields)');
    if (header.format !== SEARCH_CACHE_FORMAT || header.stamp !== this.stamp) return miss('the cache is from another build');
    if (header.signature !== signature.hash) return miss('a digest, the library file or a note changed');

    // Racy inputs: read again, and believed only when their bytes are those the index was built from.
    for (const { path: file, sha256 } of header.racy) {
      let actual: string;
      try {
        actual = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      } catch {
        return miss(`${file} cannot be read`);
      }
      if (actual !== sha256) return miss(`${file} changed`);
    }

    if (filled < stat.size) readInto(fd, bytes, filled, stat.size - filled);
    const readMs = performance.now() - started;
    const headerBytes = Buffer.from(match[4], 'utf8');
    const payload = bytes.subarray(payloadStart);
    if (checksum(headerBytes, payload) !== match[2]) return miss('the cache file fails its checksum');
    const sections: Buffer[] = [];
    let offset = 0;
    for (const length of header.sections) {
      if (offset + length > payload.length) return miss('the cache file is damaged (sections)');
      sections.push(payload.subarray(offset, offset + length));
      offset += pad8(length);
    }
    if (offset !== payload.length || sections.length !== 4) return miss('the cache file is damaged (sections)');

    const checkedMs = performance.now() - started;
    let index: SearchIndex;
    try {
      index = SearchIndex.deserialize(new Uint8Array(sections[0].buffer, sections[0].byteOffset, sections[0].byteLength));
    } catch (error) {
      return miss(`the index cannot be read (${describe(error)})`);
    }
    const loadedMs = performance.now() - started;
    const n = index.size;
    if (n !== header.papers || sections[1].byteLength !== 4 * (n + 1) || sections[1].byteOffset % 4 !== 0) return miss('the titles do not match the index');
    const offsets = new Uint32Array(sections[1].buffer, sections[1].byteOffset, n + 1);
    const titles = sections[2];
    if (offsets[0] !== 0 || offsets[n] !== titles.byteLength) return miss('the titles do not match the index');
    for (let i = 0; i < n; i++) if (offsets[i] > offsets[i + 1]) return miss('the titles do not match the index');
    let problems: unknown;
    try {
      problems = JSON.parse(sections[3].toString('utf8'));
    } catch {
      return miss('the cache file is damaged (problems)');
    }
    if (!Array.isArray(problems) || !problems.every(isDiagnostic)) return miss('the cache file is damaged (problems)');

    // Once no input is racy any more, the file is written again without them: later runs read no input.
    let refresh: (() => void) | undefined;
    if (header.racy.length > 0 && signature.racyFiles.length === 0) {
      refresh = () => this.write({ ...header, statAtMs: signature.statAtMs, racy: [] }, sections);
    } else if (Date.now() - stat.mtimeMs > DAY_MS) {
      // The modification time says when the index was last used, for choosing which to drop.
      try {
        fs.futimesSync(fd, new Date(), new Date());
      } catch {
        // Nothing depends on it.
      }
    }
    // Results are few: a scan of the keys costs less than a map of them, until there are many.
    let keys: string[] | undefined;
    let positions: Map<string, number> | undefined;
    let lookups = 0;
    const titleOf = (key: string): string => {
      keys ??= index.keysInOrder();
      if (++lookups > 64) positions ??= new Map(keys.map((k, i) => [k, i]));
      const i = positions ? (positions.get(key) ?? -1) : keys.indexOf(key);
      return i < 0 ? '' : titles.toString('utf8', offsets[i], offsets[i + 1]);
    };
    const ms = (value: number) => `${Math.round(value)} ms`;
    this.log(
      `search cache: used ${this.file} (${n} papers, ${signature.inputs} inputs checked, ${header.racy.length} read again; read ${ms(readMs)}, checked ${ms(checkedMs - readMs)}, index loaded ${ms(loadedMs - checkedMs)}); no digest read`,
    );
    return { state: { index, titleOf, problems: problems as Diagnostic[] }, refresh };
  }

  /**
   * Hashes the inputs that are racy: call it after a miss, before the inputs are read, so that the
   * hashes are of bytes no newer than those the index is built from.
   */
  hashRacyInputs(signature: SearchSignature): void {
    const hashes: { path: string; sha256: string }[] = [];
    for (const file of signature.racyFiles) {
      try {
        hashes.push({ path: file, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') });
      } catch {
        // Unreadable now: the run meets it too, and a cache naming it could not be verified.
        this.racyHashes = null;
        return;
      }
    }
    this.racyHashes = hashes;
  }

  /**
   * Writes the cache for `signature`: `state.index` (serialized here, so compacted), the titles and
   * the problems. Never throws; a failure is a debug line.
   */
  save(signature: SearchSignature, state: SearchState): void {
    if (signature.racyFiles.length > 0 && this.racyHashes === null) {
      this.log('search cache: not written (an input could not be hashed)');
      return;
    }
    let sections: Buffer[];
    try {
      const indexBytes = state.index.serialize();
      const keys = state.index.keysInOrder();
      const titleBytes = keys.map((key) => Buffer.from(state.titleOf(key), 'utf8'));
      const offsets = new Uint32Array(keys.length + 1);
      for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i] + titleBytes[i].length;
      sections = [
        Buffer.from(indexBytes.buffer, indexBytes.byteOffset, indexBytes.byteLength),
        Buffer.from(offsets.buffer, offsets.byteOffset, offsets.byteLength),
        Buffer.concat(titleBytes),
        Buffer.from(JSON.stringify(state.problems.filter((p) => p.severity === 'error')), 'utf8'),
      ];
    } catch (error) {
      this.log(`search cache: not written (${describe(error)})`);
      return;
    }
    const header: Header = {
      format: SEARCH_CACHE_FORMAT,
      stamp: this.stamp,
      signature: signature.hash,
      statAtMs: signature.statAtMs,
      racy: this.racyHashes ?? [],
      papers: state.index.size,
      sections: sections.map((s) => s.byteLength),
    };
    this.write(header, sections);
  }

  /** A temporary file beside the cache file, renamed over it; then the index files no longer wanted go. */
  private write(header: Header, sections: readonly Buffer[]): void {
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const padding = Buffer.alloc(8);
    const payloadLength = sections.reduce((sum, s) => sum + pad8(s.byteLength), 0);
    const pieces: Buffer[] = [];
    for (const section of sections) {
      pieces.push(section);
      if (pad8(section.byteLength) > section.byteLength) pieces.push(padding.subarray(0, pad8(section.byteLength) - section.byteLength));
    }
    const line = Buffer.from(`${MAGIC} ${checksum(json, ...pieces)} ${payloadLength} ${json.toString('utf8')}`, 'utf8');
    // Spaces, then the newline, up to a multiple of 8 bytes: the payload starts aligned.
    const headerLine = Buffer.concat([line, Buffer.alloc(pad8(line.length + 1) - line.length - 1, ' '), Buffer.from('\n')]);
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
    try {
      fs.mkdirSync(this.folder, { recursive: true });
      const fd = fs.openSync(temporary, 'wx');
      try {
        for (const piece of [headerLine, ...pieces]) {
          for (let written = 0; written < piece.length;) written += fs.writeSync(fd, piece, written, piece.length - written);
        }
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, this.file);
      this.log(`search cache: wrote ${this.file} (${header.papers} papers, ${headerLine.length + payloadLength} bytes)`);
    } catch (error) {
      this.log(`search cache: cannot write ${this.file} (${errorCode(error) ?? describe(error)}); the next run builds the index again`);
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // Nothing depends on it.
      }
      return;
    }
    this.prune();
  }

  /** Drops index files unused for UNUSED_INDEX_DAYS or beyond the MAX_INDEX_FILES most recently used, and dead writers' temporary files. */
  private prune(): void {
    try {
      const now = Date.now();
      const files = fs.readdirSync(this.folder).flatMap((name) => {
        const file = path.join(this.folder, name);
        try {
          return [{ name, file, mtimeMs: fs.statSync(file).mtimeMs }];
        } catch {
          return [];
        }
      });
      const indexes = files.filter((f) => f.name.endsWith(SUFFIX) && f.file !== this.file).sort((a, b) => b.mtimeMs - a.mtimeMs);
      const unwanted = [
        ...indexes.filter((f, i) => i >= MAX_INDEX_FILES - 1 || now - f.mtimeMs > UNUSED_INDEX_DAYS * DAY_MS),
        ...files.filter((f) => f.name.endsWith(TEMPORARY_SUFFIX) && now - f.mtimeMs > STALE_TEMPORARY_MS),
      ];
      for (const { file } of unwanted) fs.rmSync(file, { force: true });
    } catch (error) {
      this.log(`search cache: cannot tidy ${this.folder} (${describe(error)})`);
    }
  }
}

/** The cache format and the running build (see buildStamp). */
export function searchCacheStamp(): string {
  return `${SEARCH_CACHE_FORMAT}/${buildStamp()}`;
}

function isHeader(value: unknown): value is Header {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<string, unknown>;
  return (
    typeof h.format === 'number' &&
    typeof h.stamp === 'string' &&
    typeof h.signature === 'string' &&
    typeof h.statAtMs === 'number' &&
    Number.isSafeInteger(h.papers) &&
    Array.isArray(h.sections) &&
    h.sections.every((n) => Number.isSafeInteger(n) && (n as number) >= 0) &&
    Array.isArray(h.racy) &&
    h.racy.every(
      (r) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as Record<string, unknown>).path === 'string' &&
        typeof (r as Record<string, unknown>).sha256 === 'string',
    )
  );
}

function isDiagnostic(value: unknown): value is Diagnostic {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return typeof d.file === 'string' && typeof d.line === 'number' && typeof d.message === 'string' && typeof d.severity === 'string';
}

function readInto(fd: number, buffer: Buffer, offset: number, length: number): number {
  let done = 0;
  while (done < length) {
    const read = fs.readSync(fd, buffer, offset + done, length - done, offset + done);
    if (read === 0) break;
    done += read;
  }
  return done;
}

function pad8(length: number): number {
  return Math.ceil(length / 8) * 8;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
