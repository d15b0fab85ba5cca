// Gradient masks: for each head h, how much each input pixel moves log softmax_h[target_h]
// (Simonyan et al. 2014), optionally averaged over noisy copies of the input (SmoothGrad,
// Smilkov et al. 2017) and/or multiplied by the input (gradient x input).
//
// All six heads come from one backward pass: the input is replicated into a batch of
// 6 x copies, element b = copy k, head h = b mod 6, and the pass differentiates
//   sum over b of log softmax_{head(b)}(model(x_b))[target_{head(b)}].
// At inference the batch elements do not interact (no dropout, batch norm on its moving
// statistics), so the gradient that reaches x_b is exactly head(b)'s gradient at x_b.
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ExplainMethod } from '../../../common/engineProtocol';
import { HEADS, LOGITS } from '../../../common/heads';
import { mulberry32 } from '../../../common/mulberry32';
import { forwardForInputGradient } from './inputGradientForward';
import { tf } from './tf';

/**
 * SmoothGrad's noise: sigma as a fraction of the input's value range (max - min over the crop).
 * Smilkov et al. found 10-20% sharpest; the inputs here are standardised crops whose range is
 * about 4-6, so sigma is about 0.6-0.9 input units.
 */
export const SMOOTHGRAD_SIGMA = 0.15;
/** The noise is drawn from this seed on every call: the same crop gives the same mask. */
export const SMOOTHGRAD_SEED = 2014;
/** Noisy copies per backward pass (a batch of 6 x this): bounds the memory of a large n. */
export const COPIES_PER_PASS = 16;

const forwards = new WeakMap<LayersModel, (x: Tensor) => Tensor>();

function forwardOf(model: LayersModel): (x: Tensor) => Tensor {
  let f = forwards.get(model);
  if (!f) forwards.set(model, (f = forwardForInputGradient(model)));
  return f;
}

/** One network input, row-major [height, width, channels]. */
export interface NetworkInput {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** Standard normal samples (Box-Muller over mulberry32): the same on every machine and backend. */
export function gaussianNoise(count: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - rand(); // (0, 1]: log(u) is finite
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** The SmoothGrad noise's standard deviation for `input`. */
export function smoothGradSigma(input: Float32Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of input) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return SMOOTHGRAD_SIGMA * (hi - lo);
}

/**
 * Per head (HEADS order) a mask of height x width cells, row-major, scaled so its largest cell is
 * 1 (all 0 when the gradient vanishes everywhere): |gradient| (or |gradient x input|) summed over
 * the channels, averaged over the noisy copies for SmoothGrad. `targets[h]` is head h's class.
 */
export function gradientMasks(model: LayersModel, input: NetworkInput, targets: readonly number[], method: ExplainMethod): Float32Array[] {
  const { height, width, channels } = input;
  const per = height * width * channels;
  if (input.data.length !== per) throw new RangeError(`expected ${per} input values, got ${input.data.length}`);
  if (targets.length !== HEADS.length) throw new RangeError(`expected ${HEADS.length} targets, got ${targets.length}`);
  HEADS.forEach((h, i) => {
    if (!Number.isInteger(targets[i]) || targets[i] < 0 || targets[i] >= h.size) throw new RangeError(`head ${h.name} has no class ${targets[i]}`);
  });
  const forward = forwardOf(model);
  const copies = Math.max(1, method.smoothGrad);
  const noise = method.smoothGrad > 0 ? gaussianNoise(copies * per, SMOOTHGRAD_SEED) : undefined;
  const sigma = noise ? smoothGradSigma(input.data) : 0;
  const cells = height * width;
  const sums = HEADS.map(() => new Float64Array(cells));
  for (let first = 0; first < copies; first += COPIES_PER_PASS) {
    const n = Math.min(COPIES_PER_PASS, copies - first);
    const batch = HEADS.length * n;
    const x = new Float32Array(batch * per);
    const selector = new Float32Array(batch * LOGITS);
    for (let k = 0; k < n; k++) {
      for (let h = 0; h < HEADS.length; h++) {
        const b = k * HEADS.length + h;
        const o = b * per;
        x.set(input.data, o);
        if (noise) {
          const z = (first + k) * per;
          for (let i = 0; i < per; i++) x[o + i] += sigma * noise[z + i];
        }
        selector[b * LOGITS + HEADS[h].offset + targets[h]] = 1;
      }
    }
    const passSums = tf.tidy(() => {
      const xs = tf.tensor4d(x, [batch, height, width, channels]);
      const select = tf.tensor2d(selector, [batch, LOGITS]);
      const objective = (inputs: Tensor): Tensor => {
        const logits = forward(inputs) as Tensor2D;
        const logProbs = tf.concat(HEADS.map((h) => tf.logSoftmax(tf.slice(logits, [0, h.offset], [-1, h.size]))), 1);
        return tf.sum(tf.mul(logProbs, select));
      };
      const grad = tf.grad(objective)(xs);
      // Gradient x input multiplies by the clean input: the noise only smooths the gradient.
      const weighted = method.gradTimesInput ? tf.mul(grad, tf.tensor4d(input.data, [1, height, width, channels])) : grad;
      const perCell = tf.sum(tf.abs(weighted), 3); // [batch, height, width]
      return tf.sum(tf.reshape(perCell, [n, HEADS.length, cells]), 0); // [heads, cells]
    });
    const data = passSums.dataSync();
    passSums.dispose();
    sums.forEach((s, h) => {
      for (let c = 0; c < cells; c++) s[c] += data[h * cells + c];
    });
  }
  return sums.map((s) => {
    let max = 0;
    for (const v of s) max = Math.max(max, v);
    const mask = new Float32Array(cells);
    if (max > 0) for (let c = 0; c < cells; c++) mask[c] = s[c] / max;
    return mask;
  });
}

/** The cell where a mask is largest (the first, in row-major order, on a tie): [col, row]. */
export function maskPeak(mask: ArrayLike<number>, width: number): [number, number] {
  let best = 0;
  for (let i = 1; i < mask.length; i++) if (mask[i] > mask[best]) best = i;
  return [best % width, Math.floor(best / width)];
}
