/**
 * `marginalia bib`: BibTeX (or CSL-JSON with --csl) for the papers of some digests, chosen by key,
 * tag or the citations in a folder. Called by src/cli/main.ts, which owns argument parsing and exit codes.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { formatCslJson, selectPapers, toCslItem, type ExportScope } from '../core/bibliography/csl';
import type { Diagnostic, Paper, ParsedDigest } from '../core/types';
import { citedKeysInFolder } from '../node/citations/citedKeys';
import type { LibraryStore } from '../node/library/libraryStore';
import { openLibrary, tagsIn } from '../node/library/openLibrary';

export const BIB_HELP = `  marginalia bib [--tag T] [--cited-in DIR] [--csl] [--root DIR] [KEY...] PATH...
      BibTeX for papers of the digests at PATH: those with the keys KEY, the tag
      T, or cited in the files under DIR ([@key] in markdown and code comments,
      \\cite{key} in LaTeX); with none of these, every paper. Arguments naming an
      existing file or folder are digests, the others keys.
      --csl        CSL-JSON instead of BibTeX (for pandoc --bibliography, Zotero)
      Entries are @misc with the key, title (capitals braced), abstract, year and
      month when the digest gives them, url, keywords (tags) and a note with the
      code links. Exit code 1 when a KEY is unknown or nothing is selected.
`;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** What runBib needs from the CLI around it. */
export interface BibDeps {
  exitCodes: { ok: number; problems: number; usage: number };
  loadDigests(paths: string[]): Promise<{ digests: ParsedDigest[]; problems: Diagnostic[] }>;
  store: LibraryStore;
  /** Whether to save keys for new papers (false with --read-only). */
  save: boolean;
}

export async function runBib(
  args: readonly string[],
  options: { tag?: string; 'cited-in'?: string; csl?: boolean },
  cwd: string,
  io: Io,
  deps: BibDeps,
): Promise<number> {
  const { ok, problems: problemsCode, usage } = deps.exitCodes;
  const paths = args.filter((arg) => existsSync(path.resolve(cwd, arg)));
  const keys = args.filter((arg) => !existsSync(path.resolve(cwd, arg)));
  if (paths.length === 0) {
    io.err(
      `marginalia bib: give at least one digest file or folder${keys.length > 0 ? ` (${keys.map((k) => `"${k}"`).join(', ')} ${keys.length === 1 ? 'is' : 'are'} not a file or folder, so taken for keys)` : ''}.\nRun "marginalia --help" for usage.\n`,
    );
    return usage;
  }

  let cited: string[] = [];
  if (options['cited-in'] !== undefined) {
    const folder = path.resolve(cwd, options['cited-in']);
    try {
      const found = await citedKeysInFolder(folder);
      cited = found.keys;
      io.err(
        `${found.keys.length} key${found.keys.length === 1 ? '' : 's'} cited in ${found.files} file${found.files === 1 ? '' : 's'} under ${options['cited-in']}.\n`,
      );
    } catch (error) {
      io.err(`marginalia bib: cannot read ${options['cited-in']} (${(error as Error).message}).\n`);
      return usage;
    }
  }

  const { digests, problems } = await deps.loadDigests(paths.map((p) => path.resolve(cwd, p)));
  for (const d of problems) io.err(`${path.relative(cwd, d.file) || d.file}${d.line > 0 ? `:${d.line}` : ''}: ${d.severity}: ${d.message}\n`);
  if (digests.length === 0) {
    io.err('marginalia bib: no digest could be read.\n');
    return usage;
  }
  const { papers, records } = await openLibrary(deps.store, digests, { save: deps.save });
  const tagsOf = tagsIn(records);

  // Every selector adds papers; no selector means every paper.
  const scopes: ExportScope[] = [];
  if (keys.length > 0) scopes.push({ kind: 'keys', keys });
  if (options.tag !== undefined) scopes.push({ kind: 'tag', tag: options.tag });
  if (options['cited-in'] !== undefined) scopes.push({ kind: 'keys', keys: cited });
  if (scopes.length === 0) scopes.push({ kind: 'all' });
  const chosen = new Map<string, Paper>();
  let unknownKeys: string[] = [];
  for (const scope of scopes) {
    const selection = selectPapers(papers, scope, tagsOf);
    for (const paper of selection.papers) chosen.set(paper.key, paper);
    // Keys cited in a folder but not in these digests may be other references: not an error.
    if (scope.kind === 'keys' && scope.keys === keys) unknownKeys = selection.unknown;
  }
  if (unknownKeys.length > 0)
    io.err(`marginalia bib: no paper in these digests has the key${unknownKeys.length === 1 ? '' : 's'} ${unknownKeys.map((k) => `"${k}"`).join(', ')}.\n`);
  const selected = selectPapers([...chosen.values()], { kind: 'all' }, tagsOf).papers;
  if (selected.length === 0) {
    io.err('marginalia bib: no paper matches; nothing was written.\n');
    return problemsCode;
  }
  const items = selected.map((paper) => toCslItem(paper, tagsOf(paper.key)));
  // Loaded here, not at the top: citation-js takes a good part of the CLI's start-up, which the
  // other commands (a warm search above all) need not pay.
  const { BibtexKeyError, formatBibtex } = await import('../node/bib/bibtex.js');
  try {
    io.out(options.csl ? formatCslJson(items) : formatBibtex(items));
  } catch (error) {
    if (error instanceof BibtexKeyError) {
      io.err(`marginalia bib: ${error.message}.\n`);
      return problemsCode;
    }
    throw error;
  }
  io.err(`${selected.length} ${selected.length === 1 ? 'entry' : 'entries'}.\n`);
  return unknownKeys.length > 0 || problems.some((p) => p.severity === 'error') ? problemsCode : ok;
}
