// train <dir> as a user meets it: which model is current after a run, and what a run that is
// stopped, worse, resumed or asked to replace leaves on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LOGITS, logSoftmaxHeads } from '../../../common/heads';
import { decodeEvidence, EVIDENCE_BIN, EVIDENCE_JSON } from '../../../common/labelEvidence';
import { parseRunRecord } from '../../../common/trainingRun';
import { stripes } from '../../../test/support/stripes';
import { loadCrops } from '../dataset/crops';
import { candidateModelDir, defaultModelDir, predictionsPath } from '../dataset/paths';
import { initBackend } from './backend';
import { loadCheckpoint, readMeta } from './checkpoint';
import { imageStats } from './data';
import { predictLogits } from './predict';
import { runTraining } from './runTraining';
import { startShare } from './startEvidence';
import { runUseCandidate } from './useCandidate';

async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of await fs.readdir(dir)) files.set(name, await fs.readFile(path.join(dir, name)));
  return files;
}

test('which model is current: the first run; not a run stopped before a step; not a worse one unless asked', { timeout: 600_000 }, async (t) => {
  await initBackend('wasm');
  const labelsPath = await stripes();
  try {
    const first = await runTraining({ labelsPath, preset: 'fast', backend: 'wasm', epochs: 5, seed: 1 });
    t.diagnostic(`first: ${first.outcomeMessage} ${JSON.stringify(first.validation)}`);
    assert.equal(first.outcome, 'current');
    assert.match(first.outcomeMessage, /there was no current model/);
    assert.ok(first.validation.count >= 15 && first.validation.sequenceAccuracy === 1, JSON.stringify(first.validation));
    const modelDir = defaultModelDir(labelsPath);
    assert.ok((await fs.readdir(modelDir)).includes('optimizer.bin'));
    const model = await snapshot(modelDir);
    const predictions = await fs.readFile(predictionsPath(labelsPath));

    // Ctrl-C before the first step: nothing is written.
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(cancel, 0, 1);
    const stopped = await runTraining({ labelsPath, preset: 'fast', backend: 'wasm', epochs: 6, seed: 2 }, { cancel });
    assert.equal(stopped.outcome, 'discarded');
    assert.equal(stopped.steps, 0);
    assert.match(stopped.outcomeMessage, /nothing was written/);
    assert.deepEqual(await snapshot(modelDir), model, 'the model is byte-identical');
    assert.deepEqual(await fs.readFile(predictionsPath(labelsPath)), predictions, 'predictions.csv is byte-identical');

    // A run stopped after one step reads worse: it is kept beside the current model.
    const oneStep = new Int32Array(new SharedArrayBuffer(4));
    const worse = await runTraining(
      { labelsPath, preset: 'fast', backend: 'wasm', epochs: 6, seed: 3 },
      { cancel: oneStep, onProgress: () => Atomics.store(oneStep, 0, 1) },
    );
    t.diagnostic(`worse: ${worse.outcomeMessage}`);
    assert.equal(worse.outcome, 'candidate');
    assert.equal(worse.steps, 1);
    assert.equal(worse.modelDir, candidateModelDir(labelsPath));
    assert.equal(worse.previousValidation?.sequenceAccuracy, 1);
    assert.equal(worse.previousValidation?.count, worse.validation.count, 'both measured on the same rows');
    assert.match(worse.outcomeMessage, /^Stopped early; kept the current model: it reads more right \(new \d+\.\d%, before 100\.0% on the same \d+ validation crops\)/);
    assert.deepEqual(await snapshot(modelDir), model);
    assert.deepEqual(await fs.readFile(predictionsPath(labelsPath)), predictions);
    assert.equal((await readMeta(candidateModelDir(labelsPath))).steps, 1);

    // The user takes it anyway: it becomes current and predictions are rewritten.
    const taken = await runUseCandidate({ labelsPath, backend: 'wasm' });
    assert.equal(taken.modelDir, modelDir);
    assert.equal((await readMeta(modelDir)).steps, 1);
    await assert.rejects(fs.stat(candidateModelDir(labelsPath)), /ENOENT/);
    assert.notDeepEqual(await fs.readFile(predictionsPath(labelsPath)), predictions);
    await assert.rejects(runUseCandidate({ labelsPath, backend: 'wasm' }), /there is no candidate model/);

    // Resuming the current (one-step) model goes on from its weights and optimizer state.
    const resumed = await runTraining({ labelsPath, backend: 'wasm', epochs: 2, seed: 4, resume: true });
    t.diagnostic(`resumed: ${resumed.outcomeMessage}`);
    assert.equal(resumed.outcome, 'current');
    assert.match(resumed.outcomeMessage, /the resumed model is current/);
    const meta = await readMeta(modelDir);
    assert.equal(meta.totalSteps, 1 + resumed.steps);

    // The same one-step run as above, made current because the user asks.
    const again = new Int32Array(new SharedArrayBuffer(4));
    const replaced = await runTraining(
      { labelsPath, preset: 'fast', backend: 'wasm', epochs: 6, seed: 3, replace: true },
      { cancel: again, onProgress: () => Atomics.store(again, 0, 1) },
    );
    assert.equal(replaced.outcome, 'current');
    assert.match(replaced.outcomeMessage, /the new model is current as asked, though it reads fewer right/);
    assert.equal((await readMeta(modelDir)).steps, 1);
  } finally {
    await fs.rm(path.dirname(labelsPath), { recursive: true, force: true });
  }
});

test('a new model can start from another model\'s weights: one step from a trained model reads as it does', { timeout: 600_000 }, async (t) => {
  await initBackend('wasm');
  const teacherLabels = await stripes();
  const labelsPath = await stripes();
  const start = path.join(path.dirname(teacherLabels), 'start-model');
  try {
    const teacher = await runTraining({ labelsPath: teacherLabels, preset: 'fast', backend: 'wasm', epochs: 5, seed: 1 });
    assert.equal(teacher.validation.sequenceAccuracy, 1, JSON.stringify(teacher.validation));
    // The model to start from lives outside the dataset, as the shipped one does.
    await fs.cp(defaultModelDir(teacherLabels), start, { recursive: true });

    // From random weights, one step reads few right (the test above); from the trained weights, all of them.
    const oneStep = new Int32Array(new SharedArrayBuffer(4));
    let runPath = '';
    const started = await runTraining(
      { labelsPath, backend: 'wasm', epochs: 3, seed: 2, startFrom: start },
      { cancel: oneStep, onProgress: () => Atomics.store(oneStep, 0, 1), onRun: (_id, where) => (runPath = where) },
    );
    t.diagnostic(`started: ${started.outcomeMessage} ${JSON.stringify(started.validation)}`);
    assert.equal(started.steps, 1);
    assert.equal(started.outcome, 'current');
    assert.equal(started.validation.sequenceAccuracy, 1, 'one step on from the trained weights reads every validation crop right');
    const meta = await readMeta(defaultModelDir(labelsPath));
    assert.deepEqual(meta.startedFrom, { dir: start, steps: teacher.steps });
    assert.equal(meta.totalSteps, teacher.steps + 1);
    assert.equal(meta.optimizer?.kind, 'adam', 'a fresh optimizer, saved for a later resume');
    // The start model read every validation crop right, so the saved evidence blends its reading of
    // each row into the run's: on the held-out rows, the final model's reading and the start model's.
    const modelDir = defaultModelDir(labelsPath);
    const evidence = decodeEvidence(await fs.readFile(path.join(modelDir, EVIDENCE_JSON), 'utf8'), await fs.readFile(path.join(modelDir, EVIDENCE_BIN)));
    const share = startShare(1, started.validation.sequenceAccuracy);
    assert.equal(share, 0.5, 'two readers that read every validation crop right share it half and half');
    assert.equal(evidence.startWeight, share);
    const heldOut = evidence.rows.flatMap((r, i) => (r.heldOut ? [i] : []));
    assert.ok(heldOut.length > 0, 'stripes has validation rows');
    const crops = await loadCrops(labelsPath, { onlyLabeled: true, uniqueImages: true });
    assert.deepEqual(evidence.rows.map((r) => r.file), crops.rows.map((r) => r.file));
    const src = { pixels: crops.pixels, ...imageStats(crops.pixels, crops.rows.length) };
    const readBy = async (dir: string): Promise<Float32Array> => {
      const { model, meta: m } = await loadCheckpoint(dir);
      try {
        return logSoftmaxHeads(predictLogits(model, src, heldOut, m.spec));
      } finally {
        model.dispose();
      }
    };
    const [final, first] = [await readBy(modelDir), await readBy(start)];
    let worst = 0;
    heldOut.forEach((row, k) => {
      for (let j = 0; j < LOGITS; j++) {
        const want = (1 - share) * final[k * LOGITS + j] + share * first[k * LOGITS + j];
        worst = Math.max(worst, Math.abs(evidence.meanLogProbs[row * LOGITS + j] - want));
      }
    });
    assert.ok(worst < 1e-3, `held-out evidence = the blend of the two readings (largest difference ${worst})`);
    // The run's record says so too (the dashboard shows it).
    const record = parseRunRecord(await fs.readFile(runPath, 'utf8'));
    assert.deepEqual(record.settings.startedFrom, { dir: start, steps: teacher.steps });

    await assert.rejects(runTraining({ labelsPath, backend: 'wasm', epochs: 1, resume: true, startFrom: start }), /ask for one of them/);
    await assert.rejects(runTraining({ labelsPath, backend: 'wasm', epochs: 1, startFrom: start, preset: 'goodfellow2014' }), /is a fast model/);
    const missing = path.join(path.dirname(teacherLabels), 'no-such-model');
    await assert.rejects(runTraining({ labelsPath, backend: 'wasm', epochs: 1, startFrom: missing }), new RegExp(`cannot start from ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  } finally {
    await fs.rm(path.dirname(teacherLabels), { recursive: true, force: true });
    await fs.rm(path.dirname(labelsPath), { recursive: true, force: true });
  }
});
