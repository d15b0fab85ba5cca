// The model presets (DESIGN §1) as data: input geometry, conv stack, dense layers, training batch
// and augmentation. model.ts builds a network from a spec; the training and inference code read
// the input geometry from it. The measurements behind `fast` are in BENCHMARKS.md.
import type { PresetName } from '../../../common/domain';

/** Training augmentation beyond the paper's random crops. */
export interface Augmentation {
  /** Window side as a fraction of the crop size, drawn uniformly from [min, max]. */
  scale: [number, number];
  /** Extra relative stretch of width against height, uniformly in [-aspect, aspect]. */
  aspect: number;
  /** Probability of inverting an image (light-on-dark <-> dark-on-light). */
  invert: number;
}

export interface ConvSpec {
  filters: number;
  kernel: number;
  batchNorm: boolean;
  /** 0 = no pooling; 1 or 2 = 2x2 pooling with that stride; 'rows' = 2x1 pooling with stride 2
   * down the rows only (keeps horizontal detail for squeezed long numbers). */
  poolStride: 0 | 1 | 2 | 'rows';
}

export interface ModelSpec {
  preset: PresetName;
  /** Rows of the network input (and its width unless inputWidth says otherwise). */
  inputSize: number;
  /** Width of the network input when it differs from its height (the crop is resampled to it). */
  inputWidth?: number;
  /** Side of the crop taken from the 64x64 cache (the paper's 54); resampled to the input when they differ. Default inputSize. */
  cropSize?: number;
  /** 3 = RGB, 1 = grayscale (mean of the channels). */
  channels: 1 | 3;
  convs: ConvSpec[];
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

// fast: tuned for accuracy per second of training on a 2-core CPU through the wasm backend. No
// batch norm (about 1.5x slower a step on wasm, and no faster learning seen); per-image
// standardisation of the input does the normalising instead.
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

/** Width of what the heads read: the last dense layer. */
export const featureWidth = (spec: ModelSpec): number => spec.dense[spec.dense.length - 1];

/** True when crops go through the network exactly as cut from the cache (no resampling). */
export const plainCrops = (spec: ModelSpec): boolean =>
  (spec.cropSize ?? spec.inputSize) === spec.inputSize && inputWidthOf(spec) === spec.inputSize;
