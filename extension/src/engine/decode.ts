// The paper's most likely sequence (DESIGN §1), from one example's logits (common/heads.ts layout):
//   score(l) = log P(L = l) + sum_{i <= l} max_d log P(S_i = d),  l = 0..5, and l = 6 ("more
//   than 5") with all five digit heads; prediction = the best l with the per-head argmax digits,
//   confidence = exp(score(l)).
import { DIGIT_HEADS, HEADS, LENGTH_CLASSES, LOGITS, digitOffset, logSoftmaxHeads } from '../../../common/heads';
import { sequenceText } from '../../../common/sequence';

export interface DecodedSequence {
  /** 0..5, or 6 = "more than 5" */
  length: number;
  /** The first min(length, 5) digits. */
  digits: number[];
  /** The reading as predictions.csv holds it (common/sequence.ts sequenceText). */
  text: string;
  /** exp(logScore), 0..1. */
  confidence: number;
  /** score(length) of DESIGN §1: what confidence orders by, without exp()'s rounding to 1.0 at the top. */
  logScore: number;
}

/** Decodes the example whose logits start at `offset` in a [batch, LOGITS] row-major array. */
export function decodeSequence(logits: ArrayLike<number>, offset = 0): DecodedSequence {
  const lp = new Float64Array(LOGITS);
  for (let i = 0; i < LOGITS; i++) lp[i] = logits[offset + i];
  logSoftmaxHeads(lp);
  const digits: number[] = [];
  const digitLog: number[] = [];
  for (let position = 0; position < DIGIT_HEADS; position++) {
    const o = digitOffset(position);
    let best = 0;
    for (let d = 1; d < HEADS[1 + position].size; d++) if (lp[o + d] > lp[o + best]) best = d;
    digits.push(best);
    digitLog.push(lp[o + best]);
  }
  let bestLength = 0;
  let bestScore = -Infinity;
  let prefix = 0;
  for (let l = 0; l < LENGTH_CLASSES; l++) {
    if (l >= 1 && l <= DIGIT_HEADS) prefix += digitLog[l - 1];
    const score = lp[HEADS[0].offset + l] + prefix;
    if (score > bestScore) {
      bestScore = score;
      bestLength = l;
    }
  }
  const shown = digits.slice(0, Math.min(bestLength, DIGIT_HEADS));
  return { length: bestLength, digits: shown, text: sequenceText(bestLength, shown), confidence: Math.exp(bestScore), logScore: bestScore };
}
