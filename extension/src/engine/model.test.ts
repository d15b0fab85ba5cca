// The presets' networks against DESIGN §1, written out independently of presets.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
