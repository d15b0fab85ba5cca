import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainProgress } from '../../../common/engineProtocol';
import { initBackend } from './backend';
import type { ModelSpec } from './presets';
import { logSoftmaxHeads, LOGITS } from '../../../common/heads';
import { imageStats } from './data';
import { predictLogits } from './predict';
import { learningRateAt, trainOnCrops, type CropSet } from './train';
import { tf } from './tf';

const small: ModelSpec = {
  preset: 'fast',
  inputSize: 54,
  channels: 1,
  convs: [
    { filters: 8, kernel: 3, batchNorm: false, poolStride: 2 },
    { filters: 16, kernel: 3, batchNorm: false, poolStride: 2 },
    { filters: 16, kernel: 3, batchNorm: false, poolStride: 2 },
  ],
  dense: [64],
  dropout: 0,
  batchSize: 32,
};

/**
 * Crops where digit d at position k is a short white mark 4d + 4 pixels below a reference mark,
 * in column block k: translation invariant (random crops shift everything) and easy to learn.
 */
function bars(n: number): CropSet {
  const pixels = new Uint8Array(n * 64 * 64 * 3);
  const mark = (i: number, y0: number, x0: number): void => {
    for (let y = y0; y < y0 + 2; y++) pixels.fill(255, ((i * 64 + y) * 64 + x0) * 3, ((i * 64 + y) * 64 + x0 + 10) * 3);
  };
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + (i % 3);
    let label = '';
    for (let k = 0; k < len; k++) {
      const d = (i * 7 + k * 3 + Math.floor(i / 10)) % 10;
      label += d;
      mark(i, 10, 10 + 14 * k);
      mark(i, 14 + 4 * d, 10 + 14 * k);
    }
    labels.push(label);
  }
  return { files: labels.map((_, i) => `bars/${i}.png`), labels, pixels };
}

test('the learning rate warms up, peaks, and decays to 2% of the peak', () => {
  assert.ok(Math.abs(learningRateAt(0, 1) - 0.1) < 1e-9);
  assert.ok(Math.abs(learningRateAt(0.04, 1) - 1) < 1e-9);
  assert.ok(learningRateAt(0.5, 1) < 1 && learningRateAt(0.5, 1) > learningRateAt(0.9, 1));
  assert.ok(Math.abs(learningRateAt(1, 1) - 0.02) < 1e-9);
});

test('epochs bound the run, progress is reported, and a fixed seed repeats the data order', async () => {
  await initBackend('wasm');
  const data = bars(100);
  const progress: TrainProgress[] = [];
  const r = await trainOnCrops(data, { spec: small, seed: 3, epochs: 2, batchSize: 25, onProgress: (p) => progress.push(p) });
  // 100 crops: about 10 are held out for validation by the hash split.
  const perEpoch = Math.ceil(r.trainCount / 25);
  assert.equal(r.epochs, 2);
  assert.ok(r.steps <= 2 * perEpoch && r.steps >= 2 * (perEpoch - 1), `${r.steps} steps for ${r.trainCount} crops`);
  assert.equal(progress.length, r.steps);
  assert.equal(progress.at(-1)?.totalSteps, 2 * perEpoch);
  assert.ok(progress.every((p, i) => p.step === i + 1 && Number.isFinite(p.loss) && p.imagesPerSecond > 0));
  assert.equal(r.validation.count, r.validationIndices.length);
  assert.equal(r.cancelled, false);
  r.model.dispose();
  // Same seed, same data order, crops and initial weights: the same losses step by step.
  const again: TrainProgress[] = [];
  const r2 = await trainOnCrops(data, { spec: small, seed: 3, epochs: 2, batchSize: 25, onProgress: (p) => again.push(p) });
  assert.deepEqual(again.map((p) => p.loss), progress.map((p) => p.loss));
  r2.model.dispose();
});

test('the cancel flag stops training after the current step', async () => {
  await initBackend('wasm');
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const r = await trainOnCrops(bars(60), {
    spec: small, seed: 1, epochs: 50, batchSize: 10, cancel,
    onProgress: (p) => { if (p.step === 3) Atomics.store(cancel, 0, 1); },
  });
  assert.equal(r.cancelled, true);
  assert.equal(r.steps, 3);
  r.model.dispose();
});

test("rows no recorded step read have the final model's reading as their evidence", async () => {
  await initBackend('wasm');
  // Two steps of a run planned for 50 epochs: the evidence is recorded from a quarter of the run,
  // so no step was, and every training row's evidence is the final model's reading (before, such
  // rows kept all-zero log-probabilities, which score any label at even odds).
  const data = bars(60);
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const r = await trainOnCrops(data, { spec: small, seed: 1, epochs: 50, batchSize: 10, cancel, onProgress: (p) => p.step === 2 && Atomics.store(cancel, 0, 1) });
  try {
    assert.equal(r.steps, 2);
    const rows = [...data.files.keys()];
    const final = logSoftmaxHeads(predictLogits(r.model, { pixels: data.pixels, ...imageStats(data.pixels, rows.length) }, rows, small));
    for (const row of rows) {
      assert.equal(r.dynamics.seen[row], 0, `row ${row} was recorded`);
      const got = r.dynamics.meanLogProbs.subarray(row * LOGITS, (row + 1) * LOGITS);
      const want = final.subarray(row * LOGITS, (row + 1) * LOGITS);
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-4, `row ${row} logit ${i}: ${v} against the final reading ${want[i]}`));
    }
  } finally {
    r.model.dispose();
  }
});

test('a time budget ends the run on time', async () => {
  await initBackend('wasm');
  const started = Date.now();
  const r = await trainOnCrops(bars(60), { spec: small, seed: 1, timeBudgetSeconds: 3, batchSize: 10 });
  const wall = (Date.now() - started) / 1000;
  assert.ok(r.seconds >= 3 && r.seconds < 5, `trained ${r.seconds} s`);
  assert.ok(wall < 10, `took ${wall} s in all`);
  r.model.dispose();
});

test('a small net learns an easy task: over 80% sequence accuracy on held-out bars after 20 epochs', async () => {
  // Held-out crops share the task, not the images; 80% is far above chance (10^-2 for two digits).
  // Bounded by epochs, not seconds, so a busy machine makes it slower, not flaky (~15 s when quiet).
  await initBackend('wasm');
  const r = await trainOnCrops(bars(500), { spec: small, seed: 2, epochs: 20, batchSize: 32, peakLearningRate: 3e-3 });
  assert.ok(r.validation.count >= 40);
  assert.ok(r.validation.sequenceAccuracy > 0.8, JSON.stringify(r.validation));
  r.model.dispose();
});

test('a failed run disposes its model and optimizer: tensors and bytes are as before it', async () => {
  await initBackend('wasm');
  const data = bars(60);
  const before = tf.memory();
  await assert.rejects(
    trainOnCrops(data, {
      spec: small, seed: 1, epochs: 5, batchSize: 10,
      onProgress: (p) => { if (p.step === 2) throw new Error('out of memory (simulated)'); },
    }),
    /simulated/,
  );
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors, 'tensors left behind');
  assert.equal(after.numBytes, before.numBytes, 'bytes left behind');
});

test('a resumed run continues the optimizer where the saved state left it', async () => {
  await initBackend('wasm');
  const data = bars(60);
  const first = await trainOnCrops(data, { spec: small, seed: 1, epochs: 1, batchSize: 10 });
  const [iter] = first.optimizerState.tensors;
  assert.equal(iter.name, 'iter');
  assert.equal(iter.data[0], first.steps);
  // The step count, then a first and a second moment per trainable weight.
  assert.equal(first.optimizerState.tensors.length, 1 + 2 * first.model.trainableWeights.length);
  const before = tf.memory().numTensors;
  const second = await trainOnCrops(data, { spec: small, seed: 2, epochs: 1, batchSize: 10, initialModel: first.model, initialOptimizer: first.optimizerState });
  assert.equal(second.model, first.model, 'the same model goes on training');
  assert.equal(second.optimizerState.tensors[0].data[0], first.steps + second.steps);
  assert.equal(tf.memory().numTensors, before, 'restoring the state leaves no tensors behind');
  second.model.dispose();
});

test('no tensor or wasm buffer leaks: the counts after 200 training steps are those after 10', async () => {
  await initBackend('wasm');
  // Tiny, but through every kind of kernel a preset's step runs: convs with and without batch
  // norm, strided and rows-only pooling, dense layers, the heads, Adam. A leak of one tensor (or
  // one kernel temporary: the backend's own count) per step, or per few steps, shows as a
  // difference of up to 190; one that happens only once is not a leak that grows.
  const convs: ModelSpec['convs'] = [
    { filters: 4, kernel: 3, batchNorm: false, poolStride: 2 },
    { filters: 4, kernel: 3, batchNorm: true, poolStride: 'rows' },
  ];
  const tiny: ModelSpec = { ...small, inputSize: 12, convs, dense: [8], dropout: 0.1, batchSize: 4 };
  const counts = new Map<number, { tensors: number; buffers: number }>();
  const backend = tf.engine().backend as unknown as { numDataIds(): number };
  await trainOnCrops(bars(40), {
    spec: tiny,
    seed: 1,
    epochs: 30,
    onProgress: (p) => {
      if (p.step === 10 || p.step === 200) counts.set(p.step, { tensors: tf.memory().numTensors, buffers: backend.numDataIds() });
    },
  }).then((r) => r.model.dispose());
  assert.ok(counts.has(200), 'the run took 200 steps');
  assert.deepEqual(counts.get(200), counts.get(10));
});
