import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeIn, viewRegion } from './geometry';

test("the views show the row's expanded box, or the whole image without one", () => {
  assert.deepEqual(viewRegion({ left: 50, top: 20, width: 100, height: 40 }, 200, 100), { left: 35, top: 14, width: 130, height: 52 });
  assert.deepEqual(viewRegion(undefined, 37, 12), { left: 0, top: 0, width: 37, height: 12 });
  assert.deepEqual(viewRegion({ left: 500, top: 10, width: 20, height: 20 }, 200, 100), { left: 0, top: 0, width: 200, height: 100 }, 'a box outside the image');
  // The network's input window (the centre 54/64) over that region, in percent.
  const region = { left: 35, top: 14, width: 128, height: 64 };
  assert.deepEqual(placeIn(region, { left: 45, top: 19, width: 108, height: 54 }), { left: 7.8125, top: 7.8125, width: 84.375, height: 84.375 });
});
