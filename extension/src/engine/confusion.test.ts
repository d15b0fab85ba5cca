import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOGITS } from '../../../common/heads';
import { runRecordProblem } from '../../../common/trainingRun';
import { headConfusions, runEvaluation } from './confusion';
import { decodeSequence, type DecodedSequence } from './decode';

/** A confident reading of `text` ('-' = no number) as decodeSequence returns it. */
function reading(text: string, strength = 8): DecodedSequence {
  const z = new Float32Array(LOGITS);
  const digits = text === '-' ? [] : [...text].map(Number);
  z[digits.length] = strength;
  digits.forEach((d, i) => (z[7 + 10 * i + d] = strength));
  return decodeSequence(z);
}

test('each head counts the label against the reading, with "none" past either length', () => {
  const labels = ['19', '19', '7', '-'];
  const decoded = [reading('19'), reading('17'), reading('71'), reading('-')];
  const [L, S1, S2, S3] = headConfusions(labels, decoded);
  assert.deepEqual(L.classes, ['0', '1', '2', '3', '4', '5', '>5']);
  assert.deepEqual(L.cells[2][2], [0, 1]);
  assert.deepEqual(L.cells[1][2], [2]);
  assert.deepEqual(L.cells[0][0], [3]);
  assert.equal(S1.classes.length, 11);
  assert.equal(S1.classes[10], 'none');
  assert.deepEqual(S1.cells[1][1], [0, 1]);
  assert.deepEqual(S1.cells[7][7], [2]);
  assert.deepEqual(S1.cells[10][10], [3]);
  assert.deepEqual(S2.cells[9][9], [0]);
  assert.deepEqual(S2.cells[9][7], [1]);
  // '7' read as '71': the label has no second digit, the reading has a 1.
  assert.deepEqual(S2.cells[10][1], [2]);
  assert.deepEqual(S3.cells[10][10], [0, 1, 2, 3]);
  // Every row sits in exactly one cell of every matrix.
  for (const m of headConfusions(labels, decoded)) assert.equal(m.cells.flat().flat().length, labels.length);
});

test('an evaluation names its rows and passes the run format check', () => {
  const rows = [
    { file: 'a.png', label: '19' },
    { file: 'b.png', label: '7' },
  ];
  const decoded = [reading('19', 9), reading('1', 3)];
  const evaluation = runEvaluation('eval', '/d/labels.csv', rows, decoded, {
    count: 2,
    sequenceAccuracy: 0.5,
    digitAccuracy: 2 / 3,
    lengthAccuracy: 1,
    coverageAt98: 0.5,
    backend: 'wasm',
  });
  assert.deepEqual(evaluation.files, ['a.png', 'b.png']);
  assert.deepEqual(evaluation.coverage.coverage, [0.5, 1]);
  assert.deepEqual(evaluation.coverage.accuracy, [1, 0.5]);
  assert.equal(evaluation.coverage.coverageAtPaperAccuracy, 0.5);
  assert.deepEqual(evaluation.confusion[1].cells[7][1], [1]);
  const record = {
    format: 'digitlens-run-1',
    id: '20261129-140000000-abcd',
    labelsPath: '/d/labels.csv',
    started: '2026-11-29T14:00:00.000Z',
    status: 'finished',
    settings: { preset: 'fast', seed: 1, backend: 'wasm', threads: 2, trainRows: 10, validationRows: 2, resumed: false, batchSize: 64 },
    curves: { step: [], seconds: [], loss: [], sequenceAccuracy: [], imagesPerSecond: [], headLoss: [[], [], [], [], [], []], headAccuracy: [[], [], [], [], [], []] },
    validations: [],
    evaluations: [evaluation],
  };
  assert.equal(runRecordProblem(JSON.parse(JSON.stringify(record))), undefined);
});
