// The paper's masked loss (DESIGN §1):
//   loss = CE(L, min(n, 6)) + sum_{i=1..5} [i <= n] * CE(S_i, d_i), averaged over the batch.
// Targets are one-hot blocks laid out like the logits (common/heads.ts); an absent digit's block
// is all zeros, so its cross-entropy term -sum(t * log softmax(z)) is 0 and so is its gradient
// (d/dz = softmax(z) * sum(t) - t = 0): that head learns nothing from that example.
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { DIGIT_CLASSES, DIGIT_HEADS, LENGTH_CLASSES, LOGITS, digitOffset } from '../../../common/heads';
import { parseTargetLabel } from '../../../common/sequence';
import { tf } from './tf';

/** Writes the one-hot target row of `label` into out[offset .. offset+LOGITS). */
export function encodeTarget(label: string, out: Float32Array, offset = 0): void {
  const { lengthClass, digits } = parseTargetLabel(label);
  out.fill(0, offset, offset + LOGITS);
  out[offset + lengthClass] = 1;
  digits.forEach((d, i) => {
    out[offset + digitOffset(i) + d] = 1;
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
    const batch = logits.shape[0];
    // The digit heads sit side by side after L: one [batch, DIGIT_HEADS, DIGIT_CLASSES] block.
    const digits = (t: Tensor): Tensor =>
      tf.reshape(tf.slice(t, [0, digitOffset(0)], [-1, DIGIT_HEADS * DIGIT_CLASSES]), [batch, DIGIT_HEADS, DIGIT_CLASSES]);
    const length = (t: Tensor): Tensor => tf.slice(t, [0, 0], [-1, LENGTH_CLASSES]);
    const lengthTerm = tf.sum(tf.mul(length(targets), tf.logSoftmax(length(logits))));
    const digitTerm = tf.sum(tf.mul(digits(targets), tf.logSoftmax(digits(logits))));
    return tf.div<Scalar>(tf.neg(tf.add(lengthTerm, digitTerm)), batch);
  });
}
