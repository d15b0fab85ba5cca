import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Canvas } from './canvas';

const luma = (c: Canvas, x: number, y: number) => {
  const p = (y * c.width + x) * 3;
  return 0.299 * c.data[p] + 0.587 * c.data[p + 1] + 0.114 * c.data[p + 2];
};

test('JPEG artifacts keep flat blocks and ring around an edge, more at low quality', () => {
  const error = (quality: number) => {
    const c = new Canvas(16, 16);
    // Left half dark, right half light, edge inside each 8x8 block column at x = 5.
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) c.data.fill(x < 5 || (x >= 8 && x < 13) ? 40 : 200, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    const before = Array.from({ length: 256 }, (_, p) => luma(c, p % 16, p >> 4));
    c.jpegArtifacts(quality);
    let sum = 0;
    for (let p = 0; p < 256; p++) sum += Math.abs(luma(c, p % 16, p >> 4) - before[p]);
    return sum / 256;
  };
  // Quality 100 quantises by 1: only rounding, so the transform pair itself must be exact.
  assert.ok(error(100) < 0.6, `quality 100 changed pixels by ${error(100)}`);
  const high = error(95);
  const low = error(20);
  assert.ok(high < 3, `quality 95 changed pixels by ${high} on average`);
  assert.ok(low > high * 2 && low > 3, `quality 20 (${low}) should lose more than quality 95 (${high})`);
  // A flat block stays flat: its only coefficient is DC.
  const flat = new Canvas(8, 8);
  flat.fill([90, 120, 150]);
  flat.jpegArtifacts(10);
  for (let p = 0; p < 64; p++) assert.ok(Math.abs(luma(flat, p % 8, p >> 3) - (0.299 * 90 + 0.587 * 120 + 0.114 * 150)) < 8);
});
