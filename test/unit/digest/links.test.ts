import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { extractLinks, isCodeLink } from '../../../src/core/digest/links';

describe('extractLinks', () => {
  const cases: [string, string, string[]][] = [
    // The seeds' own cases.
    ['glued to the word before it', 'released to benefit future researchhttps://github.com/InternLM/OREAL.', ['https://github.com/InternLM/OREAL']],
    ['in brackets', 'See the project website (https://liruiw.github.io/gensim) for code, demos, and videos.', ['https://liruiw.github.io/gensim']],
    [
      'in angle brackets before a full stop',
      'can be found at <https://annaj2178.github.io/EnerverseAC.github.io>.',
      ['https://annaj2178.github.io/EnerverseAC.github.io'],
    ],
    ['a full stop after a path', 'Project website: https://robots-pretrain-robots.github.io/.', ['https://robots-pretrain-robots.github.io/']],
    ['a host only, then a full stop', 'Code is available at http://ditto.cs.uni-freiburg.de.', ['http://ditto.cs.uni-freiburg.de']],
    ['at the very end, no punctuation', 'Robot videos are best viewed at https://dynamo-ssl.github.io', ['https://dynamo-ssl.github.io']],
    // Punctuation and brackets around and inside.
    ['several, with duplicates, in order of first appearance', 'a https://x.io/a, b https://x.io/b; c https://x.io/a!', ['https://x.io/a', 'https://x.io/b']],
    ['after a colon with no space', 'Data:https://huggingface.co/datasets/org/data-v2; the rest', ['https://huggingface.co/datasets/org/data-v2']],
    ['in quotes', 'the "https://example.com/quoted" page', ['https://example.com/quoted']],
    ['in square brackets', 'see [https://example.com/x]', ['https://example.com/x']],
    ['as a markdown link', 'see [the code](https://github.com/a/b).', ['https://github.com/a/b']],
    [
      'balanced brackets belong to it',
      'the wiki https://en.wikipedia.org/wiki/Q-learning_(algorithm). ok',
      ['https://en.wikipedia.org/wiki/Q-learning_(algorithm)'],
    ],
    ['balanced brackets inside enclosing ones', '(see https://x.io/a_(b))', ['https://x.io/a_(b)']],
    ['a bracket then a comma', 'see https://x.io/a), then', ['https://x.io/a']],
    ['query and fragment', 'at https://example.com/path?query=1&b=2#frag.', ['https://example.com/path?query=1&b=2#frag']],
    ['a port', 'at https://localhost:8080/x.', ['https://localhost:8080/x']],
    ['a .git suffix', 'clone https://github.com/org/repo.git today', ['https://github.com/org/repo.git']],
    ['trailing emphasis marks', '*https://x.io/a* and _https://x.io/b_', ['https://x.io/a', 'https://x.io/b']],
    ['an ellipsis after it', 'more at https://sites.google.com/view/x… and', ['https://sites.google.com/view/x']],
    ['an em dash after it', 'see https://x.io/a—it is great', ['https://x.io/a']],
    ['CJK punctuation after it', '代码见https://github.com/a/b。下一句，https://x.io/c，完', ['https://github.com/a/b', 'https://x.io/c']],
    ['HTML around it', '<a href="https://x.io/a">x</a>', ['https://x.io/a']],
    // Not links.
    ['other schemes', 'ftp://example.com/x javascript:alert(1) mailto:a@b.c', []],
    ['a scheme with nothing after it', 'https:// and https://. and http://-', []],
    ['no scheme', 'learning-from-play.github.io and www.example.com', []],
    ['empty text', '', []],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => assert.deepEqual(extractLinks(text), expected));
  }

  test('never throws, and every link it returns is an http(s) URL with a host', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 40 }), (noise, path) => {
        for (const link of extractLinks(`${noise} https://x.io/${path} ${noise}`)) {
          assert.match(link, /^https?:\/\/[^\s]+$/i);
          assert.doesNotThrow(() => new URL(link));
        }
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  // Speed belongs in benchmarks; this checks that pathological input (what makes a backtracking
  // pattern blow up) still gives the right links.
  test('reads a megabyte of pathological URL-like text', () => {
    const text = [
      'https://x.io/' + '('.repeat(200_000),
      'https://x.io/' + ')'.repeat(200_000),
      'https://x.io/a' + '.'.repeat(200_000) + 'b',
      'https://a.b/'.repeat(50_000),
    ].join(' ');
    assert.deepEqual(extractLinks(text), [
      'https://x.io/' + '('.repeat(200_000),
      'https://x.io/',
      'https://x.io/a' + '.'.repeat(200_000) + 'b',
      'https://a.b/'.repeat(50_000),
    ]);
  });
});

describe('isCodeLink', () => {
  const code = [
    'https://github.com/InternLM/OREAL',
    'https://github.com/a/b/tree/main/src',
    'http://github.com/a/b',
    'https://www.github.com/a/b',
    'https://GitHub.com/a/b',
    'https://gist.github.com/user/0123abcd',
    'https://gitlab.com/group/sub/repo',
    'https://huggingface.co/org/model-7b',
    'https://huggingface.co/datasets/org/data',
    'https://huggingface.co/spaces/org/demo',
    'https://hf.co/org/model',
    'https://bitbucket.org/a/b',
    'https://codeberg.org/a/b',
  ];
  const other = [
    'https://github.com',
    'https://github.com/InternLM',
    'https://github.com/orgs/InternLM/repositories',
    'https://github.com/topics/robotics',
    'https://huggingface.co/papers/2401.00001',
    'https://huggingface.co/blog/some-post',
    'https://huggingface.co/docs/transformers',
    'https://liruiw.github.io/gensim',
    'https://sites.google.com/view/mamql',
    'https://arxiv.org/abs/2401.00001',
    'https://raw.githubusercontent.com/a/b/main/x',
    'https://github.com.evil.example/a/b',
    'not a url',
    '',
  ];
  for (const url of code) test(`${url} is code`, () => assert.equal(isCodeLink(url), true));
  for (const url of other) test(`${JSON.stringify(url)} is not code`, () => assert.equal(isCodeLink(url), false));
});
