import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillBatch, fillBatchWindows, imageStats, makeRng, randomOffsets, randomWindows, shuffled, splitValidation } from './data';

function image(fill: (y: number, x: number, c: number) => number): Uint8Array {
  const p = new Uint8Array(64 * 64 * 3);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) for (let c = 0; c < 3; c++) p[(y * 64 + x) * 3 + c] = fill(y, x, c);
  return p;
}

test('images are standardised and cropped at the given offsets', () => {
  const a = image((y, x) => (x < 32 ? 0 : 200)); // half black, half 200: mean 100, std 100
  const src = { pixels: a, ...imageStats(a, 1) };
  assert.equal(src.mean[0], 100);
  assert.ok(Math.abs(src.invStd[0] - 0.01) < 1e-7);
  const out = new Float32Array(54 * 54 * 3);
  fillBatch(src, [0], 54, 3, out, [[0, 0]]);
  assert.equal(out[0], -1); // (0 - 100) / 100 at (0,0)
  assert.equal(out[(0 * 54 + 53) * 3], 1); // x = 53 >= 32
  fillBatch(src, [0], 54, 3, out); // centre crop starts at x = 5: column 27 is x = 32
  assert.equal(out[26 * 3], -1);
  assert.equal(out[27 * 3], 1);
});

test('grayscale averages the channels', () => {
  const a = image((_y, _x, c) => [0, 30, 60][c] + (_x % 2) * 100);
  const src = { pixels: a, ...imageStats(a, 1) };
  const out = new Float32Array(10 * 10);
  fillBatch(src, [0], 10, 1, out, [[0, 0]]);
  assert.ok(Math.abs(out[0] - (30 - src.mean[0]) * src.invStd[0]) < 1e-6);
  assert.ok(Math.abs(out[1] - (130 - src.mean[0]) * src.invStd[0]) < 1e-6);
});

test('seeded randomness repeats; offsets stay inside the cache', () => {
  assert.deepEqual(shuffled(10, makeRng(4)), shuffled(10, makeRng(4)));
  assert.notDeepEqual(shuffled(10, makeRng(4)), shuffled(10, makeRng(5)));
  for (const [y, x] of randomOffsets(500, 54, makeRng(1))) assert.ok(y >= 0 && y <= 10 && x >= 0 && x <= 10);
});

test('the validation split is stable, about 10%, and independent of row order', () => {
  const files = Array.from({ length: 2000 }, (_, i) => `img/${i}.png`);
  const { train, validation } = splitValidation(files);
  assert.equal(train.length + validation.length, 2000);
  assert.ok(validation.length > 150 && validation.length < 250, String(validation.length));
  const reversed = [...files].reverse();
  const again = splitValidation(reversed).validation.map((i) => reversed[i]).sort();
  assert.deepEqual(again, validation.map((i) => files[i]).sort());
  assert.equal(splitValidation(files.slice(0, 10)).validation.length, 0);
});

test('a window of the input size at whole offsets resamples to the plain crop; invert negates', () => {
  const a = image((y, x, c) => (y * 3 + x * 5 + c * 7) % 256);
  const src = { pixels: a, ...imageStats(a, 1) };
  const plain = new Float32Array(54 * 54 * 3);
  const windowed = new Float32Array(54 * 54 * 3);
  fillBatch(src, [0], 54, 3, plain, [[4, 7]]);
  fillBatchWindows(src, [0], 54, 3, windowed, [{ top: 4, left: 7, height: 54, width: 54, invert: false }]);
  for (let i = 0; i < plain.length; i++) assert.ok(Math.abs(plain[i] - windowed[i]) < 1e-4, `at ${i}`);
  fillBatchWindows(src, [0], 54, 3, windowed, [{ top: 4, left: 7, height: 54, width: 54, invert: true }]);
  for (let i = 0; i < plain.length; i++) assert.ok(Math.abs(plain[i] + windowed[i]) < 1e-4, `inverted at ${i}`);
});

test('random windows stay inside the cache and vary in scale', () => {
  const ws = randomWindows(300, 54, { scale: [0.8, 1.15], aspect: 0.15, invert: 0.5 }, makeRng(3));
  for (const w of ws) {
    assert.ok(w.top >= 0 && w.left >= 0 && w.top + w.height <= 64 + 1e-9 && w.left + w.width <= 64 + 1e-9);
  }
  const heights = ws.map((w) => w.height);
  assert.ok(Math.max(...heights) - Math.min(...heights) > 10);
  const inverted = ws.filter((w) => w.invert).length;
  assert.ok(inverted > 100 && inverted < 200);
});

test('one image spelled two ways always lands on one side of the split', () => {
  const files = Array.from({ length: 3000 }, (_, i) => `img/${i}.png`);
  const spelled = files.flatMap((f) => [f, `./${f}`, f.replace('img/', 'img//'), f.toUpperCase()]);
  const { validation } = splitValidation(spelled);
  const held = new Set(validation);
  assert.ok(held.size > 0);
  for (let i = 0; i < files.length; i++) {
    const sides = [0, 1, 2, 3].map((k) => held.has(4 * i + k));
    assert.ok(sides.every((s) => s === sides[0]), `${files[i]} is on both sides: ${sides.join(' ')}`);
  }
});
