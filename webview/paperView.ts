/**
 * The paper view: the browser side of the `marginalia.paper` webview panel (see
 * src/host/paperView/panels.ts). It receives the paper as data through postMessage and builds the DOM
 * with createElement and textContent; the only HTML it inserts is the abstract, rendered by marked
 * and sanitised by DOMPurify. Links never navigate here: a click is posted to the host, which checks
 * the URL again before opening it outside VS Code.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { decoratePaper, handleNotes, handleTags, initNotesAndTags } from './notesAndTags.js';
import { decorateStatus, handleStatus, initReadingStatus } from './readingStatus.js';
import { ABSTRACT_MAX_CHARS, capText, isSafeExternalUrl, paperMetadata, type MetadataPart } from '../src/core/paperView/viewModel.js';
import {
  assertNever,
  isHostMessage,
  parsePaperViewState,
  type CitedInHostMessage,
  type HostMessage,
  type PaperViewModel,
  type PaperViewState,
  type WebviewMessage,
} from '../src/protocol.js';
import { bibActions } from './bibActions.js';
import { renderCitedIn } from './citedIn.js';
import { relatedSection, setRelated } from './related.js';
import { renderMarkdownWithMath, renderMathText } from './math.js';

/** The part of the API VS Code gives a webview that this page uses. */
interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PaperViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = requireElement('paper');

/** The model on screen, kept to update the preview notice without rebuilding the page. */
let shown: PaperViewModel | undefined;
/** The latest "Cited in" entries, kept so that a re-rendered paper shows them at once. */
let citedIn: CitedInHostMessage | undefined;

// --- The abstract: markdown to sanitised DOM --------------------------------------------------

/** What an abstract may become: prose, emphasis, code, lists, quotes and links; nothing that loads or runs. */
const ALLOWED_TAGS = ['p', 'em', 'strong', 'code', 'pre', 'a', 'ul', 'ol', 'li', 'blockquote', 'br', 'sup', 'sub'];

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // marked passes raw HTML through untouched; digest text is hostile, so it shows as text.
    html: ({ text }) => escapeHtml(text),
    // Images would load remote content; the alt text is what a reader needs.
    image: ({ text }) => escapeHtml(text),
  },
});

function renderAbstract(abstract: string): DocumentFragment {
  // The formulas are typeset by KaTeX, after markdown and the sanitiser have seen the rest (math.ts).
  return renderMarkdownWithMath(capText(abstract, ABSTRACT_MAX_CHARS), renderMarkdown);
}

function renderMarkdown(text: string): DocumentFragment {
  const html = markdown.parse(text, { async: false });
  // DOMPurify is the real guard (marked is not a sanitiser); returning a fragment avoids parsing the
  // sanitised string a second time, which is where mutation XSS lives.
  const fragment = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href'],
    ALLOWED_URI_REGEXP: /^https?:/i,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
  // Markdown link text can say anything; hovering shows where the link really goes.
  for (const anchor of fragment.querySelectorAll('a[href]')) anchor.setAttribute('title', anchor.getAttribute('href') ?? '');
  return fragment;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

// --- Building the page --------------------------------------------------------------------------

interface ElementOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function icon(name: string): HTMLSpanElement {
  return el('span', { className: `codicon codicon-${name}`, attrs: { 'aria-hidden': 'true' } });
}

const META_ICONS: Record<MetadataPart['kind'], string> = {
  date: 'calendar',
  authors: 'person',
  submitter: 'organization',
  upvotes: 'arrow-up',
};

function renderPaper(model: PaperViewModel): void {
  const { paper } = model;
  const main = el('article', { className: 'paper', attrs: { 'aria-labelledby': 'paper-title', 'data-key': paper.key } });

  const header = el('header');
  if (model.preview) header.append(previewNotice());
  // Focusable by script only, so that focus has somewhere sensible to go when a control disappears.
  header.append(
    el('h1', { attrs: { id: 'paper-title', tabindex: '-1' } }, paper.title ? renderMathText(paper.title) : document.createTextNode('Untitled paper')),
  );
  header.append(metadataLine(model));
  header.append(bibActions(model, post));
  main.append(header);

  const abstract = section('abstract', 'Abstract');
  if (paper.abstract.trim() === '') {
    abstract.append(el('p', { className: 'muted', text: 'The digest has no abstract for this paper.' }));
  } else {
    abstract.append(el('div', { className: 'abstract' }, renderAbstract(paper.abstract)));
  }
  main.append(abstract);

  // The host sends http(s) links only; checked again, since a link that cannot open must not look like one.
  const codeLinks = model.codeLinks.filter(isSafeExternalUrl);
  const otherLinks = model.otherLinks.filter(isSafeExternalUrl);
  if (codeLinks.length > 0) main.append(linkSection('code', 'Code', codeLinks, true));
  if (otherLinks.length > 0) main.append(linkSection('links', 'Links', otherLinks, false));
  if (model.sources.length > 0) main.append(sourcesSection(model));
  decoratePaper(main, paper.key);
  decorateStatus(main, paper.key);
  if (citedIn?.key === paper.key) main.append(renderCitedIn(citedIn, post));
  main.append(...relatedSection(paper.key, post));

  replacePage(main);
}

function metadataLine(model: PaperViewModel): HTMLElement {
  const list = el('ul', { className: 'meta', attrs: { 'aria-label': 'Details' } });
  for (const part of paperMetadata(model.paper)) {
    list.append(el('li', { className: `meta-${part.kind}` }, icon(META_ICONS[part.kind]), el('span', { text: part.text })));
  }
  const copy = document.createElement('vscode-button');
  copy.secondary = true;
  copy.icon = 'copy';
  copy.iconOnly = true;
  copy.setAttribute('aria-label', 'Copy citation key');
  copy.title = 'Copy citation key';
  copy.dataset.focus = 'copy-key';
  copy.addEventListener('click', () => {
    post({ type: 'copyKey', key: model.paper.key });
    // The host confirms in the status bar too; this answers the click where the eyes are.
    copy.icon = 'check';
    setTimeout(() => {
      copy.icon = 'copy';
    }, 1500);
  });
  list.append(
    el(
      'li',
      { className: 'meta-key' },
      icon('key'),
      el('span', { className: 'visually-hidden', text: 'Citation key ' }),
      el('code', { text: model.paper.key }),
      copy,
    ),
  );
  // Older keys (from before a merge, or from Marginalia 0.1) that still name this paper.
  const aliases = model.paper.aliases ?? [];
  if (aliases.length > 0) {
    const item = el('li', { className: 'meta-aliases', attrs: { title: 'Other keys that cite this paper too' } }, el('span', { text: 'also ' }));
    aliases.forEach((alias, index) => item.append(...(index > 0 ? [document.createTextNode(', ')] : []), el('code', { text: alias })));
    list.append(item);
  }
  return list;
}

function previewNotice(): HTMLElement {
  const pin = document.createElement('vscode-button');
  pin.secondary = true;
  pin.icon = 'pinned';
  pin.textContent = 'Keep Open';
  pin.dataset.focus = 'pin';
  pin.addEventListener('click', () => post({ type: 'pin' }));
  return el('div', { className: 'preview-notice', attrs: { role: 'note' } }, el('span', { text: 'Preview: the next paper you open replaces this one.' }), pin);
}

function section(id: string, heading: string): HTMLElement {
  return el(
    'section',
    { className: `section section-${id}`, attrs: { 'aria-labelledby': `${id}-heading` } },
    el('h2', { text: heading, attrs: { id: `${id}-heading` } }),
  );
}

function linkSection(id: string, heading: string, links: readonly string[], code: boolean): HTMLElement {
  const list = el('ul', { className: 'link-list' });
  links.forEach((url, index) => {
    const name = code && /^https?:\/\/(?:www\.)?github\.com\//i.test(url) ? 'github' : code ? 'repo' : 'link-external';
    const anchor = el('a', { attrs: { href: url, title: url } }, icon(name), el('span', { className: 'link-text', text: displayUrl(url) }));
    anchor.dataset.focus = `${id}-${index}`;
    list.append(el('li', {}, anchor));
  });
  const result = section(id, heading);
  result.append(list);
  return result;
}

function sourcesSection(model: PaperViewModel): HTMLElement {
  const list = el('ul', { className: 'source-list' });
  model.sources.forEach((source, index) => {
    const slash = source.label.lastIndexOf('/');
    const name = source.label.slice(slash + 1);
    const folder = slash > 0 ? source.label.slice(0, slash) : '';
    const button = el(
      'button',
      {
        className: 'source',
        attrs: { type: 'button', title: 'Reveal in Digest', 'aria-label': `Reveal in digest: ${source.label}, line ${source.line}` },
      },
      icon('go-to-file'),
      el('span', { className: 'source-name', text: name }),
      el('span', { className: 'source-line', text: `:${source.line}` }),
    );
    if (folder) button.append(el('span', { className: 'source-folder', text: folder }));
    button.dataset.focus = `source-${index}`;
    button.addEventListener('click', () => post({ type: 'revealInDigest', file: source.file, line: source.line }));
    list.append(el('li', {}, button));
  });
  const result = section('sources', model.sources.length === 1 ? 'Source' : 'Sources');
  result.append(list);
  return result;
}

function renderRemoved(key: string): void {
  replacePage(
    el(
      'div',
      { className: 'notice', attrs: { role: 'status' } },
      el('h1', { text: 'Paper not found', attrs: { tabindex: '-1' } }),
      el('p', { text: 'This paper is not in the library any more: the digests that listed it were removed or changed.' }),
      el('p', { text: 'If a digest was only moved, run "Marginalia: Reindex Digests"; otherwise close this tab.' }),
      el('p', { className: 'muted' }, document.createTextNode('Citation key: '), el('code', { text: key })),
    ),
  );
}

/** Swaps the page content, keeping keyboard focus on the same control when it still exists. */
function replacePage(content: HTMLElement): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focus : undefined;
  root.replaceChildren(content);
  if (focused) root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
}

function setPreview(preview: boolean): void {
  if (!shown) return;
  shown = { ...shown, preview };
  const notice = root.querySelector('.preview-notice');
  if (!preview && notice) {
    const hadFocus = notice.contains(document.activeElement);
    notice.remove();
    if (hadFocus) root.querySelector<HTMLElement>('#paper-title')?.focus();
  } else if (preview && !notice) {
    root.querySelector('header')?.prepend(previewNotice());
  }
}

/** `github.com/owner/repo` for `https://www.github.com/owner/repo/`: the part of a URL a reader scans. */
function displayUrl(url: string): string {
  return url.replace(/^https?:\/\/(?:www\.)?/i, '').replace(/\/$/, '');
}

// --- Messages -----------------------------------------------------------------------------------

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

/** The page's own messages are handled here; each section's go to its module, grouped as in src/protocol.ts. */
function handle(message: HostMessage): void {
  switch (message.type) {
    case 'didLoadPaper':
      shown = message.model;
      vscode.setState({ key: message.model.paper.key, preview: message.model.preview });
      renderPaper(message.model);
      break;
    case 'didRemovePaper': {
      shown = undefined;
      // Keep the key in the state: after a reload the host looks the paper up again, and it may be back.
      const previous = parsePaperViewState(vscode.getState());
      vscode.setState({ key: message.key, preview: previous?.preview ?? false });
      renderRemoved(message.key);
      break;
    }
    case 'didChangePreview': {
      const previous = parsePaperViewState(vscode.getState());
      if (previous) vscode.setState({ ...previous, preview: message.preview });
      setPreview(message.preview);
      break;
    }
    case 'didLoadNote':
    case 'didRequestQuote':
      handleNotes(message);
      break;
    case 'didLoadTags':
      handleTags(message);
      break;
    case 'didLoadStatus':
      handleStatus(message);
      break;
    case 'didUpdateCitedIn':
      citedIn = message;
      updateCitedIn(message);
      break;
    case 'didLoadRelated':
      setRelated(message, root, post);
      break;
    default:
      assertNever(message);
  }
}

/** Replaces the "Cited in" section in place, keeping focus on the same entry or button. */
function updateCitedIn(message: CitedInHostMessage): void {
  const article = root.querySelector('article.paper');
  if (!article || shown?.paper.key !== message.key) return;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focus : undefined;
  const section = renderCitedIn(message, post);
  const old = article.querySelector('#cited-in');
  if (old) old.replaceWith(section);
  else article.append(section);
  if (focused) root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) handle(event.data);
});

// Every link goes through the host. This listener runs before the one VS Code puts on the window
// (which would open any link itself, unchecked), and stops the click from reaching it.
document.addEventListener('click', (event) => {
  const anchor = event.target instanceof Element ? event.target.closest('a') : null;
  if (!anchor) return;
  event.preventDefault();
  event.stopPropagation();
  const url = anchor.getAttribute('href');
  if (url !== null && isSafeExternalUrl(url)) post({ type: 'openLink', url });
});
// A middle click would otherwise try to open the link in a new browser window.
document.addEventListener('auxclick', (event) => {
  if (event.target instanceof Element && event.target.closest('a')) event.preventDefault();
});

function requireElement(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The paper view page has no #${id} element.`);
  return element;
}

initNotesAndTags(post);
initReadingStatus(post);
post({ type: 'ready' });
