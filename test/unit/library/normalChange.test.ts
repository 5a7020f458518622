import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LibraryRecords, TagError, parseLibraryFile, serializeLibraryFile, type RawRecord } from '../../../src/core/library/libraryFile';
import { FileBytes, changeNormalBytes } from '../../../src/node/library/libraryStore';
import { changeNormalLibrary } from '../../support/normalChange';

/** A small deterministic random generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

const TAGS = ['rl', 'to-read', 'vision', 'robotics', 'rl2', 'a"quote', 'ümlaut', 'key7'];

/** A library of `count` papers in normal form: some with aliases and retired keys, tags set and removed. */
function library(count: number, next: () => number): string {
  const raws: RawRecord[] = [];
  for (let i = 0; i < count; i++) {
    const key = `key${i}`;
    const raw: { -readonly [K in keyof RawRecord]: RawRecord[K] } = { key, title: `Paper number ${i} about ${TAGS[i % TAGS.length]}` };
    if (next() < 0.15) raw.aliases = [`${key}Old`, `${key}2024`];
    if (next() < 0.05) raw.retired = [`gone${i}`];
    const tags: Record<string, string> = {};
    const removed: Record<string, string> = {};
    for (const tag of TAGS) {
      const roll = next();
      if (roll < 0.2) tags[tag] = `2026-11-0${1 + Math.floor(next() * 9)}T10:00:00.000Z`;
      else if (roll < 0.3) removed[tag] = `2026-11-0${1 + Math.floor(next() * 9)}T10:00:00.000Z`;
    }
    if (Object.keys(tags).length > 0) raw.tags = tags;
    if (Object.keys(removed).length > 0) raw.removedTags = removed;
    raws.push(raw);
  }
  return serializeLibraryFile(new LibraryRecords(raws));
}

const clockAt = (time: string) => () => new Date(time);

describe('tag changes on the lines that mention them (changeNormalLibrary)', () => {
  test('give byte for byte the file a change of the whole library gives, for adds, removals and renames', () => {
    const next = random(20261201);
    let text = library(400, next);
    for (let step = 0; step < 300; step++) {
      const time = new Date(Date.UTC(2026, 10, 1) + step * 3_600_000).toISOString();
      const keys = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
        const i = Math.floor(next() * 400);
        return next() < 0.3 ? `key${i}Old` : `key${i}`;
      });
      const tag = TAGS[Math.floor(next() * TAGS.length)];
      const kind = next();
      const renamed = TAGS[Math.floor(next() * TAGS.length)];
      const change = (records: LibraryRecords) =>
        kind < 0.45 ? records.addTag(keys, tag) : kind < 0.9 ? records.removeTag(keys, tag) : records.renameTag(tag, renamed);
      const mentions = kind < 0.9 ? keys : [tag];
      // The whole library, as the store changes it without the shortcut.
      const whole = parseLibraryFile(text);
      whole.clock = clockAt(time);
      let expected: { text: string; result: string[] } | { error: string };
      try {
        const result = change(whole);
        expected = { text: serializeLibraryFile(whole), result };
      } catch (error) {
        expected = { error: (error as TagError).reason };
      }
      let actual: typeof expected;
      try {
        const patched = changeNormalLibrary(text, mentions, change, clockAt(time));
        assert.ok(patched, `step ${step}: a normal file must take the shortcut`);
        actual = { text: patched.text, result: patched.result };
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        actual = { error: (error as TagError).reason };
      }
      assert.deepEqual(actual, expected, `step ${step}`);
      // The store's path on the file's bytes gives the same bytes.
      if ('text' in expected) {
        const bytes = Buffer.from(text, 'utf8');
        const patched = changeNormalBytes(bytes, mentions, change, clockAt(time));
        assert.ok(patched, `step ${step}: the bytes take the shortcut too`);
        const after = Buffer.concat(FileBytes.of(bytes).replaced(patched.spans, patched.lines).pieces);
        assert.equal(after.toString('utf8'), expected.text, `step ${step}: bytes`);
        assert.equal(patched.changed, expected.text !== text, `step ${step}: changed`);
        assert.deepEqual(patched.result, expected.result);
      }
      if ('text' in expected) text = expected.text;
    }
  });

  test('an unknown or retired key is refused with the message the whole library gives, and nothing is returned', () => {
    const text = library(50, random(7));
    const withRetired = serializeLibraryFile(
      parseLibraryFile(text.replace('{"key":"key3",', '{"key":"key3","retired":["oldKey"],').replace('"retired":["oldKey"],"title"', '"title"')),
    );
    for (const source of [text, withRetired]) {
      for (const keys of [['nobody'], ['key1', 'nobody'], ['gone0']]) {
        const whole = (() => {
          try {
            parseLibraryFile(source).addTag(keys, 'rl');
            return null;
          } catch (error) {
            return (error as TagError).reason;
          }
        })();
        assert.ok(whole, `${keys.join(',')} must be refused`);
        assert.throws(
          () => changeNormalLibrary(source, keys, (records) => records.addTag(keys, 'rl')),
          (error: unknown) => error instanceof TagError && error.reason === whole,
        );
      }
    }
  });

  test('lines that do not read back as themselves (two lines of one paper after a merge, another order) take no shortcut', () => {
    const text = library(20, random(3));
    const lines = text.split('\n');
    const duplicated = [...lines.slice(0, 5), lines[4], ...lines.slice(5)].join('\n');
    const key = /"key":"([^"]+)"/.exec(lines[4])![1];
    assert.equal(
      changeNormalLibrary(duplicated, [key], (records) => records.addTag([key], 'new')),
      null,
    );
    const reordered = lines[4].replace(/^\{"key":("[^"]+"),"title":("(?:[^"\\]|\\.)*")/, '{"title":$2,"key":$1');
    assert.notEqual(reordered, lines[4]);
    const swapped = [...lines.slice(0, 4), reordered, ...lines.slice(5)].join('\n');
    assert.equal(
      changeNormalLibrary(swapped, [key], (records) => records.addTag([key], 'new')),
      null,
    );
  });
});
