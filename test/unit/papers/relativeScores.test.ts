import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { relativePercents } from '../../../src/core/papers/relativeScores';

describe('relativePercents', () => {
  test('the first is 100%, the others their share of it, rounded, never below 1%', () => {
    assert.deepEqual(relativePercents([8.4, 4.2, 2.1, 0.01]), [100, 50, 25, 1]);
  });

  test('no scores, or a first score of zero, gives no shares to divide by', () => {
    assert.deepEqual(relativePercents([]), []);
    assert.deepEqual(relativePercents([0, 0]), [100, 100]);
  });
});
