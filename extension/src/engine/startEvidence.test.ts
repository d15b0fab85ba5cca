// The start model's reading as label-error evidence: read on every row only when it reads a
// fifth of the validation rows, each row once and in its place, and blended into the dynamics at
// the share the evidence file records. Read with the shipped model on synthetic crops (it reads
// most of them) and labels made to be read right by as many rows as each case needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { LOGITS, logSoftmaxHeads } from '../../../common/heads';
import { predictionMatchesLabel } from '../../../common/sequence';
import { tempDir } from '../../../test/support/tempDirs';
import { loadCrops } from '../dataset/crops';
import { synthesize } from '../dataset/synth';
import { initBackend } from './backend';
import { loadCheckpoint } from './checkpoint';
import { imageStats, splitValidation } from './data';
import { decodeSequence } from './decode';
import { predictLogits } from './predict';
import { blendStartReading, evidenceFrom, readWithStartModel, START_READS, startShare, type StartReading } from './startEvidence';
import { DYNAMICS_FROM } from './train';

const shippedDir = path.resolve(import.meta.dirname, '..', '..', 'model');

test('the start model is read on every row, in place, only when it reads a fifth of the validation rows', { timeout: 120_000 }, async () => {
  await initBackend('wasm');
  const { labelsPath } = await synthesize({ dir: await tempDir('start-evidence-'), count: 200, seed: 7 });
  const crops = await loadCrops(labelsPath, { onlyLabeled: true });
  const files = crops.rows.map((r) => r.file);
  const truth = crops.rows.map((r) => r.label);
  const src = { pixels: crops.pixels, ...imageStats(crops.pixels, files.length) };
  const { model, meta } = await loadCheckpoint(shippedDir);
  try {
    const every = logSoftmaxHeads(predictLogits(model, src, [...files.keys()], meta.spec));
    const { validation } = splitValidation(files);
    const readRight = validation.filter((i) => predictionMatchesLabel(decodeSequence(every, i * LOGITS).text, truth[i]));
    const need = Math.ceil(START_READS * validation.length);
    assert.ok(validation.length >= 10 && readRight.length > need, `the shipped model reads ${readRight.length} of ${validation.length} validation crops`);
    // Labels that leave exactly `right` validation rows read right: the others get a digit more.
    const labelsWith = (right: number): string[] => truth.map((l, i) => (readRight.indexOf(i) >= right ? `${l}0` : l));

    const read = readWithStartModel(model, meta.spec, src, labelsWith(need), validation);
    assert.equal(read?.validation.sequenceAccuracy, need / validation.length);
    assert.ok(read?.logProbs, `read right ${need} of ${validation.length}: at least ${START_READS}, so every row is read`);
    let worst = 0;
    for (let i = 0; i < every.length; i++) worst = Math.max(worst, Math.abs(read.logProbs[i] - every[i]));
    assert.ok(worst < 1e-4, `each row's reading is in its place (largest difference ${worst})`);
    assert.equal(evidenceFrom(read), 0, 'the dynamics count from the first step');

    const few = readWithStartModel(model, meta.spec, src, labelsWith(need - 1), validation);
    assert.equal(few?.validation.sequenceAccuracy, (need - 1) / validation.length);
    assert.equal(few?.logProbs, undefined, 'below a fifth: not read, not evidence');
    assert.equal(evidenceFrom(few), DYNAMICS_FROM);
    assert.equal(readWithStartModel(model, meta.spec, src, truth, []), undefined, 'no validation rows to judge it by');
    assert.equal(evidenceFrom(undefined), DYNAMICS_FROM, 'random weights, or a resumed model (it has learnt these labels)');
  } finally {
    model.dispose();
  }
});

test('the saved evidence is the dynamics and the start reading blended, by how well each reads, with the share it says', () => {
  assert.equal(startShare(0.9, 0.9), 0.5, 'two readers alike share it half and half');
  assert.ok(Math.abs(startShare(0.5, 1) - 0.2) < 1e-12, 'a start model half as good as the run gets a fifth');
  assert.ok(Math.abs(startShare(0.324, 0.537) - 0.267) < 1e-3, 'real digits: the shipped model reads 32%, the run 54%');
  assert.equal(startShare(0.9, 0), 1, 'a run that reads nothing right leaves the start model alone');
  assert.equal(startShare(0, 0), 0);

  const dynamics = Float32Array.from({ length: 2 * LOGITS }, (_, i) => -i / 10);
  const logProbs = Float32Array.from({ length: 2 * LOGITS }, (_, i) => -1 - (i % 7));
  const reading = (sequenceAccuracy: number, read?: Float32Array): StartReading => ({
    validation: { count: 30, sequenceAccuracy, digitAccuracy: 0, lengthAccuracy: 0, coverageAt98: 0 },
    ...(read ? { logProbs: read } : {}),
  });
  assert.deepEqual(blendStartReading(dynamics, undefined, 0.8), { meanLogProbs: dynamics }, 'no start model');
  assert.deepEqual(blendStartReading(dynamics, reading(0.1), 0.8), { meanLogProbs: dynamics }, 'a start model that did not read the crops');
  const blended = blendStartReading(dynamics, reading(0.4, logProbs), 0.8);
  assert.equal(blended.startWeight, startShare(0.4, 0.8));
  const w = startShare(0.4, 0.8);
  blended.meanLogProbs.forEach((v, i) => assert.ok(Math.abs(v - ((1 - w) * dynamics[i] + w * logProbs[i])) < 1e-6, `value ${i}`));
  assert.deepEqual(Array.from(blendStartReading(dynamics, reading(0.8, logProbs), 0).meanLogProbs), Array.from(logProbs), 'all the start model when the run reads nothing');
  assert.throws(() => blendStartReading(dynamics, reading(0.4, logProbs.subarray(LOGITS)), 0.8), /start reading has/);
});
