// Each head's part of a training batch's loss and how often it was right, from the logits and the
// one-hot targets the step already has in memory (no extra tensor work): the dashboard's per-head
// curves. The losses follow loss.ts's sequenceLoss term by term, so they add up to the batch loss.
import { HEADS, LOGITS } from '../../../common/heads';

export interface HeadBatchStats {
  /** Per head (HEADS order): its cross-entropy summed over the rows, divided by the row count. */
  loss: number[];
  /** Per head: rows whose argmax is the target class. */
  right: number[];
  /** Per head: rows with a target for that head (an all-zero block has none). */
  counted: number[];
}

/** `logits` and `targets` are [rows, LOGITS] row-major (common/heads.ts layout). */
export function headBatchStats(logits: ArrayLike<number>, targets: ArrayLike<number>, rows: number): HeadBatchStats {
  const loss = HEADS.map(() => 0);
  const right = HEADS.map(() => 0);
  const counted = HEADS.map(() => 0);
  for (let r = 0; r < rows; r++) {
    HEADS.forEach((head, h) => {
      const o = r * LOGITS + head.offset;
      let target = -1;
      let max = -Infinity;
      let best = 0;
      for (let i = 0; i < head.size; i++) {
        if (targets[o + i] > 0) target = i;
        if (logits[o + i] > max) {
          max = logits[o + i];
          best = i;
        }
      }
      if (target < 0) return;
      let z = 0;
      for (let i = 0; i < head.size; i++) z += Math.exp(logits[o + i] - max);
      const logZ = max + Math.log(z);
      for (let i = 0; i < head.size; i++) if (targets[o + i] > 0) loss[h] -= targets[o + i] * (logits[o + i] - logZ);
      counted[h]++;
      if (best === target) right[h]++;
    });
  }
  return { loss: loss.map((l) => (rows > 0 ? l / rows : 0)), right, counted };
}
