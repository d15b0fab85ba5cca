// The mask arithmetic, on models whose right answer is known by construction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { ExplainMethod } from '../../../common/engineProtocol';
import { HEADS } from '../../../common/heads';
import { mulberry32 } from '../../../common/mulberry32';
import { initBackend } from './backend';
import { buildModel } from './model';
import type { ModelSpec } from './presets';
import { COPIES_PER_PASS, gaussianNoise, gradientMasks, maskPeak, SMOOTHGRAD_SEED, smoothGradSigma, type NetworkInput } from './saliency';
import { tf } from './tf';

const METHODS: ExplainMethod[] = [
  { smoothGrad: 0, gradTimesInput: false },
  { smoothGrad: 4, gradTimesInput: false },
  { smoothGrad: 0, gradTimesInput: true },
  { smoothGrad: 4, gradTimesInput: true },
];

function randomInput(height: number, width: number, channels: number, seed: number): NetworkInput {
  const rand = mulberry32(seed);
  return { data: Float32Array.from({ length: height * width * channels }, () => rand() * 4 - 2), height, width, channels };
}

/**
 * 8x8x1 in; S1 reads only the left four columns (a Cropping2D layer cuts the right half off
 * before its hidden layer), the other heads read the whole image. Weights are seeded, non-zero.
 */
function leftHalfModel(): LayersModel {
  let seed = 11;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const input = tf.input({ shape: [8, 8, 1] });
  const hidden = (x: SymbolicTensor) =>
    tf.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: init(), biasInitializer: tf.initializers.constant({ value: 0.1 }) }).apply(tf.layers.flatten().apply(x)) as SymbolicTensor;
  const left = hidden(tf.layers.cropping2D({ cropping: [[0, 0], [0, 4]] }).apply(input) as SymbolicTensor);
  const whole = hidden(input);
  const heads = HEADS.map((h) => tf.layers.dense({ name: h.name, units: h.size, kernelInitializer: init() }).apply(h.name === 'S1' ? left : whole) as SymbolicTensor);
  return tf.model({ inputs: input, outputs: tf.layers.concatenate({ axis: -1 }).apply(heads) as SymbolicTensor });
}

test('a head that only sees the left half has no gradient on the right half, by every method', async () => {
  await initBackend('wasm');
  const model = leftHalfModel();
  try {
    const input = randomInput(8, 8, 1, 3);
    for (const method of METHODS) {
      const masks = gradientMasks(model, input, [1, 2, 3, 4, 5, 6], method);
      const s1 = masks[1];
      const right = [...s1].filter((_, c) => c % 8 >= 4);
      const leftCells = [...s1].filter((_, c) => c % 8 < 4);
      assert.ok(right.every((v) => v === 0), `${JSON.stringify(method)}: S1 has gradient on the right half: ${right.join(' ')}`);
      assert.ok(leftCells.filter((v) => v > 0).length >= 30, `${JSON.stringify(method)}: S1 has almost no gradient on the left half`);
      assert.equal(Math.max(...leftCells), 1);
      assert.ok(maskPeak(s1, 8)[0] < 4);
      // The heads that see everything have gradient on both halves: the check above can tell them apart.
      for (const h of [0, 2]) assert.ok([...masks[h]].some((v, c) => c % 8 >= 4 && v > 0), `${HEADS[h].name} ${JSON.stringify(method)}`);
    }
  } finally {
    model.dispose();
  }
});

test('a linear head\'s mask is |W_t - sum_k p_k W_k| per pixel, the gradient of its log-softmax', async () => {
  await initBackend('wasm');
  // 3x4x2 in, flattened, one Dense layer per head: logits z = x W + b.
  const input = tf.input({ shape: [3, 4, 2] });
  const flat = tf.layers.flatten().apply(input) as SymbolicTensor;
  const heads = HEADS.map((h, i) => tf.layers.dense({ units: h.size, kernelInitializer: tf.initializers.randomNormal({ seed: 40 + i }), biasInitializer: tf.initializers.randomNormal({ seed: 60 + i }) }).apply(flat) as SymbolicTensor);
  const model = tf.model({ inputs: input, outputs: tf.layers.concatenate({ axis: -1 }).apply(heads) as SymbolicTensor });
  try {
    const x = randomInput(3, 4, 2, 8);
    const targets = [2, 9, 0, 5, 3, 7];
    for (const gradTimesInput of [false, true]) {
      const masks = gradientMasks(model, x, targets, { smoothGrad: 0, gradTimesInput });
      HEADS.forEach((h, i) => {
        const layer = model.layers[2 + i];
        const [kernel, bias] = layer.getWeights().map((w) => w.arraySync() as number[][] | number[]);
        const W = kernel as number[][]; // [24, size]
        const b = bias as number[];
        const z = b.map((bk, k) => bk + W.reduce((s, row, j) => s + x.data[j] * row[k], 0));
        const zMax = Math.max(...z);
        const e = z.map((v) => Math.exp(v - zMax));
        const p = e.map((v) => v / e.reduce((s, w) => s + w, 0));
        const grad = W.map((row) => row[targets[i]] - row.reduce((s, w, k) => s + p[k] * w, 0));
        const cells = Array.from({ length: 12 }, (_, c) => Math.abs(grad[2 * c] * (gradTimesInput ? x.data[2 * c] : 1)) + Math.abs(grad[2 * c + 1] * (gradTimesInput ? x.data[2 * c + 1] : 1)));
        const max = Math.max(...cells);
        cells.forEach((v, c) => assert.ok(Math.abs(masks[i][c] - v / max) < 1e-4, `${h.name} cell ${c}: ${masks[i][c]} vs ${v / max}`));
      });
    }
  } finally {
    model.dispose();
  }
});

/** Head h's mask from its own pass: a batch of one per noisy copy, the plain single-head gradient. */
function singleHeadMask(model: LayersModel, x: NetworkInput, head: number, target: number, method: ExplainMethod): Float32Array {
  const per = x.data.length;
  const copies = Math.max(1, method.smoothGrad);
  const noise = gaussianNoise(copies * per, SMOOTHGRAD_SEED);
  const sigma = method.smoothGrad > 0 ? smoothGradSigma(x.data) : 0;
  const sum = new Float32Array(x.height * x.width);
  const h = HEADS[head];
  for (let k = 0; k < copies; k++) {
    const noisy = x.data.map((v, i) => v + sigma * noise[k * per + i]);
    const cells = tf.tidy(() => {
      const f = (t: Tensor) => tf.sum(tf.slice(tf.logSoftmax(tf.slice(model.apply(t) as Tensor, [0, h.offset], [1, h.size])), [0, target], [1, 1]));
      const g = tf.grad(f)(tf.tensor4d(noisy, [1, x.height, x.width, x.channels]));
      const weighted = method.gradTimesInput ? tf.mul(g, tf.tensor4d(x.data, [1, x.height, x.width, x.channels])) : g;
      return tf.sum(tf.abs(weighted), 3).dataSync();
    });
    cells.forEach((v, c) => (sum[c] += v));
  }
  const max = Math.max(...sum);
  return sum.map((v) => v / max);
}

test('the one batched pass gives each head the mask six separate single-head passes give', async () => {
  await initBackend('wasm');
  // The fast preset's layer kinds (3x3 convs, 2x2 and rows-only pools, dense) at a small size.
  const spec: ModelSpec = {
    preset: 'fast', inputSize: 12, inputWidth: 18, cropSize: 54, channels: 3,
    convs: [
      { filters: 6, kernel: 3, batchNorm: false, poolStride: 2 },
      { filters: 8, kernel: 3, batchNorm: false, poolStride: 'rows' },
    ],
    dense: [24], dropout: 0, batchSize: 8,
  };
  const model = buildModel(spec, 3);
  try {
    const x = randomInput(12, 18, 3, 5);
    const targets = [3, 1, 4, 1, 5, 9];
    for (const method of METHODS) {
      const batched = gradientMasks(model, x, targets, method);
      HEADS.forEach((h, i) => {
        const alone = singleHeadMask(model, x, i, targets[i], method);
        let worst = 0;
        alone.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - batched[i][c]))));
        assert.ok(worst < 1e-4, `${h.name} ${JSON.stringify(method)}: differs by ${worst}`);
      });
      // Different heads look at different things: a pass that gave every element one head's gradient would fail above.
      assert.notDeepEqual(batched[1], batched[2]);
    }
    // More copies than one pass holds (COPIES_PER_PASS): the passes add up to the same mean.
    const many = { smoothGrad: COPIES_PER_PASS + 4, gradTimesInput: false };
    const split = gradientMasks(model, x, targets, many)[2];
    const alone = singleHeadMask(model, x, 2, targets[2], many);
    alone.forEach((v, c) => assert.ok(Math.abs(v - split[c]) < 1e-4, `${COPIES_PER_PASS + 4} copies, cell ${c}: ${split[c]} vs ${v}`));
    // SmoothGrad repeats (seeded) and differs from the plain gradient.
    assert.deepEqual(gradientMasks(model, x, targets, METHODS[1]), gradientMasks(model, x, targets, METHODS[1]));
    assert.notDeepEqual(gradientMasks(model, x, targets, METHODS[1])[1], gradientMasks(model, x, targets, METHODS[0])[1]);
    assert.throws(() => gradientMasks(model, x, [0, 10, 0, 0, 0, 0], METHODS[0]), /head S1 has no class 10/);
  } finally {
    model.dispose();
  }
});

test('noise is standard normal and the same for a seed; maskPeak takes the first largest cell', () => {
  const n = gaussianNoise(20001, 7);
  const mean = n.reduce((s, v) => s + v, 0) / n.length;
  const variance = n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
  assert.deepEqual(gaussianNoise(5, 7), n.subarray(0, 5));
  assert.equal(smoothGradSigma(Float32Array.of(-2, 0, 3)), 0.15 * 5);
  assert.deepEqual(maskPeak([0, 0.5, 1, 1, 0.2, 0], 3), [2, 0]);
  assert.deepEqual(maskPeak([0, 0.5, 0, 0, 1, 0], 3), [1, 1]);
});
