import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import {
  commandLink,
  iconLabelText,
  markdownLinkTarget,
  markdownText,
  noteMarkdownText,
  noteMarkdownUrl,
  notificationText,
  withoutBidiControls,
  yamlString,
} from '../../src/core/escaping';
import { DEFAULT_NOTE_TEMPLATE, renderNote } from '../../src/core/notes/noteText';
import { trimAtWord } from '../../src/core/text';
import type { Paper } from '../../src/core/types';
import { BIDI_CONTROLS, HOSTILE_CORPUS } from '../fixtures/hostile/corpus';

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

const HOSTILE = [...HOSTILE_CORPUS, 'Cost $(n \\log n)$ and $5'];
/** What a reader should see of `text`: the text itself, without the bidi controls every sink drops. */
const shown = (text: string) => withoutBidiControls(text);

describe('iconLabelText', () => {
  test('a label shows digest text as written, with no icon', () => {
    for (const text of HOSTILE) assert.equal(renderLabel(iconLabelText(text)), shown(text), text);
    for (const text of HOSTILE) assert.doesNotMatch(iconLabelText(text), BIDI_CONTROLS, text);
  });

  test('only icon references get a backslash: any other "$(" would show it', () => {
    assert.equal(iconLabelText('$(alert) $(sync~spin)'), '\\$(alert) \\$(sync~spin)');
    assert.equal(iconLabelText('$(n \\log n)$ costs $5'), '$(n \\log n)$ costs $5');
  });
});

describe('markdownText', () => {
  test('a MarkdownString shows digest text as written, with or without theme icons', () => {
    for (const themeIcons of [false, true]) {
      for (const text of HOSTILE) {
        assert.equal(
          renderMarkdown(markdownText(text, themeIcons), themeIcons),
          shown(text).replace(/\s+/g, ' ').trim(),
          `${text} (themeIcons: ${themeIcons})`,
        );
      }
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

describe('markdownText through marked, the renderer of MarkdownString', () => {
  test('every corpus entry renders as one paragraph of exactly its text: no element, no link, no image, no code', async () => {
    const { Marked } = await import('marked');
    const marked = new Marked({ gfm: true, async: false });
    for (const text of HOSTILE) {
      const html = marked.parse(markdownText(text, false), { async: false }).trim();
      assert.match(html, /^<p>[^<]*<\/p>$/, `${text}\n${html}`);
      assert.equal(htmlText(html), shown(text).replace(/\s+/g, ' ').trim(), text);
    }
  });
});

/** The text of an HTML fragment: tags dropped, the entities pandoc and marked write decoded. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Runs pandoc (from Debian; .ci/run installs it) on `markdown`; a missing pandoc fails the test with the command that installs it. */
function pandoc(markdown: string, from = 'markdown'): string {
  const result = spawnSync('pandoc', ['-f', from, '-t', 'html', '--wrap=none'], { input: markdown, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT')
    assert.fail('pandoc is not installed: apt-get install --no-install-recommends pandoc');
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** Elements that mean a piece of digest text was read as markup rather than shown. */
const MARKUP = /<(?!\/?p>)[a-z]/i;

describe('noteMarkdownText: a note body shows digest text as written', () => {
  test('in pandoc (no smart typography): each corpus entry is one paragraph of exactly its text', () => {
    const html = pandoc(HOSTILE.map(noteMarkdownText).join('\n\n'), 'markdown-smart');
    const paragraphs = [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((match) => match[1]);
    assert.equal(paragraphs.length, HOSTILE.length, html.slice(0, 2000));
    for (const [i, text] of HOSTILE.entries()) {
      assert.doesNotMatch(paragraphs[i], MARKUP, `${text}\n${paragraphs[i]}`);
      assert.equal(htmlText(paragraphs[i]), shown(text), text);
    }
  });

  test("in marked: CommonMark shows each entry as exactly its text; with GitHub's extensions the only element is a link to an http(s) URL of the text", async () => {
    const { Marked } = await import('marked');
    const commonMark = new Marked({ gfm: false, async: false });
    const github = new Marked({ gfm: true, async: false });
    for (const text of HOSTILE) {
      const html = commonMark.parse(noteMarkdownText(text), { async: false }).trim();
      assert.match(html, /^<p>[\s\S]*<\/p>$/, `${text}\n${html}`);
      assert.doesNotMatch(html.slice(3, -4), MARKUP, `${text}\n${html}`);
      assert.equal(htmlText(html.slice(3, -4)), shown(text), text);
      // Bare URLs become links (as VS Code's preview makes them with linkify): http(s) only, and only to a host the text names.
      const linked = github.parse(noteMarkdownText(text), { async: false }).trim();
      for (const [element, href] of [...linked.matchAll(/<([a-z]+)(?: href="([^"]*)")?/gi)].map((match) => [match[1], match[2]] as const)) {
        if (element === 'p') continue;
        assert.equal(element, 'a', `${text}\n${linked}`);
        const host = /^https?:\/\/([^/?#%]+)/.exec(href ?? '')?.[1];
        assert.ok(host !== undefined && shown(text).includes(`//${host}`), `${text}\n${linked}`);
      }
    }
  });

  test('line starts that would open a block stay text, and line breaks stay', () => {
    assert.equal(noteMarkdownText('a\n- b\n  1. c\n: d\n=== e'), 'a\n\\- b\n  1\\. c\n\\: d\n\\=== e');
    assert.equal(noteMarkdownText('mail a@b.org, cite @c'), 'mail a@b.org, cite \\@c');
  });
});

describe('noteMarkdownUrl', () => {
  test('a bare URL in a note stays one URL: nothing in it is markdown or pandoc syntax', () => {
    const url = noteMarkdownUrl('https://example.org/a_(b)/$x$/<c>/@d?e=*f*&g=`h`');
    assert.equal(url, 'https://example.org/a%5F%28b%29/%24x%24/%3Cc%3E/%40d?e=%2Af%2A&g=%60h%60');
    assert.equal(htmlText(pandoc(url)).trim(), url);
  });
});

describe('yamlString', () => {
  test("inside a template's double quotes, every corpus entry reads back as its text on one line", () => {
    for (const text of HOSTILE) {
      assert.deepEqual(parseYaml(`title: "${yamlString(text)}"`), { title: shown(text).replace(/\s+/g, ' ').trim() }, text);
    }
  });
});

describe('a note created from the default template', () => {
  const hostilePaper = (title: string): Paper => ({
    key: 'hostile2024',
    aliases: [],
    title,
    abstract: HOSTILE.join('\n'),
    authors: 3,
    submitter: '<b>submitter</b> $(zap)',
    date: { year: 2024, month: 3, day: 12 },
    upvotes: 5,
    links: ['https://example.org/ok'],
    sources: [{ file: '/w/d.txt', line: 3 }],
  });

  test('pandoc shows a hostile title and abstract as text: no raw <img>, <script>, <iframe>, link or image element', () => {
    for (const title of HOSTILE) {
      const note = renderNote(DEFAULT_NOTE_TEMPLATE, { paper: hostilePaper(title), tags: ['to-read'], today: '2024-03-13', sources: ['d.txt'] });
      const html = pandoc(note);
      assert.doesNotMatch(html, /<(img|script|iframe|a|code|math|sup|sub|del|table|li|dl|hr)\b/i, `${title}\n${html.slice(0, 3000)}`);
      assert.doesNotMatch(html, /class="math/, title);
      const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html);
      assert.ok(heading, html.slice(0, 500));
      // pandoc's smart typography may turn quotes and dashes into their typographic forms; nothing else changes.
      assert.equal(
        htmlText(heading[1])
          .replace(/[\u2018\u2019]/g, "'")
          .replace(/[\u201c\u201d]/g, '"')
          .replace(/\u2013/g, '--')
          .replace(/\u2014/g, '---'),
        shown(title).replace(/\s+/g, ' ').trim(),
        title,
      );
      // The front matter still reads back as the title.
      assert.equal((parseYaml(note.split('\n---\n')[0].slice(4)) as { title: string }).title, shown(title).replace(/\s+/g, ' ').trim());
    }
  });
});

describe('notificationText', () => {
  test('no corpus entry keeps a [label](target) link, which a notification would render', () => {
    for (const text of HOSTILE) assert.doesNotMatch(notificationText(text), /\[[^\]]*\]\(/, text);
    assert.equal(notificationText('Run [this](command:x) now'), 'Run [this] (command:x) now');
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
