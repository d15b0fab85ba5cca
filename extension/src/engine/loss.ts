// The paper's masked loss (DESIGN §1):
//   loss = CE(L, min(n, 6)) + sum_{i=1..5} [i <= n] * CE(S_i, d_i), averaged over the batch.
// Targets are one-hot blocks laid out like the logits (model.ts); an absent digit's block is all
// zeros, so its cross-entropy term -sum(t * log softmax(z)) is 0 and so is its gradient
// (d/dz = softmax(z) * sum(t) - t = 0): that head learns nothing from that example.
import type { Tensor, Tensor2D, Scalar } from '@tensorflow/tfjs-core';
import { tf } from './tf';
import { LOGITS } from './model';

/** Length class (0..6, 6 = more than 5) and the first five digits of a label ('-' = no number). */
export function parseTargetLabel(label: string): { lengthClass: number; digits: number[] } {
  if (label === '-') return { lengthClass: 0, digits: [] };
  if (!/^[0-9]+$/.test(label)) throw new Error(`not a trainable label: '${label}'`);
  return { lengthClass: Math.min(label.length, 6), digits: [...label.slice(0, 5)].map(Number) };
}

/** Writes the one-hot target row of `label` into out[offset .. offset+57). */
export function encodeTarget(label: string, out: Float32Array, offset = 0): void {
  const { lengthClass, digits } = parseTargetLabel(label);
  out.fill(0, offset, offset + LOGITS);
  out[offset + lengthClass] = 1;
  digits.forEach((d, i) => {
    out[offset + 7 + 10 * i + d] = 1;
  });
}

export function encodeTargets(labels: readonly string[]): Tensor2D {
  const data = new Float32Array(labels.length * LOGITS);
  labels.forEach((l, i) => encodeTarget(l, data, i * LOGITS));
  return tf.tensor2d(data, [labels.length, LOGITS]);
}

/** Mean over the batch of the summed per-head cross-entropies, absent digits masked out. */
export function sequenceLoss(targets: Tensor, logits: Tensor): Scalar {
  return tf.tidy(() => {
    const batch = logits.shape[0] as number;
    const lengthLogits = tf.slice(logits, [0, 0], [-1, 7]);
    const digitLogits = tf.reshape(tf.slice(logits, [0, 7], [-1, 50]), [batch, 5, 10]);
    const lengthTargets = tf.slice(targets, [0, 0], [-1, 7]);
    const digitTargets = tf.reshape(tf.slice(targets, [0, 7], [-1, 50]), [batch, 5, 10]);
    const lengthTerm = tf.sum(tf.mul(lengthTargets, tf.logSoftmax(lengthLogits)));
    const digitTerm = tf.sum(tf.mul(digitTargets, tf.logSoftmax(digitLogits)));
    return tf.div(tf.neg(tf.add(lengthTerm, digitTerm)), batch) as Scalar;
  });
}
