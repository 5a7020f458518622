import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  DEFAULT_NOTE_TEMPLATE,
  NOTE_PLACEHOLDERS,
  TemplateError,
  formatQuote,
  isSafeNoteName,
  noteExcerpt,
  quoteInsertion,
  readFrontMatter,
  readNoteKey,
  renderFrontMatter,
  renderNote,
  type NoteContext,
} from '../../../src/core/notes/noteText';
import type { Paper } from '../../../src/core/types';

function paper(fields: Partial<Paper> = {}): Paper {
  return {
    key: 'pasta',
    aliases: [],
    title: 'PASTA: Pretrained Action-State Transformer Agents',
    abstract: 'Self-supervised learning has brought about a revolutionary paradigm shift.\nSee https://pasta.example.org and https://github.com/org/pasta.',
    authors: 7,
    submitter: null,
    date: { year: 2023, month: 7, day: 20 },
    upvotes: 12,
    links: ['https://github.com/org/pasta', 'https://pasta.example.org'],
    sources: [{ file: '/w/digests/a.txt', line: 3 }],
    ...fields,
  };
}

function context(fields: Partial<Paper> = {}, tags: string[] = ['rl', 'to-read']): NoteContext {
  return { paper: paper(fields), tags, today: '2025-01-02', sources: ['digests/a.txt'] };
}

/** The YAML between the fences of a rendered note. */
function frontMatterOf(note: string): Record<string, unknown> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(note);
  assert.ok(match, `no front matter in ${note.slice(0, 200)}`);
  return parse(match[1]) as Record<string, unknown>;
}

const HOSTILE_TITLES = [
  'Quotes "inside" and \'single\' ones',
  'Colons: everywhere: even: here',
  'A title\nwith a newline\n---\nkey: evil',
  '--- starts like a fence',
  '- looks like a list item',
  '# looks like a comment',
  '&anchor *alias !tag {flow} [seq] | > % @ `',
  'Backslash \\ and tab\there',
  'yes',
  '123',
  'null',
  'Ünïcödé ✓ titles 🚀',
];

describe('note template', () => {
  test('the default template writes front matter, the title, the abstract as a quote and a notes heading', () => {
    const note = renderNote(DEFAULT_NOTE_TEMPLATE, context());
    const data = frontMatterOf(note);
    assert.deepEqual(data, {
      key: 'pasta',
      title: 'PASTA: Pretrained Action-State Transformer Agents',
      aliases: ['PASTA: Pretrained Action-State Transformer Agents'],
      date: '2023-07-20',
      tags: ['rl', 'to-read'],
      url: 'https://pasta.example.org',
      links: ['https://github.com/org/pasta', 'https://pasta.example.org'],
      code: ['https://github.com/org/pasta'],
      source: 'digests/a.txt',
      created: '2025-01-02',
    });
    assert.ok(note.includes('\n# PASTA: Pretrained Action-State Transformer Agents\n'), note);
    assert.ok(note.includes('\n> Self-supervised learning has brought about a revolutionary paradigm shift.\n> See https://pasta.example.org'), note);
    assert.ok(note.endsWith('\n## Notes\n\n'), JSON.stringify(note.slice(-40)));
    assert.equal(readNoteKey(note), 'pasta');
  });

  test('empty fields are left out of the generated front matter', () => {
    const data = frontMatterOf(renderNote(DEFAULT_NOTE_TEMPLATE, { ...context({ date: { year: null, month: 3, day: 6 }, links: [] }, []), sources: [] }));
    assert.deepEqual(Object.keys(data), ['key', 'title', 'aliases', 'tags', 'created']);
    assert.deepEqual(data.tags, []);
  });

  for (const title of HOSTILE_TITLES) {
    test(`a hostile title stays one YAML string: ${JSON.stringify(title)}`, () => {
      const expected = title.replace(/\s+/g, ' ').trim();
      const generated = frontMatterOf(renderNote(DEFAULT_NOTE_TEMPLATE, context({ title })));
      assert.equal(generated.title, expected);
      assert.equal(generated.key, 'pasta');
      // The same through a template that places the title itself, bare or quoted.
      for (const line of ['title: {{title}}', 'title: "{{title}}"', "title: '{{title}}'"]) {
        const note = renderNote(`---\nkey: {{key}}\n${line}\ntags: {{tags}}\n---\n\n# {{title}}\n`, context({ title }));
        const data = frontMatterOf(note);
        assert.equal(data.title, expected, line);
        assert.equal(data.key, 'pasta', line);
        assert.deepEqual(data.tags, ['rl', 'to-read'], line);
        assert.equal(readNoteKey(note), 'pasta', line);
      }
    });
  }

  test('every documented placeholder renders in the body', () => {
    const template = NOTE_PLACEHOLDERS.filter((p) => p.name !== 'frontMatter')
      .map((p) => `${p.name}=<{{ ${p.name} }}>`)
      .join('\n');
    const note = renderNote(template, context());
    const expected = [
      'key=<pasta>',
      'citation=<[@pasta]>',
      'title=<PASTA: Pretrained Action-State Transformer Agents>',
      'date=<2023-07-20>',
      'year=<2023>',
      'authors=<7>',
      'submitter=<>',
      'upvotes=<12>',
      'url=<https://pasta.example.org>',
      'links=<https://github.com/org/pasta, https://pasta.example.org>',
      'code=<https://github.com/org/pasta>',
      'tags=<rl, to-read>',
      'source=<digests/a.txt>',
      'sources=<digests/a.txt>',
      'today=<2025-01-02>',
    ];
    for (const line of expected) assert.ok(note.includes(line), `${line} in\n${note}`);
    assert.ok(note.includes('abstractQuote=<> Self-supervised'), note);
  });

  test('placeholders in front matter become YAML values of their type', () => {
    const note = renderNote('---\nyear: {{year}}\nsubmitter: {{submitter}}\nlinks: {{links}}\nurl: {{url}}\n---\n', context());
    assert.deepEqual(frontMatterOf(note), {
      year: 2023,
      submitter: null,
      links: ['https://github.com/org/pasta', 'https://pasta.example.org'],
      url: 'https://pasta.example.org',
    });
  });

  test('a template keeps its CRLF line endings, also in the generated front matter', () => {
    const note = renderNote(DEFAULT_NOTE_TEMPLATE.replace(/\n/g, '\r\n'), context());
    assert.ok(!/[^\r]\n/.test(note), JSON.stringify(note.slice(0, 120)));
    assert.equal(readNoteKey(note), 'pasta');
  });

  test('\\{{ writes a literal {{', () => {
    assert.equal(renderNote('a \\{{key}} b {{key}}', context()), 'a {{key}} b pasta');
  });

  test('mistakes are TemplateErrors that name the line', () => {
    const cases: [string, RegExp, number][] = [
      ['line one\n{{nope}}', /unknown placeholder \{\{nope\}\}; the placeholders are key, citation/, 2],
      ['one\ntwo\n{{title', /never closed/, 3],
      ['---\n{{frontMatter}}\n---\n', /cannot stand inside/, 2],
      ['---\ntitle: {{title}}\n  bad: indentation: here\n---\n', /front matter is not valid YAML/, 1],
    ];
    for (const [template, message, line] of cases) {
      assert.throws(
        () => renderNote(template, context()),
        (error: unknown) => {
          assert.ok(error instanceof TemplateError, String(error));
          assert.match(error.message, message);
          assert.equal(error.line, line, template);
          return true;
        },
      );
    }
  });

  test('renderFrontMatter keeps a 300-character title on one line', () => {
    const title = `${'Very long title words '.repeat(15)}end`;
    const block = renderFrontMatter(context({ title }));
    assert.equal(block.split('\n').filter((line) => line.startsWith('title:')).length, 1);
    assert.equal(frontMatterOf(`${block}\n`).title, title.replace(/\s+/g, ' ').trim());
  });
});

describe('note front matter', () => {
  test('readNoteKey finds the key of a note, whatever else the front matter holds', () => {
    assert.equal(readNoteKey('---\nkey: genie2024\ntitle: "Genie: x"\n---\n# Genie\n'), 'genie2024');
    assert.equal(readNoteKey('\ufeff---\r\nkey: vpt\r\n---\r\nbody'), 'vpt');
    assert.equal(readNoteKey('---\ntitle: t\nkey: "pasta"\n...\n'), 'pasta');
    assert.equal(readNoteKey('---\nkey: 2024\n---\n'), '2024');
  });

  test('readNoteKey says nothing for notes without a usable key', () => {
    for (const text of [
      '',
      '# No front matter\nkey: pasta\n',
      '---\ntitle: no key\n---\n',
      '---\nkey: [a, b]\n---\n',
      '---\nkey: "two words"\n---\n',
      '---\nkey: pasta\n', // never closed
      '---\nkey: pasta\nother: [unclosed\n---\n',
      'text\n---\nkey: pasta\n---\n', // not at the start
      '---\n- a list\n---\n',
    ]) {
      assert.equal(readNoteKey(text), undefined, JSON.stringify(text));
    }
  });

  test('an alias bomb does not hang or expand', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    assert.equal(readFrontMatter(`---\n${bomb}\nkey: pasta\n---\n`), null);
  });

  test('empty front matter has nothing to read', () => {
    assert.deepEqual(readFrontMatter('---\n---\nbody'), null);
    assert.deepEqual(readFrontMatter('---\n\n---\nbody'), null);
    assert.deepEqual(readFrontMatter('---\na: 1\n---\n'), { a: 1 });
  });

  test('isSafeNoteName accepts Marginalia keys and refuses anything that could leave the folder', () => {
    for (const key of ['pasta', 'dynamo2024', 'thoughtCloning', 'pastaa', 'a_b-c.d+e']) assert.ok(isSafeNoteName(key), key);
    for (const key of ['', '../x', 'a/b', 'a\\b', 'a:b', '.hidden', 'a..b', 'con<x>', 'x'.repeat(201), 'über']) assert.ok(!isSafeNoteName(key), key);
  });
});

describe('quotes', () => {
  test('formatQuote prefixes every line and keeps paragraph breaks', () => {
    assert.equal(formatQuote('  one line  '), '>   one line');
    assert.equal(formatQuote('\r\nfirst\r\n\r\n\r\nsecond  \n\n'), '> first\n>\n> second');
    assert.equal(formatQuote('---\n# not a heading'), '> ---\n> # not a heading');
    assert.equal(formatQuote(' \n\t\n'), '');
  });

  test('formatQuote caps huge selections', () => {
    const quote = formatQuote('x'.repeat(50_000));
    assert.ok(quote.length < 20_010 && quote.endsWith('…'));
  });

  test('quoteInsertion adds the quote as its own paragraph and never touches what is there', () => {
    assert.equal(quoteInsertion('', '> q'), '> q\n');
    assert.equal(quoteInsertion('text', '> q'), '\n\n> q\n');
    assert.equal(quoteInsertion('text\n', '> q'), '\n> q\n');
    assert.equal(quoteInsertion('text\n\n', '> q'), '> q\n');
    assert.equal(quoteInsertion('a\r\nb', '> q\n> r'), '\r\n\r\n> q\r\n> r\r\n');
  });
});

describe('note excerpt', () => {
  const p = paper();

  test('a fresh note from the default template has nothing of the reader yet', () => {
    assert.equal(noteExcerpt(renderNote(DEFAULT_NOTE_TEMPLATE, context()), p), '');
  });

  test('the reader’s text follows, without the front matter, title and abstract', () => {
    const note = `${renderNote(DEFAULT_NOTE_TEMPLATE, context())}Great results on **Atari**.\n\n> a quote\n`;
    assert.equal(noteExcerpt(note, p), 'Great results on **Atari**.\n\n> a quote');
    assert.equal(noteExcerpt('# Other heading\n\n## Method\nmine', p), '# Other heading\n\n## Method\nmine');
  });

  test('long notes are cut at a line with an ellipsis', () => {
    const note = Array.from({ length: 100 }, (_, i) => `line ${i} of my notes`).join('\n');
    const excerpt = noteExcerpt(note, p, 200);
    assert.ok(excerpt.length <= 201 && excerpt.endsWith('…'), excerpt);
    assert.ok(excerpt.startsWith('line 0 of my notes\nline 1'));
  });
});
