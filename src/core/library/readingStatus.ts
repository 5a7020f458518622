/**
 * Reading status and the Reading Queue's positions, as the library file stores them (see
 * libraryFile.ts for the record fields and how two branches' changes join).
 *
 * A queue position is a string of base-36 digits read as a fraction (`"i"` is 0.5, `"i8"` a little
 * more): the queue is ordered by comparing positions as strings (code-unit order), and a paper moved
 * between two others gets a position strictly between theirs without renumbering anyone, so that a
 * move on one branch touches one line and merges with moves of other papers on another branch.
 */

/** What the reader has done with a paper. `unread` is the default and is stored only to undo another status. */
export type ReadingStatus = 'unread' | 'reading' | 'read' | 'not-interested';

/** Every status, in the order menus and groups show them ("Unread" first). */
export const READING_STATUSES: readonly ReadingStatus[] = ['unread', 'reading', 'read', 'not-interested'];

/** The status as the reader sees it in menus, groups and badges. */
export const STATUS_LABELS: Readonly<Record<ReadingStatus, string>> = {
  unread: 'Unread',
  reading: 'Reading',
  read: 'Read',
  'not-interested': 'Not Interested',
};

/** True for one of READING_STATUSES. */
export function isReadingStatus(value: unknown): value is ReadingStatus {
  return typeof value === 'string' && (READING_STATUSES as readonly string[]).includes(value);
}

/**
 * Which of two statuses set at the same instant wins: the later in READING_STATUSES. Any fixed rule
 * would do; this one makes every clone agree.
 */
export function statusRank(status: ReadingStatus): number {
  return READING_STATUSES.indexOf(status);
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A queue position is non-empty, base-36 lower-case, without a trailing zero (which would tie with the shorter string). */
export const QUEUE_POSITION = /^[0-9a-z]*[1-9a-z]$/;

/**
 * A position strictly between `before` and `after` (null: the start or the end of the queue).
 * Throws when `before` is not below `after`: the caller passes neighbours in queue order.
 */
export function positionBetween(before: string | null, after: string | null): string {
  const a = before ?? '';
  if (after !== null && a >= after) throw new RangeError(`queue positions out of order: "${a}" is not below "${after}"`);
  return midpoint(a, after);
}

/** Evenly spread positions for `count` papers, for renumbering a queue whose positions grew long. */
export function spreadPositions(count: number): string[] {
  let width = 1;
  while (36 ** width < count + 1) width++;
  const step = Math.floor(36 ** width / (count + 1));
  const positions: string[] = [];
  for (let i = 1; i <= count; i++) positions.push((i * step).toString(36).padStart(width, '0').replace(/0+$/, ''));
  return positions;
}

/** Longer positions than this are renumbered on the next move (a queue reordered hundreds of times in one spot). */
export const MAX_POSITION_LENGTH = 24;

function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    // A shared prefix stays; the rest is found between the remainders.
    let n = 0;
    while (n < b.length && (a[n] ?? '0') === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const low = a === '' ? 0 : DIGITS.indexOf(a[0]);
  const high = b === null ? DIGITS.length : DIGITS.indexOf(b[0]);
  if (high - low > 1) return DIGITS[Math.round((low + high) / 2)];
  // Adjacent first digits: b's first digit alone is below b when b goes on, else go one digit deeper after a's.
  if (b !== null && b.length > 1) return b[0];
  return DIGITS[low] + midpoint(a.slice(1), null);
}
