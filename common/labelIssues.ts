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
 * digits, the same at 2 nats (BENCHMARKS.md, "The start model's reading, and slips").
 */
export const SLIP_ODDS = 4;

/** The readings a person could have meant when typing `label` with one slip; none for '-'. */
function slipSources(lp: ArrayLike<number>, o: number, label: string): Reading[] {
  if (!/^[0-9]+$/.test(label)) return [];
  const typed = [...label].map(Number);
  const sources: number[][] = [];
  for (let i = 1; i < typed.length; i++) {
    if (typed[i] === typed[i - 1]) sources.push([...typed.slice(0, i), ...typed.slice(i + 1)]); // a digit doubled
    else sources.push([...typed.slice(0, i - 1), typed[i], typed[i - 1], ...typed.slice(i + 1)]); // neighbours swapped
  }
  for (let i = 0; i <= typed.length; i++) {
    for (let d = 0; d < DIGIT_CLASSES; d++) {
      sources.push([...typed.slice(0, i), d, ...typed.slice(i)]); // a digit dropped
      if (i < typed.length && d !== typed[i]) sources.push([...typed.slice(0, i), d, ...typed.slice(i + 1)]); // a wrong digit
    }
  }
  const self = parseTargetLabel(label);
  return sources.flatMap((digits) => {
    const lengthClass = Math.min(digits.length, MORE_THAN_MAX);
    const seen = digits.slice(0, DIGIT_HEADS);
    // Past the fifth digit the heads see nothing: such a source reads as the label itself.
    if (lengthClass === self.lengthClass && seen.every((d, i) => d === self.digits[i])) return [];
    return [{ lengthClass, digits: seen, logProb: logProbOf(lp, o, lengthClass, seen) }];
  });
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
  let against = other.logProb - SLIP_ODDS;
  for (const r of slipSources(meanLogProbs, offset, label)) {
    if (r.logProb >= against) {
      against = r.logProb;
      other = r;
    }
  }
  const margin = against - labelLogProb;
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
