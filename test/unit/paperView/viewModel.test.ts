import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseDigest } from '../../../src/core/digest/parser';
import { LibraryRecords } from '../../../src/core/library/libraryFile';
import { mergeDigests } from '../../../src/core/library/merge';
import {
  ABSTRACT_MAX_CHARS,
  PANEL_TITLE_MAX_CHARS,
  buildPaperViewModel,
  capText,
  findSource,
  formatPaperDate,
  isLinkOfPaper,
  isSafeExternalUrl,
  panelTitle,
  paperMetadata,
  splitLinks,
} from '../../../src/core/paperView/viewModel';
import type { Paper } from '../../../src/core/types';
import { paperViewCsp } from '../../../src/core/paperView/contentSecurityPolicy';
import { parsePaperViewState, parseWebviewMessage } from '../../../src/protocol';
import { fixturesFolder, repoRoot, seedsFolder } from '../../support/paths';

const hostileDigests = path.join(fixturesFolder, 'hostile', 'digests');

/** A paper with defaults for every field not given. */
function paper(fields: Partial<Paper> = {}): Paper {
  return {
    key: 'paper2024',
    aliases: [],
    title: 'A Paper',
    abstract: 'An abstract.',
    authors: null,
    submitter: null,
    date: null,
    upvotes: null,
    links: [],
    sources: [{ file: '/ws/digests/a.txt', line: 3 }],
    ...fields,
  };
}

describe('formatPaperDate', () => {
  test('prints the date as digests do, with the year when known', () => {
    assert.equal(formatPaperDate({ year: 2021, month: 3, day: 30 }), 'Mar 30, 2021');
    assert.equal(formatPaperDate({ year: null, month: 3, day: 6 }), 'Mar 6');
    assert.equal(formatPaperDate({ year: 2024, month: 12, day: 1 }), 'Dec 1, 2024');
  });

  test('is empty for no date or an impossible month', () => {
    assert.equal(formatPaperDate(null), '');
    assert.equal(formatPaperDate({ year: 2024, month: 13, day: 1 }), '');
    assert.equal(formatPaperDate({ year: 2024, month: 0, day: 1 }), '');
  });
});

describe('paperMetadata', () => {
  test('date, authors and upvotes in order, with singular and plural', () => {
    assert.deepEqual(paperMetadata(paper({ date: { year: 2024, month: 9, day: 18 }, authors: 5, upvotes: 3 })), [
      { kind: 'date', text: 'Sep 18, 2024' },
      { kind: 'authors', text: '5 authors' },
      { kind: 'upvotes', text: '3 upvotes' },
    ]);
    assert.deepEqual(
      paperMetadata(paper({ authors: 1, upvotes: 1 })).map((part) => part.text),
      ['1 author', '1 upvote'],
    );
    assert.deepEqual(
      paperMetadata(paper({ upvotes: 0 })).map((part) => part.text),
      ['0 upvotes'],
    );
  });

  test('the submitter stands in for an unknown authors count', () => {
    assert.deepEqual(paperMetadata(paper({ submitter: ' OpenMOSS-Team OpenMOSS ' })), [{ kind: 'submitter', text: 'OpenMOSS-Team OpenMOSS' }]);
    assert.deepEqual(paperMetadata(paper({ authors: 2, submitter: 'Lab' })), [{ kind: 'authors', text: '2 authors' }]);
    assert.deepEqual(paperMetadata(paper({ submitter: '   ' })), []);
  });

  test('nothing known, nothing shown', () => {
    assert.deepEqual(paperMetadata(paper()), []);
  });
});

describe('splitLinks', () => {
  test('repositories go to code links, the rest to other links, each in order', () => {
    const links = [
      'https://dynamo-ssl.github.io',
      'https://github.com/vsahil/MIMETIC-2.git',
      'https://huggingface.co/datasets/x/y',
      'https://github.com/',
      'https://gitlab.com/group/project',
    ];
    assert.deepEqual(splitLinks(links), {
      codeLinks: ['https://github.com/vsahil/MIMETIC-2.git', 'https://huggingface.co/datasets/x/y', 'https://gitlab.com/group/project'],
      otherLinks: ['https://dynamo-ssl.github.io', 'https://github.com/'],
    });
    assert.deepEqual(splitLinks([]), { codeLinks: [], otherLinks: [] });
  });
});

describe('buildPaperViewModel', () => {
  test('over a real paper from the seeds: DynaMo, seen in all four digests', () => {
    const seeds = seedsFolder;
    const names = ['000_896f7befaa86139f.txt', '001_4527b1b50237e4c0.txt', '002_7de4789b7565d511.txt', '003_633ab4c5ca64d127.txt'];
    const digests = names.map((name) => parseDigest(readFileSync(path.join(seeds, name), 'utf8'), `/ws/seeds/${name}`));
    const dynamo = mergeDigests(digests, new LibraryRecords()).papers.find((p) => p.title.startsWith('DynaMo:'));
    assert.ok(dynamo);

    const model = buildPaperViewModel(dynamo, true, (file) => file.replace('/ws/', ''));
    assert.equal(model.paper, dynamo);
    assert.equal(model.preview, true);
    assert.deepEqual(model.codeLinks, []);
    assert.deepEqual(model.otherLinks, ['https://dynamo-ssl.github.io']);
    assert.deepEqual(
      model.sources.map((s) => `${s.label}:${s.line}`),
      ['seeds/000_896f7befaa86139f.txt:99', 'seeds/001_4527b1b50237e4c0.txt:73', 'seeds/002_7de4789b7565d511.txt:63', 'seeds/003_633ab4c5ca64d127.txt:59'],
    );
    assert.equal(model.sources[0].file, '/ws/seeds/000_896f7befaa86139f.txt');
    assert.deepEqual(
      paperMetadata(dynamo).map((part) => part.text),
      ['Sep 18, 2024', '5 authors', '3 upvotes'],
    );
  });

  test('links that are not http(s) are left out', () => {
    const model = buildPaperViewModel(
      paper({ links: ['javascript:alert(1)', 'https://github.com/a/b', 'file:///etc/passwd', 'https://x.io'] }),
      false,
      (file) => file,
    );
    assert.deepEqual(model.codeLinks, ['https://github.com/a/b']);
    assert.deepEqual(model.otherLinks, ['https://x.io']);
  });

  test('the model survives JSON, as postMessage sends it', () => {
    const model = buildPaperViewModel(paper({ links: ['https://github.com/a/b'] }), false, (file) => file);
    assert.deepEqual(JSON.parse(JSON.stringify(model)), model);
  });
});

describe('findSource', () => {
  const subject = paper({
    sources: [
      { file: '/ws/a.txt', line: 3 },
      { file: '/ws/b.txt', line: 10 },
    ],
  });

  test('finds a source of the paper by file and line', () => {
    assert.deepEqual(findSource(subject, '/ws/b.txt', 10), { file: '/ws/b.txt', line: 10 });
  });

  test('never anything else: another file, another line, a path that merely resolves to a source', () => {
    assert.equal(findSource(subject, '/etc/passwd', 1), undefined);
    assert.equal(findSource(subject, '/ws/a.txt', 4), undefined);
    assert.equal(findSource(subject, '/ws/x/../a.txt', 3), undefined);
    assert.equal(findSource(subject, '', 3), undefined);
  });
});

describe('isSafeExternalUrl', () => {
  test('accepts absolute http and https URLs', () => {
    for (const url of [
      'https://dynamo-ssl.github.io',
      'http://ditto.cs.uni-freiburg.de',
      'HTTPS://GitHub.com/a/b?x=1#y',
      'https://en.wikipedia.org/wiki/A_(b)',
    ]) {
      assert.equal(isSafeExternalUrl(url), true, url);
    }
  });

  test('refuses every other scheme, relative and malformed URLs', () => {
    const refused = [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' https://x.io',
      'java\nscript:alert(1)',
      'https://x.io/\njavascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'command:workbench.action.terminal.new',
      'vscode://file/etc/passwd',
      'vscode-webview://x',
      '//evil.example',
      '/relative',
      'https://',
      'https:///path',
      'mailto:a@b.c',
      '',
    ];
    for (const url of refused) assert.equal(isSafeExternalUrl(url), false, JSON.stringify(url));
  });
});

describe('isLinkOfPaper', () => {
  // The abstract of the hostile digest, plus links in every form marked renders.
  const abstract = [
    readFileSync(path.join(hostileDigests, 'hostile-digest.txt'), 'utf8'),
    'Code at https://github.com/a/b. Docs at www.example.net/docs, a query [q](https://example.org/s?a=1&amp;b=2)',
    'and a page [ü](https://example.org/über) and <https://example.org/auto>.',
  ].join(' ');
  const shown = paper({ abstract, links: ['https://huggingface.co/papers/1'] });

  test('every http(s) link the page renders from the abstract, and every paper link, may be opened', async () => {
    // marked is the webview's renderer, an ES module.
    const { Marked } = await import('marked');
    const html = new Marked({ gfm: true, async: false }).parse(abstract, { async: false });
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1].replace(/&amp;/g, '&')).filter(isSafeExternalUrl);
    assert.ok(hrefs.length >= 6, hrefs.join(' '));
    for (const href of hrefs) assert.equal(isLinkOfPaper(shown, href), true, href);
    assert.equal(isLinkOfPaper(shown, 'https://huggingface.co/papers/1'), true);
  });

  test("any other URL is refused, even one the paper's links start with or a javascript: one it holds", () => {
    for (const url of [
      'https://evil.example/',
      'https://github.com/a',
      'https://github.co',
      'https://huggingface.co/papers/12',
      'https://example.org/s?a=1&b=2&c=3',
      'javascript:alert(1)',
    ]) {
      assert.equal(isLinkOfPaper(shown, url), false, url);
    }
  });
});

describe('paperViewCsp', () => {
  test("allows the nonce script, the extension's styles and font, and nothing else: no images, frames or connections", () => {
    const csp = paperViewCsp('N0nce', 'vscode-resource:');
    const directives = new Map(csp.split('; ').map((part) => [part.split(' ')[0], part.split(' ').slice(1).join(' ')]));
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), "'nonce-N0nce'");
    assert.equal(directives.get('style-src'), 'vscode-resource:');
    assert.equal(directives.get('font-src'), 'vscode-resource:');
    for (const absent of ['img-src', 'connect-src', 'frame-src', 'media-src', 'object-src']) assert.equal(directives.has(absent), false, absent);
    assert.doesNotMatch(csp, /https:|data:|unsafe/);
  });

  test('the page renders no image: the webview code creates no img element', () => {
    const webview = path.join(repoRoot, 'webview');
    for (const file of readdirSync(webview).filter((name) => name.endsWith('.ts'))) {
      const code = readFileSync(path.join(webview, file), 'utf8');
      assert.doesNotMatch(code, /createElement\(\s*['"]img|el\(\s*['"]img|<img|new Image\(/, file);
    }
    assert.doesNotMatch(readFileSync(path.join(repoRoot, 'webview', 'paperView.ts'), 'utf8'), /ALLOWED_TAGS = \[[^\]]*'img'/);
  });
});

describe('panelTitle', () => {
  test('short titles stay as they are, with white space collapsed', () => {
    assert.equal(panelTitle('  DynaMo:\n In-Domain  Dynamics '), 'DynaMo: In-Domain Dynamics');
    assert.equal(panelTitle(''), 'Paper');
  });

  test('long titles are cut at a word boundary, with an ellipsis', () => {
    const title = 'Learning Lipschitz Feedback Policies from Expert Demonstrations: Closed-Loop Guarantees, Generalization and Robustness';
    const result = panelTitle(title);
    assert.ok(result.length <= PANEL_TITLE_MAX_CHARS, result);
    assert.equal(result, 'Learning Lipschitz Feedback Policies from Expert…');
  });

  test('a title without spaces is cut anyway', () => {
    const result = panelTitle('x'.repeat(500));
    assert.equal(result.length, PANEL_TITLE_MAX_CHARS);
    assert.ok(result.endsWith('…'));
  });
});

describe('capText', () => {
  test('leaves short text alone and cuts long text with an ellipsis', () => {
    assert.equal(capText('abc', 3), 'abc');
    assert.equal(capText('abcd', 3), 'abc…');
    assert.equal(capText('a'.repeat(ABSTRACT_MAX_CHARS * 5), ABSTRACT_MAX_CHARS).length, ABSTRACT_MAX_CHARS + 1);
  });

  test('does not split a surrogate pair', () => {
    assert.equal(capText('ab😀cd', 3), 'ab…');
  });
});

describe('parseWebviewMessage', () => {
  test('accepts each well-formed message and drops extra fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'pin', extra: 1 }), { type: 'pin' });
    assert.deepEqual(parseWebviewMessage({ type: 'openLink', url: 'https://x.io' }), { type: 'openLink', url: 'https://x.io' });
    assert.deepEqual(parseWebviewMessage({ type: 'revealInDigest', file: '/ws/a.txt', line: 3 }), { type: 'revealInDigest', file: '/ws/a.txt', line: 3 });
    assert.deepEqual(parseWebviewMessage({ type: 'copyKey', key: 'dynamo2024', html: '<b>' }), { type: 'copyKey', key: 'dynamo2024' });
  });

  test('refuses unknown types, missing or mistyped fields and oversized strings', () => {
    const refused: unknown[] = [
      null,
      undefined,
      'ready',
      [],
      {},
      { type: 'runCommand', command: 'x' },
      { type: 'toString' },
      { type: 'openLink' },
      { type: 'openLink', url: 42 },
      { type: 'openLink', url: `https://x.io/${'a'.repeat(10_000)}` },
      { type: 'revealInDigest', file: '/ws/a.txt' },
      { type: 'revealInDigest', file: '/ws/a.txt', line: 0 },
      { type: 'revealInDigest', file: '/ws/a.txt', line: 1.5 },
      { type: 'revealInDigest', file: '/ws/a.txt', line: '3' },
      { type: 'revealInDigest', file: ['/ws/a.txt'], line: 3 },
      { type: 'copyKey', key: null },
    ];
    for (const value of refused) assert.equal(parseWebviewMessage(value), undefined, JSON.stringify(value));
  });
});

describe('parsePaperViewState', () => {
  test('reads what the webview saved', () => {
    assert.deepEqual(parsePaperViewState({ key: 'dynamo2024', preview: true }), { key: 'dynamo2024', preview: true });
    assert.deepEqual(parsePaperViewState({ key: 'dynamo2024' }), { key: 'dynamo2024', preview: false });
  });

  test('anything else is no state', () => {
    for (const value of [undefined, null, 'dynamo2024', {}, { key: '' }, { key: 7 }, [{ key: 'a' }]]) {
      assert.equal(parsePaperViewState(value), undefined, JSON.stringify(value));
    }
  });
});
