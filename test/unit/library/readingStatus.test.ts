import assert from 'node:assert/strict';
import { changeNormalLibrary } from '../../support/normalChange';
import { describe, test } from 'node:test';
import type { LibraryRecords } from '../../../src/core/library/libraryFile';
import {
  LibraryFileError,
  StatusError,
  TagError,
  notInterestedKeys,
  parseLibraryFile,
  serializeLibraryFile,
  type RawRecord,
} from '../../../src/core/library/libraryFile';
import { MAX_POSITION_LENGTH, QUEUE_POSITION, positionBetween, spreadPositions } from '../../../src/core/library/readingStatus';
import { libraryRecords } from '../../support/paperBuilders';

const PASTA = 'PASTA: Pretrained Action-State Transformer Agents';
const GENIE = 'Genie: Generative Interactive Environments';
const VPT = 'Video PreTraining (VPT): Learning to Act';
const COT = 'Thought Cloning: Learning to Think while Acting';

function library(): LibraryRecords {
  return libraryRecords([
    { key: 'pasta', title: PASTA },
    { key: 'genie', title: GENIE, tags: ['rl'] },
    { key: 'vpt', title: VPT },
    { key: 'thoughtCloning', title: COT },
  ]);
}

/** A clock that moves one second per call from `start`. */
function ticking(start: string): () => Date {
  let at = Date.parse(start);
  return () => new Date((at += 1000));
}

/** The lines of `a` and `b` after the header, as git's union merge leaves them (both sides' lines, shuffled). */
function unionMerge(a: LibraryRecords, b: LibraryRecords, reverse = false): string {
  const lines = (records: LibraryRecords) => serializeLibraryFile(records).trim().split('\n');
  const [header, ...left] = lines(a);
  const right = lines(b).slice(1);
  const all = [...left, ...right];
  return `${header}\n${(reverse ? all.reverse() : all).join('\n')}\n`;
}

describe('reading status in the library file', () => {
  test('every paper is unread until set; a set status is stored with its time and read back', () => {
    const records = library();
    assert.equal(records.statusOf('pasta'), 'unread');
    assert.deepEqual(records.setStatus(['pasta', 'genie', 'pasta'], 'reading'), ['pasta', 'genie']);
    assert.deepEqual(records.setStatus(['pasta'], 'reading'), [], 'no change when it stands so already');
    const text = serializeLibraryFile(records);
    assert.match(text, /"key":"pasta","title":"PASTA[^"]*","status":"reading","statusAt":"2026-06-01T00:00:00.000Z"/);
    const again = parseLibraryFile(text);
    assert.equal(again.statusOf('pasta'), 'reading');
    assert.equal(again.get('genie')?.status, 'reading');
    assert.deepEqual(again.get('genie')?.tags, ['rl'], 'tags stay beside the status');
    assert.equal(serializeLibraryFile(again), text);
  });

  test('an alias sets the status of its paper; an unknown key or a bad status changes nothing', () => {
    const records = libraryRecords([
      { key: 'genie', title: GENIE, aliases: ['genie2024'] },
      { key: 'pasta', title: PASTA },
    ]);
    assert.deepEqual(records.setStatus(['genie2024'], 'read'), ['genie']);
    const before = serializeLibraryFile(records);
    assert.throws(() => records.setStatus(['pasta', 'nosuchkey'], 'read'), /no paper has the key "nosuchkey"/);
    assert.throws(() => records.setStatus(['pasta'], 'done' as never), StatusError);
    assert.ok(new StatusError('x') instanceof TagError, 'callers that report tag errors report these alike');
    assert.equal(serializeLibraryFile(records), before);
  });

  test('a file without status fields (written before statuses existed) reads as all unread and is written back unchanged', () => {
    const text =
      '{"marginalia":"library","version":2}\n{"key":"genie","title":"Genie: Generative Interactive Environments","tags":{"rl":"2026-01-01T00:00:00.000Z"}}\n';
    const records = parseLibraryFile(text);
    assert.equal(records.statusOf('genie'), 'unread');
    assert.deepEqual(records.statuses(), []);
    assert.deepEqual(records.queue(), []);
    assert.equal(serializeLibraryFile(records), text);
  });

  test('bad status or queue fields are reported with their line, never guessed', () => {
    const header = '{"marginalia":"library","version":2}\n';
    const bad = [
      '{"key":"genie","title":"Genie","status":"done","statusAt":"2026-01-01T00:00:00.000Z"}',
      '{"key":"genie","title":"Genie","status":"read"}',
      '{"key":"genie","title":"Genie","status":"read","statusAt":"yesterday"}',
      '{"key":"genie","title":"Genie","queue":"A","queueAt":"2026-01-01T00:00:00.000Z"}',
      '{"key":"genie","title":"Genie","queue":"i0","queueAt":"2026-01-01T00:00:00.000Z"}',
      '{"key":"genie","title":"Genie","queue":"i"}',
      '{"key":"genie","title":"Genie","queue":3,"queueAt":"2026-01-01T00:00:00.000Z"}',
    ];
    for (const line of bad) {
      assert.throws(
        () => parseLibraryFile(`${header}${line}\n`),
        (error: unknown) => error instanceof LibraryFileError && error.line === 2 && /"genie"/.test(error.reason),
        line,
      );
    }
  });

  test('notInterestedKeys lists the papers marked not interested, sorted, for recommendations to avoid', () => {
    const records = library();
    records.setStatus(['vpt', 'genie'], 'not-interested');
    records.setStatus(['pasta'], 'read');
    assert.deepEqual(notInterestedKeys(records), ['genie', 'vpt']);
    records.setStatus(['genie'], 'unread');
    assert.deepEqual(notInterestedKeys(records), ['vpt']);
  });
});

describe('reading status merged across branches', () => {
  function branches() {
    const base = serializeLibraryFile(library());
    const left = parseLibraryFile(base);
    const right = parseLibraryFile(base);
    return { left, right };
  }

  test('the latest change wins, whichever side of the merge it is on, in any line order', () => {
    const { left, right } = branches();
    left.clock = ticking('2026-07-01T10:00:00.000Z');
    right.clock = ticking('2026-07-01T11:00:00.000Z');
    left.setStatus(['pasta'], 'read');
    left.setStatus(['genie'], 'reading');
    right.setStatus(['pasta'], 'not-interested');
    right.setStatus(['vpt'], 'reading');
    for (const reverse of [false, true]) {
      const merged = parseLibraryFile(unionMerge(left, right, reverse));
      assert.equal(merged.statusOf('pasta'), 'not-interested', 'the right changed it later');
      assert.equal(merged.statusOf('genie'), 'reading', 'changed on the left only');
      assert.equal(merged.statusOf('vpt'), 'reading', 'changed on the right only');
      assert.equal(merged.statusOf('thoughtCloning'), 'unread');
      assert.equal(merged.size, 4, 'one paper per title, no key rebound');
      assert.deepEqual(merged.get('genie')?.tags, ['rl']);
    }
  });

  test('"unread" set after a read on the other branch undoes it', () => {
    const { left, right } = branches();
    left.clock = ticking('2026-07-01T10:00:00.000Z');
    right.clock = ticking('2026-07-01T12:00:00.000Z');
    left.setStatus(['pasta', 'genie'], 'read');
    right.setStatus(['pasta'], 'reading');
    right.setStatus(['pasta'], 'unread');
    const merged = parseLibraryFile(unionMerge(left, right));
    assert.equal(merged.statusOf('pasta'), 'unread');
    assert.equal(merged.statusOf('genie'), 'read');
  });

  test('equal times settle the same way in every clone', () => {
    const { left, right } = branches();
    left.clock = right.clock = () => new Date('2026-07-01T10:00:00.000Z');
    left.setStatus(['pasta'], 'reading');
    right.setStatus(['pasta'], 'read');
    assert.equal(parseLibraryFile(unionMerge(left, right)).statusOf('pasta'), 'read');
    assert.equal(parseLibraryFile(unionMerge(right, left, true)).statusOf('pasta'), 'read');
  });

  test('a local change always follows the last mark, even when this clock is behind the merged one', () => {
    const { left, right } = branches();
    right.clock = () => new Date('2030-01-01T00:00:00.000Z');
    right.setStatus(['pasta'], 'read');
    const merged = parseLibraryFile(unionMerge(left, right));
    merged.clock = () => new Date('2026-07-01T00:00:00.000Z');
    merged.setStatus(['pasta'], 'reading');
    assert.equal(parseLibraryFile(serializeLibraryFile(merged)).statusOf('pasta'), 'reading');
  });

  test('the fast path (changeNormalLibrary) sets a status on the lines that mention the key, as the whole file would', () => {
    const records = library();
    const text = serializeLibraryFile(records);
    const clock = () => new Date('2026-08-01T00:00:00.000Z');
    const patched = changeNormalLibrary(text, ['genie'], (changed) => changed.setStatus(['genie'], 'read'), clock);
    assert.ok(patched, 'a normal file takes the fast path');
    assert.deepEqual(patched.result, ['genie']);
    const whole = parseLibraryFile(text);
    whole.clock = clock;
    whole.setStatus(['genie'], 'read');
    assert.equal(patched.text, serializeLibraryFile(whole));
  });
});

describe('the Reading Queue', () => {
  test('papers are added at the end, moved, removed; marking one read takes it out of the queue', () => {
    const records = library();
    assert.deepEqual(records.enqueue(['vpt', 'pasta', 'vpt']), ['vpt', 'pasta']);
    assert.deepEqual(records.enqueue(['genie', 'pasta']), ['genie'], 'a queued paper stays where it is');
    assert.deepEqual(records.queue(), ['vpt', 'pasta', 'genie']);
    assert.equal(records.moveInQueue('genie', 0), true);
    assert.deepEqual(records.queue(), ['genie', 'vpt', 'pasta']);
    assert.equal(records.moveInQueue('genie', 0), false, 'already there');
    assert.equal(records.moveInQueue('genie', 99), true, 'past the end: to the end');
    assert.deepEqual(records.queue(), ['vpt', 'pasta', 'genie']);
    records.moveInQueue('vpt', 1);
    assert.deepEqual(records.queue(), ['pasta', 'vpt', 'genie']);
    assert.deepEqual(records.dequeue(['pasta', 'thoughtCloning']), ['pasta']);
    records.setStatus(['vpt'], 'reading');
    assert.deepEqual(records.queue(), ['vpt', 'genie'], 'reading keeps it queued');
    records.setStatus(['vpt'], 'read');
    assert.deepEqual(records.queue(), ['genie'], 'read: out of the queue');
    assert.deepEqual(parseLibraryFile(serializeLibraryFile(records)).queue(), ['genie']);
    assert.throws(() => records.moveInQueue('pasta', 0), /not in the Reading Queue/);
    assert.throws(() => records.enqueue(['nosuchkey']), StatusError);
  });

  test("a move changes only the moved paper's line", () => {
    const records = library();
    records.enqueue(['vpt', 'pasta', 'genie', 'thoughtCloning']);
    const before = serializeLibraryFile(records).split('\n');
    records.clock = () => new Date('2026-09-01T00:00:00.000Z');
    records.moveInQueue('thoughtCloning', 1);
    const after = serializeLibraryFile(records).split('\n');
    const changed = after.filter((line, i) => line !== before[i]);
    assert.equal(changed.length, 1);
    assert.match(changed[0], /"key":"thoughtCloning"/);
    assert.deepEqual(records.queue(), ['vpt', 'thoughtCloning', 'pasta', 'genie']);
  });

  test('two branches that moved different papers keep both moves; the same paper moved on both takes the later move', () => {
    const base = library();
    base.enqueue(['pasta', 'genie', 'vpt', 'thoughtCloning']);
    const text = serializeLibraryFile(base);
    const left = parseLibraryFile(text);
    const right = parseLibraryFile(text);
    left.clock = ticking('2026-07-01T10:00:00.000Z');
    right.clock = ticking('2026-07-01T11:00:00.000Z');
    left.moveInQueue('thoughtCloning', 0); // left: thoughtCloning pasta genie vpt
    right.moveInQueue('pasta', 3); // right: genie vpt thoughtCloning pasta
    for (const reverse of [false, true]) {
      assert.deepEqual(parseLibraryFile(unionMerge(left, right, reverse)).queue(), ['thoughtCloning', 'genie', 'vpt', 'pasta']);
    }
    left.moveInQueue('pasta', 1);
    right.clock = ticking('2026-07-02T00:00:00.000Z');
    right.dequeue(['pasta']);
    assert.deepEqual(parseLibraryFile(unionMerge(left, right)).queue(), ['thoughtCloning', 'genie', 'vpt'], 'the later removal wins');
  });

  test('papers added on both branches are all queued, in an order every clone agrees on', () => {
    const text = serializeLibraryFile(library());
    const left = parseLibraryFile(text);
    const right = parseLibraryFile(text);
    left.enqueue(['vpt', 'genie']);
    right.enqueue(['pasta']);
    const one = parseLibraryFile(unionMerge(left, right)).queue();
    const other = parseLibraryFile(unionMerge(right, left, true)).queue();
    assert.deepEqual(one, other);
    assert.deepEqual([...one].sort(), ['genie', 'pasta', 'vpt']);
  });

  test('positions stay between their neighbours, and a queue reordered many times in one spot is renumbered, keeping its order', () => {
    assert.equal(positionBetween(null, null), 'i');
    for (const [a, b] of [
      [null, 'i'],
      ['i', null],
      ['a', 'b'],
      ['a', 'a1'],
      ['az', 'b'],
      ['zz', null],
      [null, '01'],
    ] as const) {
      const c = positionBetween(a, b);
      assert.ok(QUEUE_POSITION.test(c), c);
      if (a !== null) assert.ok(a < c, `${a} < ${c}`);
      if (b !== null) assert.ok(c < b, `${c} < ${b}`);
    }
    assert.throws(() => positionBetween('b', 'a'), RangeError);
    const spread = spreadPositions(100);
    assert.deepEqual([...spread].sort(), spread);
    assert.ok(spread.every((position) => QUEUE_POSITION.test(position)));

    const records = library();
    records.enqueue(['pasta', 'genie', 'vpt']);
    // Always between the first two: each move halves the same gap.
    for (let i = 0; i < 200; i++) records.moveInQueue(i % 2 === 0 ? 'vpt' : 'genie', 1);
    const queue = records.queue();
    assert.equal(queue.length, 3);
    const raws: RawRecord[] = records.raw();
    assert.ok(raws.every((raw) => (raw.queue ?? '').length <= MAX_POSITION_LENGTH + 1));
    assert.deepEqual(parseLibraryFile(serializeLibraryFile(records)).queue(), queue);
  });
});
