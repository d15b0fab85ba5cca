import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics, coverageAtAccuracy } from './metrics';

function logitsFor(lengthClass: number, digits: number[], strength: number): number[] {
  const z = new Array<number>(57).fill(0);
  z[lengthClass] = strength;
  digits.forEach((d, i) => {
    z[7 + 10 * i + d] = strength;
  });
  return z;
}

test('coverage at 98%: hand-computed', () => {
  // Confidence order: a b c d e (all right except d). Prefix accuracies 1, 1, 1, 0.75, 0.8:
  // the largest prefix at >= 98% is 3 of 5.
  const correct = [true, true, true, false, true];
  const conf = [0.9, 0.8, 0.7, 0.6, 0.5];
  assert.equal(coverageAtAccuracy(correct, conf), 0.6);
  // Order matters, not input order: the same examples shuffled.
  assert.equal(coverageAtAccuracy([false, true, true, true, true], [0.6, 0.5, 0.9, 0.7, 0.8]), 0.6);
  // 49 right of the first 50 is exactly 98%: covered.
  const c50 = Array.from({ length: 60 }, (_, i) => i !== 10 && i < 50);
  assert.equal(coverageAtAccuracy(c50, c50.map((_, i) => 1 - i / 100)), 50 / 60);
  assert.equal(coverageAtAccuracy([false, true], [0.9, 0.1]), 0);
  assert.equal(coverageAtAccuracy([], []), 0);
});

test('sequence, digit and length accuracy: hand-computed', () => {
  const labels = ['19', '205', '-', '7'];
  const logits = [
    ...logitsFor(2, [1, 9, 0, 0, 0], 10), // '19' right
    ...logitsFor(3, [2, 0, 6, 0, 0], 10), // '206' wrong; digits 2/3 right; length right
    ...logitsFor(1, [4, 0, 0, 0, 0], 10), // '4' for '-': wrong, length wrong, no digit positions
    ...logitsFor(1, [7, 0, 0, 0, 0], 10), // '7' right
  ];
  const m = computeMetrics(labels, logits);
  assert.equal(m.count, 4);
  assert.equal(m.sequenceAccuracy, 0.5);
  assert.equal(m.digitAccuracy, 5 / 6); // 1,9 | 2,0,(5 vs 6) | 7
  assert.equal(m.lengthAccuracy, 0.75);
  // All equally confident except by their own length/digit logits: the two right ones are not
  // necessarily first, so only check the bounds here and the exact value in the test above.
  assert.ok(m.coverageAt98 >= 0 && m.coverageAt98 <= 0.5);
});

test('a label longer than five digits is right only as "more than 5" with its first five digits', () => {
  const m = computeMetrics(['1234567', '1234567'], [...logitsFor(6, [1, 2, 3, 4, 5], 10), ...logitsFor(5, [1, 2, 3, 4, 5], 10)]);
  assert.equal(m.sequenceAccuracy, 0.5);
  assert.equal(m.digitAccuracy, 1);
  assert.equal(m.lengthAccuracy, 0.5);
});
