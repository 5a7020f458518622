/**
 * Reading the reader's `.bib` files with citation-js's BibTeX parser (`@string` macros, crossref,
 * LaTeX accents and braces all resolved by it). A file that does not parse as a whole is read entry
 * by entry: every entry that parses is kept, and each one that does not becomes a diagnostic on its
 * line, so one broken entry never hides the rest of the file. Never throws.
 */
import { parse as parseBibtexText } from '@citation-js/plugin-bibtex/lib/input/file.js';
import { parseBibtex as bibtexToCsl } from '@citation-js/plugin-bibtex/lib/input/entries.js';
import type { BibEntry } from '../../core/bibliography/bibEntries';
import type { Diagnostic } from '../../core/types';

/** What one `.bib` file gives. */
export interface ReadBibliography {
  entries: BibEntry[];
  /** Entries that do not parse (on their line), or the whole file's trouble (line 0). */
  diagnostics: Diagnostic[];
}

/** `@type{key,` or `@type(key,` at the start of a line: where entries start, and their keys. */
const ENTRY_START = /^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^\s,{}()"#%'=\\]+)?/gm;

interface Chunk {
  text: string;
  /** 1-based line of the chunk's first line. */
  line: number;
  type: string;
}

/** Parses the text of one `.bib` file (`file` as the caller names it, carried into entries and diagnostics). */
export function readBibliography(text: string, file: string): ReadBibliography {
  const lines = entryLines(text);
  const diagnostics: Diagnostic[] = [];
  let raw: RawEntry[];
  try {
    raw = parseBibtexText(text);
  } catch {
    raw = [];
    const chunks = splitEntries(text);
    const macros = chunks.filter((chunk) => chunk.type === 'string' && parsesAlone(chunk.text)).map((chunk) => chunk.text);
    for (const chunk of chunks) {
      if (chunk.type === 'string' || chunk.type === 'comment' || chunk.type === 'preamble') {
        if (!parsesAlone(chunk.text))
          diagnostics.push(problem(file, chunk.line, `This @${chunk.type} does not parse (${syntaxError(chunk.text)}); fix its braces or quotes.`));
        continue;
      }
      try {
        raw.push(...parseBibtexText(`${macros.join('\n')}\n${chunk.text}`));
      } catch (error) {
        diagnostics.push(
          problem(file, chunk.line, `This entry does not parse (${describeSyntaxError(error)}), so its key is unknown; check its braces, quotes and commas.`),
        );
      }
    }
  }
  let items: CslItem[];
  try {
    items = bibtexToCsl(raw);
  } catch (error) {
    return { entries: [], diagnostics: [...diagnostics, problem(file, 0, `The bibliography could not be read (${String(error)}).`)] };
  }
  const rawByKey = new Map(raw.map((entry) => [entry.label, entry]));
  const entries = items.map((item): BibEntry => {
    const key = item['citation-key'] ?? item.id;
    const rawEntry = rawByKey.get(key);
    const names = item.author ?? item.editor ?? [];
    const url = item.URL ? [item.URL] : [];
    const doi = item.DOI ? [`https://doi.org/${item.DOI}`] : [];
    return {
      key,
      type: (rawEntry?.type ?? 'misc').toLowerCase(),
      title: item.title ?? '',
      authors: names.map((name) => [name.given, name.family].filter(Boolean).join(' ') || name.literal || '').filter((name) => name !== ''),
      venue: item['container-title'] ?? item.publisher ?? null,
      year: Number.isInteger(item.issued?.['date-parts']?.[0]?.[0]) ? item.issued!['date-parts']![0][0] : null,
      abstract: item.abstract ?? '',
      links: [...url, ...doi.filter((link) => !url.includes(link))],
      file,
      line: lines.get(key) ?? 0,
    };
  });
  return { entries, diagnostics };
}

/** The line of each entry's `@`, by key (the first, for a key written twice). */
function entryLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let last = 0;
  for (const match of text.matchAll(ENTRY_START)) {
    line += countNewlines(text, last, match.index);
    last = match.index;
    const firstNonBlank = match[0].search(/\S/);
    if (match[2] && !lines.has(match[2])) lines.set(match[2], line + countNewlines(match[0], 0, firstNonBlank));
  }
  return lines;
}

function splitEntries(text: string): Chunk[] {
  const starts = [...text.matchAll(ENTRY_START)].map((match) => ({ index: match.index, type: match[1].toLowerCase() }));
  const chunks: Chunk[] = [];
  let line = 1;
  let last = 0;
  starts.forEach((start, i) => {
    line += countNewlines(text, last, start.index);
    last = start.index;
    const end = i + 1 < starts.length ? starts[i + 1].index : text.length;
    const chunk = text.slice(start.index, end);
    chunks.push({ text: chunk, line: line + countNewlines(chunk, 0, chunk.search(/\S/)), type: start.type });
  });
  return chunks;
}

function parsesAlone(text: string): boolean {
  try {
    parseBibtexText(text);
    return true;
  } catch {
    return false;
  }
}

function syntaxError(text: string): string {
  try {
    parseBibtexText(text);
    return 'unknown error';
  } catch (error) {
    return describeSyntaxError(error);
  }
}

/** citation-js's message's first line ("expected "text", got EOF at line 17 col 1:"), without its position. */
function describeSyntaxError(error: unknown): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return first.replace(/\s*at line \d+ col \d+:?\s*$/, '').trim() || 'syntax error';
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function problem(file: string, line: number, message: string): Diagnostic {
  return { file, line, severity: 'error', message };
}

/** An entry as citation-js's BibTeX grammar gives it. */
interface RawEntry {
  type: string;
  label: string;
  properties: Record<string, string>;
}

/** The CSL fields citation-js gives that an entry uses. */
interface CslItem {
  id: string;
  'citation-key'?: string;
  title?: string;
  author?: { given?: string; family?: string; literal?: string }[];
  editor?: { given?: string; family?: string; literal?: string }[];
  'container-title'?: string;
  publisher?: string;
  issued?: { 'date-parts'?: number[][] };
  abstract?: string;
  URL?: string;
  DOI?: string;
}
