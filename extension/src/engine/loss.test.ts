import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from './tf';
import { initBackend } from './backend';
import { buildModel } from './model';
import type { ModelSpec } from './presets';
import { encodeTargets, sequenceLoss } from './loss';

const tiny: ModelSpec = {
  preset: 'fast',
  inputSize: 12,
  channels: 3,
  convs: [{ filters: 4, kernel: 3, batchNorm: false, poolStride: 2 }],
  dense: [16],
  dropout: 0,
  batchSize: 32,
};

async function headGradients(labels: string[]): Promise<Map<string, number>> {
  await initBackend('wasm');
  const model = buildModel(tiny, 3);
  const x = tf.randomUniform([labels.length, 12, 12, 3], 0, 1, 'float32', 5);
  const targets = encodeTargets(labels);
  const { grads } = tf.variableGrads(() => sequenceLoss(targets, model.apply(x) as Tensor));
  const norms = new Map<string, number>();
  for (const layer of ['L', 'S1', 'S2', 'S3', 'S4', 'S5']) {
    const kernel = model.getLayer(layer).getWeights()[0];
    const g = Object.entries(grads).find(([name]) => name === (kernel as unknown as { name: string }).name)?.[1];
    assert.ok(g, `no gradient for ${layer}'s kernel`);
    norms.set(layer, (await tf.sum(tf.abs(g)).data())[0]);
  }
  tf.dispose([x, targets, ...Object.values(grads)]);
  model.dispose();
  return norms;
}

test('a digit head whose position no example has gets exactly zero gradient', async () => {
  const norms = await headGradients(['19', '7', '-', '42']);
  assert.equal(norms.get('S3'), 0);
  assert.equal(norms.get('S4'), 0);
  assert.equal(norms.get('S5'), 0);
  assert.ok((norms.get('S1') ?? 0) > 0, 'S1 learns');
  assert.ok((norms.get('S2') ?? 0) > 0, 'S2 learns');
  assert.ok((norms.get('L') ?? 0) > 0, 'L learns');
});

test('one example with a third digit gives S3 a gradient', async () => {
  const norms = await headGradients(['19', '7', '-', '423']);
  assert.ok((norms.get('S3') ?? 0) > 0);
  assert.equal(norms.get('S4'), 0);
});

test('the loss of a batch is the mean of the per-head cross-entropies (hand-computed)', async () => {
  await initBackend('wasm');
  // All-zero logits: every head is uniform. '5' -> CE(L) + CE(S1) = ln 7 + ln 10; '-' -> ln 7.
  const loss = sequenceLoss(encodeTargets(['5', '-']), tf.zeros([2, 57]));
  const expected = (Math.log(7) + Math.log(10) + Math.log(7)) / 2;
  assert.ok(Math.abs(loss.dataSync()[0] - expected) < 1e-5);
});
