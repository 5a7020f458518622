/** Pandoc citations as the markdown preview shows them: parsing the bracket, the citation's HTML, the reference list. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  citationLabel,
  parseCitationGroup,
  referenceId,
  renderCitationGroup,
  renderReferences,
  type PreviewPaper,
} from '../../../src/core/citations/previewCitations';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const PAPERS: Record<string, PreviewPaper> = {
  chi2023diffusion: {
    key: 'chi2023diffusion',
    title: 'Diffusion Policy: Visuomotor Policy Learning via Action Diffusion',
    label: 'Chi et al. 2023',
    year: '2023',
    details: 'Cheng Chi, Siyuan Feng. RSS. 2023',
    url: null,
  },
  vpt: {
    key: 'vpt',
    title: 'Video PreTraining <VPT> & "more"',
    label: 'Video PreTraining, 2022',
    year: '2022',
    details: '2022',
    url: 'https://arxiv.org/abs/2206.11795',
  },
};
const resolve = (key: string) => PAPERS[key];

describe('parseCitationGroup', () => {
  test('keys, prefixes, locators, several keys and -@key, as pandoc writes them', () => {
    assert.deepEqual(parseCitationGroup('@doe99'), [{ key: 'doe99', prefix: '', suffix: '', suppressAuthor: false }]);
    assert.deepEqual(parseCitationGroup('see @doe99, pp. 33-35; also @smith04, chap. 1'), [
      { key: 'doe99', prefix: 'see', suffix: 'pp. 33-35', suppressAuthor: false },
      { key: 'smith04', prefix: 'also', suffix: 'chap. 1', suppressAuthor: false },
    ]);
    assert.deepEqual(parseCitationGroup('-@Mueller:2021:LSTM p. 3'), [{ key: 'Mueller:2021:LSTM', prefix: '', suffix: 'p. 3', suppressAuthor: true }]);
    assert.deepEqual(parseCitationGroup('@{10.1000/xyz?}'), [{ key: '10.1000/xyz?', prefix: '', suffix: '', suppressAuthor: false }]);
    // A trailing full stop is not part of the key.
    assert.equal(parseCitationGroup('@doe99.')?.[0].key, 'doe99');
  });

  test('brackets that are no citation group: no key, an e-mail address, a part without a key', () => {
    for (const inner of ['just text', 'mail me at ann@example.org', '@doe99; no key here', 'x @a @b']) assert.equal(parseCitationGroup(inner), null, inner);
  });
});

describe('rendering', () => {
  test('a group links each known paper to its page (else its reference line) with its title as tooltip, and marks an unknown key', () => {
    const html = renderCitationGroup(parseCitationGroup('see @chi2023diffusion, p. 3; @vpt; @nobody2020')!, resolve, escape);
    assert.equal(
      html,
      '<span class="marginalia-citations">(see <a class="marginalia-citation" href="#marginalia-ref-chi2023diffusion" title="Diffusion Policy: Visuomotor Policy Learning via Action Diffusion" data-key="chi2023diffusion">Chi et al. 2023</a>, p. 3; ' +
        '<a class="marginalia-citation" href="https://arxiv.org/abs/2206.11795" title="Video PreTraining &lt;VPT&gt; &amp; &quot;more&quot;" data-key="vpt">Video PreTraining, 2022</a>; ' +
        '<span class="marginalia-citation marginalia-unknown" title="Unknown citation key nobody2020: no digest paper or .bib entry of the workspace has it.">@nobody2020?</span>)</span>',
    );
    assert.match(renderCitationGroup(parseCitationGroup('-@chi2023diffusion')!, resolve, escape), />2023<\/a>\)/);
  });

  test('the reference list: each paper once, in order, escaped, with details, link and key', () => {
    const html = renderReferences([PAPERS.vpt, PAPERS.chi2023diffusion], escape);
    assert.match(html, /^<section class="marginalia-references">\n<h2>References<\/h2>\n<ol>\n<li id="marginalia-ref-vpt">/);
    assert.ok(html.includes('Video PreTraining &lt;VPT&gt; &amp; &quot;more&quot;'));
    assert.ok(html.includes('<a href="https://arxiv.org/abs/2206.11795">'));
    assert.ok(html.indexOf('vpt') < html.indexOf('chi2023diffusion'));
    assert.equal(renderReferences([], escape), '');
    assert.match(renderReferences([{ ...PAPERS.vpt, shownKey: 'baker2022vpt' }], escape), /<code>baker2022vpt<\/code><\/li>/);
  });

  test('labels and anchors', () => {
    assert.equal(citationLabel('Diffusion Policy: Visuomotor Policy Learning', ['Cheng Chi', 'Siyuan Feng', 'Yilun Du'], 2023), 'Chi et al. 2023');
    assert.equal(citationLabel('T', ['Tony Z. Zhao', 'Vikash Kumar'], 2022), 'Zhao and Kumar 2022');
    assert.equal(citationLabel('Diffusion Policy: Visuomotor Policy Learning', [], 2023), 'Diffusion Policy, 2023');
    assert.equal(citationLabel('Diffusion Policy: Visuomotor Policy Learning', [], null), 'Diffusion Policy');
    assert.equal(referenceId('Mueller:2021:LSTM'), 'marginalia-ref-Mueller_3a_2021_3a_LSTM');
  });
});
