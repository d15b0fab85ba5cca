// The paper's most likely sequence (DESIGN §1), from one example's 57 logits (model.ts layout):
//   score(l) = log P(L = l) + sum_{i <= l} max_d log P(S_i = d),  l = 0..5, and l = 6 ("more
//   than 5") with all five digit heads; prediction = the best l with the per-head argmax digits,
//   confidence = exp(score(l)).
import { HEAD_SIZES, headOffset } from './model';

export interface DecodedSequence {
  /** 0..5, or 6 = "more than 5" */
  length: number;
  /** The first min(length, 5) digits. */
  digits: number[];
  /** The PredictionRow form: the digits, '-' for length 0, '>5:' + five digits for more than 5. */
  text: string;
  confidence: number;
}

/** log softmax of logits[offset .. offset+size), written to out[0..size). */
function logSoftmax(logits: ArrayLike<number>, offset: number, size: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < size; i++) max = Math.max(max, logits[offset + i]);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += Math.exp(logits[offset + i] - max);
  const logZ = max + Math.log(sum);
  for (let i = 0; i < size; i++) out[i] = logits[offset + i] - logZ;
}

export function sequenceText(length: number, digits: readonly number[]): string {
  if (length === 0) return '-';
  const s = digits.slice(0, 5).join('');
  return length > 5 ? `>5:${s}` : s;
}

/** Decodes the example whose logits start at `offset` in a [batch, 57] row-major array. */
export function decodeSequence(logits: ArrayLike<number>, offset = 0): DecodedSequence {
  const buf = new Float64Array(10);
  logSoftmax(logits, offset + headOffset(0), HEAD_SIZES[0], buf);
  const lengthLog = Array.from(buf.subarray(0, 7));
  const digits: number[] = [];
  const digitLog: number[] = [];
  for (let h = 1; h <= 5; h++) {
    logSoftmax(logits, offset + headOffset(h), 10, buf);
    let best = 0;
    for (let d = 1; d < 10; d++) if (buf[d] > buf[best]) best = d;
    digits.push(best);
    digitLog.push(buf[best]);
  }
  let bestLength = 0;
  let bestScore = -Infinity;
  let prefix = 0;
  for (let l = 0; l <= 6; l++) {
    if (l >= 1 && l <= 5) prefix += digitLog[l - 1];
    const score = lengthLog[l] + prefix;
    if (score > bestScore) {
      bestScore = score;
      bestLength = l;
    }
  }
  const shown = digits.slice(0, Math.min(bestLength, 5));
  return { length: bestLength, digits: shown, text: sequenceText(bestLength, shown), confidence: Math.exp(bestScore) };
}

/** The text a correct prediction of `label` has: '19' -> '19', '-' -> '-', '1234567' -> '>5:12345'. */
export function expectedText(label: string): string {
  if (label === '-') return '-';
  return label.length > 5 ? `>5:${label.slice(0, 5)}` : label;
}
