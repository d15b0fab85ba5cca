import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluationOf, progressAt as progress, runRecordOf } from '../test/support/runRecords';
import {
  appendProgress,
  confusionClasses,
  emptyCurves,
  isRunId,
  newRunId,
  parseRunRecord,
  runRecordProblem,
  summarizeRun,
  thinCurves,
  type RunRecord,
} from './trainingRun';

function record(): RunRecord {
  const files = ['a.png', 'b.png'];
  // S1 reads b.png's 1 as 7.
  return runRecordOf(5, [evaluationOf(files, '19', { coverage: [0.5, 1], accuracy: [1, 0.5], coverageAtPaperAccuracy: 0.5 }, (h, row) => (h === 1 && row === 1 ? [1, 7] : undefined))]);
}

test('run ids sort by start time and name the file', () => {
  const id = newRunId(new Date('2026-11-29T14:03:22.123Z'), () => 0);
  assert.equal(id, '20261129-140322123-aaaa');
  assert.ok(isRunId(id));
  assert.ok(newRunId(new Date('2026-11-29T14:03:23.000Z'), () => 0) > id);
  assert.ok(!isRunId('../evil'));
});

test('a record survives JSON and its check; a summary takes the latest evaluation', () => {
  const r = record();
  assert.deepEqual(parseRunRecord(JSON.stringify(r)), r);
  assert.equal(summarizeRun(r).metrics?.sequenceAccuracy, 0.95);
  assert.equal(summarizeRun(r).final?.steps, 5);
});

test('a bad record is refused with what is wrong', () => {
  assert.throws(() => parseRunRecord('{', 'x.json'), /x\.json is not JSON/);
  assert.throws(() => parseRunRecord('[]', 'x.json'), /not a Digit Lens run record: not a JSON object/);
  const cases: [string, (r: Record<string, unknown> & RunRecord) => void, RegExp][] = [
    ['format', (r) => ((r as Record<string, unknown>).format = 'other'), /format is "other"/],
    ['a short column', (r) => r.curves.loss.pop(), /columns differ in length/],
    ['a head too few', (r) => r.curves.headLoss.pop(), /headLoss is not one column/],
    ['a cell pointing past the files', (r) => r.evaluations[0].confusion[1].cells[3][3].push(7), /confusion of S1 is not a 11 x 11 matrix/],
    ['a matrix too small', (r) => r.evaluations[0].confusion[0].cells.pop(), /confusion of L is not a 7 x 7 matrix/],
    ['an accuracy above 1', (r) => (r.evaluations[0].coverage.accuracy[0] = 1.5), /coverage is not a coverage curve/],
    ['a status', (r) => ((r as Record<string, unknown>).status = 'paused'), /status is "paused"/],
  ];
  for (const [what, spoil, expected] of cases) {
    const r = record() as Record<string, unknown> & RunRecord;
    spoil(r);
    assert.match(runRecordProblem(JSON.parse(JSON.stringify(r))) ?? 'accepted', expected, what);
  }
});

test('figures are kept to four significant digits', () => {
  const curves = emptyCurves();
  appendProgress(curves, { ...progress(1), loss: 2.718281828, imagesPerSecond: 61.23456, headLoss: [0.000123456, 0, 1, 1, 1, null] });
  assert.deepEqual([curves.loss[0], curves.imagesPerSecond[0], curves.headLoss[0][0], curves.headLoss[1][0], curves.headLoss[5][0]], [2.718, 61.23, 0.0001235, 0, null]);
});

test('thinning keeps every other point and the last, in every column', () => {
  const curves = emptyCurves();
  for (let s = 1; s <= 6; s++) appendProgress(curves, progress(s));
  thinCurves(curves);
  assert.deepEqual(curves.step, [1, 3, 5, 6]);
  assert.equal(curves.loss.length, 4);
  assert.ok(curves.headLoss.every((c) => c.length === 4));
  assert.deepEqual(curves.headAccuracy[5], [null, null, null, null]);
});

test('confusion classes: lengths for L, digits and "none" for a digit head', () => {
  assert.deepEqual(confusionClasses(0), ['0', '1', '2', '3', '4', '5', '>5']);
  assert.deepEqual(confusionClasses(3).slice(-2), ['9', 'none']);
});
