/**
 * The part of a note that search indexes: what the reader wrote, not what the note template copied
 * from the paper. Front matter (key, title, tags, dates) would make `title` or `created` match every
 * paper with a note, and the title heading and quoted abstract of the default template would count
 * the paper's own words twice, so creating a note would change its search rank and related papers.
 */

const FENCE = /^---[ \t]*$/;
const FRONT_MATTER_END = /^(---|\.\.\.)[ \t]*$/;
/** Headings the default template writes around the reader's text. */
const TEMPLATE_HEADINGS = new Set(['notes']);

/** Letters and digits only, lower-cased and single-spaced: what a comparison of wording needs. */
function wording(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

/**
 * `note` without its YAML front matter (a first line `---` up to the next `---` or `...` line; an
 * unclosed block is kept, as markdown renders it), without a heading that only repeats the paper's
 * title or a template heading ("Notes"), and without a blockquote that only repeats the whole
 * abstract. Everything else, quotes of parts of the abstract included, is kept as written.
 */
export function noteBodyForIndex(note: string, title: string, abstract: string): string {
  if (note === '') return '';
  const lines = note.replace(/^\uFEFF/, '').split(/\r?\n/);
  let start = 0;
  if (lines.length > 1 && FENCE.test(lines[0])) {
    const end = lines.findIndex((line, i) => i > 0 && FRONT_MATTER_END.test(line));
    if (end > 0) start = end + 1;
  }
  const titleWording = wording(title);
  const abstractWording = wording(abstract);
  const kept: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = wording(heading[1]);
      if ((text !== '' && text === titleWording) || TEMPLATE_HEADINGS.has(text)) continue;
    }
    if (/^ {0,3}>/.test(line)) {
      let end = i;
      while (end < lines.length && /^ {0,3}>/.test(lines[end])) end++;
      const quoted = lines.slice(i, end).map((quoteLine) => quoteLine.replace(/^ {0,3}>\s?/, ''));
      if (abstractWording !== '' && wording(quoted.join(' ')) === abstractWording) {
        i = end - 1;
        continue;
      }
      kept.push(...lines.slice(i, end));
      i = end - 1;
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n').trim();
}
