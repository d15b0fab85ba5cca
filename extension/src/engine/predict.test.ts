import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs-core';
import { LOGITS, logSoftmaxHeads } from '../../../common/heads';
import { mulberry32 } from '../../../common/mulberry32';
import { CROP_BYTES } from '../dataset/preprocess';
import { initBackend } from './backend';
import { fillBatchWindows, imageStats } from './data';
import { buildModel } from './model';
import { predictLogits, TEST_VIEWS } from './predict';
import type { ModelSpec } from './presets';
import { tf } from './tf';

test('the test views start with the plain centre crop and stay inside the cache', () => {
  assert.deepEqual(TEST_VIEWS[0], { scale: 1, dx: 0, invert: false });
  assert.equal(TEST_VIEWS.length, 6);
  for (const v of TEST_VIEWS) assert.ok(54 * v.scale <= 64 && Math.abs(v.dx) <= (64 - 54 * v.scale) / 2, JSON.stringify(v));
});

test('a resampling spec reads each crop as the mean per-head log-probability of all six views', async () => {
  await initBackend('cpu');
  // A tiny net with the fast preset's geometry: a 54-pixel crop resampled to 12 x 18.
  const spec: ModelSpec = {
    preset: 'fast', inputSize: 12, inputWidth: 18, cropSize: 54, channels: 3,
    convs: [{ filters: 4, kernel: 3, batchNorm: false, poolStride: 2 }], dense: [16], dropout: 0, batchSize: 8,
  };
  const model = buildModel(spec, 5);
  try {
    const rand = mulberry32(9);
    const count = 3;
    const pixels = Uint8Array.from({ length: count * CROP_BYTES }, () => Math.floor(rand() * 256));
    const src = { pixels, ...imageStats(pixels, count) };
    const indices = [0, 1, 2];
    // Each view by hand: its window, the network, the per-head log softmax.
    const per = 12 * 18 * 3;
    const views = TEST_VIEWS.map((view) => {
      const size = 54 * view.scale;
      const c = (64 - size) / 2;
      const buf = new Float32Array(count * per);
      fillBatchWindows(src, indices, 12, 3, buf, indices.map(() => ({ top: c, left: c + view.dx, height: size, width: size, invert: view.invert })), 18);
      const out = model.predict(tf.tensor4d(buf, [count, 12, 18, 3])) as Tensor;
      return logSoftmaxHeads(Float32Array.from(out.dataSync()));
    });
    const got = predictLogits(model, src, indices, spec);
    let worst = 0;
    let fromCentre = 0;
    for (let i = 0; i < count * LOGITS; i++) {
      const mean = views.reduce((s, v) => s + v[i], 0) / views.length;
      worst = Math.max(worst, Math.abs(got[i] - mean));
      fromCentre = Math.max(fromCentre, Math.abs(got[i] - views[0][i]));
    }
    assert.ok(worst < 1e-5, `differs from the six-view mean by ${worst}`);
    assert.ok(fromCentre > 1e-3, `indistinguishable from the centre view alone (${fromCentre})`);
    // Batches of 7 images hold one crop's six views: three calls give the same numbers as one.
    const small = predictLogits(model, src, indices, spec, { batchSize: 7 });
    small.forEach((v, i) => assert.ok(Math.abs(v - got[i]) < 1e-5, `batches of 7 differ at ${i}`));
  } finally {
    model.dispose();
  }
});
