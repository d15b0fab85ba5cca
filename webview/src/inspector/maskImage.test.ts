import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASK_MAX_ALPHA, MASK_MIN_ALPHA, greyRgba, maskRgba, scaleRgba } from './maskImage';

test('a mask is viridis, more opaque where larger; the scale and feature maps are opaque', () => {
  const rgba = maskRgba([0, 1, 0.5, Number.NaN, 2, -1], 3, 2);
  assert.deepEqual([...rgba.subarray(0, 4)], [0x44, 0x01, 0x54, Math.round(255 * MASK_MIN_ALPHA)]);
  assert.deepEqual([...rgba.subarray(4, 8)], [0xfd, 0xe7, 0x25, Math.round(255 * MASK_MAX_ALPHA)]);
  assert.deepEqual([...rgba.subarray(12, 16)], [...rgba.subarray(0, 4)], 'NaN draws as 0');
  assert.deepEqual([...rgba.subarray(16, 20)], [...rgba.subarray(4, 8)], 'clamped');
  assert.throws(() => maskRgba([0, 1], 3, 2), RangeError);
  const scale = scaleRgba(256);
  assert.deepEqual([...scale.subarray(0, 4)], [0x44, 0x01, 0x54, 255]);
  assert.deepEqual([...scale.subarray(255 * 4)], [0xfd, 0xe7, 0x25, 255]);
  assert.deepEqual([...greyRgba([0, 128, 255])], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
});
