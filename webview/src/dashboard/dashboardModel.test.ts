import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RUN_FORMAT, confusionClasses, emptyCurves, type HeadConfusion, type RunRecord } from '../../../common/trainingRun';
import { accuracyColumns, cellTitle, coverageColumns, lossColumns, rowShare, settingsText } from './dashboardModel';

function run(): RunRecord {
  const curves = emptyCurves();
  curves.step = [1, 2, 3];
  curves.seconds = [0.1, 0.2, 0.3];
  curves.loss = [3, 2, 1];
  curves.sequenceAccuracy = [0, 0.2, 0.4];
  curves.imagesPerSecond = [50, 55, 60];
  curves.headLoss = curves.headLoss.map(() => [1, 0.5, 0.2]);
  curves.headAccuracy = curves.headAccuracy.map(() => [null, 0.5, 0.7]);
  return {
    format: RUN_FORMAT,
    id: '20261129-140322123-abcd',
    labelsPath: '/d/labels.csv',
    started: '2026-11-29T14:03:22.123Z',
    status: 'finished',
    settings: { preset: 'fast', timeBudgetSeconds: 30, seed: 1, backend: 'wasm', threads: 2, trainRows: 90, validationRows: 10, resumed: false, batchSize: 32 },
    curves,
    validations: [{ step: 4, sequenceAccuracy: 0.5 }],
    evaluations: [],
  };
}

test('loss columns: steps, total, then one per head', () => {
  const columns = lossColumns(run());
  assert.equal(columns.length, 8);
  assert.deepEqual(columns[0], [1, 2, 3]);
  assert.deepEqual(columns[1], [3, 2, 1]);
});

test('accuracy columns: the validation point at its own step, null elsewhere', () => {
  const columns = accuracyColumns(run());
  assert.deepEqual(columns[0], [1, 2, 3, 4]);
  assert.deepEqual(columns[1], [0, 0.2, 0.4, null]);
  assert.deepEqual(columns[2], [null, 0.5, 0.7, null]);
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
  assert.equal(settingsText(run().settings), 'fast · 30 s · seed 1 · wasm ×2 · 90+10 rows');
});
