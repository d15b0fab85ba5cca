import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeScene, DIGIT_CROP_HEIGHT, type DigitCrop, resampleToHeight } from './composite';
import { Random } from './random';

/**
 * A stand-in digit crop: a grey ground with a blue bar at the centre whose height names the
 * digit (8 + 2 * digit rows), so where each digit landed can be read back from the pixels even
 * after the composer carries the first crop's colours onto the others.
 */
function barCrop(digit: number): DigitCrop {
  const size = DIGIT_CROP_HEIGHT;
  const rgb = new Uint8Array(size * size * 3).fill(128);
  for (let y = 3; y < 3 + 8 + 2 * digit; y++) {
    for (let x = size / 2 - 2; x < size / 2 + 2; x++) rgb.set([100, 100, 255], (y * size + x) * 3);
  }
  return { digit, width: size, height: size, rgb };
}

const pool = Array.from({ length: 10 }, (_, d) => barCrop(d));

/** The bar's height in column x: the rows bluer than halfway between the column's least and most blue. */
function barHeight(scene: { width: number; height: number; rgb: Uint8Array }, x: number): number {
  const blue = Array.from({ length: scene.height }, (_, y) => scene.rgb[(y * scene.width + x) * 3 + 2]);
  const mid = (Math.min(...blue) + Math.max(...blue)) / 2;
  return blue.filter((v) => v > mid).length;
}

test("a composed number: its label is its crops' digits, each digit box holds that digit's bar, in reading order", () => {
  for (let i = 0; i < 40; i++) {
    const scene = composeScene(new Random(3, i), pool);
    assert.equal(scene.digitBoxes.length, scene.label.length);
    assert.equal(scene.rgb.length, scene.width * scene.height * 3);
    scene.digitBoxes.forEach((b, k) => {
      assert.ok(b.left >= 0 && b.top >= 0 && b.left + b.width <= scene.width && b.top + b.height <= scene.height, `box ${k} inside the image`);
      if (k > 0) assert.ok(b.left > scene.digitBoxes[k - 1].left, 'left to right');
      const centre = b.left + Math.floor(b.width / 2);
      const height = Math.max(barHeight(scene, centre - 1), barHeight(scene, centre));
      const expected = 8 + 2 * Number(scene.label[k]);
      assert.ok(Math.abs(height - expected) <= 1, `crop ${i}, digit ${k} (${scene.label[k]}): bar ${height} rows, expected ${expected}`);
    });
    const right = Math.max(...scene.digitBoxes.map((b) => b.left + b.width));
    assert.equal(scene.box.left, Math.min(...scene.digitBoxes.map((b) => b.left)));
    assert.equal(scene.box.left + scene.box.width, right);
  }
});

test('the same random stream gives the same composite; lengths follow the house-number weights', () => {
  const a = composeScene(new Random(5, 7), pool);
  const b = composeScene(new Random(5, 7), pool);
  assert.deepEqual(a, b);
  const lengths = new Map<number, number>();
  for (let i = 0; i < 300; i++) {
    const n = composeScene(new Random(1, i), pool).label.length;
    lengths.set(n, (lengths.get(n) ?? 0) + 1);
  }
  assert.equal(lengths.get(0), undefined);
  // Weights 15/30/30/17/7/1 of 100: two and three digits are the common ones.
  assert.ok((lengths.get(2) ?? 0) > (lengths.get(5) ?? 0) * 2 && (lengths.get(3) ?? 0) > (lengths.get(1) ?? 0));
});

test('crops of another height are resampled to the composing height, aspect kept', () => {
  const small: DigitCrop = { digit: 4, width: 8, height: 16, rgb: new Uint8Array(8 * 16 * 3).fill(90) };
  const r = resampleToHeight(small, DIGIT_CROP_HEIGHT);
  assert.equal(r.height, 32);
  assert.equal(r.width, 16);
  assert.ok(r.rgb.every((v) => v === 90));
  assert.throws(() => composeScene(new Random(1), []), /no digit crops/);
});
