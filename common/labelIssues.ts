// The label-error finder: how likely each row's label is wrong, from what the model thought of
// the crop while it trained (TrainingDynamics: the mean of every head's log-probabilities over the
// run, or the final model's out-of-sample reading for held-out crops), with the most likely true
// label and which position (or the length) is suspect. The score compares the label with the best
// other sequence under the same means, as Area Under the Margin (Pleiss et al. 2020) compares a
// label's logit with the largest other, but over whole sequences (DESIGN §1's decoding); a reading
// one slip of the hand away from the label is the likeliest true label (SLIP_ODDS).
import { DIGIT_CLASSES, DIGIT_HEADS, HEADS, LENGTH_CLASSES, MORE_THAN_MAX, digitOffset } from './heads';
import { parseTargetLabel, predictionMatchesLabel, sequenceText } from './sequence';

export interface LabelIssue {
  /**
   * How likely the label is wrong, 0..1: the logistic of `margin` (labelIssue), or of the margin
   * calibrated for the label's length among other rows (findLabelIssues).
   */
  score: number;
  /** log P(best other) - log P(label) under the means: the log-odds against the label. */
  margin: number;
  /** The most likely other reading (common/sequence.ts form: digits, '-', '>5:' + five digits). */
  suggestion: string;
  /** exp(mean log-probability) of the suggestion. */
  suggestionProbability: number;
  /** 'L' when the suggestion has another length, else the first digit head that differs ('S1'..'S5'). */
  position: string;
}

/** Sum of head log-probabilities of a sequence: length class and its first five digits. */
function logProbOf(lp: ArrayLike<number>, o: number, lengthClass: number, digits: readonly number[]): number {
  let s = lp[o + lengthClass];
  for (let i = 0; i < Math.min(digits.length, DIGIT_HEADS); i++) s += lp[o + digitOffset(i) + digits[i]];
  return s;
}

interface Reading {
  lengthClass: number;
  digits: number[];
  logProb: number;
}

/** The best reading of each length class, and per length the best one-digit change of it. */
function candidates(lp: ArrayLike<number>, o: number): Reading[] {
  const best: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < DIGIT_HEADS; i++) {
    const h = o + digitOffset(i);
    let a = 0;
    let b = 1;
    if (lp[h + b] > lp[h + a]) [a, b] = [b, a];
    for (let d = 2; d < DIGIT_CLASSES; d++) {
      if (lp[h + d] > lp[h + a]) [a, b] = [d, a];
      else if (lp[h + d] > lp[h + b]) b = d;
    }
    best.push(a);
    second.push(b);
  }
  const out: Reading[] = [];
  for (let l = 0; l < LENGTH_CLASSES; l++) {
    const n = Math.min(l, DIGIT_HEADS);
    const digits = best.slice(0, n);
    out.push({ lengthClass: l, digits, logProb: logProbOf(lp, o, l, digits) });
    for (let i = 0; i < n; i++) {
      const changed = [...digits];
      changed[i] = second[i];
      out.push({ lengthClass: l, digits: changed, logProb: logProbOf(lp, o, l, changed) });
    }
  }
  return out;
}

/**
 * How much likelier (in nats) a reading that is no slip of the hand away from the label must be
 * than one that is, to count the same as the true label: people mistype a number by swapping two
 * neighbouring digits, dropping one, doubling one or hitting a wrong one (common/mistype.ts), far
 * more often than they type another number altogether. A model that reads the crop as another
 * number with confidence still flags the row; one that merely doubts a digit of a hard crop, with
 * no slip to explain the label, counts 4 nats (55 times) less. On the saved evidence of
 * bench/labelIssues.ts runs this took the share of truly mistyped rows in the top K from 90.7% to
 * 91.3-92.0% on two synthetic datasets and from 62.7% to 64.7% on numbers composed from real
 * digits; 2 nats did within 0.7 points of it (BENCHMARKS.md, "The start model's reading, and slips").
 */
export const SLIP_ODDS = 4;

const slip = new Int8Array(DIGIT_HEADS);
/** Per row: before[i] = the label's digit terms before position i; shifted[i] = after a digit inserted at i. */
const before = new Float64Array(DIGIT_HEADS + 1);
const shifted = new Float64Array(DIGIT_HEADS + 1);

/**
 * The likeliest reading a person could have meant when typing `label` (`self` as a reading) with
 * one slip, if it is at least `floor`; none for '-'. Scored in place, one buffer for all of them,
 * and a wrong or dropped digit (nine in ten of them) from sums kept per position: a row has up to a
 * hundred such readings, and the gallery and the labels file's diagnostics score every row.
 */
function bestSlipSource(lp: ArrayLike<number>, o: number, label: string, self: Reading, floor: number): Reading | undefined {
  if (self.lengthClass === 0) return undefined;
  const typed = [...label.slice(0, DIGIT_HEADS + 1)].map(Number);
  const n = label.length;
  const term = (position: number, digit: number): number => lp[o + digitOffset(position) + digit];
  let best: Reading | undefined;
  let bestLogProb = floor;
  /** Keeps slip[0..] as a reading of `length` digits, of log-probability `logProb`, when it is the best so far and not the label. */
  const keep = (length: number, logProb: number): void => {
    if (logProb < bestLogProb) return;
    const lengthClass = Math.min(length, MORE_THAN_MAX);
    const seen = Math.min(length, DIGIT_HEADS);
    // Past the fifth digit the heads see nothing: such a reading is the label itself.
    if (lengthClass === self.lengthClass && self.digits.every((d, i) => slip[i] === d)) return;
    bestLogProb = logProb;
    best = { lengthClass, digits: Array.from(slip.subarray(0, seen)), logProb };
  };
  /** slip = the label with digits [from, to) replaced by `count` digits (a, then b), the rest shifted. */
  const fill = (from: number, to: number, count: number, a = 0, b = 0): void => {
    let k = 0;
    for (let i = 0; i < from && k < DIGIT_HEADS; i++) slip[k++] = typed[i];
    if (count > 0 && k < DIGIT_HEADS) slip[k++] = a;
    if (count > 1 && k < DIGIT_HEADS) slip[k++] = b;
    for (let i = to; k < DIGIT_HEADS && i < typed.length; i++) slip[k++] = typed[i];
  };
  /** The log-probability of slip[0..] as a reading of `length` digits. */
  const scored = (length: number): number => {
    let logProb = lp[o + Math.min(length, MORE_THAN_MAX)];
    for (let i = 0; i < Math.min(length, DIGIT_HEADS); i++) logProb += term(i, slip[i]);
    return logProb;
  };
  for (let i = 1; i < Math.min(n, DIGIT_HEADS + 1); i++) {
    const doubled = typed[i] === typed[i - 1];
    if (doubled) fill(i, i + 1, 0); // a digit doubled: the label has one too many
    else fill(i - 1, i + 1, 2, typed[i], typed[i - 1]); // neighbours swapped
    keep(doubled ? n - 1 : n, scored(doubled ? n - 1 : n));
  }
  // A dropped digit d at i: the label's digits before i, d, then the label's from i on, one place later.
  const seen = Math.min(n, DIGIT_HEADS);
  const longer = Math.min(n + 1, DIGIT_HEADS);
  before[0] = 0;
  for (let i = 0; i < DIGIT_HEADS; i++) before[i + 1] = before[i] + (i < seen ? term(i, typed[i]) : 0);
  shifted[longer] = 0;
  for (let i = longer - 1; i >= 0; i--) shifted[i] = shifted[i + 1] + (i + 1 < longer ? term(i + 1, typed[i]) : 0);
  const longerClass = lp[o + Math.min(n + 1, MORE_THAN_MAX)];
  for (let i = 0; i <= seen; i++) {
    const wrongBase = i < seen ? self.logProb - term(i, typed[i]) : 0;
    for (let d = 0; d < DIGIT_CLASSES; d++) {
      const dropped = i < DIGIT_HEADS ? longerClass + before[i] + term(i, d) + shifted[i] : longerClass + before[DIGIT_HEADS];
      if (dropped >= bestLogProb) {
        fill(i, i, 1, d); // a digit dropped: the label lacks one
        keep(n + 1, dropped);
      }
      if (i < seen && d !== typed[i] && wrongBase + term(i, d) >= bestLogProb) {
        fill(i, i + 1, 1, d); // a wrong digit
        keep(n, wrongBase + term(i, d));
      }
    }
  }
  return best;
}

/**
 * The issue of one labeled row ('-' or digits) from its mean log-probabilities (LOGITS values at
 * `offset`). A label longer than five digits is read as "more than 5" with its first five digits.
 * The margin is against the best other reading, or the best reading one slip away from the label
 * when that one is within SLIP_ODDS of it.
 */
export function labelIssue(meanLogProbs: ArrayLike<number>, offset: number, label: string): LabelIssue {
  const target = parseTargetLabel(label);
  const labelLogProb = logProbOf(meanLogProbs, offset, target.lengthClass, target.digits);
  const textOf = (r: Reading) => sequenceText(r.lengthClass, r.digits);
  let other: Reading | undefined;
  for (const r of candidates(meanLogProbs, offset)) {
    if (predictionMatchesLabel(textOf(r), label)) continue;
    if (!other || r.logProb > other.logProb) other = r;
  }
  if (!other) throw new Error('internal: no reading other than the label');
  const meant = bestSlipSource(meanLogProbs, offset, label, { ...target, logProb: labelLogProb }, other.logProb - SLIP_ODDS);
  if (meant) other = meant;
  const margin = (meant ? meant.logProb : other.logProb - SLIP_ODDS) - labelLogProb;
  const score = logistic(margin);
  let position = HEADS[0].name;
  if (other.lengthClass === target.lengthClass) {
    const i = other.digits.findIndex((d, k) => d !== target.digits[k]);
    position = HEADS[1 + Math.max(0, i)].name;
  }
  return { score, margin, suggestion: textOf(other), suggestionProbability: Math.exp(other.logProb), position };
}

/** 1 / (1 + e^-x), computed stably. */
export function logistic(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** The suggestion as a label a user could type ('>5:12345' has no whole label to offer). */
export function suggestionAsLabel(suggestion: string): string | undefined {
  return suggestion.startsWith('>') ? undefined : suggestion;
}
