// The multi-digit recognizer (DESIGN §1): one shared conv stack feeding six softmax heads,
// L (length 0..5 or "more than 5", 7 classes) and S1..S5 (10 classes each). The model's single
// output is the six heads' logits side by side, [batch, 57]: L in columns 0..6, S_i in
// 7 + 10(i-1) .. 16 + 10(i-1). Each head is its own Dense layer named after it.
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { PresetName } from '../../../common/engineProtocol';
import type { Augmentation } from './data';
import { tf } from './tf';

export const HEAD_NAMES = ['L', 'S1', 'S2', 'S3', 'S4', 'S5'] as const;
export const HEAD_SIZES = [7, 10, 10, 10, 10, 10] as const;
export const LOGITS = 57;
/** Column where head h starts in the logits. */
export const headOffset = (h: number): number => (h === 0 ? 0 : 7 + 10 * (h - 1));

/** Crops are cached at 64x64 (DESIGN §1); the net sees random (train) or centre (eval) sub-crops. */
export const CACHE_SIZE = 64;

export interface ModelSpec {
  preset: PresetName;
  /** Side of the square network input. */
  inputSize: number;
  /** Width of the network input when it differs from its height (the crop is resampled to it). */
  inputWidth?: number;
  /** Side of the crop taken from the 64x64 cache (the paper's 54); resampled to inputSize when they differ. Default inputSize. */
  cropSize?: number;
  /** 3 = RGB, 1 = grayscale (mean of the channels). */
  channels: 1 | 3;
  /** poolStride: 0 = no pooling; 1 or 2 = 2x2 pooling with that stride; 'rows' = 2x1 pooling
   * with stride 2 down the rows only (keeps horizontal detail for squeezed long numbers). */
  convs: { filters: number; kernel: number; batchNorm: boolean; poolStride: 0 | 1 | 2 | 'rows' }[];
  dense: number[];
  dropout: number;
  /** Training batch size. */
  batchSize: number;
  /** Training augmentation beyond the paper's random crops (undefined = random crops only). */
  augment?: Augmentation;
}

// goodfellow2014 (DESIGN §1): eight 5x5 convs with batch norm, pools of stride 2 after layers
// 1, 3, 5, 7 and stride 1 after 2, 4, 6, 8 (54 -> 27 -> 14 -> 7 -> 4), two dense layers of 3072.
const goodfellow2014: ModelSpec = {
  preset: 'goodfellow2014',
  inputSize: 54,
  channels: 3,
  convs: [48, 64, 128, 160, 192, 192, 192, 192].map((filters, i) => ({
    filters,
    kernel: 5,
    batchNorm: true,
    poolStride: i % 2 === 0 ? 2 : 1,
  })),
  dense: [3072, 3072],
  dropout: 0.3,
  batchSize: 32,
};

// fast: tuned for accuracy per second of training on a 2-core CPU through the wasm backend
// (measurements in the comment block at the end of this file). No batch norm: even with the
// kernels in wasmKernels.ts it makes a step ~1.5x slower and learned no faster in the first 100
// steps here; per-image standardisation of the input does the normalising instead.
const fast: ModelSpec = {
  preset: 'fast',
  // 36 rows x 54 columns: long numbers are squeezed sideways into the square crop, so columns
  // carry more of the detail than rows; the last two pools halve rows only (final map 3 x 14).
  inputSize: 36,
  inputWidth: 54,
  cropSize: 54,
  channels: 3,
  convs: [
    { filters: 32, kernel: 3, batchNorm: false, poolStride: 2 },
    { filters: 64, kernel: 3, batchNorm: false, poolStride: 2 },
    { filters: 96, kernel: 3, batchNorm: false, poolStride: 'rows' },
    { filters: 128, kernel: 3, batchNorm: false, poolStride: 'rows' },
    { filters: 160, kernel: 3, batchNorm: false, poolStride: 0 },
  ],
  dense: [512],
  dropout: 0,
  batchSize: 32,
  // Windows of 85-115% of the 54-pixel crop, +-15% aspect, half of them inverted: +3 points of
  // test sequence accuracy over plain random crops at the same number of steps.
  augment: { scale: [0.85, 1.15], aspect: 0.15, invert: 0.5 },
};

export const PRESETS: Record<PresetName, ModelSpec> = { goodfellow2014, fast };

export const inputWidthOf = (spec: ModelSpec): number => spec.inputWidth ?? spec.inputSize;

/** True when crops go through the network exactly as cut from the cache (no resampling). */
export const plainCrops = (spec: ModelSpec): boolean =>
  (spec.cropSize ?? spec.inputSize) === spec.inputSize && inputWidthOf(spec) === spec.inputSize;

// Dropout layers take no seed on purpose: tfjs draws a seeded dropout mask from the same seed on
// every call, i.e. the same mask every step.
export function buildModel(spec: ModelSpec, seed = 1): LayersModel {
  let s = seed * 7919;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const input = tf.input({ shape: [spec.inputSize, inputWidthOf(spec), spec.channels], name: 'image' });
  let h = input as SymbolicTensor;
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
  const heads = HEAD_NAMES.map(
    (name, i) => tf.layers.dense({ name, units: HEAD_SIZES[i], kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }) }).apply(h) as SymbolicTensor,
  );
  const logits = tf.layers.concatenate({ name: 'logits', axis: -1 }).apply(heads) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: `digitlens_${spec.preset}` });
}

// Measurements behind `fast` (wasm, 1 thread, 2-core AMD EPYC shared with other jobs, so speeds
// are lower bounds; train on synthesize() seed 1 x 4,000, test on seed 2 x 600, centre crops):
// - speed: ~36 MFLOP-MACs forward per image; a training step of 64 took 885 ms with the stock
//   wasm kernels (plus the missing filter gradient), 593 ms after the faster kernels, 108 img/s
//   when the machine was quiet; 86-95 img/s at batch 32 with other jobs running; inference ~500 img/s.
// - per-step cost: conv filter gradients 30%, input gradients 19%, forward convs 16%, max-pool
//   gradient 7%; nothing else above 5% (profile with tf.profile over one step).
// - accuracy after 5 epochs with the one-cycle schedule (same images seen):
//     batch 64, dropout 0.3, lr 2e-3: test sequence 52%, per digit 64%, length 79%
//     batch 32, dropout 0,   lr 2e-3: test sequence 68%, per digit 80%, length 90%
//     batch 32, dropout 0,   lr 4e-3: test sequence 65%
//   (batch 16 learned no faster per image and ran at a third of the speed.)
// - 480 s of training, 1 thread each (two runs side by side on the two cores), test sequence
//   accuracy: this preset 78.8% (13 epochs, 104 img/s); without augmentation 75.8% (13 epochs);
//   narrower convs 32-48-64-96-128, 18 epochs at 138 img/s: 77.8%; 40x40 input resampled from
//   the 54 crop, 21 epochs at 168 img/s: 76.7%; batch norm on every conv (lr 3e-3), 8 epochs at
//   62 img/s: 73.7%. All within ~2 points (600 test crops): the budget, not the shape, limits.
// - errors of that square net were almost all long numbers (test error by length: 1 digit 0/89,
//   2: 5/178, 3: 17/176, 4: 57/110, 5: 42/46): the crop squeezes them sideways and four 2x2
//   pools leave 4 columns. Hence 36 rows x 54 columns with rows-only pooling at the end (final
//   map 3 x 14, about the same MACs): acceptance run below, test sequence 79.7% -> 88.8%.
// - acceptance run (CLI, `train --time-budget 480`, wasm 2 threads, machine mostly quiet): 2,223
//   steps at ~150 img/s (20 epochs of 3,725 crops); validation 89.5%; `eval` on 600 crops of
//   seed 2: sequence 88.8%, per digit 95.1%, length 98.5%, coverage at 98% 81.2%. A 32 x 60
//   input (same pools) ran the same way: 2,375 steps, validation 90.9%, test 88.0%: a tie.
// - 2 wasm threads (wasmThreads.ts) on a quiet machine: training 134 vs 104 img/s (x1.3; the
//   JS kernels stay single-threaded), inference 940 vs 535 img/s (x1.75).
