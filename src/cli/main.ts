/**
 * `marginalia`: the command line over the core. Prints to stdout, problems to stderr, and exits
 * with a code scripts can test (see HELP).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LibraryFileError, TagError, type KeyDispute, type LibraryRecords } from '../core/library/libraryFile';
import { READING_STATUSES, isReadingStatus } from '../core/library/readingStatus';
import type { Diagnostic, Paper } from '../core/types';
import { citedKeysInFolder } from '../node/citations/citedKeys';
import { describeFsError } from '../node/digest/digestFiles';
import { FileAccessError, LockTimeoutError } from '../node/library/fileLock';
import { LibraryStore, normalHashFileOf } from '../node/library/libraryStore';
import { openLibrary } from '../node/library/openLibrary';
import { debugLog, loadDigests } from './workspaceState';
import { BIB_HELP, runBib } from './bib';
import { SEARCH_HELP } from './searchHelp';
import { corruptLibraryMessage } from './libraryErrors';
import { readableMath } from '../core/math/readable';

const HELP = `marginalia: read Hugging Face Daily Papers digests from the command line

Usage:
  marginalia papers [--json] [--root DIR] [--read-only] PATH...
      The papers of the digests at PATH (files, or folders searched for *.txt),
      the same paper in several digests listed once with all its sources.
      --json       a JSON array of {key, aliases, title, abstract, authors, submitter,
                   date: {year, month, day} | null, upvotes, links, sources: [{file, line}]}
                   (year is null when the digest omits it)
      (default)    a table: key, date, authors, upvotes, sources, title

  marginalia check [--root DIR] PATH...
      Lists every line of the digests that could not be placed, as
      FILE:LINE: SEVERITY: MESSAGE, and every file that could not be read.

  marginalia tag add [--root DIR] KEY... TAG
  marginalia tag rm [--root DIR] KEY... TAG
  marginalia tag rename [--root DIR] OLD NEW
      Adds a tag to papers, removes it, or renames a tag on every paper. Keys
      are those "marginalia papers" prints. A tag is one word (no spaces or
      commas). Any number of these may run at once: none loses another's change.

  marginalia tags [--json] [--root DIR]
      Every tag with its number of papers.

  marginalia status [--json] [--root DIR] KEY...
  marginalia status set [--root DIR] KEY... STATUS
  marginalia status list [--json] [--root DIR] [STATUS]
      Shows the reading status of papers, sets it, or lists the papers with a
      status (without STATUS: every paper that is not unread). STATUS is
      unread, reading, read or not-interested; read and not-interested also
      take the paper out of the Reading Queue. --json: [{key, title, status,
      queue}] where queue is the paper's place in the Reading Queue (1 is the
      top) or null.

  marginalia queue [--json] [--root DIR]
  marginalia queue add|rm [--root DIR] KEY...
      Lists the Reading Queue in order, adds papers to its end, or takes them
      out of it.

  marginalia resolve [--root DIR] [PATH...]
      Settles a git merge that stopped in the library file (conflict markers):
      keeps the keys and tags of both sides and writes the file again. Then
      lists every key that two papers held after a merge, the key each paper
      has now, and the files under PATH (default DIR) that still cite it.

${BIB_HELP}
${SEARCH_HELP}
Citation keys:
  Every paper gets a citation key that never changes once assigned, made from
  its title alone, so clones that read the same digests agree on it. Keys and
  tags are kept in DIR/.marginalia/library.jsonl (one paper per line, sorted;
  commit it with your notes: git merges it line by line). A paper may have
  several keys (aliases); each keeps naming it. DIR is --root, else the nearest
  folder above the current one that has a .marginalia folder, else the current
  folder.
  --read-only  compute keys for new papers without saving them

Cache:
  Parsed digests and the search index are kept between runs, so that a digest
  is parsed again only when it changes and a search in an unchanged library
  reads no digest. They live outside the workspace, in the user's cache
  folder: $XDG_CACHE_HOME/marginalia or ~/.cache/marginalia on Linux,
  ~/Library/Caches/marginalia on macOS, %LOCALAPPDATA%\\marginalia on Windows
  (one folder per workspace under workspaces/). It is only ever a copy of what
  the digests, library file and notes say: delete it whenever you like. The
  environment variable MARGINALIA_CACHE_DIR names another folder to use;
  MARGINALIA_DEBUG=1 says on stderr what the caches did.

Options:
  -h, --help     this help
  -v, --version  the version

Exit codes:
  0  success (check: no diagnostics)
  1  check found diagnostics, some PATH could not be read (the rest was processed),
     or a tag, status or queue command named an unknown key, an invalid tag or
     an unknown status (nothing was changed),
     or bib named an unknown key or selected nothing,
     or resolve found a key that named two papers and is still cited
  2  wrong usage, or no PATH could be read at all
  3  the library file is corrupt or has merge conflict markers (it is left
     untouched; fix it, or run "marginalia resolve", and run again)
  4  the library file, its folder or another file Marginalia needs cannot be
     read or written (permissions, a read-only disk, a loop of symbolic links),
     or another running Marginalia held its lock too long
  70 an internal error (please report it)
`;

/** Exit codes, as documented in HELP. */
export const ExitCode = { ok: 0, problems: 1, usage: 2, corruptLibrary: 3, access: 4 } as const;

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], cwd = process.cwd(), io: Output = stdio): Promise<number> {
  try {
    return await run(argv, cwd, io);
  } catch (error) {
    // A folder the user cannot write, a read-only disk, a live process holding the lock: each says
    // what happened and what to do in its own message.
    if (error instanceof FileAccessError || error instanceof LockTimeoutError) {
      io.err(`marginalia: ${error.message}\n`);
      return ExitCode.access;
    }
    // Any other file system error that names its path (permissions, a loop of links, a read-only
    // disk) is the user's to fix, not a bug: one sentence with the path, no stack trace.
    const failed = error as NodeJS.ErrnoException;
    if (error instanceof Error && typeof failed.code === 'string' && typeof failed.path === 'string') {
      io.err(`marginalia: ${failed.path}: ${describeFsError(error)}\n`);
      return ExitCode.access;
    }
    throw error;
  }
}

async function run(argv: readonly string[], cwd: string, io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        root: { type: 'string' },
        'read-only': { type: 'boolean' },
        tag: { type: 'string' },
        'cited-in': { type: 'string' },
        csl: { type: 'boolean' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    io.err(`marginalia: ${(error as Error).message}\nRun "marginalia --help" for usage.\n`);
    return ExitCode.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(HELP);
    return ExitCode.ok;
  }
  if (values.version) {
    io.out(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const [command, ...paths] = positionals;
  if (command === 'tag' || command === 'tags') {
    return tagCommand(command, paths, values, cwd, io);
  }
  if (command === 'status' || command === 'queue') {
    return statusCommand(command, paths, values, cwd, io);
  }
  // The workspace: where the library file is, and whose cache (outside it) the digests are read through.
  const root = values.root ? path.resolve(cwd, values.root) : findRoot(cwd);
  const debug = debugLog((text) => io.err(text));
  const load = (digestPaths: string[]) => loadDigests(digestPaths, root, debug);
  if (command === 'bib') {
    const store = openStore(root, io);
    try {
      return await runBib(paths, values, cwd, io, { exitCodes: ExitCode, loadDigests: load, store, save: !values['read-only'] });
    } catch (error) {
      if (!(error instanceof LibraryFileError)) throw error;
      io.err(corruptLibraryMessage(store.file, error));
      return ExitCode.corruptLibrary;
    }
  }
  if (command === 'resolve') {
    return resolveCommand(paths, values, cwd, io);
  }
  if (command === 'search' || command === 'related') {
    // Loaded here, not at the start: tag, papers and bib never pay for the index and the note parsers.
    const { searchCommand } = await import('./search.js');
    return searchCommand(command, paths, { ...values, root, log: debug }, cwd, io);
  }
  if (command !== 'papers' && command !== 'check') {
    io.err(command === undefined ? HELP : `marginalia: unknown command "${command}".\nRun "marginalia --help" for usage.\n`);
    return ExitCode.usage;
  }
  if (paths.length === 0) {
    io.err(`marginalia ${command}: give at least one digest file or folder.\nRun "marginalia --help" for usage.\n`);
    return ExitCode.usage;
  }

  const { digests, problems } = await load(paths.map((p) => path.resolve(cwd, p)));
  const display = (file: string) => path.relative(cwd, file) || file;
  const printProblem = (d: Diagnostic) => io.err(`${display(d.file)}${d.line > 0 ? `:${d.line}` : ''}: ${d.severity}: ${d.message}\n`);

  if (command === 'check') {
    const diagnostics = [...problems, ...digests.flatMap((digest) => digest.diagnostics)];
    for (const d of diagnostics) io.out(`${display(d.file)}${d.line > 0 ? `:${d.line}` : ''}: ${d.severity}: ${d.message}\n`);
    const entries = digests.reduce((sum, digest) => sum + digest.entries.length, 0);
    const read = digests.filter((digest) => digest.entries.length > 0).length;
    io.err(`${read} digest${read === 1 ? '' : 's'}, ${entries} entries, ${diagnostics.length} diagnostic${diagnostics.length === 1 ? '' : 's'}\n`);
    if (digests.length === 0) return ExitCode.usage;
    return diagnostics.length > 0 ? ExitCode.problems : ExitCode.ok;
  }

  problems.forEach(printProblem);
  if (digests.length === 0) {
    io.err('marginalia papers: no digest could be read.\n');
    return ExitCode.usage;
  }
  const store = openStore(root, io);
  let papers: Paper[];
  let disputes: KeyDispute[];
  try {
    const library = await openLibrary(store, digests, { save: !values['read-only'] });
    papers = library.papers;
    disputes = library.records.disputes().filter((dispute) => library.newDisputes.includes(dispute.key));
  } catch (error) {
    if (error instanceof LibraryFileError) {
      io.err(corruptLibraryMessage(store.file, error));
      return ExitCode.corruptLibrary;
    }
    throw error;
  }
  for (const dispute of disputes) {
    io.err(
      `marginalia: "${dispute.key}" named ${dispute.papers.length} papers after a merge, so it now names none: ${dispute.papers.map((paper) => `${paper.key} ("${readableMath(paper.title)}")`).join(', ')}. Run "marginalia resolve" to see where it is cited, and cite each paper by its new key.\n`,
    );
  }
  const relativePapers = papers.map((paper) => ({ ...paper, sources: paper.sources.map((s) => ({ file: display(s.file), line: s.line })) }));
  io.out(values.json ? `${JSON.stringify(relativePapers.map(toJson), null, 2)}\n` : formatTable(relativePapers));
  return problems.some((p) => p.severity === 'error') ? ExitCode.problems : ExitCode.ok;
}

/** `tag add|rm|rename` and `tags`: changes and lists tags in the library file, under its lock. */
async function tagCommand(command: 'tag' | 'tags', args: string[], values: { json?: boolean; root?: string }, cwd: string, io: Output): Promise<number> {
  const store = openStore(values.root ? path.resolve(cwd, values.root) : findRoot(cwd), io);
  const usage = (message: string) => {
    io.err(`marginalia ${command}: ${message}\nRun "marginalia --help" for usage.\n`);
    return ExitCode.usage;
  };
  try {
    if (command === 'tags') {
      if (args.length > 0) return usage('takes no arguments.');
      const counts = (await store.read()).tagCounts();
      io.out(values.json ? `${JSON.stringify(counts, null, 2)}\n` : counts.map(({ tag, count }) => `${tag}\t${count}\n`).join(''));
      return ExitCode.ok;
    }
    const [action, ...rest] = args;
    if (action === 'rename') {
      if (rest.length !== 2) return usage('rename takes the old and the new tag.');
      const [from, to] = rest;
      const changed = await store.update((records) => records.renameTag(from, to), { mentions: [from] });
      io.err(`Renamed "${from}" to "${to}" on ${changed.length} paper${changed.length === 1 ? '' : 's'}.\n`);
      return ExitCode.ok;
    }
    if (action !== 'add' && action !== 'rm')
      return usage(action === undefined ? 'say add, rm or rename.' : `unknown action "${action}": say add, rm or rename.`);
    if (rest.length < 2) return usage(`${action} takes one or more keys and then the tag.`);
    const tag = rest[rest.length - 1];
    const keys = rest.slice(0, -1);
    const changed = await store.update((records) => (action === 'add' ? records.addTag(keys, tag) : records.removeTag(keys, tag)), { mentions: keys });
    io.err(
      `${action === 'add' ? 'Tagged' : 'Untagged'} ${changed.length} paper${changed.length === 1 ? '' : 's'} ${action === 'add' ? 'with' : 'from'} "${tag}".\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    return refusedChange(command, store.file, error, io);
  }
}

/**
 * How `tag`, `status` and `queue` end when the library refused the change (a bad tag, an unknown
 * key: nothing was written) or its file does not parse; any other error is thrown on.
 */
function refusedChange(command: string, libraryFile: string, error: unknown, io: Output): number {
  if (error instanceof TagError) {
    io.err(`marginalia ${command}: ${error.reason}. Nothing was changed.\n`);
    return ExitCode.problems;
  }
  if (error instanceof LibraryFileError) {
    io.err(corruptLibraryMessage(libraryFile, error));
    return ExitCode.corruptLibrary;
  }
  throw error;
}

/** `status` and `queue`: reading status and the Reading Queue in the library file, under its lock. */
async function statusCommand(command: 'status' | 'queue', args: string[], values: { json?: boolean; root?: string }, cwd: string, io: Output): Promise<number> {
  const store = openStore(values.root ? path.resolve(cwd, values.root) : findRoot(cwd), io);
  const usage = (message: string) => {
    io.err(`marginalia ${command}: ${message}\nRun "marginalia --help" for usage.\n`);
    return ExitCode.usage;
  };
  const plural = (count: number) => `${count} paper${count === 1 ? '' : 's'}`;
  const print = (records: LibraryRecords, keys: string[]) => {
    const queue = records.queue();
    const rows = keys.map((key) => {
      const record = records.get(key)!;
      const place = queue.indexOf(record.key);
      return { key: record.key, title: record.title, status: record.status, queue: place === -1 ? null : place + 1 };
    });
    io.out(
      values.json
        ? `${JSON.stringify(rows, null, 2)}\n`
        : rows.map((row) => `${row.key}\t${row.status}${row.queue === null ? '' : `\tqueued #${row.queue}`}\t${row.title}\n`).join(''),
    );
  };
  try {
    const [action, ...rest] = args;
    if (command === 'queue') {
      if (action === undefined) {
        const records = await store.read();
        print(records, records.queue());
        return ExitCode.ok;
      }
      if (action !== 'add' && action !== 'rm') return usage(`unknown action "${action}": say add or rm, or nothing to list the queue.`);
      if (rest.length === 0) return usage(`${action} takes one or more keys.`);
      // Adding needs the end of the queue, which any line may hold: the whole file is read.
      const changed = await store.update(
        (records) => (action === 'add' ? records.enqueue(rest) : records.dequeue(rest)),
        action === 'rm' ? { mentions: rest } : {},
      );
      io.err(`${action === 'add' ? 'Added' : 'Removed'} ${plural(changed.length)} ${action === 'add' ? 'to' : 'from'} the Reading Queue.\n`);
      return ExitCode.ok;
    }
    if (action === 'set') {
      if (rest.length < 2) return usage('set takes one or more keys and then the status.');
      const status = rest[rest.length - 1];
      if (!isReadingStatus(status)) return usage(`"${status}" is not a status: say ${READING_STATUSES.join(', ')}.`);
      const keys = rest.slice(0, -1);
      const changed = await store.update((records) => records.setStatus(keys, status), { mentions: keys });
      io.err(`Marked ${plural(changed.length)} ${status}.\n`);
      return ExitCode.ok;
    }
    if (action === 'list') {
      if (rest.length > 1) return usage('list takes at most one status.');
      const wanted = rest[0];
      if (wanted !== undefined && !isReadingStatus(wanted)) return usage(`"${wanted}" is not a status: say ${READING_STATUSES.join(', ')}.`);
      const records = await store.read();
      const keys = records
        .sorted()
        .filter((record) => (wanted === undefined ? record.status !== 'unread' : record.status === wanted))
        .map((record) => record.key);
      print(records, keys);
      return ExitCode.ok;
    }
    if (args.length === 0) return usage('give the keys to show, or say set or list.');
    const records = await store.read();
    const unknown = args.filter((key) => !records.get(key));
    if (unknown.length > 0) {
      io.err(
        `marginalia status: no paper has the key${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')}; "marginalia papers" lists the keys.\n`,
      );
      return ExitCode.problems;
    }
    print(records, args);
    return ExitCode.ok;
  } catch (error) {
    return refusedChange(command, store.file, error, io);
  }
}

/** `resolve`: settles conflict markers in the library file, then reports the keys that named two papers. */
async function resolveCommand(paths: string[], values: { root?: string }, cwd: string, io: Output): Promise<number> {
  const root = values.root ? path.resolve(cwd, values.root) : findRoot(cwd);
  const store = openStore(root, io);
  const display = (file: string) => path.relative(cwd, file) || file;
  let result;
  try {
    result = await store.resolve();
  } catch (error) {
    if (!(error instanceof LibraryFileError)) throw error;
    io.err(
      `marginalia resolve: ${display(store.file)} cannot be resolved (${error.message}); fix that line by hand or restore the file from git, then run again.\n`,
    );
    return ExitCode.corruptLibrary;
  }
  io.err(
    result.markers > 0
      ? `Resolved the merge conflict in ${display(store.file)}: removed ${result.markers} marker line${result.markers === 1 ? '' : 's'} and kept the keys and tags of both sides. Commit the file to finish the merge.\n`
      : `${display(store.file)} has no merge conflict.\n`,
  );
  const disputes = result.records.disputes();
  if (disputes.length === 0) return ExitCode.ok;
  const folders = paths.length > 0 ? paths.map((p) => path.resolve(cwd, p)) : [root];
  const cited = new Map<string, { file: string; line: number }[]>();
  for (const folder of folders) {
    const found = await citedKeysInFolder(folder).catch(() => null);
    for (const [key, places] of found?.locations ?? []) cited.set(key, [...(cited.get(key) ?? []), ...places]);
  }
  for (const dispute of disputes) {
    io.out(`"${dispute.key}" named ${dispute.papers.length} papers after a merge and now names none:\n`);
    for (const paper of dispute.papers) io.out(`  ${paper.key}  ${readableMath(paper.title)}\n`);
    const places = cited.get(dispute.key) ?? [];
    if (places.length === 0) io.out('  cited nowhere\n');
    for (const place of places) io.out(`  cited at ${display(place.file)}:${place.line}\n`);
  }
  io.err('Cite each paper by its new key; in VS Code, the quick fix on a citation of a retired key rewrites it.\n');
  return disputes.some((dispute) => (cited.get(dispute.key) ?? []).length > 0) ? ExitCode.problems : ExitCode.ok;
}

/** The library store of `root`, saying on stderr what it does on its own (taking over a dead process's lock). */
export function openStore(root: string, io: Output): LibraryStore {
  return new LibraryStore(root, { log: (line) => io.err(`marginalia: ${line}\n`), normalHashFile: normalHashFileOf(root) });
}

/** The nearest folder from `cwd` upwards that has a .marginalia folder, else `cwd`. */
function findRoot(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.marginalia'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(cwd);
  }
}

/** The JSON shape documented in HELP, with its fields in a fixed order. */
function toJson(paper: Paper) {
  return {
    key: paper.key,
    aliases: paper.aliases,
    title: paper.title,
    abstract: paper.abstract,
    authors: paper.authors,
    submitter: paper.submitter,
    date: paper.date,
    upvotes: paper.upvotes,
    links: paper.links,
    sources: paper.sources,
  };
}

function formatTable(papers: Paper[]): string {
  const rows = papers.map((paper) => [
    paper.key,
    paper.date ? `${paper.date.year ?? '????'}-${pad(paper.date.month)}-${pad(paper.date.day)}` : '',
    paper.authors === null ? '' : String(paper.authors),
    paper.upvotes === null ? '' : String(paper.upvotes),
    String(paper.sources.length),
    // A terminal cannot typeset math; --json keeps the title as the digest wrote it.
    readableMath(paper.title),
  ]);
  const header = ['KEY', 'DATE', 'AUTHORS', 'UPVOTES', 'SOURCES', 'TITLE'];
  const widths = header.slice(0, -1).map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const width = process.stdout.columns || 120;
  const format = (row: string[]) => {
    const fixed = row
      .slice(0, -1)
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ');
    const room = Math.max(20, width - fixed.length - 2);
    const title = row[row.length - 1];
    return `${fixed}  ${title.length > room ? `${title.slice(0, room - 1)}…` : title}`.trimEnd();
  };
  return `${[header, ...rows].map(format).join('\n')}\n${papers.length} papers\n`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

declare const MARGINALIA_VERSION: string | undefined;
const VERSION = typeof MARGINALIA_VERSION === 'string' ? MARGINALIA_VERSION : 'development';

if (require.main === module) {
  // `marginalia papers | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`marginalia: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report this.\n`);
      process.exitCode = 70;
    },
  );
}
