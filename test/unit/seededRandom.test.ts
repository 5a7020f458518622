import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../src/core/seededRandom';

describe('seededRandom', () => {
  test('gives the same numbers in [0, 1) for the same seed, and others for another seed', () => {
    const take = (seed: number) => {
      const next = seededRandom(seed);
      return Array.from({ length: 1000 }, () => next());
    };
    const first = take(0x5eed);
    assert.deepEqual(take(0x5eed), first);
    assert.ok(first.every((value) => value >= 0 && value < 1));
    assert.notDeepEqual(take(0xf00d), first);
    // Spread over the interval, not stuck in one part of it.
    const buckets = new Array<number>(10).fill(0);
    for (const value of first) buckets[Math.floor(value * 10)]++;
    assert.ok(
      buckets.every((count) => count > 50 && count < 150),
      String(buckets),
    );
  });

  test('is mulberry32: the sequence the For You solver and the fixtures were tuned with', () => {
    const next = seededRandom(1);
    assert.deepEqual(
      [next(), next(), next()].map((value) => value.toFixed(8)),
      ['0.62707394', '0.00273572', '0.52744704'],
    );
  });
});
