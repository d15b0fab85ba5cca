import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillContours, flattenPath, roundedRect, transformContours } from './raster';

const sum = (mask: Float32Array) => mask.reduce((a, b) => a + b, 0);

test('a pixel-aligned square fills exactly its pixels', () => {
  const mask = fillContours([Float64Array.from([2, 1, 6, 1, 6, 4, 2, 4])], 8, 6);
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 8; x++) assert.equal(mask[y * 8 + x], x >= 2 && x < 6 && y >= 1 && y < 4 ? 1 : 0, `pixel ${x},${y}`);
  }
});

test('edges between pixels give partial coverage equal to the covered area', () => {
  // x from 1.25 to 3.5, full rows 0..2: area 2.25 * 2.
  const mask = fillContours([Float64Array.from([1.25, 0, 3.5, 0, 3.5, 2, 1.25, 2])], 5, 3);
  assert.ok(Math.abs(mask[1] - 0.75) < 1e-6);
  assert.equal(mask[2], 1);
  assert.ok(Math.abs(mask[3] - 0.5) < 1e-6);
  assert.ok(Math.abs(sum(mask) - 4.5) < 1e-6);
  // A triangle's coverage sums to its area (within sub-scanline error).
  const tri = fillContours([Float64Array.from([0, 0, 20, 0, 0, 10])], 24, 12);
  assert.ok(Math.abs(sum(tri) - 100) < 1.5, `triangle area ${sum(tri)}`);
});

test('non-zero winding: an opposite inner contour cuts a hole, a same-direction one does not', () => {
  const outer = roundedRect(0, 0, 10, 10, 0);
  const hole = fillContours([outer, roundedRect(3, 3, 4, 4, 0, false)], 10, 10);
  assert.ok(Math.abs(sum(hole) - 84) < 1e-6);
  assert.equal(hole[5 * 10 + 5], 0);
  const filled = fillContours([outer, roundedRect(3, 3, 4, 4, 0, true)], 10, 10);
  assert.ok(Math.abs(sum(filled) - 100) < 1e-6);
});

test('curves are flattened within tolerance and shapes outside the image are clipped', () => {
  // A circle of radius 10 from four cubic quarter arcs (kappa = 0.5523).
  const k = 0.5523 * 10;
  const c = 12;
  const contours = flattenPath(
    [
      { type: 'M', x: c + 10, y: c },
      { type: 'C', x1: c + 10, y1: c + k, x2: c + k, y2: c + 10, x: c, y: c + 10 },
      { type: 'C', x1: c - k, y1: c + 10, x2: c - 10, y2: c + k, x: c - 10, y: c },
      { type: 'C', x1: c - 10, y1: c - k, x2: c - k, y2: c - 10, x: c, y: c - 10 },
      { type: 'C', x1: c + k, y1: c - 10, x2: c + 10, y2: c - k, x: c + 10, y: c },
      { type: 'Z' },
    ],
    0.05,
  );
  assert.equal(contours.length, 1);
  for (let i = 0; i < contours[0].length; i += 2) {
    assert.ok(Math.abs(Math.hypot(contours[0][i] - c, contours[0][i + 1] - c) - 10) < 0.05);
  }
  const area = sum(fillContours(contours, 24, 24));
  assert.ok(Math.abs(area - Math.PI * 100) < 2, `circle area ${area}`);
  // Shifted half outside: only the inside half is drawn, nothing wraps around.
  const shifted = transformContours(contours, [1, 0, -12, 0, 1, 0, 0, 0, 1]);
  const half = fillContours(shifted, 24, 24);
  assert.ok(Math.abs(sum(half) - (Math.PI * 100) / 2) < 2);
  assert.equal(half[12 * 24 + 23], 0);
});
