import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RgbaImage } from './images';
import { CROP_BYTES, CROP_SIZE, cropRegion, preprocess, PreprocessError } from './preprocess';

/** 200x100 image whose red channel is x and green channel is y: every sample shows where it came from. */
function coordinateImage(width = 200, height = 100): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x, y, 7, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

const at = (crop: Uint8Array, x: number, y: number, ch: number) => crop[(y * CROP_SIZE + x) * 3 + ch];

/** Where output pixel `o` samples along an axis for a region starting at `start` of length `length`. */
const sampleAt = (start: number, length: number, o: number, size: number) =>
  Math.min(size - 1, Math.max(0, start + ((o + 0.5) * length) / CROP_SIZE - 0.5));

test('the box grows by 30% around its centre', () => {
  assert.deepEqual(cropRegion({ left: 50, top: 20, width: 100, height: 40 }, 200, 100), { left: 35, top: 14, width: 130, height: 52 });
});

test('the grown box is clamped to the image', () => {
  // Left/top would be -15 and -7.5; right would be 215 > 200.
  const region = cropRegion({ left: 0, top: 0, width: 100, height: 50 }, 200, 100);
  assert.deepEqual(region, { left: 0, top: 0, width: 115, height: 57.5 });
  const wide = cropRegion({ left: 120, top: 60, width: 100, height: 50 }, 200, 100);
  assert.deepEqual(wide, { left: 105, top: 52.5, width: 95, height: 47.5 });
});

test('no box means the whole image', () => {
  assert.deepEqual(cropRegion(undefined, 37, 12), { left: 0, top: 0, width: 37, height: 12 });
});

test('a box outside the image or empty is an error', () => {
  assert.throws(() => cropRegion({ left: 500, top: 10, width: 20, height: 20 }, 200, 100), PreprocessError);
  assert.throws(() => cropRegion({ left: 10, top: 10, width: 0, height: 20 }, 200, 100), PreprocessError);
  assert.throws(() => cropRegion({ left: 10, top: 10, width: Number.NaN, height: 20 }, 200, 100), PreprocessError);
});

test('the 64x64 crop samples the grown box bilinearly', () => {
  const image = coordinateImage();
  const crop = preprocess(image, { left: 50, top: 20, width: 100, height: 40 });
  assert.equal(crop.length, CROP_BYTES);
  for (const o of [0, 1, 31, 32, 63]) {
    // x is linear in the red channel, so bilinear sampling reproduces the sample position.
    assert.equal(at(crop, o, 10, 0), Math.round(sampleAt(35, 130, o, 200)), `x at ${o}`);
    assert.equal(at(crop, 10, o, 1), Math.round(sampleAt(14, 52, o, 100)), `y at ${o}`);
    assert.equal(at(crop, o, o, 2), 7);
  }
  // The crop spans the grown box [35, 165): first sample at 35.52, last at 163.48.
  assert.equal(at(crop, 0, 0, 0), 36);
  assert.equal(at(crop, 63, 0, 0), 163); // 35 + 63.5 * 130/64 - 0.5 = 163.48
});

test('clamped crop near the corner and the whole image without a box', () => {
  const image = coordinateImage();
  const corner = preprocess(image, { left: 0, top: 0, width: 100, height: 50 });
  assert.equal(at(corner, 0, 0, 0), Math.round(sampleAt(0, 115, 0, 200)));
  assert.equal(at(corner, 63, 0, 0), Math.round(sampleAt(0, 115, 63, 200)));
  assert.equal(at(corner, 0, 63, 1), Math.round(sampleAt(0, 57.5, 63, 100)));
  const whole = preprocess(image, undefined);
  assert.equal(at(whole, 0, 0, 0), 1); // 200/64 = 3.125: first sample at x = 1.06
  assert.equal(at(whole, 63, 63, 0), 198);
  assert.equal(at(whole, 63, 63, 1), 99);
});

test('an upscaled tiny image interpolates between its pixels and stays in range', () => {
  // 2x1: black then white. Samples left of the first centre clamp to black.
  const image: RgbaImage = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]) };
  const crop = preprocess(image, undefined);
  assert.equal(at(crop, 0, 0, 0), 0);
  assert.equal(at(crop, 63, 0, 0), 255);
  assert.equal(at(crop, 32, 0, 0), 131); // x = 32.5 * 2/64 - 0.5 = 0.516 of the way to white
  for (let x = 1; x < CROP_SIZE; x++) assert.ok(at(crop, x, 5, 1) >= at(crop, x - 1, 5, 1), 'monotone');
});
