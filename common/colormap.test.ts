import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overlayMask, viridis } from './colormap';

/** Relative luminance (ITU-R BT.709 on linearised sRGB), 0..1. */
function luminance([r, g, b]: [number, number, number]): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

test('viridis has matplotlib\'s colours at its ends, middle and stops', () => {
  assert.deepEqual(viridis(0), [68, 1, 84]); // #440154
  assert.deepEqual(viridis(1), [253, 231, 37]); // #fde725
  assert.deepEqual(viridis(4 / 9), [38, 130, 142]); // #26828e, the fifth of ten samples
  // Halfway between two stops is their mean: #26828e and #1f9e89.
  assert.deepEqual(viridis(4.5 / 9), [35, 144, 140]);
});

test('viridis gets lighter all the way (it reads in greyscale and to colour-blind eyes), and clamps', () => {
  // 64 steps: finer ones can tie or dip by a rounding unit of one channel.
  let previous = -1;
  for (let i = 0; i <= 64; i++) {
    const l = luminance(viridis(i / 64));
    assert.ok(l > previous, `luminance falls at ${i}/64`);
    previous = l;
  }
  assert.deepEqual(viridis(-3), viridis(0));
  assert.deepEqual(viridis(7), viridis(1));
  assert.deepEqual(viridis(Number.NaN), viridis(0));
});

test('overlayMask shows the image where the mask is 0 and mostly the colour where it is 1', () => {
  const grey = [0, 255, 100];
  const out = overlayMask(grey, [0, 1, 0.5]);
  // Mask 0: 80% image, 20% viridis(0).
  assert.deepEqual([...out.subarray(0, 3)], [68, 1, 84].map((c) => Math.round(0 * 0.8 + c * 0.2)));
  // Mask 1: 15% image, 85% viridis(1).
  assert.deepEqual([...out.subarray(3, 6)], [253, 231, 37].map((c) => Math.round(255 * 0.15 + c * 0.85)));
  assert.throws(() => overlayMask(grey, [0, 1]), RangeError);
});
