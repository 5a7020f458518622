/**
 * Digest text is hostile: a title or an abstract may hold markdown, HTML, LaTeX, bidi controls or
 * VS Code's theme icon syntax `$(name)`. Each place where digest text is shown or written (a sink)
 * escapes it with the one function here for that sink, so that the text is shown exactly and never
 * interpreted:
 *
 * | sink | function |
 * |---|---|
 * | quick pick label, description and detail; status bar text | iconLabelText |
 * | MarkdownString: hover, tree tooltip, completion documentation | markdownText |
 * | a link destination in a MarkdownString | markdownLinkTarget |
 * | a note's markdown body (CommonMark in VS Code's preview, pandoc's markdown) | noteMarkdownText, noteMarkdownUrl |
 * | YAML front matter | the `yaml` library's stringify, or yamlString inside a template's own quotes |
 * | a notification's message (showWarningMessage, ...) | notificationText |
 * | BibTeX | src/node/bib (citation-js) |
 *
 * The rules follow the renderers: a label renders `$(name)` (optionally `$(name~modifier)`) as an
 * icon unless a backslash comes first; a MarkdownString is rendered by marked, and when it supports
 * theme icons, the rendered HTML is then searched for the same `$(name)` pattern. Every sink drops
 * the bidi controls that reorder what a reader sees (withoutBidiControls).
 */

/** The theme icon references VS Code renders: `$(` + letters, digits or dashes + an optional `~modifier` + `)`. */
const THEME_ICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/** Every ASCII punctuation character that markdown (with GitHub's extensions), HTML or math could read as syntax. */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|<>&~:$]/g;

/**
 * Text for a label that renders theme icons: a quick pick item's label, description and detail, or
 * a status bar item's text. Every `$(name)` gets a backslash, which the label shows as nothing, so
 * the reference is shown as typed; a backslash already in front stays and is shown too. Any other
 * `$(` (`$(n \log n)`) is no icon reference and is left alone, since a backslash there would show.
 */
export function iconLabelText(text: string): string {
  return withoutBidiControls(text).replace(THEME_ICON, '\\$&');
}

/**
 * Text as markdown for a MarkdownString (a hover, a tree item's tooltip, a completion item's
 * documentation) that renders as exactly that text: white space runs become one space, and every
 * ASCII punctuation character markdown or HTML could read as syntax is backslash-escaped. Not
 * MarkdownString.appendText, which writes every space as `&nbsp;` so that a hover cannot wrap
 * between words and breaks lines inside them instead ("deep u / nderstanding").
 *
 * `themeIcons` is the MarkdownString's `supportThemeIcons`. Such a string looks for `$(name)` in
 * the HTML that marked made, after markdown's own escapes are gone, so an escaped `\$\(name\)`
 * would still become an icon: the reference first gets the backslash a label needs
 * (iconLabelText), and that backslash is then escaped for markdown like any other. Without theme
 * icons that backslash would be shown, so it is added only when `themeIcons` is true.
 */
export function markdownText(text: string, themeIcons: boolean): string {
  const collapsed = withoutBidiControls(text).replace(/\s+/g, ' ').trim();
  return (themeIcons ? iconLabelText(collapsed) : collapsed).replace(MARKDOWN_PUNCTUATION, '\\$&');
}

/**
 * An http(s) URL made safe as the destination of a markdown link: white space, parentheses, angle
 * brackets and the characters markdown reads as emphasis or code are percent-encoded, so that the
 * destination cannot end early (and, with the parentheses encoded, no `$(name)` is left to become
 * a theme icon).
 */
export function markdownLinkTarget(url: string): string {
  return url.replace(/[\s()<>\\[\]`*_]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * A `command:` URI that runs `command` with `argument` as its one argument, for a markdown link or
 * a DocumentLink: the argument list as JSON, percent-encoded, since VS Code decodes the query and
 * parses it as JSON.
 */
export function commandLink(command: string, argument: string): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([argument]))}`;
}

/** The bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` without the bidi controls that reorder what a reader sees ("Trojan Source": an override
 * makes `evil` read as `live`). Right-to-left letters keep their own direction; the marks U+200E
 * and U+200F, which only nudge neutral characters, are kept.
 */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/**
 * The characters that are syntax somewhere in CommonMark (VS Code's markdown preview), GitHub's
 * extensions or pandoc's markdown (math `$`, sub/superscript `~ ^`, attributes `{ }`, raw TeX `\`,
 * line blocks and tables `|`), and `@` where it would start a pandoc citation.
 */
const NOTE_MARKDOWN_SYNTAX = /[\\`*_{}[\]<>#$~^|&]|(?<![A-Za-z0-9])@/g;

/**
 * Digest text for a note's markdown body that renders as exactly that text in VS Code's preview and
 * in pandoc: HTML, links, images, code, math, emphasis, citations and entities are backslash-escaped
 * (ASCII punctuation, so both read the escape), and so is whatever would start a block at the start
 * of a line (a list, a definition, a setext underline). Line breaks are kept; bidi controls dropped.
 */
export function noteMarkdownText(text: string): string {
  return withoutBidiControls(text)
    .replace(NOTE_MARKDOWN_SYNTAX, '\\$&')
    .replace(/^([ \t]*)([-+=:])/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)([.)])/gm, '$1\\$2');
}

/**
 * An http(s) URL written bare in a note's body: percent-encoded where markdown or pandoc could read
 * it as syntax (a backslash would become part of the link that VS Code's preview makes of it), so
 * that it stays one URL and ends where it should.
 */
export function noteMarkdownUrl(url: string): string {
  return withoutBidiControls(url).replace(
    /[\s()<>\\[\]`*_{}$~^|"']|(?<=[^A-Za-z0-9])@/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/**
 * Text for the inside of a double-quoted YAML string (a template's own `title: "{{title}}"`): one
 * line, JSON escapes (which YAML's double-quoted style reads the same), no bidi controls.
 */
export function yamlString(text: string): string {
  return JSON.stringify(withoutBidiControls(text).replace(/\s+/g, ' ').trim()).slice(1, -1);
}

/**
 * Digest text for a notification message, which VS Code renders as text except for links written
 * `[label](target)` (a `command:` target would run a command): the `](` of such a link is split, so
 * that it shows as typed. Bidi controls are dropped.
 */
export function notificationText(text: string): string {
  return withoutBidiControls(text).replace(/\]\s*\(/g, '] (');
}
