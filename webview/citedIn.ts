/**
 * The paper view's "Cited in" section: the workspace lines that cite the paper, markdown
 * mentions (the paper's backlinks) apart from code and LaTeX, each a button that opens the file at
 * that line; plus Insert Citation and Find Citations. Built with textContent only: line text is
 * the user's, file names are anyone's.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { CitedInEntry, CitedInHostMessage, CitedInWebviewMessage } from '../src/protocol.js';

/** This section posts its own messages only. */
type Post = (message: CitedInWebviewMessage) => void;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function icon(name: string): HTMLSpanElement {
  const span = el('span', `codicon codicon-${name}`);
  span.setAttribute('aria-hidden', 'true');
  return span;
}

function entryList(entries: readonly CitedInEntry[], post: Post, idPrefix: string): HTMLUListElement {
  const list = el('ul', 'cited-list');
  entries.forEach((entry, index) => {
    const slash = entry.label.lastIndexOf('/');
    const name = entry.label.slice(slash + 1);
    const folder = slash > 0 ? entry.label.slice(0, slash) : '';
    const button = el('button', 'cited');
    button.type = 'button';
    button.title = `Open ${entry.label} at line ${entry.line}`;
    button.setAttribute('aria-label', `Open ${entry.label}, line ${entry.line}: ${entry.text}`);
    button.dataset.focus = `${idPrefix}-${index}`;
    const head = el('span', 'cited-head');
    head.append(
      icon(entry.kind === 'markdown' ? 'markdown' : entry.kind === 'latex' ? 'file-text' : 'file-code'),
      el('span', 'cited-name', name),
      el('span', 'cited-line', `:${entry.line}`),
    );
    if (folder) head.append(el('span', 'cited-folder', folder));
    button.append(head, el('code', 'cited-text', entry.text));
    button.addEventListener('click', () => post({ type: 'openCitation', file: entry.file, line: entry.line }));
    const item = el('li');
    item.append(button);
    list.append(item);
  });
  return list;
}

function actionButton(label: string, iconName: string, focus: string, onClick: () => void): HTMLElement {
  const button = document.createElement('vscode-button');
  button.secondary = true;
  button.icon = iconName;
  button.textContent = label;
  button.dataset.focus = focus;
  button.addEventListener('click', onClick);
  return button;
}

/** The section for `message`, ready to append to the paper view's article. */
export function renderCitedIn(message: CitedInHostMessage, post: Post): HTMLElement {
  const section = el('section', 'section section-cited-in');
  section.id = 'cited-in';
  section.setAttribute('aria-labelledby', 'cited-in-heading');
  const heading = el('h2', undefined, 'Cited in');
  heading.id = 'cited-in-heading';
  const actions = el('div', 'cited-actions');
  actions.append(
    actionButton('Insert Citation', 'quote', 'insert-citation', () => post({ type: 'insertCitation' })),
    actionButton('Copy Citation', 'copy', 'copy-citation', () => post({ type: 'copyCitation' })),
    actionButton('Find Citations', 'references', 'find-citations', () => post({ type: 'findCitations' })),
  );
  section.append(heading, actions);

  const backlinks = message.entries.filter((entry) => entry.kind === 'markdown');
  const code = message.entries.filter((entry) => entry.kind !== 'markdown');
  if (message.entries.length === 0) {
    section.append(
      el(
        'p',
        'muted',
        message.scanning
          ? 'Looking for citations of this paper in the workspace…'
          : 'No file in the workspace cites this paper yet. Insert Citation writes one at the cursor.',
      ),
    );
    return section;
  }
  if (backlinks.length > 0) {
    const sub = el('h3', undefined, `Backlinks (${backlinks.length})`);
    section.append(sub, entryList(backlinks, post, 'backlink'));
  }
  if (code.length > 0) {
    section.append(el('h3', undefined, `Code and LaTeX (${code.length})`), entryList(code, post, 'cited'));
  }
  if (message.scanning) section.append(el('p', 'muted', 'Still scanning the workspace; more may appear.'));
  return section;
}
