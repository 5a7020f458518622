/**
 * Digest text is hostile: a title or an abstract may hold markdown, HTML or VS Code's theme icon
 * syntax `$(name)`. Each place where the host shows such text (a sink) escapes it with the one
 * function here for that sink, so that the text is shown exactly and never interpreted. The rules
 * follow VS Code's own renderers: a label renders `$(name)` (optionally `$(name~modifier)`) as an
 * icon unless a backslash comes first; a MarkdownString is rendered by marked, and when it supports
 * theme icons, the rendered HTML is then searched for the same `$(name)` pattern.
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
  return text.replace(THEME_ICON, '\\$&');
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
  const collapsed = text.replace(/\s+/g, ' ').trim();
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
