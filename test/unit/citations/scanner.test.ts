import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type CitationMention,
  type CitationSyntax,
  citationContextAt,
  citationSyntaxForFileName,
  citationSyntaxForLanguage,
  lineCommentToken,
  mentionAt,
  scanCitations,
} from '../../../src/core/citations/scanner';
import { PANDOC_KEY_PATTERN } from '../../../src/core/library/citationKey';

/** Pandoc's key pattern, with the runs of slashes after `:` or `/` it takes in a key so that URLs can be keys. */
const SCANNED_KEY_PATTERN = new RegExp(PANDOC_KEY_PATTERN.source.replace('(?:', '(?:[:/]\\/+[\\p{L}\\p{N}_]|'), 'u');

const MD: CitationSyntax = { kind: 'markdown' };
const TEX: CitationSyntax = { kind: 'latex' };
const TS = citationSyntaxForLanguage('typescript')!;
const PY = citationSyntaxForLanguage('python')!;

/** Keys in order. */
function keys(text: string, syntax: CitationSyntax = MD): string[] {
  return scanCitations(text, syntax).map((m) => m.key);
}

/** Every mention's range must cover exactly its key in the text: the property all callers rely on. */
function assertRangesExact(text: string, mentions: readonly CitationMention[]): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const m of mentions) {
    assert.equal(lines[m.line].slice(m.start, m.end), m.key, `range of ${m.key} at ${m.line}:${m.start}`);
  }
}

function scan(text: string, syntax: CitationSyntax = MD): CitationMention[] {
  const mentions = scanCitations(text, syntax);
  assertRangesExact(text, mentions);
  return mentions;
}

describe('scanCitations: markdown (pandoc)', () => {
  test('bracketed citations with several keys, locators and prefixes', () => {
    const text = 'As shown [@doe99; @smith2000] and [see @doe99, pp. 33-35; also @smith04, chap. 1].';
    const mentions = scan(text);
    assert.deepEqual(
      mentions.map((m) => [m.key, m.form]),
      [
        ['doe99', 'bracketed'],
        ['smith2000', 'bracketed'],
        ['doe99', 'bracketed'],
        ['smith04', 'bracketed'],
      ],
    );
    assert.deepEqual(mentions[0], { key: 'doe99', line: 0, start: 11, end: 16, form: 'bracketed', suppressAuthor: false });
  });

  test('[-@key] suppresses the author', () => {
    const [m] = scan('Smith says [-@smith04].');
    assert.equal(m.key, 'smith04');
    assert.equal(m.suppressAuthor, true);
    assert.equal(m.form, 'bracketed');
    assert.equal(m.start, 14);
  });

  test('in-text citations, with and without a locator', () => {
    const mentions = scan('@smith04 says so, and @doe99 [p. 33] agrees.\n(@pasta2023) too.');
    assert.deepEqual(
      mentions.map((m) => [m.key, m.form, m.line, m.start]),
      [
        ['smith04', 'bare', 0, 1],
        ['doe99', 'bare', 0, 23],
        ['pasta2023', 'bare', 1, 2],
      ],
    );
  });

  test('key grammar: internal punctuation is kept, trailing punctuation is not', () => {
    assert.deepEqual(keys('[@Doe:99.a-b+c?d<e>f~g/h#i$j%k&l] and @_x1.'), ['Doe:99.a-b+c?d<e>f~g/h#i$j%k&l', '_x1']);
    assert.deepEqual(keys("See @doe99. Then @doe99, @doe99; @doe99: @doe99's"), ['doe99', 'doe99', 'doe99', 'doe99', 'doe99']);
    assert.deepEqual(keys('[@a..b]'), ['a']);
    assert.deepEqual(keys('[@9lives]'), ['9lives']);
    assert.deepEqual(keys('[@http://example.org/x]'), ['http://example.org/x']);
    // Slashes only go on into more key (a random input found `@1//` giving the key `1/`).
    assert.deepEqual(keys('[@1//]'), ['1']);
    assert.deepEqual(keys('see @a//b.'), ['a//b']);
  });

  test("every key found matches pandoc's key pattern (or is braced)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('@', '[', ']', ';', ' ', '-', 'a', '1', '_', '.', ':', '/', '`', '\n', '\\', 'é', '{', '}') }), (text) => {
        const mentions = scan(text);
        for (const m of mentions) {
          const braced = text.split(/\r\n|\r|\n/)[m.line][m.start - 1] === '{';
          if (!braced) assert.match(m.key, SCANNED_KEY_PATTERN);
        }
      }),
    );
  });

  test('braced keys @{...}', () => {
    const [m] = scan('[@{https://doi.org/10.1000/xyz(1)}, p. 4]');
    assert.equal(m.key, 'https://doi.org/10.1000/xyz(1)');
    assert.equal(m.form, 'bracketed');
    assert.deepEqual(keys('[@{}] [@{a b}]'), []);
  });

  test('e-mail addresses, escaped @ and lone @ are no citations', () => {
    assert.deepEqual(keys('Mail jane.doe@example.org or me@x.y; \\@notakey, @ alone, @-x, a-@b, --@c'), []);
  });

  test('not inside code spans, fenced code, HTML comments, autolinks or link destinations', () => {
    const text = [
      'Use `[@inline]` or ``code with ` and @tick``.',
      '```python',
      '# [@fenced]',
      '```',
      '~~~~',
      '[@tilde]',
      '```',
      '~~~~',
      '<!-- [@hidden] -->',
      '<https://example.org/@handle> and [a link](https://x.org/@user) and [ref] x',
      '[ref]: https://example.org/@refdef',
      '[@real]',
    ].join('\n');
    assert.deepEqual(keys(text), ['real']);
    assert.equal(scan(text)[0].line, 11);
  });

  test('an unclosed fence hides the rest of the document; a fence inside a list item counts', () => {
    assert.deepEqual(keys('[@a]\n```\n[@b]\n'), ['a']);
    assert.deepEqual(keys('- item\n  ```\n  [@b]\n  ```\n[@c]'), ['c']);
    // Three backticks with a backtick in the info string open no fence (CommonMark).
    assert.deepEqual(keys('``` a`b\n[@d]'), ['d']);
  });

  test('a bracket with a part lacking a key, or a link, leaves its keys in-text', () => {
    const mentions = scan('[@doe99; no key here] [text @smith](http://x) ![alt @img](a.png) [@ok]');
    assert.deepEqual(
      mentions.map((m) => [m.key, m.form]),
      [
        ['doe99', 'bare'],
        ['smith', 'bare'],
        ['img', 'bare'],
        ['ok', 'bracketed'],
      ],
    );
  });

  test('brackets span lines of a paragraph, not paragraphs', () => {
    const multi = scan('[see\n@doe99, p. 3;\n  @smith04]');
    assert.deepEqual(
      multi.map((m) => [m.key, m.form, m.line]),
      [
        ['doe99', 'bracketed', 1],
        ['smith04', 'bracketed', 2],
      ],
    );
    const split = scan('[see @doe99\n\nmore]');
    assert.deepEqual(
      split.map((m) => m.form),
      ['bare'],
    );
  });

  test('CRLF, lone CR, a BOM and astral characters keep ranges exact', () => {
    const text = '\uFEFFline one\r\n\u{1F600} [@emoji2024]\rthird [@x]\r\n';
    const mentions = scan(text);
    assert.deepEqual(
      mentions.map((m) => [m.key, m.line, m.start]),
      [
        ['emoji2024', 1, 5],
        ['x', 2, 8],
      ],
    );
  });

  test('non-ASCII keys and text', () => {
    assert.deepEqual(keys('Über [@müller2020; @日本語]'), ['müller2020', '日本語']);
  });

  test('the three issue-4 backlink forms', () => {
    const text = 'A [@pasta2023] B [see @vpt2022, p. 3] C [@dinoWm2024; @thoughtCloning2023]';
    assert.deepEqual(
      scan(text).map((m) => [m.key, m.form]),
      [
        ['pasta2023', 'bracketed'],
        ['vpt2022', 'bracketed'],
        ['dinoWm2024', 'bracketed'],
        ['thoughtCloning2023', 'bracketed'],
      ],
    );
  });

  test('hostile input: deep brackets, long runs, unbalanced everything', () => {
    const deep = '['.repeat(5000) + '@k' + ']'.repeat(5000);
    assert.deepEqual(keys(deep), ['k']);
    assert.deepEqual(keys('x' + '`'.repeat(10000) + '@x'), ['x']);
    // A line starting with three or more backticks opens a fence (CommonMark), even a long one.
    assert.deepEqual(keys('`'.repeat(10000) + '@x'), []);
    assert.deepEqual(keys('<!-- [@a]'), []);
    assert.deepEqual(keys(']]]]@a[[[['), ['a']);
    assert.deepEqual(keys(''), []);
    // Inputs that would take quadratic time in a naive scanner (they finish at once here).
    assert.equal(keys(`[${'@a;'.repeat(50000)}@b]`).length, 50001);
    assert.deepEqual(keys('x `a ``b '.repeat(30000) + '@k'), ['k']);
    assert.deepEqual(keys('<'.repeat(100000) + '@k'), ['k']);
    const big = '[@a] '.repeat(20000);
    assert.equal(scan(big).length, 20000);
  });
});

describe('scanCitations: LaTeX', () => {
  test('the cite family, optional arguments, several keys, stars', () => {
    const text = [
      '\\cite{a} \\citep[p.~3]{b,c} \\citet[see][ch. 2]{ d , e }',
      '\\parencite{f} \\textcite*{g} \\autocite[4]{h} \\nocite{i} \\Textcite{j} \\citep*{k}',
    ].join('\n');
    const mentions = scan(text, TEX);
    assert.deepEqual(
      mentions.map((m) => m.key),
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'],
    );
    assert.ok(mentions.every((m) => m.form === 'latex'));
    assert.deepEqual(mentions[3], { key: 'd', line: 0, start: 47, end: 48, form: 'latex', suppressAuthor: false });
  });

  test('keys spanning lines, comments inside the list, \\nocite{*}', () => {
    const text = '\\cite{a,\n  b, % a comment, with {braces}\n  c}\n\\nocite{*}';
    assert.deepEqual(
      scan(text, TEX).map((m) => [m.key, m.line]),
      [
        ['a', 0],
        ['b', 1],
        ['c', 2],
      ],
    );
  });

  test('% comments, \\% and verbatim are respected', () => {
    const text = [
      '% \\cite{commented}',
      'Cost 5\\% \\cite{real} % \\cite{trailing}',
      '\\begin{verbatim}\\cite{verb}\\end{verbatim} \\verb|\\cite{v}| \\cite{after}',
    ].join('\n');
    assert.deepEqual(keys(text, TEX), ['real', 'after']);
  });

  test('other commands and malformed ones yield nothing', () => {
    assert.deepEqual(keys('\\citation{x} \\ref{y} \\cite \\cite{\\foo{z}} \\cite{', TEX), []);
    assert.deepEqual(keys('\\cite[unclosed{x}', TEX), []);
  });

  test('pandoc syntax is not read in LaTeX', () => {
    assert.deepEqual(keys('[@doe99]', TEX), []);
  });
});

describe('scanCitations: code comments', () => {
  test('TypeScript: line and block comments, bracketed only', () => {
    const text = [
      'const url = "http://x.org/[@notacomment]"; // [@pasta2023] PASTA (2023)',
      '/**',
      ' * Uses [see @vpt2022, p. 3; @dinoWm2024].',
      ' * @param x is no citation, nor is @doe99 bare',
      ' */',
      "const s = '// [@instring]'; const t = `[@template]`;",
      'function f(a) { return a; } // trailing [-@k1]',
      '[@code] // [@c2]',
    ].join('\n');
    const mentions = scan(text, TS);
    assert.deepEqual(
      mentions.map((m) => [m.key, m.line]),
      [
        ['pasta2023', 0],
        ['vpt2022', 2],
        ['dinoWm2024', 2],
        ['k1', 6],
        ['c2', 7],
      ],
    );
    assert.equal(mentions[0].start, 48);
  });

  test('Python: # comments and docstrings; strings are skipped', () => {
    const text = [
      'def f():',
      '    """Implements [@pasta2023]."""',
      '    s = "# [@notcomment]"',
      '    return 1  # [@vpt2022] Video PreTraining (2022)',
      "    t = '''[@doc2]'''",
      '    # email me@x.org [@k]',
    ].join('\n');
    assert.deepEqual(keys(text, PY), ['pasta2023', 'vpt2022', 'doc2', 'k']);
  });

  test('code spans inside a comment hide citations', () => {
    assert.deepEqual(keys('// write `[@key]` to cite, e.g. [@real]', TS), ['real']);
  });

  test('an unterminated block comment runs to the end', () => {
    assert.deepEqual(keys('/* [@a]\n[@b]', TS), ['a', 'b']);
  });
});

describe('citation syntax by language and file name', () => {
  test('languages', () => {
    assert.deepEqual(citationSyntaxForLanguage('markdown'), { kind: 'markdown' });
    assert.deepEqual(citationSyntaxForLanguage('latex'), { kind: 'latex' });
    assert.equal(citationSyntaxForLanguage('plaintext'), undefined);
    assert.equal(lineCommentToken('python'), '#');
    assert.equal(lineCommentToken('typescript'), '//');
    assert.equal(lineCommentToken('lua'), '--');
    assert.equal(lineCommentToken('markdown'), undefined);
  });

  test('file names', () => {
    assert.equal(citationSyntaxForFileName('notes/a.md')?.kind, 'markdown');
    assert.equal(citationSyntaxForFileName('paper/main.TEX')?.kind, 'latex');
    assert.equal(citationSyntaxForFileName('src\\x.py')?.kind, 'code');
    assert.equal(citationSyntaxForFileName('Makefile')?.kind, 'code');
    assert.equal(citationSyntaxForFileName('.bashrc'), undefined);
    assert.equal(citationSyntaxForFileName('data.bin'), undefined);
  });
});

describe('mentionAt', () => {
  test('finds the key under or just after the cursor', () => {
    const mentions = scan('x [@abc; @de]');
    assert.equal(mentionAt(mentions, 0, 4)?.key, 'abc');
    assert.equal(mentionAt(mentions, 0, 7)?.key, 'abc');
    assert.equal(mentionAt(mentions, 0, 8), undefined);
    assert.equal(mentionAt(mentions, 0, 11)?.key, 'de');
    assert.equal(mentionAt(mentions, 1, 0), undefined);
  });
});

describe('citationContextAt', () => {
  /** The context at the `|` in `text` (which is removed). */
  function at(text: string, syntax: CitationSyntax = MD) {
    const offset = text.indexOf('|');
    const clean = text.slice(0, offset) + text.slice(offset + 1);
    const before = clean.slice(0, offset).split('\n');
    return citationContextAt(clean, before.length - 1, before[before.length - 1].length, syntax);
  }

  test('markdown: after [@, after @ and ; inside brackets', () => {
    assert.deepEqual(at('See [@|'), { kind: 'pandoc', line: 0, start: 6, end: 6, prefix: '', needsAt: false, siblings: [] });
    assert.deepEqual(at('See [@pa|sta2023]'), { kind: 'pandoc', line: 0, start: 6, end: 15, prefix: 'pa', needsAt: false, siblings: [] });
    assert.deepEqual(at('[@a; @b|'), { kind: 'pandoc', line: 0, start: 6, end: 7, prefix: 'b', needsAt: false, siblings: ['a'] });
    assert.deepEqual(at('[@a;|'), { kind: 'pandoc', line: 0, start: 4, end: 4, prefix: '', needsAt: true, siblings: ['a'] });
    assert.deepEqual(at('[@a; th|'), { kind: 'pandoc', line: 0, start: 5, end: 7, prefix: 'th', needsAt: true, siblings: ['a'] });
    assert.equal(at('[see @|')?.prefix, '');
    assert.equal(at('[-@|')?.needsAt, false);
    assert.equal(at('line one\n[@x|')?.line, 1);
  });

  test('markdown: nowhere else', () => {
    assert.equal(at('@|'), undefined);
    assert.equal(at('mail me@|'), undefined);
    assert.equal(at('[@done] @|'), undefined);
    assert.equal(at('[a; |'), undefined);
    assert.equal(at('`[@|'), undefined);
    assert.equal(at('```\n[@|'), undefined);
    assert.notEqual(at('```\n```\n[@|'), undefined);
    assert.equal(at('[x@|'), undefined);
  });

  test('LaTeX: inside \\cite braces', () => {
    assert.deepEqual(at('\\cite{|}', TEX), { kind: 'latex', line: 0, start: 6, end: 6, prefix: '', needsAt: false, siblings: [] });
    assert.deepEqual(at('\\citep[p.~3]{a, b|c}', TEX), { kind: 'latex', line: 0, start: 16, end: 18, prefix: 'b', needsAt: false, siblings: ['a'] });
    assert.equal(at('\\textcite{x,|', TEX)?.prefix, '');
    assert.equal(at('\\ref{|}', TEX), undefined);
    assert.equal(at('% \\cite{|}', TEX), undefined);
    assert.equal(at('\\cite{a} |', TEX), undefined);
    assert.notEqual(at('5\\% \\cite{|', TEX), undefined);
  });

  test('code: only inside comments', () => {
    assert.equal(at('x = 1 // see [@pa|', TS)?.prefix, 'pa');
    assert.equal(at('x = "[@|"', TS), undefined);
    assert.equal(at('[@|', TS), undefined);
    assert.equal(at('/**\n * [@|', TS)?.prefix, '');
    assert.equal(at('x = 1  # [@|', PY)?.prefix, '');
    assert.equal(at('x = 1  # @|', PY), undefined);
  });
});
