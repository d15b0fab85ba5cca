// The multi-digit recognizer (DESIGN §1): one shared conv stack feeding the heads of
// common/heads.ts, L and S1..S5, each its own Dense layer named after it. The model's single
// output is the heads' logits side by side, [batch, LOGITS], in HEADS order.
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { HEADS } from '../../../common/heads';
import { inputWidthOf, type ModelSpec } from './presets';
import { tf } from './tf';

// Dropout layers take no seed on purpose: tfjs draws a seeded dropout mask from the same seed on
// every call, i.e. the same mask every step.
export function buildModel(spec: ModelSpec, seed = 1): LayersModel {
  let s = seed * 7919;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const input = tf.input({ shape: [spec.inputSize, inputWidthOf(spec), spec.channels], name: 'image' });
  let h = input;
  spec.convs.forEach((c, i) => {
    const n = i + 1;
    h = tf.layers
      .conv2d({ name: `conv${n}`, filters: c.filters, kernelSize: c.kernel, padding: 'same', useBias: !c.batchNorm, kernelInitializer: init() })
      .apply(h) as SymbolicTensor;
    if (c.batchNorm) h = tf.layers.batchNormalization({ name: `bn${n}` }).apply(h) as SymbolicTensor;
    h = tf.layers.reLU({ name: `relu${n}` }).apply(h) as SymbolicTensor;
    if (c.poolStride === 'rows') {
      h = tf.layers.maxPooling2d({ name: `pool${n}`, poolSize: [2, 1], strides: [2, 1], padding: 'same' }).apply(h) as SymbolicTensor;
    } else if (c.poolStride > 0) {
      h = tf.layers.maxPooling2d({ name: `pool${n}`, poolSize: 2, strides: c.poolStride, padding: 'same' }).apply(h) as SymbolicTensor;
    }
  });
  h = tf.layers.flatten({ name: 'flatten' }).apply(h) as SymbolicTensor;
  spec.dense.forEach((units, i) => {
    if (spec.dropout > 0) h = tf.layers.dropout({ name: `dropout${i + 1}`, rate: spec.dropout }).apply(h) as SymbolicTensor;
    h = tf.layers.dense({ name: `dense${i + 1}`, units, activation: 'relu', kernelInitializer: init() }).apply(h) as SymbolicTensor;
  });
  if (spec.dropout > 0) h = tf.layers.dropout({ name: 'dropoutHeads', rate: spec.dropout }).apply(h) as SymbolicTensor;
  const heads = HEADS.map(
    (head) => tf.layers.dense({ name: head.name, units: head.size, kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }) }).apply(h) as SymbolicTensor,
  );
  const logits = tf.layers.concatenate({ name: 'logits', axis: -1 }).apply(heads) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: `digitlens_${spec.preset}` });
}
