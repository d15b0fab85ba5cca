import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionClasses, type HeadConfusion, type RunRecord } from '../../../common/trainingRun';
import { runRecordOf } from '../../../test/support/runRecords';
import { accuracyColumns, cellTitle, coverageColumns, lossColumns, rowShare, settingsText } from './dashboardModel';

/** Three steps, validated at a fourth. */
function run(): RunRecord {
  const r = runRecordOf(3);
  r.validations = [{ step: 4, sequenceAccuracy: 0.5 }];
  return r;
}

test('loss columns: steps, total, then one per head', () => {
  const r = run();
  const columns = lossColumns(r);
  assert.equal(columns.length, 8);
  assert.deepEqual(columns[0], [1, 2, 3]);
  assert.deepEqual(columns[1], r.curves.loss);
  assert.deepEqual(columns[7], r.curves.headLoss[5]);
});

test('accuracy columns: the validation point at its own step, null elsewhere', () => {
  const r = run();
  const columns = accuracyColumns(r);
  assert.deepEqual(columns[0], [1, 2, 3, 4]);
  assert.deepEqual(columns[1], [...r.curves.sequenceAccuracy, null]);
  // S5 has no accuracy before it had an example (null), as the engine sends it.
  assert.deepEqual(columns[7], [null, null, null, null]);
  assert.deepEqual(columns[columns.length - 1], [null, null, null, 0.5]);
});

test('coverage columns put the 98% point on the curve, even where thinning left its x out', () => {
  const columns = coverageColumns({ coverage: [0.2, 0.6, 1], accuracy: [1, 0.99, 0.9], coverageAtPaperAccuracy: 0.5 });
  assert.deepEqual(columns[0], [0.2, 0.5, 0.6, 1]);
  assert.deepEqual(columns[1], [1, null, 0.99, 0.9]);
  assert.deepEqual(columns[2], [0.98, 0.98, 0.98, 0.98]);
  assert.deepEqual(columns[3], [null, 0.99, null, null]);
  // Never at 98%: no point to mark.
  assert.ok(coverageColumns({ coverage: [1], accuracy: [0.5], coverageAtPaperAccuracy: 0 })[3].every((v) => v === null));
});

test('cells and settings in words', () => {
  const classes = confusionClasses(2);
  const m: HeadConfusion = { head: 'S2', classes, cells: classes.map(() => classes.map((): number[] => [])) };
  m.cells[7][1] = [4, 5];
  m.cells[7][7] = [1, 2, 3, 6, 8, 9];
  assert.match(cellTitle(m, 7, 1, '2026-11-29T14:03:22.123Z'), /^S2: label 7, read 1 \(run Nov 29 \d\d:03:22\)$/);
  assert.equal(rowShare(m, 7, 1), 0.25);
  assert.equal(rowShare(m, 0, 0), 0);
  assert.equal(settingsText(run().settings), 'fast · 75 s · seed 1 · wasm ×2 · 360+40 rows');
  const started = { ...run().settings, startedFrom: { dir: '/ext/dist/model', steps: 2892 } };
  assert.equal(settingsText(started), 'fast (from a model of 2,892 steps) · 75 s · seed 1 · wasm ×2 · 360+40 rows');
});
