/**
 * The text around the cursor that the Related view relates papers to: the paragraph of prose (a
 * note, markdown, LaTeX), the comment block of code, else the code block around the cursor; and which
 * files are neither prose nor code (bibliographies, data, lock files, logs), for which the view keeps
 * what it shows.
 */

/** A span of whole lines: `start` to `end` inclusive, 0-based. */
export interface LineSpan {
  start: number;
  end: number;
  text: string;
}

/** What kind of text a document holds, for the Related view. */
export type TextKind = 'prose' | 'code' | 'other';

const PROSE_LANGUAGES = new Set(['markdown', 'plaintext', 'latex', 'tex', 'restructuredtext', 'asciidoc', 'org', 'quarto', 'rmd', 'typst', 'html']);
const OTHER_LANGUAGES = new Set([
  'bibtex',
  'biblatex',
  'json',
  'jsonc',
  'jsonl',
  'json5',
  'snippets',
  'log',
  'csv',
  'tsv',
  'ignore',
  'properties',
  'ini',
  'toml',
  'yaml',
  'xml',
  'diff',
  'git-commit',
  'git-rebase',
  'search-result',
  'code-text-binary',
]);
/** Data, bibliographies, lock files and logs, by name: a language id alone misses `yarn.lock` or `run.jsonl` opened as plain text. */
const OTHER_NAMES =
  /\.(bib|bbl|json|jsonc|jsonl|ndjson|json5|lock|log|csv|tsv|ya?ml|toml|xml|svg|map|min\.js|ipynb)$|(^|[-_.])lock(file)?(\.\w+)?$|^(go\.sum|npm-shrinkwrap\.json)$/i;

/** Whether a document (by file name and VS Code language id) is prose, code or neither. */
export function textKind(fileName: string, languageId: string): TextKind {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  if (OTHER_LANGUAGES.has(languageId) || OTHER_NAMES.test(name)) return 'other';
  return PROSE_LANGUAGES.has(languageId) ? 'prose' : 'code';
}

const BLANK = /^\s*$/;

/**
 * The paragraph of `lines` that holds `line`: the lines around it up to a blank line, a heading or a
 * fence. Null on a blank line or inside YAML front matter (the note's metadata, not what one writes).
 */
export function paragraphAt(lines: readonly string[], line: number): LineSpan | null {
  if (line < 0 || line >= lines.length || BLANK.test(lines[line])) return null;
  const frontMatterEnd = frontMatterEndOf(lines);
  if (line <= frontMatterEnd) return null;
  const heading = (i: number) => /^#{1,6}\s/.test(lines[i]);
  const stops = (i: number) => BLANK.test(lines[i]) || /^\s*(```|~~~)/.test(lines[i]) || heading(i);
  let start = line;
  let end = line;
  if (!heading(line)) {
    while (start - 1 > frontMatterEnd && !stops(start - 1)) start--;
    while (end + 1 < lines.length && !stops(end + 1)) end++;
  }
  return { start, end, text: lines.slice(start, end + 1).join('\n') };
}

/** The last line of the YAML front matter (`---` at the very top to the next `---`), or -1 without any. */
function frontMatterEndOf(lines: readonly string[]): number {
  if (lines.length === 0 || !/^---\s*$/.test(lines[0])) return -1;
  for (let i = 1; i < lines.length; i++) if (/^(---|\.\.\.)\s*$/.test(lines[i])) return i;
  return -1;
}

/** A line that is (only) a comment in most languages: `//`, `#`, `--`, `;`, `%`, a block comment's `/*`, `*`, `*\/`, or a docstring's quotes. */
const COMMENT_LINE = /^\s*(\/\/|#(?!include|define|if|endif|else|pragma|import)|--|;|%|\/\*|\*|"""|'''|<!--)/;

/** The run of comment lines that holds `line` (a docstring or block comment counts when its lines look like one), or null when `line` is code. */
export function commentBlockAt(lines: readonly string[], line: number): LineSpan | null {
  if (line < 0 || line >= lines.length || !COMMENT_LINE.test(lines[line])) return null;
  let start = line;
  while (start > 0 && COMMENT_LINE.test(lines[start - 1])) start--;
  let end = line;
  while (end + 1 < lines.length && COMMENT_LINE.test(lines[end + 1])) end++;
  return { start, end, text: lines.slice(start, end + 1).join('\n') };
}

/** The code around `line` up to blank lines on both sides (for code whose language gives no symbols). */
export function codeBlockAt(lines: readonly string[], line: number): LineSpan | null {
  if (line < 0 || line >= lines.length || BLANK.test(lines[line])) return null;
  let start = line;
  while (start > 0 && !BLANK.test(lines[start - 1])) start--;
  let end = line;
  while (end + 1 < lines.length && !BLANK.test(lines[end + 1])) end++;
  return { start, end, text: lines.slice(start, end + 1).join('\n') };
}
