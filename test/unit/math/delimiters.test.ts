import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_FORMULA_CHARS, splitMath, type MathSegment } from '../../../src/core/math/delimiters';

/** The segments as short strings: text as it is, math as ⟦tex⟧ (inline) or ⟦⟦tex⟧⟧ (display). */
function shape(text: string): string[] {
  return splitMath(text).map((segment) => (segment.kind === 'text' ? segment.text : segment.display ? `⟦⟦${segment.tex}⟧⟧` : `⟦${segment.tex}⟧`));
}

function joined(segments: MathSegment[]): string {
  return segments.map((segment) => (segment.kind === 'text' ? segment.text : segment.source)).join('');
}

describe('splitMath', () => {
  test('finds $...$ in a title from the seeds', () => {
    assert.deepEqual(shape('A Smooth Sea Never Made a Skilled $\\texttt{SAILOR}$: Robust Imitation'), [
      'A Smooth Sea Never Made a Skilled ',
      '⟦\\texttt{SAILOR}⟧',
      ': Robust Imitation',
    ]);
  });

  test('finds \\(...\\) and $$...$$', () => {
    assert.deepEqual(shape('on the \\(ABCD \\rightarrow D\\) task'), ['on the ', '⟦ABCD \\rightarrow D⟧', ' task']);
    assert.deepEqual(shape('we minimise $$\\sum_i x_i$$ here'), ['we minimise ', '⟦⟦\\sum_i x_i⟧⟧', ' here']);
  });

  test('keeps the source of each formula with its delimiters', () => {
    const [, math] = splitMath('cost $O(n^2)$ only');
    assert.deepEqual(math, { kind: 'math', tex: 'O(n^2)', display: false, source: '$O(n^2)$' });
  });

  test('a lone dollar is a price, not math', () => {
    assert.deepEqual(shape('the cost of human demonstrations (at $0.031 each), we show'), ['the cost of human demonstrations (at $0.031 each), we show']);
    assert.deepEqual(shape('between $5 and $10 per hour'), ['between $5 and $10 per hour']);
    assert.deepEqual(shape('it costs $5'), ['it costs $5']);
  });

  test('a price before a formula leaves the formula intact', () => {
    assert.deepEqual(shape('at $0.031 each we reach $\\alpha$ faster'), ['at $0.031 each we reach ', '⟦\\alpha⟧', ' faster']);
  });

  test('the closing $ needs a non-space before it and no digit after it', () => {
    assert.deepEqual(shape('from $ x$ to'), ['from $ x$ to']);
    assert.deepEqual(shape('from $x $ to'), ['from $x $ to']);
    assert.deepEqual(shape('pay $5 or 6$7 now'), ['pay $5 or 6$7 now']);
    assert.deepEqual(shape('$5$'), ['⟦5⟧']);
  });

  test('an escaped dollar neither opens nor closes math', () => {
    assert.deepEqual(shape('a \\$5 fee'), ['a \\$5 fee']);
    assert.deepEqual(shape('$a \\$ b$ end'), ['⟦a \\$ b⟧', ' end']);
  });

  test('empty, unclosed and over-long formulas stay text', () => {
    assert.deepEqual(shape('$$ $$ and $$'), ['$$ $$ and $$']);
    assert.deepEqual(shape('open \\( never closed'), ['open \\( never closed']);
    assert.deepEqual(shape('$$x'), ['$$x']);
    const long = `$${'x'.repeat(MAX_FORMULA_CHARS + 1)}$`;
    assert.deepEqual(shape(long), [long]);
  });

  test('no formula spans a blank line', () => {
    assert.deepEqual(shape('price $5\n\nand x$ here'), ['price $5\n\nand x$ here']);
    assert.deepEqual(shape('$a\nb$'), ['⟦a\nb⟧']);
  });

  test('joining the segments gives the text back, whatever it is', () => {
    for (const text of ['', 'plain', '$', '$$', '\\', '\\(', 'a $b$ c $$d$$ e \\(f\\) g', '$$$x$$$', '\\\\$x$', 'x$ $y', '$5 and $\\beta$ and \\$6']) {
      assert.equal(joined(splitMath(text)), text, text);
    }
  });

  test('text without math is one segment, and empty text none', () => {
    assert.deepEqual(splitMath('Attention Is All You Need'), [{ kind: 'text', text: 'Attention Is All You Need' }]);
    assert.deepEqual(splitMath(''), []);
  });
});
