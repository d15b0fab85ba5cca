import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VIRIDIS, overlayMask, viridis } from './colormap';

/** Relative luminance (ITU-R BT.709 on linearised sRGB), 0..1. */
function luminance([r, g, b]: readonly number[]): number {
  const lin = (v: number): number => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

test("viridis is matplotlib's 256-entry table: its ends and its middle", () => {
  assert.equal(VIRIDIS.length, 256);
  assert.deepEqual(viridis(0), [0x44, 0x01, 0x54]); // #440154
  assert.deepEqual(viridis(0.5), [0x21, 0x91, 0x8c]); // #21918c, matplotlib's viridis(0.5)
  assert.deepEqual(viridis(1), [0xfd, 0xe7, 0x25]); // #fde725
  assert.deepEqual(viridis(255.5 / 256), viridis(1), 'the last bin reaches 1');
  assert.notDeepEqual(viridis(254.5 / 256), viridis(1));
});

test('viridis gets lighter all the way (so it reads in greyscale), and clamps out-of-range values', () => {
  // Every 4th entry: neighbours can tie or dip by one rounding unit of a channel (8-bit table).
  for (let i = 4; i < VIRIDIS.length; i += 4) assert.ok(luminance(VIRIDIS[i]) > luminance(VIRIDIS[i - 4]), `luminance falls at entry ${i}`);
  assert.deepEqual(viridis(-3), viridis(0));
  assert.deepEqual(viridis(7), viridis(1));
  assert.deepEqual(viridis(Number.NaN), viridis(0));
  for (const channel of VIRIDIS.flat()) assert.ok(Number.isInteger(channel) && channel >= 0 && channel <= 255);
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
