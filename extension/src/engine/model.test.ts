// The presets' networks against DESIGN §1, written out independently of presets.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { LOGITS } from '../../../common/heads';
import { initBackend } from './backend';
import { buildModel } from './model';
import { PRESETS } from './presets';

test('goodfellow2014: eight 5x5 convs with batch norm, 54 -> 27 -> 14 -> 7 -> 4, two dense 3072, six heads', async () => {
  await initBackend('cpu');
  const model = buildModel(PRESETS.goodfellow2014, 1);
  try {
    assert.deepEqual(model.inputs[0].shape, [null, 54, 54, 3]);
    const filters = [48, 64, 128, 160, 192, 192, 192, 192];
    // Stride 2 after layers 1, 3, 5, 7 and stride 1 after 2, 4, 6, 8, 'same' padding.
    const sides = [27, 27, 14, 14, 7, 7, 4, 4];
    filters.forEach((f, i) => {
      assert.deepEqual(model.getLayer(`conv${i + 1}`).outputShape, [null, i === 0 ? 54 : sides[i - 1], i === 0 ? 54 : sides[i - 1], f], `conv${i + 1}`);
      assert.deepEqual(model.getLayer(`pool${i + 1}`).outputShape, [null, sides[i], sides[i], f], `pool${i + 1}`);
    });
    assert.deepEqual(model.getLayer('flatten').outputShape, [null, 4 * 4 * 192]);
    assert.deepEqual(model.getLayer('dense1').outputShape, [null, 3072]);
    assert.deepEqual(model.getLayer('dense2').outputShape, [null, 3072]);
    assert.deepEqual(model.outputs[0].shape, [null, 57]);
    // Parameters: convs without bias (batch norm follows), 4 per channel in each batch norm
    // (gamma, beta, moving mean and variance), the two dense layers and the six heads.
    let expected = 0;
    let channels = 3;
    for (const f of filters) {
      expected += 5 * 5 * channels * f + 4 * f;
      channels = f;
    }
    expected += (4 * 4 * 192 * 3072 + 3072) + (3072 * 3072 + 3072) + (3072 * 57 + 57);
    assert.equal(model.countParams(), expected);
    assert.equal(expected, 23_390_345, 'about 23.4 M parameters');
  } finally {
    model.dispose();
  }
});

test('goodfellow2014: each block is conv 5x5 same -> batch norm -> ReLU -> pool, dropout before the dense layers and heads, about 1.2 GFLOP forward', async () => {
  await initBackend('cpu');
  const model = buildModel(PRESETS.goodfellow2014, 1);
  try {
    // The layers in order, by kind: what DESIGN §1 lists, nothing else (no maxout, LCN, locally connected).
    const kinds = model.layers.map((l) => l.getClassName());
    const block = ['Conv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D'];
    const expected = ['InputLayer', ...Array.from({ length: 8 }, () => block).flat(), 'Flatten', 'Dropout', 'Dense', 'Dropout', 'Dense', 'Dropout', ...Array.from({ length: 6 }, () => 'Dense'), 'Concatenate'];
    assert.deepEqual(kinds, expected);
    for (let i = 1; i <= 8; i++) {
      const conv = model.getLayer(`conv${i}`).getConfig();
      assert.deepEqual(conv.kernelSize, [5, 5], `conv${i} kernel`);
      assert.deepEqual(conv.strides, [1, 1], `conv${i} strides`);
      assert.equal(conv.padding, 'same', `conv${i} padding`);
      const pool = model.getLayer(`pool${i}`).getConfig();
      assert.deepEqual(pool.poolSize, [2, 2], `pool${i} size`);
      assert.deepEqual(pool.strides, i % 2 === 1 ? [2, 2] : [1, 1], `pool${i} stride`);
      assert.equal(pool.padding, 'same', `pool${i} padding`);
    }
    for (const name of ['dense1', 'dense2']) assert.equal(model.getLayer(name).getConfig().activation, 'relu', name);
    // Forward multiply-adds from the layer shapes: 2 FLOP each.
    let flops = 0;
    for (const layer of model.layers) {
      const out = layer.outputShape as number[];
      if (layer.getClassName() === 'Conv2D') {
        flops += 2 * out[1] * out[2] * 5 * 5 * (layer.input as SymbolicTensor).shape[3]! * out[3];
      } else if (layer.getClassName() === 'Dense') {
        flops += 2 * (layer.input as SymbolicTensor).shape[1]! * out[1];
      }
    }
    assert.ok(flops > 1.15e9 && flops < 1.25e9, `${(flops / 1e9).toFixed(3)} GFLOP forward`);
  } finally {
    model.dispose();
  }
});

test('fast: 36 x 54 input, 2x2 pools then rows-only pools, a 3 x 14 map, dense 512, six heads', async () => {
  await initBackend('cpu');
  const model = buildModel(PRESETS.fast, 1);
  try {
    assert.deepEqual(model.inputs[0].shape, [null, 36, 54, 3]);
    assert.deepEqual(model.getLayer('pool1').outputShape, [null, 18, 27, 32]);
    assert.deepEqual(model.getLayer('pool2').outputShape, [null, 9, 14, 64]);
    assert.deepEqual(model.getLayer('pool3').outputShape, [null, 5, 14, 96]);
    assert.deepEqual(model.getLayer('pool4').outputShape, [null, 3, 14, 128]);
    assert.deepEqual(model.getLayer('conv5').outputShape, [null, 3, 14, 160]);
    assert.deepEqual(model.getLayer('dense1').outputShape, [null, 512]);
    assert.deepEqual(model.outputs[0].shape, [null, LOGITS]);
    assert.equal(model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length, 0);
  } finally {
    model.dispose();
  }
});
