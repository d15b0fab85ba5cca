import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { initBackend } from './backend';
import { forwardForInputGradient } from './inputGradientForward';
import { buildModel } from './model';
import { inputWidthOf, PRESETS, type ModelSpec } from './presets';
import { tf } from './tf';

function maxDifference(model: LayersModel, x: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(x) as Tensor, forwardForInputGradient(model)(x)))).dataSync()[0]);
}

test('the layer-by-layer forward computes what predict computes, batch norm and pools included', async () => {
  await initBackend('wasm');
  const goodfellowSmall: ModelSpec = { ...PRESETS.goodfellow2014, inputSize: 20, convs: PRESETS.goodfellow2014.convs.slice(0, 3).map((c) => ({ ...c, filters: 8 })), dense: [32, 16] };
  for (const spec of [PRESETS.fast, goodfellowSmall]) {
    const model = buildModel(spec, 3);
    // Biases (zero when built) and batch norm statistics that are not the identity: predict uses them, so must the forward.
    for (const layer of model.layers.filter((l) => ['BatchNormalization', 'Conv2D', 'Dense'].includes(l.getClassName()))) {
      layer.setWeights(layer.getWeights().map((w, i) => (w.rank === 1 ? tf.add(w, tf.randomUniform(w.shape, 0.2, 0.6, 'float32', i)) : w)));
    }
    const x = tf.randomNormal([3, spec.inputSize, inputWidthOf(spec), spec.channels], 0, 1, 'float32', 7);
    const difference = maxDifference(model, x);
    assert.ok(difference < 1e-4, `${spec.preset}: ${difference}`);
    x.dispose();
    model.dispose();
  }
});

test('its input gradient is the one model.apply gives, and no conv filter gradient is computed for it', async () => {
  await initBackend('wasm');
  const model = buildModel(PRESETS.fast, 5);
  const x = tf.randomNormal([2, 36, 54, 3], 0, 1, 'float32', 9);
  try {
    const viaApply = tf.grad((t: Tensor) => tf.sum(model.apply(t) as Tensor))(x);
    const forward = forwardForInputGradient(model);
    let kernels: string[] = [];
    const profile = await tf.profile(() => {
      const g = tf.grad((t: Tensor) => tf.sum(forward(t)))(x);
      const d = tf.max(tf.abs(tf.sub(g, viaApply))).dataSync()[0];
      assert.ok(d < 1e-4, `gradients differ by ${d}`);
      g.dispose();
    });
    kernels = profile.kernels.map((k) => k.name);
    assert.ok(kernels.includes('Conv2DBackpropInput'));
    assert.ok(!kernels.includes('Conv2DBackpropFilter'), 'the filter gradients were computed');
    viaApply.dispose();
  } finally {
    x.dispose();
    model.dispose();
  }
});
