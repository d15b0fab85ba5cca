// Held-out metrics (DESIGN §1), computed from labels and the model's [batch, 57] logits.
// - sequence accuracy: the decoded most likely sequence equals the label (no partial credit);
// - per-digit accuracy: over every true digit position i <= min(n, 5), the S_i head's argmax is
//   the true digit (labels of length 0 contribute no positions);
// - length accuracy: the decoded sequence's length class equals min(n, 6);
// - coverage at 98%: the largest fraction of examples, taken most confident first, whose
//   sequence accuracy is at least 98%.
import type { Metrics } from '../../../common/domain';
import { DIGIT_CLASSES, LOGITS, digitOffset } from '../../../common/heads';
import { parseTargetLabel, predictionMatchesLabel } from '../../../common/sequence';
import { decodeSequence, type DecodedSequence } from './decode';


/**
 * Largest fraction k/N such that the k most confident examples are at least `target` correct.
 * `score` orders them (the log score: many confident readings share exp(score) = 1.0 but not
 * their log score); examples with equal scores are taken all or none, so the answer never
 * depends on the order the rows came in.
 */
export function coverageAtAccuracy(correct: readonly boolean[], score: readonly number[], target = 0.98): number {
  const n = correct.length;
  if (n === 0) return 0;
  const order = [...correct.keys()].sort((a, b) => score[b] - score[a]);
  let right = 0;
  let best = 0;
  order.forEach((i, k) => {
    if (correct[i]) right++;
    const groupEnds = k + 1 === n || score[order[k + 1]] !== score[i];
    if (groupEnds && right / (k + 1) >= target) best = k + 1;
  });
  return best / n;
}

export function computeMetrics(labels: readonly string[], logits: ArrayLike<number>, decoded?: readonly DecodedSequence[]): Metrics {
  const n = labels.length;
  if (logits.length !== n * LOGITS) throw new Error(`expected ${n * LOGITS} logits, got ${logits.length}`);
  const correct: boolean[] = [];
  const score: number[] = [];
  let lengthRight = 0;
  let digitRight = 0;
  let digitTotal = 0;
  labels.forEach((label, k) => {
    const d = decoded?.[k] ?? decodeSequence(logits, k * LOGITS);
    const target = parseTargetLabel(label);
    correct.push(predictionMatchesLabel(d.text, label));
    score.push(d.logScore);
    if (d.length === target.lengthClass) lengthRight++;
    target.digits.forEach((digit, i) => {
      const o = k * LOGITS + digitOffset(i);
      let best = 0;
      for (let c = 1; c < DIGIT_CLASSES; c++) if (logits[o + c] > logits[o + best]) best = c;
      if (best === digit) digitRight++;
      digitTotal++;
    });
  });
  const right = correct.filter(Boolean).length;
  return {
    count: n,
    sequenceAccuracy: n ? right / n : 0,
    digitAccuracy: digitTotal ? digitRight / digitTotal : 0,
    lengthAccuracy: n ? lengthRight / n : 0,
    coverageAt98: coverageAtAccuracy(correct, score),
  };
}
