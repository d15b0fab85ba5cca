import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROP_BYTES, cropRegion, resizeRegionInto } from '../dataset/preprocess';
import { inputGeometry, inputPixelToImage, inputRegionInImage, type InputGeometry } from './inputGeometry';
import { centreInput, centreWindow } from './predict';
import { inputWidthOf, PRESETS, type ModelSpec } from './presets';

const close = (actual: number, expected: number, what: string, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected}`);

// The fast preset's geometry: the centre 54x54 of the cache crop resampled to 54 columns x 36 rows.
const FAST_WINDOW = { top: 5, left: 5, height: 54, width: 54 };

test('a box grows by 30% into the region, and the fast input maps back through it (worked by hand)', () => {
  // Box 40x20 at (100, 50) in a 300x200 image: 52x26 around the same centre (120, 60).
  const g = inputGeometry({ left: 100, top: 50, width: 40, height: 20 }, 300, 200, FAST_WINDOW, 54, 36);
  assert.deepEqual(g.region, { left: 94, top: 47, width: 52, height: 26 });
  // Column 0: cache sample 5 + 0.5 * 54/54 - 0.5 = 5; image sample 94 + 5.5 * 52/64 - 0.5 = 97.96875; its centre +0.5.
  // Row 0: cache sample 5 + 0.5 * 54/36 - 0.5 = 5.25 (rows are squeezed 1.5x); image 47 + 5.75 * 26/64 - 0.5.
  const [x0, y0] = inputPixelToImage(g, 0, 0);
  close(x0, 98.46875, 'x of (0, 0)');
  close(y0, 49.3359375, 'y of (0, 0)');
  // The last cell: cache (58, 57.75) -> image 94 + 58.5 * 52/64, 47 + 58.25 * 26/64.
  const [x1, y1] = inputPixelToImage(g, 53, 35);
  close(x1, 141.53125, 'x of (53, 35)');
  close(y1, 70.6640625, 'y of (53, 35)');
  // The input shows cache pixels 5..59 of 64 in each direction: 54/64 of the region, 5/64 in.
  assert.deepEqual(inputRegionInImage(g), { left: 98.0625, top: 49.03125, width: 43.875, height: 21.9375 });
});

test('every cell maps to its own centre in the input region, so masks drawn stretched over it line up', () => {
  const g = inputGeometry({ left: 100, top: 50, width: 40, height: 20 }, 300, 200, FAST_WINDOW, 54, 36);
  const r = inputRegionInImage(g);
  for (let row = 0; row < 36; row++) {
    for (let col = 0; col < 54; col++) {
      const [x, y] = inputPixelToImage(g, col, row);
      close(x, r.left + ((col + 0.5) * r.width) / 54, `x of (${col}, ${row})`);
      close(y, r.top + ((row + 0.5) * r.height) / 36, `y of (${col}, ${row})`);
    }
  }
});

test('a box at the image border is clamped before it is resized, and the mapping uses the clamped region', () => {
  // Box 40x20 at (2, 0) in a 60x30 image: grown to x -4..48, y -3..23; the image keeps x 0..48, y 0..23.
  const g = inputGeometry({ left: 2, top: 0, width: 40, height: 20 }, 60, 30, FAST_WINDOW, 54, 36);
  assert.deepEqual(g.region, { left: 0, top: 0, width: 48, height: 23 });
  const [x, y] = inputPixelToImage(g, 0, 0);
  close(x, (5.5 * 48) / 64, 'x');
  close(y, (5.75 * 23) / 64, 'y');
  assert.deepEqual(inputRegionInImage(g), { left: 3.75, top: 1.796875, width: 40.5, height: 19.40625 });
});

test('samples that fall outside a tiny image are clamped to its edge pixels, as the resize clamps them', () => {
  // A 4x4 image, no box: upsampled 16x, cache pixel 5 samples image index 5.5/16 - 0.5 < 0 -> pixel 0.
  const g = inputGeometry(undefined, 4, 4, { top: 5, left: 5, height: 54, width: 54 }, 54, 54);
  assert.deepEqual(inputPixelToImage(g, 0, 0), [0.5, 0.5]);
  // Cache pixel 58 samples index 58.5/16 - 0.5 = 3.15625, past the last pixel (3): clamped to 3.
  assert.deepEqual(inputPixelToImage(g, 53, 53), [3.5, 3.5]);
  // Cache pixel 33 samples 33.5/16 - 0.5 = 1.59375: inside, unclamped.
  assert.deepEqual(inputPixelToImage(g, 28, 28), [2.09375, 2.09375]);
});

test('the centre window is the one view 0 reads: whole pixels for plain crops, the exact centre when resampled', () => {
  assert.deepEqual(centreWindow(PRESETS.fast), { ...FAST_WINDOW, invert: false });
  assert.deepEqual(centreWindow(PRESETS.goodfellow2014), { top: 5, left: 5, height: 54, width: 54, invert: false });
  // An odd margin: fillBatch starts plain crops at floor(11 / 2) = 5; a resampling spec centres at 5.5.
  const plain53: ModelSpec = { ...PRESETS.goodfellow2014, inputSize: 53 };
  assert.deepEqual(centreWindow(plain53), { top: 5, left: 5, height: 53, width: 53, invert: false });
  assert.deepEqual(centreWindow({ ...PRESETS.fast, cropSize: 53 }), { top: 5.5, left: 5.5, height: 53, width: 53, invert: false });
});

/**
 * Against the real pipeline: an image whose red channel is 4 x (column index) and green 4 x (row
 * index) goes through cropRegion, resizeRegionInto and centreInput (unstandardised); bilinear
 * sampling of a ramp returns the sampled position, so each input pixel says where it came from.
 */
function checkAgainstPipeline(spec: ModelSpec, box: { left: number; top: number; width: number; height: number } | undefined, w: number, h: number): void {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([4 * x, 4 * y, 0, 255], (y * w + x) * 4);
  const pixels = new Uint8Array(CROP_BYTES);
  resizeRegionInto({ width: w, height: h, data }, cropRegion(box, w, h), pixels, 0);
  const input = centreInput(spec, { pixels, mean: Float32Array.of(0), invStd: Float32Array.of(1) }, 0);
  const width = inputWidthOf(spec);
  const g: InputGeometry = inputGeometry(box, w, h, centreWindow(spec), width, spec.inputSize);
  for (let row = 0; row < spec.inputSize; row++) {
    for (let col = 0; col < width; col++) {
      const [x, y] = inputPixelToImage(g, col, row);
      const o = (row * width + col) * 3;
      // The crop holds whole numbers: 0.5 / 4 = 0.125 px of rounding.
      close(x, input[o] / 4 + 0.5, `${spec.preset} x of (${col}, ${row})`, 0.13);
      close(y, input[o + 1] / 4 + 0.5, `${spec.preset} y of (${col}, ${row})`, 0.13);
    }
  }
}

test('the mapping agrees with what the preprocessing and the centre view really sample', () => {
  checkAgainstPipeline(PRESETS.fast, { left: 9, top: 6, width: 40, height: 20 }, 60, 40);
  checkAgainstPipeline(PRESETS.goodfellow2014, { left: 9, top: 6, width: 40, height: 20 }, 60, 40);
  checkAgainstPipeline(PRESETS.fast, { left: 1, top: 0, width: 50, height: 30 }, 56, 32); // clamped at the border
});
