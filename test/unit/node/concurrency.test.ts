import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapLimited } from '../../../src/node/concurrency';

describe('concurrency', () => {
  test('mapLimited keeps the order of the results and runs at most the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    assert.deepEqual(results, [50, 10, 40, 20, 30]);
    assert.equal(most, 2);
  });
});
