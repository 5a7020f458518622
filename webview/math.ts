/**
 * Math in the paper view: the LaTeX of titles and abstracts typeset with KaTeX. Where the formulas
 * are is decided by the core (splitMath, src/core/math/delimiters.ts); this module only typesets.
 *
 * KaTeX builds its output as DOM nodes (katex.render), never as an HTML string, so nothing it
 * produces is parsed as markup, and the sizes it sets go through the CSSOM (element.style), which the
 * page's CSP (no inline styles) allows. `trust: false` refuses \href, \url, \includegraphics and
 * the \html... commands; maxExpand and maxSize bound what a hostile macro can make. A formula KaTeX
 * cannot read is shown as its source, as written, with KaTeX's reason as a tooltip. LaTeX outside
 * the formulas (`\textbf{x}`, `{\em x}`) reads as its text (readableText), as it does in the tree.
 */
import katex from 'katex';
import { splitMath, type MathSegment } from '../src/core/math/delimiters.js';
import { readableText } from '../src/core/math/readable.js';

type Formula = Extract<MathSegment, { kind: 'math' }>;

const OPTIONS = {
  throwOnError: true,
  trust: false,
  strict: 'ignore',
  output: 'htmlAndMathml',
  maxExpand: 200,
  maxSize: 20,
} as const;

/** One formula, typeset; or its source, as text, when KaTeX cannot read it. */
export function renderFormula(formula: Formula): HTMLElement {
  const element = document.createElement('span');
  element.className = formula.display ? 'math math-display' : 'math math-inline';
  try {
    katex.render(formula.tex, element, { ...OPTIONS, displayMode: formula.display });
  } catch (error) {
    element.replaceChildren(document.createTextNode(formula.source));
    element.className = 'math math-error';
    element.title = error instanceof Error ? error.message : 'KaTeX could not read this formula.';
  }
  return element;
}

/** `text` as DOM: its formulas typeset, everything else as plain text nodes. */
export function renderMathText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const segment of splitMath(text))
    fragment.append(segment.kind === 'text' ? document.createTextNode(readableText(segment.text)) : renderFormula(segment));
  return fragment;
}

/**
 * Markdown with math: each formula is taken out before `render` (markdown would read its `_`, `*`
 * and `\` as syntax) and put back, typeset, into the text nodes of what `render` returns. The
 * placeholder is made of letters and digits only, which markdown and the sanitiser leave alone, and
 * never occurs in the text itself.
 */
export function renderMarkdownWithMath(text: string, render: (markdown: string) => DocumentFragment): DocumentFragment {
  const segments = splitMath(text);
  const formulas = segments.filter((segment): segment is Formula => segment.kind === 'math');
  if (formulas.length === 0) return readableTextNodes(render(text));
  let marker = 'mmath';
  while (text.includes(marker)) marker += Math.floor(Math.random() * 36).toString(36);
  let index = 0;
  const markdown = segments.map((segment) => (segment.kind === 'text' ? segment.text : `${marker}x${index++}x`)).join('');
  const fragment = render(markdown);
  const pattern = new RegExp(`${marker}x(\\d+)x`, 'g');
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node instanceof Text && node.data.includes(marker)) nodes.push(node);
  for (const node of nodes) {
    const parts = document.createDocumentFragment();
    let last = 0;
    for (const match of node.data.matchAll(pattern)) {
      parts.append(document.createTextNode(node.data.slice(last, match.index)));
      const formula = formulas[Number(match[1])];
      parts.append(formula ? renderFormula(formula) : document.createTextNode(match[0]));
      last = match.index + match[0].length;
    }
    parts.append(document.createTextNode(node.data.slice(last)));
    node.replaceWith(parts);
  }
  return readableTextNodes(fragment);
}

/** `fragment` with the text-mode LaTeX of its text nodes made readable; formulas (class `math`) are left alone. */
function readableTextNodes(fragment: DocumentFragment): DocumentFragment {
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node instanceof Text && node.data.includes('\\') && !node.parentElement?.closest('.math, code, pre')) nodes.push(node);
  }
  for (const node of nodes) node.data = readableText(node.data);
  return fragment;
}
