import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commandLink, iconLabelText, markdownLinkTarget, markdownText } from '../../src/core/escaping';
import { trimAtWord } from '../../src/core/text';

// Small models of what VS Code does with the text, so that the tests say what a person would see.
// A label (quick pick, status bar): `$(name)` becomes an icon unless a backslash comes first,
// which is then dropped. Icons come out as ⟨name⟩ here.
const ICON_IN_TEXT = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;
function renderLabel(text: string): string {
  return text.replace(ICON_IN_TEXT, (_match, escaped: string | undefined, name: string) => (escaped ? `$(${name})` : `⟨${name}⟩`));
}

// A MarkdownString: with theme icons, an escaped `\$(name)` first gets a second backslash; marked
// then undoes every backslash escape of ASCII punctuation; with theme icons, the result goes
// through the label's icon pass.
function renderMarkdown(markdown: string, themeIcons: boolean): string {
  const source = themeIcons ? markdown.replace(/\\\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g, (match) => `\\${match}`) : markdown;
  const text = source.replace(/\\([!-/:-@[-`{-~])/g, '$1');
  return themeIcons ? renderLabel(text) : text;
}

const HOSTILE = [
  'Plain title',
  'Beware $(alert) and $(sync~spin) icons',
  'Cost $(n \\log n)$ and $5',
  'Already escaped \\$(bug) here',
  '**bold** _it_ `code` <img src=x onerror=alert(1)> [link](javascript:alert(1)) # not a heading',
  '1. not a list | not a table ~~not struck~~ &amp; not an entity',
];

describe('iconLabelText', () => {
  test('a label shows digest text as written, with no icon', () => {
    for (const text of HOSTILE) assert.equal(renderLabel(iconLabelText(text)), text, text);
  });

  test('only icon references get a backslash: any other "$(" would show it', () => {
    assert.equal(iconLabelText('$(alert) $(sync~spin)'), '\\$(alert) \\$(sync~spin)');
    assert.equal(iconLabelText('$(n \\log n)$ costs $5'), '$(n \\log n)$ costs $5');
  });
});

describe('markdownText', () => {
  test('a MarkdownString shows digest text as written, with or without theme icons', () => {
    for (const themeIcons of [false, true]) {
      for (const text of HOSTILE) assert.equal(renderMarkdown(markdownText(text, themeIcons), themeIcons), text, `${text} (themeIcons: ${themeIcons})`);
    }
  });

  test('with theme icons an escaped "\\$\\(name\\)" is not enough: the icon pass runs after marked', () => {
    assert.equal(renderMarkdown('\\$\\(alert\\)', true), '⟨alert⟩');
    assert.equal(markdownText('$(alert)', true), '\\\\\\$\\(alert\\)');
    assert.equal(markdownText('$(alert)', false), '\\$\\(alert\\)');
  });

  test('white space runs become one space, so that the text wraps between words', () => {
    assert.equal(markdownText('  deep\n\n understanding\t of  ', false), 'deep understanding of');
  });
});

describe('markdownLinkTarget', () => {
  test('a destination cannot end early or hold markdown', () => {
    assert.equal(markdownLinkTarget('https://example.org/a (b)/<c>/[d]_*e*`f`'), 'https://example.org/a%20%28b%29/%3Cc%3E/%5Bd%5D%5F%2Ae%2A%60f%60');
    assert.equal(markdownLinkTarget('https://example.org/plain?q=1&r=2'), 'https://example.org/plain?q=1&r=2');
  });
});

describe('commandLink', () => {
  test('the argument list is JSON, percent-encoded', () => {
    const link = commandLink('marginalia.openPaper', 'key with "quotes" & $(icon)');
    assert.equal(link, `command:marginalia.openPaper?${encodeURIComponent('["key with \\"quotes\\" & $(icon)"]')}`);
    assert.doesNotMatch(link.slice('command:marginalia.openPaper?'.length), /[\s"$&]/);
    assert.deepEqual(JSON.parse(decodeURIComponent(link.split('?')[1])), ['key with "quotes" & $(icon)']);
  });
});

describe('trimAtWord', () => {
  test('short text is kept whole, on one line', () => {
    assert.equal(trimAtWord('  a\n short   text ', 40), 'a short text');
  });

  test('long text is cut at a word boundary, or mid-word when the last boundary is too early', () => {
    assert.equal(trimAtWord('one two three four five six', 16), 'one two three…');
    assert.equal(trimAtWord('one extraordinarilylongword', 16), 'one extraordinar…');
  });
});
