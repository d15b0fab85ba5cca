import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viridis } from '../../../common/colormap';
import type { ExplainResult } from '../../../common/engineProtocol';
import { decodePng } from '../dataset/pngDecode';
import { maskOverlayPng, overlaySize } from './maskOverlay';

test('the overlay puts each mask cell over the part of the image it stands for', () => {
  // A 100x60 black image; the input shows x 20..80, y 10..40 (60x30); a 3x2 mask hot in cell (2, 1) only.
  const image = { width: 100, height: 60, data: new Uint8Array(100 * 60 * 4).fill(0) };
  const mask = [0, 0, 0, 0, 0, 1];
  const result = {
    inputRegion: { left: 20, top: 10, width: 60, height: 30 }, maskWidth: 3, maskHeight: 2,
    heads: [{ head: 'S1', probs: [], predicted: 0, target: 0, relevant: true, mask, peak: [70, 32.5] }],
  } as unknown as ExplainResult;
  assert.deepEqual(overlaySize(result.inputRegion), { width: 256, height: 128 });
  const png = decodePng(maskOverlayPng(image, result, 0));
  assert.deepEqual([png.width, png.height], [256, 128]);
  const at = (x: number, y: number) => [...png.data.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 3)];
  // The hot cell's centre (lower right) is 85% viridis(1) over black; the opposite corner 20% viridis(0).
  assert.deepEqual(at(213, 96), viridis(1).map((c) => Math.round(c * 0.85)));
  assert.deepEqual(at(10, 10), viridis(0).map((c) => Math.round(c * 0.2)));

  // Cells are sampled at their centres: a 4x1 mask hot in cell 1 is (almost) fully hot at that cell's middle, x = 96 of 256.
  const row = { ...result, maskWidth: 4, maskHeight: 1, heads: [{ ...result.heads[0], mask: [0, 1, 0, 0] }] };
  const stripe = decodePng(maskOverlayPng(image, row, 0));
  const hot = viridis(1).map((c) => c * 0.85);
  const pixel = [...stripe.data.subarray((60 * 256 + 96) * 4, (60 * 256 + 96) * 4 + 3)];
  pixel.forEach((c, i) => assert.ok(Math.abs(c - hot[i]) < 6, `${pixel.join(',')} is not the hot colour ${hot.map(Math.round).join(',')}`));
});
