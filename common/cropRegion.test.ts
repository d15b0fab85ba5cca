import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandedBoxRegion } from './cropRegion';

test('the box grows by 30% around its centre, is clamped to the image, and a box outside it has no region', () => {
  assert.deepEqual(expandedBoxRegion({ left: 50, top: 20, width: 100, height: 40 }, 200, 100), { left: 35, top: 14, width: 130, height: 52 });
  // At the image's corner: clamped, fractional edges kept.
  assert.deepEqual(expandedBoxRegion({ left: 1, top: 1, width: 10, height: 10 }, 11, 11), { left: 0, top: 0, width: 11, height: 11 });
  const edge = expandedBoxRegion({ left: 5, top: 5, width: 5, height: 5 }, 100, 100);
  assert.deepEqual(edge, { left: 4.25, top: 4.25, width: 6.5, height: 6.5 });
  assert.equal(expandedBoxRegion({ left: 500, top: 10, width: 20, height: 20 }, 200, 100), undefined);
  assert.equal(expandedBoxRegion({ left: 10, top: 10, width: Number.NaN, height: 20 }, 200, 100), undefined);
});
