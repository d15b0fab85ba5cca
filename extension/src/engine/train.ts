// The training loop: seeded, time- or epoch-bounded, cancellable between steps, with a
// deterministic held-out split, progress events and (in runTraining) an atomic checkpoint plus
// predictions.csv at the end.
//
// Learning rate: Adam with a one-cycle schedule over the run's planned length (the fraction done
// is max(steps / planned steps, seconds / time budget)): a short linear warm-up to the peak, then
// cosine decay to 2% of it. Tying the schedule to the budget is what lets a fixed number of
// seconds end on a low learning rate, i.e. a settled model, however fast the machine is.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { BackendName, SkippedCrop, TrainOptions, TrainProgress, TrainResult } from '../../../common/engineProtocol';
import { loadCrops } from '../dataset/crops';
import { initBackend } from './backend';
import { defaultModelDir, saveCheckpoint } from './checkpoint';
import { fillBatch, fillBatchWindows, imageStats, makeRng, randomOffsets, randomWindows, shuffled, splitValidation, type CropSource } from './data';
import { decodeSequence, expectedText } from './decode';
import { encodeTarget, sequenceLoss } from './loss';
import { computeMetrics, type Metrics } from './metrics';
import { buildModel, inputWidthOf, LOGITS, plainCrops, PRESETS, type ModelSpec } from './model';
import { predictionRows, predictLogits, predictPixels } from './predict';
import { writePredictions } from './predictionsFile';
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
  /** Continue from this model instead of a fresh one (same spec). */
  initialModel?: LayersModel;
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

  let step = 0;
  let epoch = 0;
  let cancelled = false;
  let images = 0;
  // Smoothed training loss and sequence accuracy over recent batches.
  let emaLoss = NaN;
  let emaAcc = NaN;
  let lastYield = performance.now();
  outer: while (epoch < epochs) {
    const order = shuffled(train.length, rng).map((i) => train[i]);
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
      batch.forEach((img, b) => encodeTarget(data.labels[img], yBuf, b * LOGITS));
      setLr(learningRateAt(frac, peak));
      let logitsOut: Tensor | undefined;
      const loss = tf.tidy((): Tensor => {
        const x = tf.tensor4d(xBuf.subarray(0, batch.length * per), [batch.length, spec.inputSize, inputWidthOf(spec), spec.channels]);
        const y = tf.tensor2d(yBuf.subarray(0, batch.length * LOGITS), [batch.length, LOGITS]);
        const cost = optimizer.minimize(() => {
          const logits = model.apply(x, { training: true }) as Tensor;
          logitsOut = tf.keep(logits);
          return sequenceLoss(y, logits);
        }, true);
        if (!cost) throw new Error('the optimizer returned no loss');
        return cost;
      });
      const lossValue = loss.dataSync()[0];
      loss.dispose();
      const logits = logitsOut ? (logitsOut.dataSync() as Float32Array) : new Float32Array(0);
      logitsOut?.dispose();
      let right = 0;
      batch.forEach((img, b) => {
        if (decodeSequence(logits, b * LOGITS).text === expectedText(data.labels[img])) right++;
      });
      if (!Number.isFinite(lossValue)) throw new Error(`training diverged at step ${step} (loss ${lossValue})`);
      emaLoss = Number.isNaN(emaLoss) ? lossValue : 0.9 * emaLoss + 0.1 * lossValue;
      const acc = right / batch.length;
      emaAcc = Number.isNaN(emaAcc) ? acc : 0.9 * emaAcc + 0.1 * acc;
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
  optimizer.dispose();
  const valLogits = predictLogits(model, src, validation, spec);
  const validationMetrics = computeMetrics(validation.map((i) => data.labels[i]), valLogits);
  return { model, steps: step, epochs: epoch, seconds, cancelled, trainCount: train.length, validationIndices: validation, validation: validationMetrics };
}

export interface TrainHooks {
  onBackend?: (name: BackendName, threads: number, note?: string) => void;
  onSkipped?: (skipped: SkippedCrop[]) => void;
  onProgress?: (p: TrainProgress) => void;
  /** Int32Array(1); 1 = stop after the current step (the model is still saved). */
  cancel?: Int32Array;
}

/**
 * train <dir>: the labeled rows of a labels file -> <dataset>/.digitlens/model (atomic), then
 * .digitlens/predictions.csv for every row, labeled or not.
 */
export async function runTraining(options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const backend = await initBackend(options.backend);
  hooks.onBackend?.(backend.name, backend.threads, backend.note);
  const crops = await loadCrops(options.labelsPath, { onlyLabeled: true });
  if (crops.skipped.length > 0) hooks.onSkipped?.(crops.skipped);
  if (crops.rows.length === 0) throw new Error(`${options.labelsPath} has no labeled crops to train on`);
  const spec = PRESETS[options.preset];
  const result = await trainOnCrops(
    { files: crops.rows.map((r) => r.file), labels: crops.rows.map((r) => r.label), pixels: crops.pixels },
    {
      spec,
      seed: options.seed ?? 1,
      epochs: options.epochs,
      timeBudgetSeconds: options.timeBudgetSeconds,
      cancel: hooks.cancel,
      onProgress: hooks.onProgress,
    },
  );
  const modelDir = defaultModelDir(options.labelsPath);
  await saveCheckpoint(result.model, modelDir, {
    format: 'digitlens-model-1',
    spec,
    normalisation: 'per-image-standardise',
    backend: backend.name,
    date: new Date().toISOString(),
    steps: result.steps,
    seconds: result.seconds,
    examples: result.trainCount,
    validation: result.validation,
  });
  // Predictions for every row (the unlabeled ones are what a user labels next).
  const all = await loadCrops(options.labelsPath, { onlyLabeled: false });
  const p = predictPixels(result.model, spec, all.pixels, all.rows.length);
  const predictionsPath = await writePredictions(options.labelsPath, predictionRows(all.rows, p));
  result.model.dispose();
  return {
    modelDir,
    backend: backend.name,
    seconds: result.seconds,
    steps: result.steps,
    examples: result.trainCount,
    cancelled: result.cancelled,
    validation: { ...result.validation, backend: backend.name },
    predictionsPath,
  };
}
