/**
 * Notes: the markdown file a reader keeps per paper (`notes/<key>.md`). Renders a new note from a
 * template with documented placeholders, reads a note's YAML front matter (the `key` that ties it
 * to its paper), formats quotes appended to a note, and cuts the start of a note for previews.
 *
 * Pure: the host reads the template and writes the note. Front matter is written and read with
 * the `yaml` library, never by string concatenation, since titles are untrusted digest text; in the
 * body, digest text is escaped (noteMarkdownText, noteMarkdownUrl in core/escaping.ts), so that a
 * title holding HTML, links or math renders as that text in VS Code's preview and in pandoc.
 */
import { isDocument, parseDocument, stringify } from 'yaml';
import { noteMarkdownText, noteMarkdownUrl, withoutBidiControls, yamlString } from '../escaping';
import { PANDOC_KEY_PATTERN } from '../library/citationKey';
import { readableMath } from '../math/readable';
import { splitLinks } from '../paperView/viewModel';
import type { Paper } from '../types';

/** What a note is rendered from. */
export interface NoteContext {
  paper: Paper;
  /** The paper's tags in the library file when the note is created. */
  tags: readonly string[];
  /** The day the note is created, `YYYY-MM-DD` (the caller's clock: the core has none). */
  today: string;
  /** The paper's digests, as workspace-relative paths, in the paper's source order. */
  sources: readonly string[];
}

/** Why a template could not be used: a sentence for the user, and the 1-based template line when known. */
export class TemplateError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number | null,
  ) {
    super(line === null ? reason : `line ${line}: ${reason}`);
    this.name = 'TemplateError';
  }
}

/** One placeholder a template may use, written `{{name}}`. */
export interface PlaceholderInfo {
  name: string;
  description: string;
}

/**
 * Every placeholder, with what it becomes. In the template's own front matter a placeholder
 * becomes a YAML value (a quoted string, a `[...]` list, or `null`), so any title is safe there;
 * in the body it becomes plain text (lists joined with ", "). `\{{` writes a literal `{{`.
 */
export const NOTE_PLACEHOLDERS: readonly PlaceholderInfo[] = [
  { name: 'key', description: 'the citation key, e.g. pasta' },
  { name: 'citation', description: 'a pandoc citation of the paper, [@key]' },
  { name: 'title', description: 'the title (white space collapsed to single spaces)' },
  { name: 'abstract', description: 'the abstract as the digest gives it' },
  { name: 'abstractQuote', description: 'the abstract as a markdown blockquote (every line starts with "> ")' },
  { name: 'date', description: 'the paper date, YYYY-MM-DD, or empty when the digest gives no year' },
  { name: 'year', description: 'the year, or empty' },
  { name: 'authors', description: 'the number of authors, or empty' },
  { name: 'submitter', description: 'the submitter or organisation, or empty' },
  { name: 'upvotes', description: 'the upvote count, or empty' },
  { name: 'url', description: 'the first link that is not a code repository (else the first link), or empty' },
  { name: 'links', description: 'every link in the abstract' },
  { name: 'code', description: 'the code repository links (GitHub, GitLab, Hugging Face, ...)' },
  { name: 'tags', description: 'the paper’s tags when the note is created' },
  { name: 'source', description: 'the first digest that lists the paper (workspace-relative)' },
  { name: 'sources', description: 'every digest that lists the paper' },
  { name: 'today', description: 'the day the note is created, YYYY-MM-DD' },
  { name: 'frontMatter', description: 'a complete YAML front matter block (key, title, aliases, date, tags, url, links, code, source, created); body only' },
];

/** The template used when `marginalia.notes.template` is not set. */
export const DEFAULT_NOTE_TEMPLATE = `{{frontMatter}}

# {{title}}

{{abstractQuote}}

## Notes

`;

/** The longest quote appended to a note; longer selections are cut (the paper view renders at most this much anyway). */
export const QUOTE_MAX_CHARS = 20_000;

type Value = string | number | null | readonly string[];

/** The value of every placeholder but frontMatter, for `context`. */
function placeholderValues(context: NoteContext): Record<string, Value> {
  const { paper } = context;
  const { codeLinks, otherLinks } = splitLinks(paper.links);
  return {
    key: paper.key,
    citation: `[@${paper.key}]`,
    // A note keeps the digest's text as it is, LaTeX included: it is the reader's own file, which
    // editors with math (Obsidian, the markdown preview with a math extension) can typeset.
    title: singleLine(withoutBidiControls(paper.title)),
    abstract: withoutBidiControls(paper.abstract),
    abstractQuote: formatQuote(withoutBidiControls(paper.abstract)),
    date: isoDate(paper),
    year: paper.date?.year ?? null,
    authors: paper.authors,
    submitter: paper.submitter === null ? null : withoutBidiControls(paper.submitter),
    upvotes: paper.upvotes,
    url: otherLinks[0] ?? codeLinks[0] ?? null,
    links: paper.links,
    code: codeLinks,
    tags: context.tags,
    source: context.sources[0] ?? null,
    sources: context.sources,
    today: context.today,
  };
}

/** Placeholders whose values are URLs (written percent-encoded in the body), and those that are ours, not digest text (written as they are). */
const URL_PLACEHOLDERS = new Set(['url', 'links', 'code']);
const OWN_PLACEHOLDERS = new Set(['key', 'citation', 'date', 'year', 'authors', 'upvotes', 'today']);

/** A placeholder's value in the body: digest text escaped so that it renders as itself. */
function bodyValue(name: string, value: Value, context: NoteContext): string {
  if (name === 'abstractQuote') return formatQuote(noteMarkdownText(context.paper.abstract));
  if (OWN_PLACEHOLDERS.has(name)) return plainValue(value);
  const escape = URL_PLACEHOLDERS.has(name) ? noteMarkdownUrl : noteMarkdownText;
  if (Array.isArray(value)) return value.map(escape).join(', ');
  return value === null ? '' : escape(String(value));
}

/**
 * The front matter Marginalia writes for a paper, as the lines between and including the `---`
 * fences. `key` ties the note to its paper; `title`/`aliases` are what Foam, Obsidian and pandoc
 * read; `tags` are the library's tags at creation (the library file stays their only source of
 * truth); empty fields are left out.
 */
export function renderFrontMatter(context: NoteContext): string {
  const values = placeholderValues(context);
  const data: Record<string, unknown> = { key: context.paper.key, title: values.title, aliases: [values.title] };
  if (values.date) data.date = values.date;
  data.tags = [...context.tags];
  if (values.url) data.url = values.url;
  if (context.paper.links.length > 0) data.links = [...context.paper.links];
  if ((values.code as readonly string[]).length > 0) data.code = [...(values.code as readonly string[])];
  if (values.source) data.source = values.source;
  data.created = context.today;
  // lineWidth 0: a long title stays on one line instead of being folded.
  return `---\n${stringify(data, { lineWidth: 0 })}---`;
}

/**
 * Renders a note from `template` (see NOTE_PLACEHOLDERS). Throws TemplateError, naming the line,
 * for an unknown or unclosed placeholder, `{{frontMatter}}` inside front matter, or a template
 * whose front matter is not valid YAML once filled in. Line endings follow the template's.
 */
export function renderNote(template: string, context: NoteContext): string {
  const values = placeholderValues(context);
  const source = template.replace(/^\ufeff/, '');
  const frontMatterEnd = frontMatterRange(source)?.end ?? 0;
  const eol = eolOf(source);
  let out = '';
  let index = 0;
  const pattern = /\\\{\{|\{\{([^{}]*)\}\}|\{\{/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    out += source.slice(index, match.index);
    index = match.index + match[0].length;
    const line = lineAt(source, match.index);
    if (match[0] === '\\{{') {
      out += '{{';
      continue;
    }
    if (match[1] === undefined) throw new TemplateError('"{{" opens a placeholder that is never closed with "}}" (write \\{{ for a literal "{{")', line);
    const name = match[1].trim();
    const inFrontMatter = match.index < frontMatterEnd;
    if (name === 'frontMatter') {
      if (inFrontMatter)
        throw new TemplateError('{{frontMatter}} writes a whole front matter block, so it cannot stand inside the template’s own front matter', line);
      out += renderFrontMatter(context).replace(/\n/g, eol);
      continue;
    }
    if (!Object.hasOwn(values, name)) {
      throw new TemplateError(`unknown placeholder {{${name}}}; the placeholders are ${NOTE_PLACEHOLDERS.map((p) => p.name).join(', ')}`, line);
    }
    const value = values[name];
    out += inFrontMatter ? yamlValue(value, source[match.index - 1], source[index]) : bodyValue(name, value, context).replace(/\r?\n/g, eol);
  }
  out += source.slice(index);
  if (frontMatterEnd > 0) {
    const range = frontMatterRange(out);
    const document = range ? parseDocument(range.yaml) : null;
    const problem = document === null ? 'it has no closing "---" line' : document.errors[0]?.message;
    if (problem) throw new TemplateError(`the template's front matter is not valid YAML once filled in: ${problem.split('\n')[0]}`, 1);
  }
  return out;
}

/** A placeholder's value inside front matter: a YAML flow value, or string content when the template already quotes it. */
function yamlValue(value: Value, before: string | undefined, after: string | undefined): string {
  const text = Array.isArray(value) ? value.join(', ') : value === null ? '' : String(value);
  if (before === '"' && after === '"') return yamlString(text);
  if (before === "'" && after === "'") return singleLine(text).replace(/'/g, "''");
  if (Array.isArray(value)) return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  // JSON strings are valid YAML double-quoted scalars: colons, quotes, "---" and newlines stay text.
  return JSON.stringify(value);
}

function plainValue(value: Value): string {
  if (Array.isArray(value)) return value.join(', ');
  return value === null ? '' : String(value);
}

/** The paper's date as YYYY-MM-DD when its year is known, else ''. */
function isoDate(paper: Paper): string {
  const date = paper.date;
  if (!date || date.year === null) return '';
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Where a document's front matter is: its YAML text, the offset where that text starts (after the
 * opening fence's line), and the offset just past the closing fence's line. Null without front matter.
 */
export function frontMatterRange(text: string): { yaml: string; yamlStart: number; end: number } | null {
  const match = /^(\ufeff?---[ \t]*\r?\n)(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  return match ? { yaml: match[2] ?? '', yamlStart: match[1].length, end: match[0].length } : null;
}

/**
 * The front matter of a markdown document as a plain object: null when the document has none, or
 * when it does not parse as a YAML mapping (a note is the user's file; a broken header is not ours to report).
 */
export function readFrontMatter(text: string): Record<string, unknown> | null {
  const range = frontMatterRange(text);
  if (!range) return null;
  // logLevel 'error': a template's own `{{key}}` reads as a mapping key, which the library would warn about on stderr.
  const document = parseDocument(range.yaml, { uniqueKeys: false, logLevel: 'error' });
  if (!isDocument(document) || document.errors.length > 0) return null;
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 20 });
  } catch (error) {
    // An alias bomb ("billion laughs") is refused by the yaml library: a header we do not read.
    if (error instanceof Error) return null;
    throw error;
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

/**
 * The citation key a note names in its front matter (`key: pasta`), when it is a valid pandoc
 * key; undefined otherwise (no front matter, no key, or not a key).
 */
export function readNoteKey(text: string): string | undefined {
  const key = readFrontMatter(text)?.key;
  const value = typeof key === 'number' && Number.isSafeInteger(key) ? String(key) : key;
  return typeof value === 'string' && PANDOC_KEY_PATTERN.test(value) ? value : undefined;
}

/**
 * True when `key` may be used as a note's file name (`<key>.md`): ASCII letters, digits and
 * `_ - . +`, not starting with a dot, no `..`. Pandoc allows `/` and `:` in keys, which must never
 * reach a path; Marginalia's own keys are letters and digits only.
 */
export function isSafeNoteName(key: string): boolean {
  return key.length <= 200 && /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(key) && !key.includes('..');
}

/**
 * `text` as a markdown blockquote: line endings normalised, white space at line ends and blank
 * lines at both ends removed, every line prefixed with "> " (blank lines inside with ">"). Cut at
 * QUOTE_MAX_CHARS. '' for text that is only white space.
 */
export function formatQuote(text: string): string {
  const capped = text.length > QUOTE_MAX_CHARS ? `${text.slice(0, QUOTE_MAX_CHARS)}…` : text;
  const lines = capped
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+$/, ''));
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  // Several blank lines in a row read as one paragraph break.
  const kept = lines.filter((line, i) => line.trim() !== '' || lines[i - 1]?.trim() !== '');
  return kept.map((line) => (line.trim() === '' ? '>' : `> ${line}`)).join('\n');
}

/**
 * What to insert at the end of a note whose text is `existing` to append `quote` (a formatQuote
 * result) as its own paragraph: a blank line before it, a line ending after it, in the note's own
 * line endings. Nothing of `existing` is changed; the quote is only ever added after it.
 */
export function quoteInsertion(existing: string, quote: string): string {
  const eol = eolOf(existing);
  const body = quote.replace(/\n/g, eol) + eol;
  if (existing === '') return body;
  if (existing.endsWith(eol + eol) || existing === eol) return body;
  if (existing.endsWith(eol)) return eol + body;
  return eol + eol + body;
}

/** The longest note excerpt the paper view shows. */
export const NOTE_EXCERPT_MAX_CHARS = 1200;

/**
 * The start of a note for a preview: the text after the front matter, without a leading heading
 * equal to the title and a leading blockquote of the abstract (both already on the paper view),
 * cut at a line boundary to at most `max` characters (with an ellipsis). '' when nothing is left:
 * the reader has not written anything yet.
 */
export function noteExcerpt(text: string, paper: Pick<Paper, 'title' | 'abstract'>, max = NOTE_EXCERPT_MAX_CHARS): string {
  const range = frontMatterRange(text);
  let lines = (range ? text.slice(range.end) : text.replace(/^\ufeff/, '')).replace(/\r\n?/g, '\n').split('\n');
  const skipBlank = () => {
    while (lines.length > 0 && lines[0].trim() === '') lines = lines.slice(1);
  };
  skipBlank();
  const heading = /^#\s+(.*?)\s*#*\s*$/.exec(lines[0] ?? '');
  const title = singleLine(paper.title).toLowerCase();
  const readableTitle = singleLine(readableMath(paper.title)).toLowerCase();
  // The template wrote the title readable and escaped (noteMarkdownText); a reader may have written it plain.
  if (heading && [title, noteMarkdownText(title), readableTitle, noteMarkdownText(readableTitle)].includes(singleLine(heading[1]).toLowerCase())) {
    lines = lines.slice(1);
    skipBlank();
  }
  let quoteEnd = 0;
  while (quoteEnd < lines.length && lines[quoteEnd].startsWith('>')) quoteEnd++;
  if (quoteEnd > 0) {
    const quoted = lines
      .slice(0, quoteEnd)
      .map((line) => line.replace(/^>\s?/, ''))
      .join(' ');
    const readableAbstract = readableMath(paper.abstract);
    const written = [
      paper.abstract,
      noteMarkdownText(withoutBidiControls(paper.abstract)),
      readableAbstract,
      noteMarkdownText(withoutBidiControls(readableAbstract)),
    ];
    if (written.some((abstract) => singleLine(quoted) === singleLine(abstract))) {
      lines = lines.slice(quoteEnd);
      skipBlank();
    }
  }
  // The default template's "## Notes" heading is not something the reader wrote; nor is a lone heading left at the end.
  if (/^#{1,6}\s+notes\s*#*\s*$/i.test(lines[0] ?? '')) {
    lines = lines.slice(1);
    skipBlank();
  }
  const rest = lines.join('\n').trimEnd();
  if (/^#{1,6}\s+[^\n]*$/.test(rest) && !rest.includes('\n')) return '';
  if (rest.length <= max) return rest;
  const cut = rest.slice(0, max);
  const newline = cut.lastIndexOf('\n');
  return `${(newline > max / 2 ? cut.slice(0, newline) : cut).trimEnd()}…`;
}
