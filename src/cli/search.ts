/**
 * `marginalia search` and `marginalia related`: the search index over the library of a folder, from
 * the command line. Reads only: keys of papers new to the library file are computed, not saved.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { keysOfPaper } from '../core/library/citationKey';
import { LibraryFileError } from '../core/library/libraryFile';
import { MAX_INDEXED_NOTE_CHARS, SearchIndex, type DocumentSource, type SearchDocument, type SearchHit } from '../core/search/searchIndex';
import { hasPhrases } from '../core/search/query';
import type { Diagnostic, Paper } from '../core/types';
import { workspaceCacheFolder } from '../node/cacheFolder';
import { SearchCache, type SearchState } from './searchCache';
import { corruptLibraryMessage } from './libraryErrors';
import { findDigestFiles } from '../node/digest/digestFiles';
import { LibraryStore, normalHashFileOf } from '../node/library/libraryStore';
import { openLibrary, tagsIn } from '../node/library/openLibrary';
import { mapLimited } from '../node/concurrency';
import { WORKSPACE_SETTINGS_FILE, listMarkdownFiles, readWorkspaceNotes } from '../node/notes/workspaceNotes';
import type { NoteCatalog } from '../core/notes/noteCatalog';
import { readDigestFiles, type DebugLog } from './workspaceState';
import { readableMath } from '../core/math/readable';

/** Exit codes of these two commands, as HELP documents them. */
const Exit = { found: 0, none: 1, usage: 2, corruptLibrary: 3 } as const;
const DEFAULT_LIMIT = { search: 20, related: 10 };
const MAX_LIMIT = 10_000;

interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Runs `search QUERY [PATH...]` or `related KEY [PATH...]`; `args` are the positionals after the command. */
export async function searchCommand(
  command: 'search' | 'related',
  args: string[],
  options: { json?: boolean; limit?: string; root: string; log?: DebugLog },
  cwd: string,
  io: Output,
): Promise<number> {
  const usage = (message: string) => {
    io.err(`marginalia ${command}: ${message}\nRun "marginalia --help" for usage.\n`);
    return Exit.usage;
  };
  const [subject, ...paths] = args;
  if (subject === undefined || subject.trim() === '') return usage(command === 'search' ? 'give a query.' : 'give the key of a paper.');
  let limit: number = DEFAULT_LIMIT[command];
  if (options.limit !== undefined) {
    limit = Number(options.limit);
    if (!/^\d+$/.test(options.limit) || limit < 1 || limit > MAX_LIMIT) return usage(`--limit takes a whole number from 1 to ${MAX_LIMIT}.`);
  }

  const log = options.log ?? (() => undefined);
  const targets = paths.length > 0 ? paths.map((p) => path.resolve(cwd, p)) : [options.root];
  const { files, problems: found } = await findDigestFiles(targets);
  const warn = (line: string) => io.err(`marginalia: ${line}\n`);
  const store = new LibraryStore(options.root, { log: warn, normalHashFile: normalHashFileOf(options.root) });
  const cache = new SearchCache(workspaceCacheFolder(options.root), options.root, targets, { log });
  const markdownFiles = await listMarkdownFiles(options.root);
  // The stat of every input is taken before any is read: what changes after it shows in the next run's.
  const signature =
    files.length > 0 ? cache.sign(files, [store.file, store.legacyFile], [path.join(options.root, WORKSPACE_SETTINGS_FILE), ...markdownFiles]) : null;
  const printErrors = (problems: readonly Diagnostic[]) => {
    for (const problem of problems.filter((p) => p.severity === 'error')) io.err(`${path.relative(cwd, problem.file) || problem.file}: ${problem.message}\n`);
  };

  // A phrase is checked against the papers' text, which the cache does not keep: such a query reads the library.
  let state = signature && !(command === 'search' && hasPhrases(subject)) ? cache.load(signature) : null;
  if (state) {
    printErrors([...found, ...state.problems]);
    return answer(command, await paperKey(command, subject, state, store), limit, state, options, io);
  }
  if (signature) cache.hashRacyInputs(signature);
  const read = await readDigestFiles(files, options.root, log);
  printErrors([...found, ...read.problems]);
  if (read.digests.length === 0) {
    io.err(`marginalia ${command}: no digest could be read${paths.length === 0 ? ` in ${options.root}` : ''}.\n`);
    return Exit.usage;
  }
  let papers: Paper[];
  let tagsOf: (key: string) => readonly string[];
  try {
    // Search only reads: keys of papers new to the library file are computed, not saved.
    const library = await openLibrary(store, read.digests, { save: false });
    papers = library.papers;
    tagsOf = tagsIn(library.records);
  } catch (error) {
    if (!(error instanceof LibraryFileError)) throw error;
    io.err(corruptLibraryMessage(store.file, error));
    return Exit.corruptLibrary;
  }
  const notes = await readNotes(await readWorkspaceNotes(options.root, markdownFiles, warn), papers, warn);
  const documents: SearchDocument[] = papers.map((paper) => ({
    key: paper.key,
    title: paper.title,
    abstract: paper.abstract,
    tags: tagsOf(paper.key),
    note: notes.get(paper.key) ?? '',
  }));
  const byKey = new Map(papers.map((paper) => [paper.key, paper]));
  state = { index: SearchIndex.build(documents), titleOf: (key) => byKey.get(key)?.title ?? '', problems: read.problems };
  const documentByKey = new Map(documents.map((document) => [document.key, document]));
  const code = answer(command, await paperKey(command, subject, state, store), limit, state, options, io, (key) => documentByKey.get(key));
  // After the answer: a cache that cannot be written costs the next run time, never this one its result.
  if (signature) cache.save(signature, state);
  return code;
}

/**
 * For `related`, the canonical key of the paper `subject` names: an alias (an older key, a key from
 * a merge) is looked up in the library file, which only a key the index does not hold costs.
 */
async function paperKey(command: 'search' | 'related', subject: string, state: SearchState, store: LibraryStore): Promise<string> {
  if (command !== 'related' || state.index.has(subject)) return subject;
  const record = await store.read().then(
    (records) => records.get(subject),
    () => undefined,
  );
  return record && state.index.has(record.key) ? record.key : subject;
}

/** Runs the query (or finds the related papers) and prints the results; returns the exit code. */
function answer(
  command: 'search' | 'related',
  subject: string,
  limit: number,
  state: SearchState,
  options: { json?: boolean },
  io: Output,
  textOf?: DocumentSource,
): number {
  const { index } = state;
  let hits: SearchHit[];
  let total: number;
  let hints: string[];
  if (command === 'search') {
    ({ hits, total, hints } = index.search(subject, limit, textOf));
  } else {
    if (!index.has(subject)) {
      io.err(`marginalia related: no paper has the key "${subject.slice(0, 200)}"; "marginalia papers" lists the keys.\n`);
      return Exit.none;
    }
    hits = index.related(subject, limit);
    total = hits.length;
    hints = hits.length === 0 ? ['No other paper shares enough words with this one.'] : [];
  }
  const results = hits.map((hit) => ({ key: hit.key, title: state.titleOf(hit.key), score: Math.round(hit.score * 1000) / 1000, matches: hit.matches }));
  if (options.json) {
    io.out(`${JSON.stringify({ ...(command === 'search' ? { query: subject } : { key: subject }), total, hints, results }, null, 2)}\n`);
  } else {
    for (const hint of hints) io.err(`${hint}\n`);
    io.out(formatResults(results));
    if (command === 'search' && total > hits.length) io.err(`${hits.length} of ${total} papers shown; --limit N shows more.\n`);
  }
  return hits.length > 0 ? Exit.found : Exit.none;
}

/**
 * The text of each paper's note (the catalog's rule, the same as the extension's), by paper key. A
 * note that cannot be read is left out with a warning, as the extension leaves it out.
 */
async function readNotes(catalog: NoteCatalog, papers: readonly Paper[], warn: (line: string) => void): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  const found = papers.flatMap((paper) => {
    const file = catalog.noteFile(keysOfPaper(paper));
    return file === undefined ? [] : [{ key: paper.key, file }];
  });
  const texts = await mapLimited(found, 16, ({ file }) =>
    fs.readFile(file, 'utf8').catch((error: unknown) => {
      warn(`cannot read the note ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
      return undefined;
    }),
  );
  found.forEach(({ key }, index) => {
    const text = texts[index];
    if (text !== undefined) notes.set(key, text.slice(0, MAX_INDEXED_NOTE_CHARS));
  });
  return notes;
}

function formatResults(results: { key: string; title: string; score: number; matches: SearchHit['matches'] }[]): string {
  if (results.length === 0) return '';
  const keyWidth = Math.max(3, ...results.map((result) => result.key.length));
  return results
    .map((result) => {
      const words = result.matches.map((match) => match.word).join(', ');
      return `${result.score.toFixed(2).padStart(7)}  ${result.key.padEnd(keyWidth)}  ${readableMath(result.title)}${words ? `  [${words}]` : ''}\n`;
    })
    .join('');
}
