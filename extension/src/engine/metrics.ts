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
import { PAPER_ACCURACY, type CoverageCurve } from '../../../common/trainingRun';
import { decodeSequence, type DecodedSequence } from './decode';


/**
 * The most confident examples, k at a time: for each k at which a group of equal scores ends, how
 * many of the k are right. `score` orders them (the log score: many confident readings share
 * exp(score) = 1.0 but not their log score); examples with equal scores are taken all or none, so
 * nothing depends on the order the rows came in.
 */
function mostConfidentFirst(correct: readonly boolean[], score: readonly number[]): { taken: number; right: number }[] {
  const n = correct.length;
  const order = [...correct.keys()].sort((a, b) => score[b] - score[a]);
  const points: { taken: number; right: number }[] = [];
  let right = 0;
  order.forEach((i, k) => {
    if (correct[i]) right++;
    if (k + 1 === n || score[order[k + 1]] !== score[i]) points.push({ taken: k + 1, right });
  });
  return points;
}

/** Largest fraction k/N such that the k most confident examples are at least `target` correct. */
export function coverageAtAccuracy(correct: readonly boolean[], score: readonly number[], target = PAPER_ACCURACY): number {
  const n = correct.length;
  if (n === 0) return 0;
  let best = 0;
  for (const p of mostConfidentFirst(correct, score)) if (p.right / p.taken >= target) best = p.taken;
  return best / n;
}

/** The coverage curve keeps at most this many points (the dashboard draws it; a file stays small). */
export const COVERAGE_CURVE_POINTS = 200;

/**
 * Sequence accuracy of the k most confident examples against coverage k/N, for every confidence
 * threshold (thinned to about COVERAGE_CURVE_POINTS, the last point kept), and the coverage at the
 * paper's 98%.
 */
export function coverageCurve(correct: readonly boolean[], score: readonly number[]): CoverageCurve {
  const n = correct.length;
  const points = mostConfidentFirst(correct, score);
  const stride = Math.max(1, Math.ceil(points.length / COVERAGE_CURVE_POINTS));
  const kept = points.filter((_, i) => i % stride === 0 || i === points.length - 1);
  return {
    coverage: kept.map((p) => p.taken / n),
    accuracy: kept.map((p) => p.right / p.taken),
    coverageAtPaperAccuracy: coverageAtAccuracy(correct, score),
  };
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
