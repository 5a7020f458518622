/**
 * The paper view's BibTeX and code buttons under the title: "Copy BibTeX", and "Open Code" (which
 * also offers a local clone of the repository) when the abstract links code. They post verbs to the
 * host, which runs the same commands as the tree and the palette.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { PaperViewModel, PaperWebviewMessage } from '../src/protocol.js';

/** The buttons post the page's own messages (the `paper` group). */
type Post = (message: PaperWebviewMessage) => void;

function button(label: string, icon: string, focusId: string, onClick: () => void) {
  const element = document.createElement('vscode-button');
  element.secondary = true;
  element.icon = icon;
  element.textContent = label;
  element.dataset.focus = focusId;
  element.addEventListener('click', onClick);
  return element;
}

/** The action row under the paper's metadata: Copy BibTeX, and Open Code when the abstract links code. */
export function bibActions(model: PaperViewModel, post: Post): HTMLElement {
  const row = document.createElement('div');
  row.className = 'bib-actions';
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', 'Cite and code');
  const copy = button('Copy BibTeX', 'quote', 'copy-bibtex', () => {
    post({ type: 'copyBibtex', key: model.paper.key });
    copy.icon = 'check';
    setTimeout(() => {
      copy.icon = 'quote';
    }, 1500);
  });
  row.append(copy);
  if (model.codeLinks.length > 0) {
    const label = model.codeLinks.length === 1 ? 'Open Code' : `Open Code (${model.codeLinks.length})`;
    row.append(button(label, 'github', 'open-code', () => post({ type: 'openCode', key: model.paper.key })));
  }
  return row;
}
