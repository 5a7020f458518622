/**
 * The paper view's "Related papers" section: the papers search finds most related to the one shown,
 * with their scores and shared words; a click opens one (through the host, which checks the key).
 * Built with createElement and textContent only (titles are digest text), their math typeset by KaTeX (math.ts).
 */
import type { RelatedHostMessage, RelatedPaperItem, RelatedWebviewMessage } from '../src/protocol.js';
import { readableMath } from '../src/core/math/readable.js';
import { renderMathText } from './math.js';

/** This section posts its own messages only. */
type Post = (message: RelatedWebviewMessage) => void;

let current: { key: string; related: RelatedPaperItem[] } | undefined;

/** Remembers the related papers the host sent, and shows them if their paper is on the page. */
export function setRelated(message: RelatedHostMessage, root: HTMLElement, post: Post): void {
  current = { key: message.key, related: message.related };
  const page = root.querySelector('article.paper');
  const old = root.querySelector('.section-related');
  const section = relatedSection(message.key, post);
  if (old) old.replaceWith(...section);
  else if (page && page.getAttribute('data-key') === message.key) page.append(...section);
}

/** The section for the paper `key`, when its related papers are known (else nothing). */
export function relatedSection(key: string, post: Post): HTMLElement[] {
  if (!current || current.key !== key || current.related.length === 0) return [];
  const section = document.createElement('section');
  section.className = 'section section-related';
  section.setAttribute('aria-labelledby', 'related-heading');
  const heading = document.createElement('h2');
  heading.id = 'related-heading';
  heading.textContent = 'Related papers';
  const list = document.createElement('ol');
  list.className = 'related-list';
  current.related.forEach((item, index) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'related';
    button.dataset.focus = `related-${index}`;
    button.title = `Open "${readableMath(item.title)}" (${item.percent}% as related as the first)`;
    const title = document.createElement('span');
    title.className = 'related-title';
    title.append(renderMathText(item.title));
    const meta = document.createElement('span');
    meta.className = 'related-meta';
    meta.textContent = `${item.percent}%${item.shared.length > 0 ? ` · ${item.shared.join(', ')}` : ''}`;
    button.append(title, meta);
    button.addEventListener('click', () => post({ type: 'openPaper', key: item.key }));
    const entry = document.createElement('li');
    entry.append(button);
    list.append(entry);
  });
  section.append(heading, list);
  return [section];
}
