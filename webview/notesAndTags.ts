/**
 * The paper view's notes and tags (called from webview/paperView.ts): tag chips with remove
 * buttons and an input that completes the library's tags, the start of the paper's note with a
 * button to open (or create) it, and "Quote in Note" for a selection in the abstract, as a button
 * that appears for a selection and in the context menu (`data-vscode-context`). Everything is
 * built with createElement and textContent: the note excerpt is shown as plain text.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  assertNever,
  type NotePreview,
  type NotesHostMessage,
  type NotesWebviewMessage,
  type TagsHostMessage,
  type TagsWebviewMessage,
} from '../src/protocol.js';

/** This module posts the messages of the note section and of the tag row only. */
type Post = (message: NotesWebviewMessage | TagsWebviewMessage) => void;

let post: Post = () => undefined;
/** The paper on the page, and what the host last said about its note and tags. */
let currentKey: string | undefined;
let note: { key: string; note: NotePreview | null } | undefined;
let tags: { key: string; tags: string[]; allTags: string[] } | undefined;
/** The last non-empty selection inside the abstract (a click on the button may collapse the live one). */
let abstractSelection = '';

/** Called once with the page's post function. */
export function initNotesAndTags(send: Post): void {
  post = send;
  document.addEventListener('selectionchange', updateQuoteButton);
}

/**
 * Adds the tag row to the header, the note section after the abstract, and the quote button and
 * context-menu data to the abstract of a freshly built page (before it is shown).
 */
export function decoratePaper(page: HTMLElement, key: string): void {
  currentKey = key;
  abstractSelection = '';
  page.querySelector('header')?.append(tagRow());
  const abstract = page.querySelector<HTMLElement>('.section-abstract');
  if (abstract) {
    abstract.dataset.vscodeContext = JSON.stringify({ webviewSection: 'abstract', paperKey: key });
    const heading = abstract.querySelector('h2');
    const row = el('div', 'section-heading');
    heading?.replaceWith(row);
    if (heading) row.append(heading);
    row.append(quoteButton());
    abstract.after(noteSection());
  } else {
    page.append(noteSection());
  }
}

/** Handles the host messages of the note section. */
export function handleNotes(message: NotesHostMessage): void {
  switch (message.type) {
    case 'didLoadNote':
      note = { key: message.key, note: message.note };
      replace('.section-note', noteSection);
      break;
    case 'didRequestQuote': {
      const text = currentSelectionInAbstract() || abstractSelection;
      if (text.trim() !== '') post({ type: 'quoteInNote', text });
      break;
    }
    default:
      assertNever(message);
  }
}

/** Handles the host messages of the tag row. */
export function handleTags(message: TagsHostMessage): void {
  switch (message.type) {
    case 'didLoadTags':
      tags = { key: message.key, tags: message.tags, allTags: message.allTags };
      replace('.tag-row', tagRow);
      break;
    default:
      assertNever(message.type);
  }
}

/** Swaps a part of the page for a new rendering, keeping keyboard focus on the same control. */
function replace(selector: string, build: () => HTMLElement): void {
  const old = document.querySelector(selector);
  if (!old) return;
  const focused = document.activeElement instanceof HTMLElement && old.contains(document.activeElement) ? document.activeElement.dataset.focus : undefined;
  const fresh = build();
  old.replaceWith(fresh);
  if (focused) fresh.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
}

// --- Tags ---------------------------------------------------------------------------------------------

/** A tag is one word: no white space, no comma, 1 to 64 characters (as isValidTag in the core). */
function isValidTag(tag: string): boolean {
  return tag.length > 0 && tag.length <= 64 && !/[\s,]/.test(tag);
}

function tagRow(): HTMLElement {
  const row = el('div', 'tag-row');
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', 'Tags');
  row.append(icon('tag'));
  const mine = tags && tags.key === currentKey ? tags : undefined;
  const list = el('ul', 'tag-list');
  for (const tag of mine?.tags ?? []) {
    const remove = el('button', 'tag-remove');
    remove.type = 'button';
    remove.title = `Remove tag ${tag}`;
    remove.setAttribute('aria-label', `Remove tag ${tag}`);
    remove.dataset.focus = `tag-remove-${tag}`;
    remove.append(icon('close'));
    remove.addEventListener('click', () => post({ type: 'removeTag', tag }));
    list.append(el('li', 'tag-chip', el('span', 'tag-name', tag), remove));
  }
  row.append(list);

  const options = document.createElement('datalist');
  options.id = 'tag-options';
  for (const tag of mine?.allTags ?? []) if (!mine?.tags.includes(tag)) options.append(new Option(tag));
  const input = document.createElement('input');
  input.className = 'tag-input';
  input.type = 'text';
  input.placeholder = mine && mine.tags.length > 0 ? 'Add tag…' : 'Add a tag…';
  input.setAttribute('list', options.id);
  input.setAttribute('aria-label', 'Add a tag');
  input.maxLength = 64;
  input.spellcheck = false;
  input.dataset.focus = 'tag-input';
  const error = el('span', 'tag-error');
  error.setAttribute('role', 'alert');
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const tag = input.value.trim();
    if (tag === '') return;
    if (!isValidTag(tag)) {
      error.textContent = 'A tag is one word without spaces or commas.';
      return;
    }
    error.textContent = '';
    input.value = '';
    post({ type: 'addTag', tag });
  });
  input.addEventListener('input', () => {
    error.textContent = '';
  });
  row.append(input, options, error);
  return row;
}

// --- The note -------------------------------------------------------------------------------------------

function noteSection(): HTMLElement {
  const section = el('section', 'section section-note');
  section.setAttribute('aria-labelledby', 'note-heading');
  const heading = el('h2', undefined, 'Note');
  heading.id = 'note-heading';
  section.append(heading);
  const mine = note && note.key === currentKey ? note : undefined;
  if (!mine) {
    section.append(el('p', 'muted', '…'));
    return section;
  }
  const open = document.createElement('vscode-button');
  open.dataset.focus = 'open-note';
  open.addEventListener('click', () => post({ type: 'openNote' }));
  if (mine.note === null) {
    open.icon = 'new-file';
    open.textContent = 'Create Note';
    section.append(el('p', 'muted', 'No note yet. A note is a markdown file in your workspace, shared through git.'), el('div', 'note-actions', open));
    return section;
  }
  open.icon = 'go-to-file';
  open.secondary = true;
  open.textContent = 'Open Note';
  const file = el('code', 'note-path', mine.note.path);
  if (mine.note.excerpt === '') {
    section.append(el('p', 'muted', 'Nothing written yet.'));
  } else {
    // Plain text: a note is markdown the reader wrote, but it may quote hostile digest text.
    const excerpt = el('div', 'note-excerpt', mine.note.excerpt);
    excerpt.title = 'Open the note';
    excerpt.addEventListener('click', () => post({ type: 'openNote' }));
    section.append(excerpt);
  }
  section.append(el('div', 'note-actions', open, file));
  return section;
}

// --- Quote in Note ----------------------------------------------------------------------------------

function quoteButton(): HTMLElement {
  const button = document.createElement('vscode-button');
  button.className = 'quote-button';
  button.secondary = true;
  button.icon = 'quote';
  button.textContent = 'Quote in Note';
  button.title = 'Append the selected text to the paper’s note as a quote';
  button.hidden = true;
  button.dataset.focus = 'quote';
  // Keep the selection: a mouse press on the button would otherwise collapse it.
  button.addEventListener('mousedown', (event) => event.preventDefault());
  button.addEventListener('click', () => {
    const text = currentSelectionInAbstract() || abstractSelection;
    if (text.trim() === '') return;
    post({ type: 'quoteInNote', text });
    window.getSelection()?.removeAllRanges();
    abstractSelection = '';
    button.hidden = true;
  });
  return button;
}

/** The selected text when the whole selection lies inside the abstract; '' otherwise. */
function currentSelectionInAbstract(): string {
  const selection = window.getSelection();
  const abstract = document.querySelector('.abstract');
  if (!selection || selection.isCollapsed || !abstract) return '';
  return abstract.contains(selection.anchorNode) && abstract.contains(selection.focusNode) ? selection.toString() : '';
}

function updateQuoteButton(): void {
  const button = document.querySelector<HTMLElement>('.quote-button');
  if (!button) return;
  const text = currentSelectionInAbstract();
  if (text.trim() !== '') abstractSelection = text;
  // A selection elsewhere, or none, hides the button (unless it has focus: keyboard users get there by Tab).
  if (text.trim() === '' && !button.matches(':focus')) abstractSelection = '';
  button.hidden = abstractSelection === '';
}

// --- DOM helpers --------------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.append(...children); // strings become text nodes
  return element;
}

function icon(name: string): HTMLSpanElement {
  const span = el('span', `codicon codicon-${name}`);
  span.setAttribute('aria-hidden', 'true');
  return span;
}
