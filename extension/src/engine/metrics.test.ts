import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COVERAGE_CURVE_POINTS, computeMetrics, coverageAtAccuracy, coverageCurve } from './metrics';

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

test('coverage at 98% takes tied examples all or none, whatever their order', () => {
  // Two equally confident readings, one right and one wrong: half right, so neither is covered,
  // in either order (cutting inside the tie would cover the right one when it came first).
  assert.equal(coverageAtAccuracy([true, false], [0, 0]), 0);
  assert.equal(coverageAtAccuracy([false, true], [0, 0]), 0);
  // 60 tied at the top with one wrong (59/60 = 98.3%) and 40 below, all right: every order gives 1.0.
  const correct = Array.from({ length: 100 }, (_, i) => i !== 7);
  const score = correct.map((_, i) => (i < 60 ? 0 : -1 - i / 100));
  const expected = coverageAtAccuracy(correct, score);
  assert.equal(expected, 1);
  for (let shift = 1; shift < 100; shift += 13) {
    const rotate = <T>(xs: T[]): T[] => [...xs.slice(shift), ...xs.slice(0, shift)];
    assert.equal(coverageAtAccuracy(rotate(correct), rotate(score)), expected, `shift ${shift}`);
  }
  // Ten tied readings with three wrong (70%) above 90 right ones (97% in all): the tie cannot be
  // split, so no prefix reaches 98%.
  const low = Array.from({ length: 100 }, (_, i) => !(i === 3 || i === 5 || i === 8));
  assert.equal(coverageAtAccuracy(low, low.map((_, i) => (i < 10 ? 0 : -1 - i / 100))), 0);
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
  // Scores by hand (each chosen class has logit 10, the others 0): a reading of length l scores
  // log(e^10/(e^10+6)) + l log(e^10/(e^10+9)), so '7' (right) and '4' (wrong, for '-') tie at the
  // top with length 1; a tie is taken whole, and half right is not 98%: nothing is covered.
  assert.equal(m.coverageAt98, 0);
  // Without the wrong reading, the top is '7', then '19', then '206' (wrong): two of three covered.
  const three = computeMetrics(['19', '205', '7'], [...logits.slice(0, 57), ...logits.slice(57, 114), ...logits.slice(171)]);
  assert.equal(three.coverageAt98, 2 / 3);
});

test('a label longer than five digits is right only as "more than 5" with its first five digits', () => {
  const m = computeMetrics(['1234567', '1234567'], [...logitsFor(6, [1, 2, 3, 4, 5], 10), ...logitsFor(5, [1, 2, 3, 4, 5], 10)]);
  assert.equal(m.sequenceAccuracy, 0.5);
  assert.equal(m.digitAccuracy, 1);
  assert.equal(m.lengthAccuracy, 0.5);
});

test('the coverage curve: accuracy of the most confident k for every k, ties taken together, the 98% coverage with it', () => {
  const curve = coverageCurve([true, true, true, false, true], [0.9, 0.8, 0.7, 0.6, 0.5]);
  assert.deepEqual(curve.coverage, [0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(curve.accuracy, [1, 1, 1, 0.75, 0.8]);
  assert.equal(curve.coverageAtPaperAccuracy, 0.6);
  // A tie is one point: both or neither.
  assert.deepEqual(coverageCurve([true, false, true], [1, 0, 0]), { coverage: [1 / 3, 1], accuracy: [1, 2 / 3], coverageAtPaperAccuracy: 1 / 3 });
  // A long curve is thinned, its last point (everything) kept.
  const n = 5000;
  const long = coverageCurve(Array.from({ length: n }, (_, i) => i % 50 !== 0), Array.from({ length: n }, (_, i) => -i));
  assert.ok(long.coverage.length <= COVERAGE_CURVE_POINTS + 1, String(long.coverage.length));
  assert.equal(long.coverage[long.coverage.length - 1], 1);
  assert.equal(long.accuracy[long.accuracy.length - 1], 0.98);
});
