import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { TreeRefetch } from '../../../src/core/papers/treeRefetch';

describe('TreeRefetch', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  /** A view that shows or not, and counts how often it was told again. */
  function view(visible = true) {
    const state = { visible, refires: 0, attempts: [] as number[] };
    const watch = new TreeRefetch({
      visible: () => state.visible,
      refire: () => state.refires++,
      onRefire: (attempt) => state.attempts.push(attempt),
      delayMs: 1000,
      maxRefires: 3,
    });
    return { state, watch };
  }

  test('a change the view fetched is not fired again', () => {
    const { state, watch } = view();
    watch.changed();
    mock.timers.tick(500);
    watch.fetched();
    for (let i = 0; i < 5; i++) mock.timers.tick(1000);
    assert.equal(state.refires, 0);
  });

  test('a change no fetch followed is fired again, until the view fetches', () => {
    const { state, watch } = view();
    watch.changed();
    mock.timers.tick(999);
    assert.equal(state.refires, 0, 'not before the delay');
    mock.timers.tick(1);
    assert.equal(state.refires, 1);
    mock.timers.tick(1000);
    assert.equal(state.refires, 2);
    watch.fetched();
    for (let i = 0; i < 5; i++) mock.timers.tick(1000);
    assert.equal(state.refires, 2);
  });

  test('gives up after a few tries, and a new change starts counting again', () => {
    const { state, watch } = view();
    watch.changed();
    for (let i = 0; i < 10; i++) mock.timers.tick(1000);
    assert.deepEqual(state.attempts, [1, 2, 3]);
    watch.changed();
    mock.timers.tick(1000);
    assert.deepEqual(state.attempts, [1, 2, 3, 1]);
  });

  test('a view shown again gets its tries again, for a change it still has not fetched', () => {
    const { state, watch } = view();
    watch.changed();
    for (let i = 0; i < 10; i++) mock.timers.tick(1000);
    assert.equal(state.refires, 3);
    watch.shown();
    mock.timers.tick(1000);
    assert.equal(state.refires, 4);
  });

  test('a fetch of an older version does not count for a newer change', () => {
    const { state, watch } = view();
    watch.changed();
    watch.fetched();
    watch.changed();
    mock.timers.tick(1000);
    assert.equal(state.refires, 1);
  });

  test('a hidden view is not asked; once shown, it has the delay to fetch before a change it missed is fired again', () => {
    const { state, watch } = view(false);
    watch.changed();
    for (let i = 0; i < 5; i++) mock.timers.tick(1000);
    assert.equal(state.refires, 0);
    state.visible = true;
    watch.shown();
    assert.equal(state.refires, 0, 'showing a view makes VS Code fetch: firing now would cancel that fetch');
    mock.timers.tick(1000);
    assert.equal(state.refires, 1);
    watch.fetched();
    watch.shown();
    mock.timers.tick(5000);
    assert.equal(state.refires, 1, 'nothing missed: nothing fired');
  });

  test('a view shown and fetching in time is not fired again', () => {
    const { state, watch } = view(false);
    watch.changed();
    state.visible = true;
    watch.shown();
    mock.timers.tick(300);
    watch.fetched();
    for (let i = 0; i < 5; i++) mock.timers.tick(1000);
    assert.equal(state.refires, 0);
  });

  test('dispose stops the watch', () => {
    const { state, watch } = view();
    watch.changed();
    watch.dispose();
    mock.timers.tick(5000);
    assert.equal(state.refires, 0);
  });
});
