// Math as a person sees it: LaTeX in titles reads as text in the Papers tree and its tooltip
// (`$\texttt{SAILOR}$` as SAILOR), and is typeset by KaTeX in the paper view, with KaTeX's fonts
// loaded under the page's CSP; a price stays a price and a broken formula shows as its source.
// Screenshots in Light and Dark Modern.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { clickPaper, dismissHover, hoverRow, paperFrame, paperRow, papersTree, setColorTheme, setSidebarWidth, showPapers, treeRows } from './marginalia.mjs';
import { screenshot } from './ui.mjs';
import { useWorkbenches } from '../support/workbench.mjs';

/** The titles of test/fixtures/math/digests/math-digest.txt as the tree shows them. */
const SAILOR = 'A Smooth Sea Never Made a Skilled SAILOR: Robust Imitation via Learning to Search';
const ALPHA = 'α-Divergence Sampling Is All You Need for O(n log n) Transformers';

/** What the paper view shows of its math, read from its DOM. */
interface MathView {
  /** The title as a reader sees it: KaTeX's visible output, without its MathML for screen readers. */
  titleShown: string;
  titleFormulas: number;
  abstractShown: string;
  abstractFormulas: number;
  displayFormulas: number;
  errors: { text: string; title: string }[];
  /** KaTeX's fonts the page has loaded (a font-src the CSP refused would leave none). */
  loadedFonts: string[];
}

function readMath(frame: Frame): Promise<MathView> {
  return frame.evaluate(async () => {
    await document.fonts.ready;
    // No named function in here (see marginalia.mts): the two texts are read in one anonymous map.
    const [titleShown, abstractShown] = ['#paper-title', '.abstract'].map((selector) => {
      const copy = document.querySelector(selector)?.cloneNode(true) as HTMLElement | undefined;
      if (!copy) return '';
      for (const hidden of copy.querySelectorAll('.katex-mathml')) hidden.remove();
      return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
    });
    return {
      titleShown,
      titleFormulas: document.querySelectorAll('#paper-title .katex').length,
      abstractShown,
      abstractFormulas: document.querySelectorAll('.abstract .katex').length,
      displayFormulas: document.querySelectorAll('.abstract .katex-display').length,
      errors: [...document.querySelectorAll<HTMLElement>('.math-error')].map((element) => ({ text: element.textContent ?? '', title: element.title })),
      loadedFonts: [...document.fonts].filter((font) => font.family.startsWith('KaTeX') && font.status === 'loaded').map((font) => font.family),
    };
  });
}

describe('Math in titles and abstracts', { timeout: 300_000 }, () => {
  const workbenches = useWorkbenches('math');

  it('reads as text in the tree, is typeset by KaTeX in the paper view, in Light and Dark Modern', async () => {
    const window = await workbenches.open('math');
    const { page } = window;
    await showPapers(page);
    // Wide enough for the whole readable title to show in the tree.
    await setSidebarWidth(page, 540);
    // The only digest's group is expanded from the start.
    await paperRow(page, SAILOR).waitFor();
    const labels = (await treeRows(page)).filter((row) => row.level === 2).map((row) => row.label);
    assert.deepEqual(labels.sort(), [ALPHA, SAILOR].sort());

    // The tooltip reads as the tree does, abstract included.
    const tooltip = await hoverRow(page, paperRow(page, SAILOR), 'search steps');
    const tooltipText = await tooltip.innerText();
    assert.match(tooltipText, /Skilled SAILOR: Robust/);
    assert.match(tooltipText, /Reduction to O\(n²\) search steps: we train a policy on ℝᵈ states/);
    assert.match(tooltipText, /at \$0\.031 per demonstration/);
    assert.doesNotMatch(tooltipText, /\\texttt|\\mathbb/);
    await screenshot(page, 'math-1-tree-tooltip-light');
    await dismissHover(page);

    await clickPaper(page, SAILOR);
    const frame = await paperFrame(page, 'A Smooth Sea Never Made a Skilled');
    await frame.locator('#paper-title .katex').waitFor();
    const light = await readMath(frame);
    assert.equal(light.titleShown, SAILOR);
    assert.equal(light.titleFormulas, 1);
    assert.doesNotMatch(light.titleShown, /[$\\]/, 'no raw TeX in the title');
    // $O(n^2)$, $\mathbb{R}^d$, $\alpha$, the $$...$$ loss and \(ABCD \rightarrow D\); the prices stay text.
    assert.equal(light.abstractFormulas, 5);
    assert.equal(light.displayFormulas, 1);
    assert.match(light.abstractShown, /at \$0\.031 per demonstration, against \$5 for a human one\.$/);
    assert.doesNotMatch(light.abstractShown.replace(/\$0\.031|\$5/g, ''), /[$\\]/, 'no raw TeX in the abstract');
    assert.deepEqual(light.errors, []);
    for (const family of ['KaTeX_Main', 'KaTeX_Math', 'KaTeX_Typewriter'])
      assert.ok(light.loadedFonts.includes(family), `${family} loaded: ${light.loadedFonts.join(', ')}`);
    await screenshot(page, 'math-2-paper-view-light');

    try {
      await setColorTheme(page, 'Dark Modern');
      await frame.waitForFunction(() => document.body.dataset.vscodeThemeKind === 'vscode-dark');
      // KaTeX draws in the title's own colour: light on the dark page.
      const [formula, title] = await frame.evaluate(() => [
        getComputedStyle(document.querySelector('#paper-title .katex')!).color,
        getComputedStyle(document.querySelector('#paper-title')!).color,
      ]);
      assert.equal(formula, title);
      await screenshot(page, 'math-3-paper-view-dark');

      // The second paper: math in the title, and a formula KaTeX cannot read, shown as its source.
      await clickPaper(page, ALPHA);
      const second = await paperFrame(page, '-Divergence Sampling');
      await second.locator('.math-error').waitFor();
      const view = await readMath(second);
      assert.equal(view.titleShown, ALPHA.replace('O(n log n)', 'O(nlogn)'));
      assert.equal(view.titleFormulas, 2);
      assert.deepEqual(
        view.errors.map((error) => error.text),
        ['$\\frac{1}{$'],
      );
      assert.match(view.errors[0].title, /KaTeX parse error/);
      assert.match(view.abstractShown, /within 1\.5% of full attention when n≥104 tokens/);
      // LaTeX outside the formulas reads as its text here too.
      assert.match(view.abstractShown, /We show that sub-quadratic attention/);
      await screenshot(page, 'math-4-tree-and-error-dark');
    } finally {
      // The theme is a user setting, shared by the next windows of this server.
      await setColorTheme(page, 'Light Modern');
    }
    assert.ok(await papersTree(page).isVisible());
  });
});
