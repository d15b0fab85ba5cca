import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_VIEWS } from './predict';

test('the test views start with the plain centre crop and stay inside the cache', () => {
  assert.deepEqual(TEST_VIEWS[0], { scale: 1, dx: 0, invert: false });
  for (const v of TEST_VIEWS) assert.ok(54 * v.scale <= 64 && Math.abs(v.dx) <= (64 - 54 * v.scale) / 2, JSON.stringify(v));
});
