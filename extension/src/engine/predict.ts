// Inference over a dataset: centre crops through a checkpoint, the most likely sequence per
// crop, predictions.csv for every row, and the held-out style metrics over the labeled rows.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { PredictionRow } from '../../../common/predictions';
import type { PredictOptions, PredictResult, SkippedCrop } from '../../../common/engineProtocol';
import { loadCrops } from '../dataset/crops';
import { initBackend } from './backend';
import { defaultModelDir, loadCheckpoint } from './checkpoint';
import { imageStats } from './data';
import { decodeSequence, type DecodedSequence } from './decode';
import { computeMetrics, type Metrics } from './metrics';
import { LOGITS, type ModelSpec } from './model';
import { writePredictions } from './predictionsFile';
import type { Tensor } from '@tensorflow/tfjs-core';
import { fillBatch, fillBatchWindows, type CropSource } from './data';
import { CACHE_SIZE, inputWidthOf, plainCrops } from './model';
import { tf } from './tf';

/** Logits of `indices` (centre crops), in batches. */
export function predictLogits(model: LayersModel, src: CropSource, indices: readonly number[], spec: ModelSpec, batchSize = 128): Float32Array {
  const out = new Float32Array(indices.length * LOGITS);
  const per = spec.inputSize * inputWidthOf(spec) * spec.channels;
  const buf = new Float32Array(batchSize * per);
  for (let start = 0; start < indices.length; start += batchSize) {
    const chunk = indices.slice(start, start + batchSize);
    const crop = spec.cropSize ?? spec.inputSize;
    if (plainCrops(spec)) fillBatch(src, chunk, spec.inputSize, spec.channels, buf);
    else {
      const c = (CACHE_SIZE - crop) / 2;
      const centre = { top: c, left: c, height: crop, width: crop, invert: false };
      fillBatchWindows(src, chunk, spec.inputSize, spec.channels, buf, chunk.map(() => centre), inputWidthOf(spec));
    }
    const logits = tf.tidy(() => {
      const x = tf.tensor4d(buf.subarray(0, chunk.length * per), [chunk.length, spec.inputSize, inputWidthOf(spec), spec.channels]);
      return model.predict(x) as Tensor;
    });
    out.set(logits.dataSync(), start * LOGITS);
    logits.dispose();
  }
  return out;
}

export interface CropPredictions {
  logits: Float32Array;
  decoded: DecodedSequence[];
}

export function predictPixels(model: LayersModel, spec: ModelSpec, pixels: Uint8Array, count: number): CropPredictions {
  const src = { pixels, ...imageStats(pixels, count) };
  const logits = predictLogits(model, src, [...Array(count).keys()], spec);
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
  onBackend?: (name: PredictResult['backend'], threads: number) => void;
  onSkipped?: (skipped: SkippedCrop[]) => void;
}

/** predict <dir>: every row of the labels file (labeled or not) -> .digitlens/predictions.csv. */
export async function runPredict(options: PredictOptions, hooks: PredictHooks = {}): Promise<PredictResult> {
  const backend = await initBackend(options.backend);
  hooks.onBackend?.(backend.name, backend.threads);
  const modelDir = options.modelDir ?? defaultModelDir(options.labelsPath);
  const { model, meta } = await loadCheckpoint(modelDir);
  const crops = await loadCrops(options.labelsPath, { onlyLabeled: false });
  if (crops.skipped.length > 0) hooks.onSkipped?.(crops.skipped);
  const p = predictPixels(model, meta.spec, crops.pixels, crops.rows.length);
  const predictionsPath = await writePredictions(options.labelsPath, predictionRows(crops.rows, p));
  const metrics = metricsForLabeled(crops.rows.map((r) => r.label), p);
  model.dispose();
  return { predictionsPath, count: crops.rows.length, backend: backend.name, metrics: metrics && { ...metrics, backend: backend.name } };
}
