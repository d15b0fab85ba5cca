// The training loop: seeded, time- or epoch-bounded, cancellable between steps, with a
// deterministic held-out split and progress events. runTraining.ts wraps it into `train <dir>`
// (loading crops, choosing which model becomes current, writing checkpoints and predictions).
//
// Learning rate: Adam with a one-cycle schedule over the run's planned length (the fraction done
// is max(steps / planned steps, seconds / time budget)): a short linear warm-up to the peak, then
// cosine decay to 2% of it. Tying the schedule to the budget is what lets a fixed number of
// seconds end on a low learning rate, i.e. a settled model, however fast the machine is.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Metrics } from '../../../common/domain';
import type { TrainProgress } from '../../../common/engineProtocol';
import { digitOffset, HEADS, LOGITS, logSoftmaxHeads } from '../../../common/heads';
import { parseTargetLabel, predictionMatchesLabel } from '../../../common/sequence';
import type { OptimizerState } from './checkpoint';
import { fillBatch, fillBatchWindows, imageStats, makeRng, randomOffsets, randomWindows, shuffled, splitValidation, type CropSource } from './data';
import { decodeSequence } from './decode';
import { headBatchStats } from './headStats';
import { encodeTarget, sequenceLoss } from './loss';
import { computeMetrics } from './metrics';
import { buildModel } from './model';
import { predictLogits } from './predict';
import { inputWidthOf, plainCrops, type ModelSpec } from './presets';
import { tf } from './tf';

export interface CropSet {
  files: string[];
  labels: string[];
  /** N x 64 x 64 x 3 RGB, HWC. */
  pixels: Uint8Array;
}

export interface TrainLoopOptions {
  spec: ModelSpec;
  seed: number;
  epochs?: number;
  timeBudgetSeconds?: number;
  batchSize?: number;
  peakLearningRate?: number;
  /** Int32Array(1) (over a SharedArrayBuffer when it crosses threads); 1 = stop after this step. */
  cancel?: Int32Array;
  onProgress?: (p: TrainProgress) => void;
  /** Continue from this model instead of a fresh one (same spec). The loop owns it from here: it is disposed if the run fails. */
  initialModel?: LayersModel;
  /** The optimizer state saved with initialModel, to resume where that run stopped. */
  initialOptimizer?: OptimizerState;
  /** Record the training dynamics from this fraction of the run on (default DYNAMICS_FROM). */
  recordDynamicsFrom?: number;
  /**
   * From `from` of the run on, each epoch leaves out of the loss the `fraction` of training rows
   * the model read worst (lowest log P(label)) when it last saw them: a label the model cannot
   * fit is likely wrong, and not fitting it keeps the evidence against it out of sample.
   */
  ignoreWorst?: { from: number; fraction: number };
  /** Sees every step's logits (rows of `data`, [rows, LOGITS]) and how far the run is: for studies of the dynamics. */
  onStepLogits?: (rows: readonly number[], logits: Float32Array, fraction: number) => void;
}

export interface TrainLoopResult {
  model: LayersModel;
  steps: number;
  epochs: number;
  seconds: number;
  cancelled: boolean;
  trainCount: number;
  validationIndices: number[];
  validation: Metrics;
  /** The final model's logits of the validation rows ([validationIndices.length, LOGITS]): the run's evaluation details. */
  validationLogits: Float32Array;
  /** The batch size the steps were taken with. */
  batchSize: number;
  /** What the model thought of each crop while it trained: the label-error finder's evidence. */
  dynamics: TrainingDynamics;
  /** Adam's state at the end, for a checkpoint that can be resumed. */
  optimizerState: OptimizerState;
  /** Examples left out of the loss by ignoreWorst (row-steps). */
  ignoredExamples: number;
}

/** When neither epochs nor a time budget is given. */
export const DEFAULT_EPOCHS = 15;

export function learningRateAt(fraction: number, peak: number): number {
  const warm = 0.04;
  const f = Math.min(Math.max(fraction, 0), 1);
  if (f < warm) return peak * (0.1 + 0.9 * (f / warm));
  const t = (f - warm) / (1 - warm);
  return peak * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

export async function trainOnCrops(data: CropSet, opts: TrainLoopOptions): Promise<TrainLoopResult> {
  const n = data.labels.length;
  if (data.files.length !== n) throw new Error('files and labels differ in length');
  const { spec } = opts;
  const batchSize = opts.batchSize ?? spec.batchSize;
  const peak = opts.peakLearningRate ?? 2e-3;
  const src: CropSource = { pixels: data.pixels, ...imageStats(data.pixels, n) };
  const { train, validation } = splitValidation(data.files);
  if (train.length === 0) throw new Error('no labeled crops to train on');
  const rng = makeRng(opts.seed);
  const stepsPerEpoch = Math.max(1, Math.ceil(train.length / batchSize));
  const epochs = opts.epochs ?? (opts.timeBudgetSeconds === undefined ? DEFAULT_EPOCHS : Infinity);
  const plannedSteps = Number.isFinite(epochs) ? epochs * stepsPerEpoch : undefined;
  const budget = opts.timeBudgetSeconds;

  const model = opts.initialModel ?? buildModel(spec, opts.seed);
  const optimizer = tf.train.adam(learningRateAt(0, peak));
  // Whatever happens below, the optimizer's tensors go; the model goes too unless it is returned:
  // a long-lived engine worker must not keep hundreds of MB after a failed run.
  try {
    const result = await loop();
    return result;
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    optimizer.dispose();
  }

  async function loop(): Promise<TrainLoopResult> {
    // The model's own trainable variables, in layer order: Adam keeps its moments by position in
    // this list, so a resumed run must list them the same way (and no other model's variables).
    const variables = model.trainableWeights.map((w) => w.read() as Variable);
    if (opts.initialOptimizer) await restoreOptimizer(optimizer, opts.initialOptimizer, variables.length);
    const setLr = (lr: number): void => {
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
    };
    const per = spec.inputSize * inputWidthOf(spec) * spec.channels;
    const xBuf = new Float32Array(batchSize * per);
    const yBuf = new Float32Array(batchSize * LOGITS);
    const started = performance.now();
    const elapsed = (): number => (performance.now() - started) / 1000;
    const fractionDone = (step: number): number =>
      Math.min(1, Math.max(plannedSteps ? step / plannedSteps : 0, budget ? elapsed() / budget : 0));

    const dynamics = newDynamics(n);
    // log P(label) of each row when it was last trained on (NaN: not yet), for ignoreWorst.
    const lastLabelLogProb = new Float32Array(n).fill(NaN);
    let ignoreBelow = -Infinity;
    let ignored = 0;
    let step = 0;
    let epoch = 0;
    let cancelled = false;
    let images = 0;
    // Smoothed training loss and sequence accuracy over recent batches.
    let emaLoss = NaN;
    let emaAcc = NaN;
    // The same per head (headStats.ts); NaN until the head had a target.
    const emaHeadLoss = HEADS.map(() => NaN);
    const emaHeadAcc = HEADS.map(() => NaN);
    const ema = (previous: number, value: number): number => (Number.isNaN(previous) ? value : 0.9 * previous + 0.1 * value);
    const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
    let lastYield = performance.now();
    outer: while (epoch < epochs) {
      const order = shuffled(train.length, rng).map((i) => train[i]);
      if (opts.ignoreWorst && fractionDone(step) >= opts.ignoreWorst.from) ignoreBelow = quantile(lastLabelLogProb, train, opts.ignoreWorst.fraction);
      for (let start = 0; start < order.length; start += batchSize) {
        const frac = fractionDone(step);
        if (frac >= 1) break outer;
        if (opts.cancel && Atomics.load(opts.cancel, 0) === 1) {
          cancelled = true;
          break outer;
        }
        const batch = order.slice(start, start + batchSize);
        if (batch.length < Math.min(batchSize, order.length) / 2) continue; // a ragged tail adds noise, not signal
        const crop = spec.cropSize ?? spec.inputSize;
        if (spec.augment || !plainCrops(spec)) {
          const windows = randomWindows(batch.length, crop, spec.augment ?? { scale: [1, 1], aspect: 0, invert: 0 }, rng);
          fillBatchWindows(src, batch, spec.inputSize, spec.channels, xBuf, windows, inputWidthOf(spec));
        } else fillBatch(src, batch, spec.inputSize, spec.channels, xBuf, randomOffsets(batch.length, spec.inputSize, rng));
        batch.forEach((img, b) => {
          // An all-zero target row: no loss and no gradient from that row (loss.ts).
          if (lastLabelLogProb[img] < ignoreBelow) {
            yBuf.fill(0, b * LOGITS, (b + 1) * LOGITS);
            ignored++;
          } else encodeTarget(data.labels[img], yBuf, b * LOGITS);
        });
        setLr(learningRateAt(frac, peak));
        let logitsOut: Tensor | undefined;
        let lossValue: number;
        let logits: Float32Array;
        try {
          const loss = tf.tidy((): Tensor => {
            const x = tf.tensor4d(xBuf.subarray(0, batch.length * per), [batch.length, spec.inputSize, inputWidthOf(spec), spec.channels]);
            const y = tf.tensor2d(yBuf.subarray(0, batch.length * LOGITS), [batch.length, LOGITS]);
            const cost = optimizer.minimize(
              () => {
                const out = model.apply(x, { training: true }) as Tensor;
                logitsOut = tf.keep(out);
                return sequenceLoss(y, out);
              },
              true,
              variables,
            );
            if (!cost) throw new Error('the optimizer returned no loss');
            return cost;
          });
          lossValue = loss.dataSync()[0];
          loss.dispose();
          logits = logitsOut ? (logitsOut.dataSync() as Float32Array) : new Float32Array(0);
        } finally {
          logitsOut?.dispose();
        }
        let right = 0;
        const recording = fractionDone(step) >= (opts.recordDynamicsFrom ?? DYNAMICS_FROM);
        batch.forEach((img, b) => {
          if (predictionMatchesLabel(decodeSequence(logits, b * LOGITS).text, data.labels[img])) right++;
          if (recording) recordDynamics(dynamics, img, logits.subarray(b * LOGITS, (b + 1) * LOGITS));
          if (opts.ignoreWorst) lastLabelLogProb[img] = labelLogProb(logits.subarray(b * LOGITS, (b + 1) * LOGITS), data.labels[img]);
        });
        opts.onStepLogits?.(batch, logits, fractionDone(step));
        if (!Number.isFinite(lossValue)) throw new Error(`training diverged at step ${step} (loss ${lossValue})`);
        emaLoss = ema(emaLoss, lossValue);
        emaAcc = ema(emaAcc, right / batch.length);
        const heads = headBatchStats(logits, yBuf, batch.length);
        HEADS.forEach((_, h) => {
          emaHeadLoss[h] = ema(emaHeadLoss[h], heads.loss[h]);
          if (heads.counted[h] > 0) emaHeadAcc[h] = ema(emaHeadAcc[h], heads.right[h] / heads.counted[h]);
        });
        step++;
        images += batch.length;
        const secs = elapsed();
        opts.onProgress?.({
          epoch,
          step,
          totalSteps: plannedSteps,
          loss: emaLoss,
          sequenceAccuracy: emaAcc,
          elapsedSeconds: secs,
          imagesPerSecond: images / Math.max(secs, 1e-6),
          fraction: fractionDone(step),
          headLoss: emaHeadLoss.map(orNull),
          headAccuracy: emaHeadAcc.map(orNull),
        });
        if (performance.now() - lastYield > 200) {
          // Let timers, signals and worker messages through between steps.
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      epoch++;
    }
    const seconds = elapsed();
    const optimizerState = await snapshotOptimizer(optimizer);
    const valLogits = predictLogits(model, src, validation, spec);
    const validationMetrics = computeMetrics(validation.map((i) => data.labels[i]), valLogits);
    finalReadingAsEvidence(dynamics, validation, valLogits, true);
    // Rows no recorded step read (a run stopped early): the final model's reading, in sample.
    const unread = train.filter((row) => dynamics.seen[row] === 0);
    if (unread.length > 0) finalReadingAsEvidence(dynamics, unread, predictLogits(model, src, unread, spec), false);
    return {
      model,
      steps: step,
      epochs: epoch,
      seconds,
      cancelled,
      trainCount: train.length,
      validationIndices: validation,
      validation: validationMetrics,
      validationLogits: valLogits,
      batchSize,
      dynamics,
      optimizerState,
      ignoredExamples: ignored,
    };
  }
}

/** The `q` quantile of values[rows] that are known (not NaN); -Infinity when none are. */
function quantile(values: Float32Array, rows: readonly number[], q: number): number {
  const known = rows.map((r) => values[r]).filter((v) => !Number.isNaN(v));
  if (known.length === 0) return -Infinity;
  known.sort((a, b) => a - b);
  return known[Math.min(known.length - 1, Math.floor(q * known.length))];
}

const labelRow = new Float32Array(LOGITS);

/** log P(label) under one row of logits: the length head's and each labeled digit head's term. */
function labelLogProb(logits: Float32Array, label: string): number {
  labelRow.set(logits);
  logSoftmaxHeads(labelRow);
  const t = parseTargetLabel(label);
  let s = labelRow[t.lengthClass];
  t.digits.forEach((d, i) => (s += labelRow[digitOffset(i) + d]));
  return s;
}

/**
 * Per crop, the mean over the steps it was trained on of each head's log-probabilities (as
 * common/heads.ts lays them out), from the part of the run past `recordDynamicsFrom`; for the
 * held-out crops, the final model's reading instead (out of sample), and for training crops no
 * recorded step read (a run stopped early), the final model's reading in sample. Because a sequence's
 * log-probability is a sum of head log-probabilities, the mean of log P_t(label) over the run
 * follows for any label from these means: a label fixed after training is scored at once.
 */
export interface TrainingDynamics {
  /** rows x LOGITS. */
  meanLogProbs: Float32Array;
  /** Training steps each crop was recorded in (0 for held-out crops and crops never recorded). */
  seen: Uint32Array;
  /** Whether a crop was held out (its means are the final model's reading). */
  heldOut: Uint8Array;
}

/**
 * Where in a run (fraction of it) the dynamics start being recorded: the first steps read nothing
 * yet. A run from another model's weights that reads the crops from the start records from its
 * first step instead (runTraining's START_READS), before it learns their wrong labels; on crops it
 * does not read (a dataset of stripes) its first readings would be noise that weakens every
 * suggestion (BENCHMARKS.md, issue 8).
 */
export const DYNAMICS_FROM = 0.25;

function newDynamics(n: number): TrainingDynamics {
  return { meanLogProbs: new Float32Array(n * LOGITS), seen: new Uint32Array(n), heldOut: new Uint8Array(n) };
}

const rowLogProbs = new Float32Array(LOGITS);

function recordDynamics(d: TrainingDynamics, row: number, logits: Float32Array): void {
  rowLogProbs.set(logits);
  logSoftmaxHeads(rowLogProbs);
  // A running mean: no second buffer of sums.
  const k = ++d.seen[row];
  const o = row * LOGITS;
  for (let i = 0; i < LOGITS; i++) d.meanLogProbs[o + i] += (rowLogProbs[i] - d.meanLogProbs[o + i]) / k;
}

/** The final model's reading of `rows` as their evidence: held out of training (out of sample), or never recorded. */
function finalReadingAsEvidence(d: TrainingDynamics, rows: readonly number[], logits: Float32Array, heldOut: boolean): void {
  const lp = logSoftmaxHeads(Float32Array.from(logits));
  rows.forEach((row, k) => {
    d.meanLogProbs.set(lp.subarray(k * LOGITS, (k + 1) * LOGITS), row * LOGITS);
    if (heldOut) d.heldOut[row] = 1;
  });
}

type Adam = ReturnType<typeof tf.train.adam>;

/** Adam's step count and moments as plain numbers (its own tensors go with it). */
async function snapshotOptimizer(optimizer: Adam): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const tensors = await Promise.all(
    weights.map(async (w) => ({ name: w.name, shape: w.tensor.shape, data: Float32Array.from(await w.tensor.data()) })),
  );
  // getWeights() makes the step count a fresh tensor; the moments are the optimizer's own.
  weights[0]?.tensor.dispose();
  return { tensors };
}

/** Puts a saved state back into a fresh Adam, for the same list of variables. */
async function restoreOptimizer(optimizer: Adam, state: OptimizerState, variableCount: number): Promise<void> {
  if (state.tensors.length !== 1 + 2 * variableCount) {
    throw new Error(`the saved optimizer state has ${state.tensors.length} tensors; this model needs ${1 + 2 * variableCount}`);
  }
  const named = state.tensors.map((t) => ({ name: t.name, tensor: tf.tensor(t.data, t.shape) }));
  try {
    await optimizer.setWeights(named);
  } finally {
    // setWeights copies the values into variables of its own.
    tf.dispose(named.map((n) => n.tensor));
  }
}
