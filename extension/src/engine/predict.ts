// Inference over a dataset: centre crops (and the test views below) through a checkpoint, the most likely sequence per
// crop, predictions.csv for every row, and the held-out style metrics over the labeled rows.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Metrics, SkippedCrop } from '../../../common/domain';
import type { PredictOptions, PredictResult } from '../../../common/engineProtocol';
import { LOGITS, logSoftmaxHeads } from '../../../common/heads';
import type { PredictionRow } from '../../../common/predictionsCsv';
import { loadCrops } from '../dataset/crops';
import { defaultModelDir, predictionsPath } from '../dataset/paths';
import { CROP_SIZE } from '../dataset/preprocess';
import { initBackend } from './backend';
import { loadCheckpoint } from './checkpoint';
import { fillBatch, fillBatchWindows, imageStats, type CropSource, type CropWindow } from './data';
import { decodeSequence, type DecodedSequence } from './decode';
import { computeMetrics } from './metrics';
import { writePredictions } from './predictionsFile';
import { FeatureRows, PROJECTION_RANK, projection, writeFeatureCache } from './featureCache';
import { featureWidth, inputWidthOf, plainCrops, type ModelSpec } from './presets';
import { tf } from './tf';

/**
 * The views each crop is read through at inference, for specs that resample a window (the
 * training augmentation's family): the centre crop, its polarity inverted, 90% and 110% scale,
 * and 3 pixels left and right. Their per-head log-probabilities are averaged. Measured on one
 * model after the 480 s acceptance run: test sequence accuracy 88.7% -> 91.2% on 600 crops of
 * seed 2 and 87.4% -> 89.7% on 1,000 crops of seed 3, coverage at 98% up too; inference costs 6x.
 */
export interface TestView {
  /** Window side as a fraction of the spec's crop size. */
  scale: number;
  /** Horizontal shift of the window, in cache pixels. */
  dx: number;
  invert: boolean;
}

export const TEST_VIEWS: readonly TestView[] = [
  { scale: 1, dx: 0, invert: false },
  { scale: 1, dx: 0, invert: true },
  { scale: 0.9, dx: 0, invert: false },
  { scale: 1.1, dx: 0, invert: false },
  { scale: 1, dx: -3, invert: false },
  { scale: 1, dx: 3, invert: false },
];

/** The window of the 64x64 cache crop that `view` reads, for a spec that resamples (fillBatchWindows). */
export function viewWindow(spec: ModelSpec, view: TestView): CropWindow {
  const size = Math.min(CROP_SIZE, (spec.cropSize ?? spec.inputSize) * view.scale);
  const c = (CROP_SIZE - size) / 2;
  return { top: c, left: c + view.dx, height: size, width: size, invert: view.invert };
}

/**
 * The window of the cache crop that the plain centre crop (view 0) shows the network: fillBatch's
 * whole-pixel centre for specs that cut crops as they are, else viewWindow of TEST_VIEWS[0].
 */
export function centreWindow(spec: ModelSpec): CropWindow {
  if (!plainCrops(spec)) return viewWindow(spec, TEST_VIEWS[0]);
  const c = Math.floor((CROP_SIZE - spec.inputSize) / 2);
  return { top: c, left: c, height: spec.inputSize, width: spec.inputSize, invert: false };
}

/** Crop `index` of `src` as the network sees it in view 0 (the plain centre crop): one [H, W, C] input, row-major. */
export function centreInput(spec: ModelSpec, src: CropSource, index: number): Float32Array {
  const out = new Float32Array(spec.inputSize * inputWidthOf(spec) * spec.channels);
  if (plainCrops(spec)) fillBatch(src, [index], spec.inputSize, spec.channels, out);
  else fillBatchWindows(src, [index], spec.inputSize, spec.channels, out, [centreWindow(spec)], inputWidthOf(spec));
  return out;
}

export interface PredictLogitsOptions {
  batchSize?: number;
  /** Also what the quick retrain refits on (featureCache.ts), written here for each of `indices` in order. */
  features?: RefitFeatures;
}

/** The layer whose output the six heads read. */
export function featureLayer(spec: ModelSpec): string {
  return `dense${spec.dense.length}`;
}

/** The last dense layer's input averaged over the inference views, as featureCache.ts keeps it. */
export interface RefitFeatures {
  /** Width of the last dense layer's input. */
  inputWidth: number;
  rows: FeatureRows;
}

/** Room for the refit features of `count` crops read by `model`. */
export function refitFeaturesFor(model: LayersModel, spec: ModelSpec, count: number): RefitFeatures {
  const kernel = model.getLayer(featureLayer(spec)).getWeights()[0];
  return { inputWidth: kernel.shape[0], rows: new FeatureRows(count, featureWidth(spec), PROJECTION_RANK) };
}

/**
 * Logits of `indices`, in batches of up to `batchSize` images: the plain centre crop for specs
 * that cut crops as they are, else the mean per-head log-probabilities over TEST_VIEWS
 * (decodeSequence and the metrics take either, since both renormalise each head). All views of a
 * crop go through the network in one batch: one crop (the inspector's case) costs one call, not six.
 */
export function predictLogits(model: LayersModel, src: CropSource, indices: readonly number[], spec: ModelSpec, options: PredictLogitsOptions = {}): Float32Array {
  const batchSize = options.batchSize ?? 128;
  const out = new Float32Array(indices.length * LOGITS);
  const width = inputWidthOf(spec);
  const per = spec.inputSize * width * spec.channels;
  const views = plainCrops(spec) ? 1 : TEST_VIEWS.length;
  const cropsPerBatch = Math.max(1, Math.floor(batchSize / views));
  const buf = new Float32Array(cropsPerBatch * views * per);
  const features = options.features;
  const dense = features ? model.getLayer(featureLayer(spec)) : undefined;
  // One pass gives both outputs when features are asked for: the same layers, a second output.
  const net = dense ? tf.model({ inputs: model.inputs, outputs: [dense.input as SymbolicTensor, model.outputs[0]] }) : model;
  const [kernel, bias] = dense ? dense.getWeights() : [];
  const directions = features && tf.tensor2d(projection(features.inputWidth, features.rows.rank), [features.inputWidth, features.rows.rank]);
  /** Runs `images` inputs of buf (view-major); writes the features of crops start .. start + crops. */
  const run = (images: number, start: number, crops: number): Float32Array => {
    const outputs = tf.tidy(() => {
      const x = tf.tensor4d(buf.subarray(0, images * per), [images, spec.inputSize, width, spec.channels]);
      const y = net.predict(x);
      return Array.isArray(y) ? y : [y];
    });
    const logits = outputs[outputs.length - 1].dataSync() as Float32Array;
    if (features && directions) {
      const [pre, projected] = tf.tidy((): Tensor[] => {
        const mean = tf.mean(tf.reshape(outputs[0], [images / crops, crops, features.inputWidth]), 0);
        return [tf.add(tf.matMul(mean, kernel), bias), tf.matMul(mean, directions)];
      });
      const { rows } = features;
      const preValues = pre.dataSync() as Float32Array;
      const projectedValues = projected.dataSync() as Float32Array;
      for (let j = 0; j < crops; j++) {
        rows.setPre(start + j, preValues, j * rows.width);
        rows.setProjected(start + j, projectedValues, j * rows.rank);
      }
      tf.dispose([pre, projected]);
    }
    tf.dispose(outputs);
    return logits;
  };
  const windows = TEST_VIEWS.map((view) => viewWindow(spec, view));
  try {
    for (let start = 0; start < indices.length; start += cropsPerBatch) {
      const chunk = indices.slice(start, start + cropsPerBatch);
      if (plainCrops(spec)) {
        fillBatch(src, chunk, spec.inputSize, spec.channels, buf);
        out.set(run(chunk.length, start, chunk.length), start * LOGITS);
        continue;
      }
      // View-major: image v * chunk.length + j is crop chunk[j] through view v.
      fillBatchWindows(src, windows.flatMap(() => chunk), spec.inputSize, spec.channels, buf, windows.flatMap((w) => chunk.map(() => w)), width);
      const lp = logSoftmaxHeads(run(views * chunk.length, start, chunk.length));
      const sum = out.subarray(start * LOGITS, (start + chunk.length) * LOGITS);
      for (let v = 0; v < views; v++) {
        const o = v * sum.length;
        for (let i = 0; i < sum.length; i++) sum[i] += lp[o + i] / views;
      }
    }
  } finally {
    directions?.dispose();
  }
  return out;
}

export interface CropPredictions {
  logits: Float32Array;
  decoded: DecodedSequence[];
}

export function predictPixels(model: LayersModel, spec: ModelSpec, pixels: Uint8Array, count: number, features?: RefitFeatures): CropPredictions {
  const src = { pixels, ...imageStats(pixels, count) };
  const logits = predictLogits(model, src, [...Array(count).keys()], spec, { features });
  const decoded = Array.from({ length: count }, (_, i) => decodeSequence(logits, i * LOGITS));
  return { logits, decoded };
}

/** Metrics over the rows that carry a label ('' = unlabeled rows are left out). */
export function metricsForLabeled(labels: readonly string[], p: CropPredictions): Metrics | undefined {
  const keep = labels.flatMap((l, i) => (l === '' ? [] : [i]));
  if (keep.length === 0) return undefined;
  const logits = new Float32Array(keep.length * LOGITS);
  keep.forEach((i, k) => logits.set(p.logits.subarray(i * LOGITS, (i + 1) * LOGITS), k * LOGITS));
  return computeMetrics(keep.map((i) => labels[i]), logits, keep.map((i) => p.decoded[i]));
}

export function predictionRows(rows: readonly { file: string; label: string }[], p: CropPredictions): PredictionRow[] {
  return rows.map((r, i) => ({ file: r.file, label: r.label, prediction: p.decoded[i].text, confidence: p.decoded[i].confidence }));
}

export interface PredictHooks {
  onBackend?: (name: PredictResult['backend'], threads: number, note?: string) => void;
  onSkipped?: (skipped: SkippedCrop[]) => void;
}

/** predict <dir>: every row of the labels file (labeled or not) -> .digitlens/predictions.csv. */
export async function runPredict(options: PredictOptions, hooks: PredictHooks = {}): Promise<PredictResult> {
  const backend = await initBackend(options.backend);
  hooks.onBackend?.(backend.name, backend.threads, backend.note);
  const modelDir = options.modelDir ?? defaultModelDir(options.labelsPath);
  if (options.unlessReadings) {
    const present = (p: string): Promise<boolean> => fs.stat(p).then(() => true, () => false);
    if ((await present(path.join(defaultModelDir(options.labelsPath), 'meta.json'))) || (await present(predictionsPath(options.labelsPath)))) {
      return { predictionsPath: predictionsPath(options.labelsPath), count: 0, kept: true, backend: backend.name };
    }
  }
  const { model, meta } = await loadCheckpoint(modelDir);
  const crops = await loadCrops(options.labelsPath, { onlyLabeled: false });
  if (crops.skipped.length > 0) hooks.onSkipped?.(crops.skipped);
  const features = refitFeaturesFor(model, meta.spec, crops.rows.length);
  const p = predictPixels(model, meta.spec, crops.pixels, crops.rows.length, features);
  // What the heads read, for the quick retrain of the dataset's own model (not a model elsewhere).
  if (modelDir === defaultModelDir(options.labelsPath)) {
    await writeFeatureCache(modelDir, { modelDate: meta.date, files: crops.rows.map((r) => r.file), ...features });
  }
  const written = await writePredictions(options.labelsPath, predictionRows(crops.rows, p), meta);
  const metrics = metricsForLabeled(crops.rows.map((r) => r.label), p);
  model.dispose();
  return { predictionsPath: written, count: crops.rows.length, backend: backend.name, metrics: metrics && { ...metrics, backend: backend.name } };
}
