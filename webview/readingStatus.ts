/**
 * The paper view's reading status row (called from webview/paperView.ts), under the title: a Status
 * menu (Unread, Reading, Read, Not Interested), Add to Queue / In Queue, and Mark Read and Open
 * Next Unread. Each control posts a verb; the host writes the library file and answers with
 * didLoadStatus, which redraws the row.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { READING_STATUSES, STATUS_LABELS } from '../src/core/library/readingStatus.js';
import { assertNever, type StatusHostMessage, type StatusWebviewMessage } from '../src/protocol.js';

type Post = (message: StatusWebviewMessage) => void;

let post: Post = () => undefined;
let currentKey: string | undefined;
let shown: StatusHostMessage | undefined;

export function initReadingStatus(send: Post): void {
  post = send;
}

/** Adds the status row to the header of a freshly built page. */
export function decorateStatus(page: HTMLElement, key: string): void {
  currentKey = key;
  page.querySelector('.bib-actions')?.before(statusRow());
}

export function handleStatus(message: StatusHostMessage): void {
  switch (message.type) {
    case 'didLoadStatus': {
      shown = message;
      const old = document.querySelector('.status-row');
      if (!old) return;
      const focused = document.activeElement instanceof HTMLElement && old.contains(document.activeElement) ? document.activeElement.dataset.focus : undefined;
      const fresh = statusRow();
      old.replaceWith(fresh);
      if (focused) fresh.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
      break;
    }
    default:
      assertNever(message.type);
  }
}

function statusRow(): HTMLElement {
  const mine = shown && shown.key === currentKey ? shown : undefined;
  const row = document.createElement('div');
  row.className = 'status-row';
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', 'Reading status');

  const label = document.createElement('label');
  label.className = 'status-label';
  label.htmlFor = 'status-select';
  label.textContent = 'Status';
  const select = document.createElement('select');
  select.id = 'status-select';
  select.className = 'status-select';
  select.dataset.focus = 'status-select';
  for (const status of READING_STATUSES) select.append(new Option(STATUS_LABELS[status], status, false, status === (mine?.status ?? 'unread')));
  select.disabled = mine === undefined;
  select.addEventListener('change', () => {
    const status = READING_STATUSES.find((candidate) => candidate === select.value);
    if (status) post({ type: 'setStatus', status });
  });

  const queue = button(mine?.queued ? 'In Queue' : 'Add to Queue', mine?.queued ? 'check' : 'list-ordered', 'toggle-queue', () =>
    post({ type: 'toggleQueue' }),
  );
  queue.title = mine?.queued ? 'In the Reading Queue: click to take it out' : 'Add to the end of the Reading Queue';
  queue.setAttribute('aria-pressed', String(mine?.queued ?? false));
  const next = button('Mark Read and Open Next', 'arrow-right', 'read-next', () => post({ type: 'markReadAndOpenNext' }));
  next.title = 'Mark this paper read and open the next unread paper (the Reading Queue first)';
  row.append(label, select, queue, next);
  return row;
}

function button(text: string, icon: string, focusId: string, onClick: () => void): HTMLElement {
  const element = document.createElement('vscode-button');
  element.secondary = true;
  element.icon = icon;
  element.textContent = text;
  element.dataset.focus = focusId;
  element.addEventListener('click', onClick);
  return element;
}
