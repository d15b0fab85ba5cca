// The start model's reading as label-error evidence (issue 8). A run that starts from another
// model's weights (the shipped one, `train --start-from`) has, before its first step, a reader
// that has never seen this dataset's labels: its reading of every row is out of sample, the
// evidence the finder wants, and a wrong label cannot have taught it anything. Training then
// learns the wrong labels along with the right ones, so the run's own readings (the dynamics) drift
// toward them; the start model's do not. Where the start model reads the crops (a fifth of the
// validation rows or more), the evidence saved beside the new model is the two blended.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Metrics } from '../../../common/domain';
import { LOGITS, logSoftmaxHeads } from '../../../common/heads';
import type { CropSource } from './data';
import { computeMetrics } from './metrics';
import { predictLogits } from './predict';
import type { ModelSpec } from './presets';
import { DYNAMICS_FROM } from './train';

/**
 * The share of the validation rows a start model must read right, before training, for its
 * readings to count as evidence: from the run's first step (train.ts's recordDynamicsFrom) and
 * blended into what is saved (startShare). On bench/labelIssues.ts from the shipped model
 * (BENCHMARKS.md, issue 8): synthetic crops, read 84-90% right at the start; numbers composed from
 * real digits, read 32% right. Stripes, read 0% right, are where the first readings are noise that
 * left the e2e's slips below even odds: no start evidence there, as for any run from random weights.
 */
export const START_READS = 0.2;

/** Where the run's dynamics start being recorded (a fraction of the run): from the first step when the start model's reading counts. */
export function evidenceFrom(start: StartReading | undefined): number {
  return start?.logProbs ? 0 : DYNAMICS_FROM;
}

/**
 * The start model's share of the saved evidence, where it counts (the rest is the run's dynamics),
 * from how often each reader agrees with the validation rows' labels: the start model before
 * training (`start`) and the trained model (`run`), as a_s^2 / (a_s^2 + a_r^2). Two readers alike
 * share it half and half; a start model half as good as the run gets a fifth. Chosen on
 * bench/labelIssues.ts (BENCHMARKS.md, issue 8, "The start model's reading"): a fixed half took
 * the top K from 83% and 82% mistyped to 91% on two synthetic datasets, where the shipped model
 * reads as well as the run, but from 61% to 55% on numbers composed from real digits, where it
 * reads 32% and the run 54%; a quarter took those to 63%.
 */
export function startShare(start: number, run: number): number {
  const s = start * start;
  const r = run * run;
  return s + r === 0 ? 0 : s / (s + r);
}

export interface StartReading {
  /** How the start model reads the validation rows against their labels. */
  validation: Metrics;
  /**
   * Its per-head log-probabilities of every row (rows x LOGITS, in the order of `labels`), when
   * it reads at least START_READS of the validation rows; else undefined (not read: not evidence).
   */
  logProbs?: Float32Array;
}

/**
 * Reads the validation rows with the start model and, when it reads enough of them, every other
 * row too: each row is read once. `labels` are the rows' labels in the order of `src`. Undefined
 * when there are no validation rows to judge the start model by.
 */
export function readWithStartModel(model: LayersModel, spec: ModelSpec, src: CropSource, labels: readonly string[], validation: readonly number[]): StartReading | undefined {
  if (validation.length === 0) return undefined;
  const validationLogits = logSoftmaxHeads(predictLogits(model, src, validation, spec));
  const metrics = computeMetrics(validation.map((i) => labels[i]), validationLogits);
  if (metrics.sequenceAccuracy < START_READS) return { validation: metrics };
  const logProbs = new Float32Array(labels.length * LOGITS);
  validation.forEach((row, k) => logProbs.set(validationLogits.subarray(k * LOGITS, (k + 1) * LOGITS), row * LOGITS));
  const held = new Set(validation);
  const rest = [...labels.keys()].filter((i) => !held.has(i));
  const restLogits = logSoftmaxHeads(predictLogits(model, src, rest, spec));
  rest.forEach((row, k) => logProbs.set(restLogits.subarray(k * LOGITS, (k + 1) * LOGITS), row * LOGITS));
  return { validation: metrics, logProbs };
}

/**
 * The evidence saved beside a model: the run's dynamics, blended with the start model's reading
 * where there is one, at startShare of the two readers' agreement with the validation labels
 * (`runAccuracy`: the trained model's); common/labelEvidence.ts's startWeight says the share. Both
 * are per-head log-probabilities, so the blend is a weighted geometric mean of two readers, and a
 * sequence's score under it is the same blend of its two scores.
 */
export function blendStartReading(dynamics: Float32Array, start: StartReading | undefined, runAccuracy: number): { meanLogProbs: Float32Array; startWeight?: number } {
  if (!start?.logProbs) return { meanLogProbs: dynamics };
  const read = start.logProbs;
  if (read.length !== dynamics.length) throw new RangeError(`the start reading has ${read.length} values, the dynamics ${dynamics.length}`);
  const weight = startShare(start.validation.sequenceAccuracy, runAccuracy);
  const meanLogProbs = new Float32Array(dynamics.length);
  for (let i = 0; i < meanLogProbs.length; i++) meanLogProbs[i] = (1 - weight) * dynamics[i] + weight * read[i];
  return { meanLogProbs, startWeight: weight };
}
