import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readableMath, readableText } from '../../../src/core/math/readable';

describe('readableMath', () => {
  test('the forms the seed digests carry', () => {
    assert.equal(
      readableMath('A Smooth Sea Never Made a Skilled $\\texttt{SAILOR}$: Robust Imitation'),
      'A Smooth Sea Never Made a Skilled SAILOR: Robust Imitation',
    );
    assert.equal(readableMath('4.52 on the CALVIN benchmark for \\(ABCD \\rightarrow D\\) task'), '4.52 on the CALVIN benchmark for ABCD → D task');
    assert.equal(readableMath('we introduce {\\em Convergent Actor-Critic by Humans} (COACH)'), 'we introduce Convergent Actor-Critic by Humans (COACH)');
    assert.equal(readableMath('(at $0.031 each), we show'), '(at $0.031 each), we show');
  });

  test('symbols become Unicode, in math and in text', () => {
    assert.equal(readableMath('$\\alpha$-divergence'), 'α-divergence');
    assert.equal(readableMath('$\\mathbb{R}^d$'), 'ℝᵈ');
    assert.equal(readableMath('$\\mathcal{O}(n \\log n)$'), '𝒪(n log n)');
    assert.equal(readableMath('$x \\leq y \\times z$'), 'x ≤ y × z');
    assert.equal(readableMath('\\alpha-blending'), 'α-blending');
    assert.equal(readableMath('$\\mathbb{Z}$, $\\mathbb{E}$'), 'ℤ, 𝔼');
  });

  test('superscripts and subscripts where Unicode has every character', () => {
    assert.equal(readableMath('$O(n^2)$'), 'O(n²)');
    assert.equal(readableMath('$x^{-1}$ and $x_{max}$'), 'x⁻¹ and xₘₐₓ');
    assert.equal(readableMath('$W^\\top$'), 'Wᵀ');
    assert.equal(readableMath('$\\sum_{i=1}^{N} x_i$'), '∑ᵢ₌₁ᴺ xᵢ');
    // No subscript d in Unicode, no superscript q: the mark stays, with the argument in parentheses.
    assert.equal(readableMath('$p_{data}$'), 'p_(data)');
    assert.equal(readableMath('$x^q$'), 'x^q');
    assert.equal(readableMath('$x_\\theta$'), 'x_θ');
  });

  test('text commands show their text', () => {
    assert.equal(readableMath('\\textbf{Bold} claims and \\emph{one} more'), 'Bold claims and one more');
    assert.equal(readableMath('$\\text{softmax}(x)$'), 'softmax(x)');
    assert.equal(readableMath('$\\frac{1}{2}$, $\\frac{a+b}{c}$, $\\sqrt{n}$, $\\sqrt{n+1}$'), '1/2, (a+b)/c, √n, √(n+1)');
    assert.equal(readableMath('$\\hat{y}$ and Na\\"ive'), 'ŷ and Naïve');
    assert.equal(readableMath('$\\left( x \\right)$'), '( x )');
    assert.equal(readableMath('50\\% fewer \\& faster'), '50% fewer & faster');
  });

  test('unknown commands show their argument, or their source', () => {
    assert.equal(readableMath('$\\foo{bar}$'), 'bar');
    assert.equal(readableMath('we propose \\ourapproach, a method'), 'we propose \\ourapproach, a method');
    assert.equal(readableMath('$\\baz$'), '\\baz');
  });

  test('outside math, braces, carets and underscores are plain text', () => {
    assert.equal(readableMath('x^2 and snake_case and {a, b}'), 'x^2 and snake_case and {a, b}');
    assert.equal(readableMath('a \\textbf{bold {nested} word} here'), 'a bold {nested} word here');
  });

  test('text without LaTeX comes back as it is', () => {
    for (const text of ['Attention Is All You Need', 'costs $5 and $10', '', '  two  spaces  ', 'line\nbreak']) assert.equal(readableMath(text), text);
  });

  test('broken TeX never throws and keeps its words', () => {
    for (const text of ['$\\frac{a$', '$\\sqrt$', '$x^$', '$}{$', '$\\textbf{unclosed$', '\\', '$\\left$', '$\\\\$']) {
      assert.equal(typeof readableMath(text), 'string', text);
    }
    assert.match(readableMath('$\\textbf{unclosed$'), /unclosed/);
  });
});

describe('readableText', () => {
  test('reads text-mode LaTeX only: no formula is looked for', () => {
    assert.equal(readableText('We show that \\textbf{sub-quadratic} attention {\\em works}'), 'We show that sub-quadratic attention works');
    assert.equal(readableText('costs $5 and x^2'), 'costs $5 and x^2');
    assert.equal(readableText('plain'), 'plain');
  });
});
