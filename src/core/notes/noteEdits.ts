/**
 * Where Marginalia writes in a note it did not just create, and where the reader starts writing:
 * the cursor's place in a new note (under the heading that holds the notes), and the one change
 * Marginalia makes to a note after creating it besides appending quotes: the front matter's
 * `tags:` value, following the paper's tags. Pure: offsets in, offsets out; the host applies them
 * through the editor or on disk.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import { frontMatterRange } from './noteText';

/** A replacement of `text.slice(start, end)` by `insert`, in UTF-16 offsets of the note's text. */
export interface TextChange {
  start: number;
  end: number;
  insert: string;
}

/** A heading that holds the reader's notes: "Notes", "My notes", "Notes:" at any level. */
const NOTES_HEADING = /^ {0,3}#{1,6}[ \t]+(?:my[ \t]+|reading[ \t]+)?notes:?[ \t]*#*[ \t]*$/i;
const ANY_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const FENCE = /^ {0,3}(```|~~~)/;

/**
 * The offset where the cursor goes in a note just created from `text`: under the first heading
 * named "Notes" (after the front matter, outside fenced code), on the line after the blank line
 * that follows it, or at the end of the first line of text the template put there (a "- " list
 * item, a prompt), or at the heading's end when another heading follows at once; without such a
 * heading, the end of the note.
 */
export function noteWritingOffset(text: string): number {
  const bodyStart = frontMatterRange(text)?.end ?? 0;
  const lines = splitLines(text, bodyStart);
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].text;
    if (FENCE.test(line)) fenced = !fenced;
    if (fenced || !NOTES_HEADING.test(line)) continue;
    const next = lines[i + 1];
    // Nothing under the heading, not even a line: the cursor ends the heading, for the reader's Enter.
    if (!next || ANY_HEADING.test(next.text)) return lines[i].end;
    // Text the template put under the heading: the cursor goes to its end, ready to continue it.
    const firstText = lines.slice(i + 1).find((candidate) => candidate.text.trim() !== '');
    if (firstText && !ANY_HEADING.test(firstText.text)) return firstText.end;
    // Only blank lines (up to the next heading or the end): keep one blank line under the heading.
    const after = lines[i + 2];
    if (next.text.trim() === '' && after && after.text.trim() === '') return after.start;
    return next.end;
  }
  return text.length;
}

interface Line {
  text: string;
  start: number;
  /** Offset of the line's end, before its line ending. */
  end: number;
}

function splitLines(text: string, from: number): Line[] {
  const lines: Line[] = [];
  let start = from;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const stop = newline === -1 ? text.length : newline;
    const end = stop > start && text[stop - 1] === '\r' ? stop - 1 : stop;
    lines.push({ text: text.slice(start, end), start, end });
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

/**
 * The change that makes the `tags:` field of a note's front matter list `tags` (the paper's tags
 * in the library), or null when nothing is to change: no front matter, front matter that does not
 * parse as a YAML mapping, no `tags` field (the reader's template or the reader left it out), or
 * a field that already lists the same tags (in any order). Only the field's value is replaced:
 * every other byte of the note, the front matter's other lines included, stays as it was. A block
 * list stays a block list (with its indentation), a flow list a flow list; an empty list is `[]`.
 */
export function frontMatterTagsChange(text: string, tags: readonly string[]): TextChange | null {
  const range = frontMatterRange(text);
  if (!range) return null;
  const document = parseDocument(range.yaml, { uniqueKeys: false, logLevel: 'error' });
  if (document.errors.length > 0 || !isMap(document.contents)) return null;
  const pair = document.contents.items.find((item) => isScalar(item.key) && item.key.value === 'tags');
  if (!pair || !isScalar(pair.key) || !pair.key.range) return null;
  const value = pair.value;
  const current = isSeq(value) ? value.items.map((item) => (isScalar(item) ? String(item.value) : null)) : isScalar(value) && value.value === null ? [] : null;
  if (current && !current.includes(null) && sameSet(current as string[], tags)) return null;
  // Offsets in the YAML text, then in the note.
  const yaml = range.yaml;
  const colon = yaml.indexOf(':', pair.key.range[1]);
  if (colon === -1) return null;
  const valueEnd = value && (value as { range?: [number, number, number] }).range ? (value as { range: [number, number, number] }).range[1] : colon + 1;
  const lineStart = yaml.lastIndexOf('\n', pair.key.range[0]) + 1;
  const keyIndent = pair.key.range[0] - lineStart;
  const items = tags.map(yamlItem);
  let insert: string;
  if (tags.length === 0) insert = ' []';
  else if (isSeq(value) && value.flow && value.items.length > 0) insert = ` [${items.join(', ')}]`;
  else {
    // A block list keeps the indentation of its first item; a new one is indented as Marginalia writes it.
    const eol = text.slice(0, range.end).includes('\r\n') ? '\r\n' : '\n';
    const firstItem = isSeq(value) && !value.flow && value.range ? value.range[0] : -1;
    const indent = firstItem >= 0 ? firstItem - (yaml.lastIndexOf('\n', firstItem) + 1) : keyIndent + 2;
    insert = items.map((item) => `${eol}${' '.repeat(indent)}- ${item}`).join('');
  }
  const start = range.yamlStart + colon + 1;
  const end = range.yamlStart + trimEndOffset(yaml, colon + 1, valueEnd);
  if (text.slice(start, end) === insert) return null;
  return { start, end, insert };
}

/** The end of `yaml.slice(from, to)` without its trailing white space and line endings (they stay the reader's). */
function trimEndOffset(yaml: string, from: number, to: number): number {
  let end = to;
  while (end > from && /\s/.test(yaml[end - 1])) end--;
  return end;
}

function yamlItem(tag: string): string {
  return stringify(tag).trimEnd();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** `change` applied to `text`. */
export function applyTextChange(text: string, change: TextChange): string {
  return text.slice(0, change.start) + change.insert + text.slice(change.end);
}
