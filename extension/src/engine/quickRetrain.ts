// retrain <dir> --quick, and the automatic update after each label fix in VS Code: brings the
// current model in line with the labels as they are now in seconds, by refitting the six heads
// and a low-rank change of the last dense layer on what training saved for every row
// (featureCache.ts): the layer's pre-activation and its input through fixed random directions P.
// The change is A·C in P's span (rank `rank`), so the new kernel is W + P·A·C, exactly what the
// refit read. Rows whose label changed since the model was trained are drawn into every batch
// (the fixes must take), with a replay of the others (what was right must stay right). The new
// weights are patched into weights.bin and the checkpoint is replaced atomically; predictions.csv
// is rewritten from the cached features (averaged over the inference views, so the readings
// come from the views' mean input rather than their mean log-probabilities).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import { normalizeDatasetPath } from '../../../common/datasetPath';
import type { BackendName } from '../../../common/domain';
import type { QuickRetrainOptions, QuickRetrainResult } from '../../../common/engineProtocol';
import { HEADS, LOGITS } from '../../../common/heads';
import { LabelsDocument } from '../../../common/labels';
import { EVIDENCE_JSON } from '../../../common/labelEvidence';
import { parsePredictionsCsv, type PredictionRow } from '../../../common/predictionsCsv';
import { replaceDirAtomic } from '../dataset/atomicWrite';
import { defaultModelDir, predictionsPath as predictionsPathOf } from '../dataset/paths';
import { initBackend } from './backend';
import { readMeta, type CheckpointMeta } from './checkpoint';
import { decodeSequence } from './decode';
import { projection, readFeatureCache, writeFeatureCache, FEATURES_BIN, FEATURES_JSON, type FeatureCache } from './featureCache';
import { featureLayer, runPredict } from './predict';
import { encodeTargets, sequenceLoss } from './loss';
import { mulberry32 } from '../../../common/mulberry32';
import { writePredictions } from './predictionsFile';
import { tf } from './tf';

export interface QuickRetrainTuning {
  /** Training steps (batches of `batchSize`); default stepsFor(rows changed since the last refit). */
  steps?: number;
  /** Rank of the change to the last dense layer (at least 1); default DENSE_CHANGE_RANK. */
  rank?: number;
  batchSize?: number;
  learningRate?: number;
  /** The share of each batch drawn from the changed rows while there are any (default FIX_SHARE). */
  fixShare?: number;
  /** Dropout rate on the dense layer's outputs while refitting (default REFIT_DROPOUT). */
  dropout?: number;
}

/**
 * A tenth of each batch from the changed rows: a single fix is in every batch (26 copies of 256),
 * while a relabelling of a whole kind is not drawn far above its share of the data,
 * which taught the heads to see it everywhere (every 7 typed as 1, then fixed, 500 steps with
 * dropout: a quarter lost 2.8 points on numbers without a 7 where a tenth lost 2.0).
 */
export const FIX_SHARE = 0.1;

/**
 * Dropout on the dense layer's outputs while refitting. The refit sees one fixed feature vector
 * a row (the views' mean), not the fresh augmented views of training, and without dropout it fit
 * those rows at the cost of the test crops (the same run as FIX_SHARE's: without dropout 72.1% of
 * the numbers with a 7 read right and -3.1 points on the others; with 0.3, 73.9% and -2.0).
 */
export const REFIT_DROPOUT = 0.3;

/** Rank of the change to the last dense layer. 64: on every 7 typed as 1, then fixed, about the
 * quality of a change of full rank within P's span, with a fifth of its weights (98 K, not 524 K). */
export const DENSE_CHANGE_RANK = 64;

/** The labels of the rows changed since training, as the last quick retrain fitted them (in the model folder). */
export const REFIT_LABELS_JSON = 'refit-labels.json';

/** Rows read at once for the new readings of every row. */
const READ_CHUNK = 4096;

/**
 * Steps of the refit, by the rows changed since the last one: 60 for a few fixes (about a
 * second), up to 500 when a whole kind was relabelled (every 7 typed as 1, then fixed, 1,004 rows
 * of 4,000; two test sets of 4,000 crops: after 395 steps 72.9% of the numbers with a 7 read
 * right and -2.9 points on those without, after 500 73.9% and -2.0, after 600 74.2% and -1.9).
 */
export function stepsFor(freshRows: number): number {
  return 60 + Math.min(440, Math.ceil(freshRows / 2));
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype?: string;
}

/** The byte range of each weight in weights.bin, by name (every weight is float32). */
function weightRanges(entries: ManifestEntry[]): Map<string, { offset: number; length: number; shape: number[] }> {
  const out = new Map<string, { offset: number; length: number; shape: number[] }>();
  let offset = 0;
  for (const e of entries) {
    if (e.dtype !== undefined && e.dtype !== 'float32') throw new Error(`weight ${e.name} is ${e.dtype}; the quick retrain reads float32 weights only`);
    const length = e.shape.reduce((a, b) => a * b, 1);
    out.set(e.name, { offset, length, shape: e.shape });
    offset += length * 4;
  }
  return out;
}

export async function runQuickRetrain(options: QuickRetrainOptions & QuickRetrainTuning, hooks: { onBackend?: (name: BackendName, threads: number, note?: string) => void } = {}): Promise<QuickRetrainResult> {
  const backend = await initBackend(options.backend);
  hooks.onBackend?.(backend.name, backend.threads, backend.note);
  const modelDir = defaultModelDir(options.labelsPath);
  const meta = await readMeta(modelDir);
  const features = await currentFeatures(options, modelDir, meta.date);
  const modelJson = JSON.parse(await fs.readFile(path.join(modelDir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[]; weights: ManifestEntry[] }[] };
  if (modelJson.weightsManifest.length !== 1 || modelJson.weightsManifest[0].paths.length !== 1) throw new Error('the model is not saved as one weights file');
  const weightsFile = path.join(modelDir, path.basename(modelJson.weightsManifest[0].paths[0]));
  const weights = new Uint8Array(await fs.readFile(weightsFile));
  const ranges = weightRanges(modelJson.weightsManifest[0].weights);
  const trainedLabels = await labelsAtTraining(modelDir);
  const refitLabels = await labelsAtLastRefit(modelDir);
  const labels = LabelsDocument.parse(await fs.readFile(options.labelsPath, 'utf8')).rows;

  const started = performance.now();
  const featureRow = new Map(features.files.map((f, i) => [normalizeDatasetPath(f), i]));
  // `changed`: since training, drawn into every batch. `fresh`: since the last refit, which sets
  // the steps: one more fix after a thousand others is still a second's work.
  const examples: { file: string; row: number; label: string; changed: boolean; fresh: boolean }[] = [];
  for (const r of labels) {
    const file = normalizeDatasetPath(r.file);
    const row = featureRow.get(file);
    if (row === undefined || r.label === '') continue;
    const before = trainedLabels.get(file);
    const fitted = refitLabels.get(file) ?? before;
    examples.push({ file, row, label: r.label, changed: before !== undefined && before !== r.label, fresh: fitted !== undefined && fitted !== r.label });
  }
  if (examples.length === 0) throw new Error('no labeled row has cached features: train once more');
  const width = features.rows.width;
  const weightOf = (name: string) => {
    const range = ranges.get(name);
    if (!range) throw new Error(`the model has no weight ${name}`);
    return range;
  };
  const readWeight = (name: string): Float32Array => {
    const r = weightOf(name);
    return new Float32Array(weights.buffer.slice(r.offset, r.offset + r.length * 4));
  };
  const denseName = featureLayer(meta.spec);
  const dense = weightOf(`${denseName}/kernel`);
  if (dense.shape[0] !== features.inputWidth || dense.shape[1] !== width) {
    throw new Error(`the cached features (${features.inputWidth} -> ${width}) do not fit ${denseName} (${dense.shape.join(' -> ')}): run Predictions (digit-lens predict) or train once more`);
  }
  // The heads side by side, as one [width, LOGITS] kernel and one bias: the model's own layout.
  const kernel = new Float32Array(width * LOGITS);
  const bias = new Float32Array(LOGITS);
  for (const head of HEADS) {
    const k = weightOf(`${head.name}/kernel`);
    if (k.shape[0] !== width || k.shape[1] !== head.size) throw new Error(`head ${head.name} is ${k.shape.join('x')}, not ${width}x${head.size}`);
    const kv = readWeight(`${head.name}/kernel`);
    for (let i = 0; i < width; i++) for (let c = 0; c < head.size; c++) kernel[i * LOGITS + head.offset + c] = kv[i * head.size + c];
    bias.set(readWeight(`${head.name}/bias`), head.offset);
  }

  const changedRows = examples.filter((e) => e.changed);
  const batchSize = options.batchSize ?? 256;
  const steps = options.steps ?? stepsFor(examples.filter((e) => e.fresh).length);
  const rank = options.rank ?? DENSE_CHANGE_RANK;
  if (!Number.isInteger(rank) || rank < 1) throw new Error(`the rank of the dense layer's change must be a whole number of at least 1, not ${rank}`);
  const { rows } = features;
  const directions = rows.rank;
  const rand = mulberry32(examples.length + changedRows.length);
  // A starts random and C at zero: the change starts at nothing, and both learn (LoRA's start).
  const A = tf.variable(tf.randomNormal([directions, rank], 0, 1 / Math.sqrt(directions), 'float32', 1));
  const C = tf.variable(tf.zeros([rank, width]));
  const W = tf.variable(tf.tensor2d(kernel, [width, LOGITS]));
  const B = tf.variable(tf.tensor1d(bias));
  const optimizer = tf.train.adam(options.learningRate ?? 3e-3);
  /** The changed layer's pre-activations, from the old ones `h` and the projected inputs `z` of the same rows. */
  const changedPre = (h: Tensor, z: Tensor): Tensor => tf.add(h, tf.matMul(tf.matMul(z, A), C));
  const dropout = options.dropout ?? REFIT_DROPOUT;
  /** The heads' logits; while training (`step` given), with dropout on their input. A seed a step:
   * tfjs draws the same mask again from the same seed, and a run without seeds would not repeat. */
  const headsOn = (pre: Tensor, step?: number): Tensor => {
    const h = tf.relu(pre);
    return tf.add(tf.matMul(step === undefined || dropout === 0 ? h : tf.dropout(h, dropout, undefined, step + 1), W), B);
  };
  try {
    const preBatch = new Float32Array(batchSize * width);
    const zBatch = new Float32Array(batchSize * directions);
    for (let step = 0; step < steps; step++) {
      // A share of each batch from the fixed rows while there are any, the rest a replay.
      const fixes = Math.min(changedRows.length, Math.round(batchSize * (options.fixShare ?? FIX_SHARE)));
      const batch = [
        ...Array.from({ length: fixes }, () => changedRows[Math.floor(rand() * changedRows.length)]),
        ...Array.from({ length: batchSize - fixes }, () => examples[Math.floor(rand() * examples.length)]),
      ];
      batch.forEach((e, b) => {
        rows.pre(e.row, preBatch, b * width);
        rows.projected(e.row, zBatch, b * directions);
      });
      tf.tidy(() => {
        const h = tf.tensor2d(preBatch, [batchSize, width]);
        const z = tf.tensor2d(zBatch, [batchSize, directions]);
        const yb = encodeTargets(batch.map((e) => e.label));
        optimizer.minimize(() => sequenceLoss(yb, headsOn(changedPre(h, z), step)), false, [A, C, W, B]);
      });
    }
    const newKernel = (await W.data()) as Float32Array;
    const newBias = (await B.data()) as Float32Array;
    for (const head of HEADS) {
      const kv = new Float32Array(width * head.size);
      for (let i = 0; i < width; i++) for (let c = 0; c < head.size; c++) kv[i * head.size + c] = newKernel[i * LOGITS + head.offset + c];
      weights.set(new Uint8Array(kv.buffer), weightOf(`${head.name}/kernel`).offset);
      weights.set(new Uint8Array(newBias.slice(head.offset, head.offset + head.size).buffer), weightOf(`${head.name}/bias`).offset);
    }
    // Every row with cached features, read by the new layers; their new pre-activations replace
    // the old in the cache (in memory: the file on disk is replaced with the model).
    const n = features.files.length;
    const logits = new Float32Array(n * LOGITS);
    const preChunk = new Float32Array(Math.min(n, READ_CHUNK) * width);
    const zChunk = new Float32Array(Math.min(n, READ_CHUNK) * directions);
    for (let s = 0; s < n; s += READ_CHUNK) {
      const m = Math.min(READ_CHUNK, n - s);
      for (let j = 0; j < m; j++) {
        rows.pre(s + j, preChunk, j * width);
        rows.projected(s + j, zChunk, j * directions);
      }
      const [l, p] = tf.tidy((): Tensor[] => {
        const h = tf.tensor2d(preChunk.subarray(0, m * width), [m, width]);
        const z = tf.tensor2d(zChunk.subarray(0, m * directions), [m, directions]);
        const pre = changedPre(h, z);
        return [headsOn(pre), pre];
      });
      logits.set(l.dataSync(), s * LOGITS);
      const newPre = p.dataSync() as Float32Array;
      for (let j = 0; j < m; j++) rows.setPre(s + j, newPre, j * width);
      tf.dispose([l, p]);
    }
    const newDense = tf.tidy(() => {
      const P = tf.tensor2d(projection(features.inputWidth, directions), [features.inputWidth, directions]);
      return tf.add(tf.tensor2d(readWeight(`${denseName}/kernel`), [features.inputWidth, width]), tf.matMul(tf.matMul(P, A), C));
    });
    weights.set(new Uint8Array((newDense.dataSync() as Float32Array).buffer), dense.offset);
    newDense.dispose();
    const updated: CheckpointMeta = { ...meta, quickRetrain: { date: new Date().toISOString(), examples: examples.length, changed: changedRows.length, steps } };
    await replaceDirAtomic(modelDir, async (fresh) => {
      const rewritten = new Set([path.basename(weightsFile), 'meta.json', FEATURES_JSON, FEATURES_BIN, REFIT_LABELS_JSON]);
      for (const name of await fs.readdir(modelDir)) {
        if (rewritten.has(name)) continue;
        // Unchanged files (optimizer state, evidence) are linked, not copied: instant however large.
        await fs.link(path.join(modelDir, name), path.join(fresh, name)).catch(() => fs.copyFile(path.join(modelDir, name), path.join(fresh, name)));
      }
      await fs.writeFile(path.join(fresh, path.basename(weightsFile)), weights);
      await writeFeatureCache(fresh, features, { atomic: false });
      await fs.writeFile(path.join(fresh, REFIT_LABELS_JSON), JSON.stringify({ rows: changedRows.map((e) => ({ file: e.file, label: e.label })) }) + '\n');
      await fs.writeFile(path.join(fresh, 'meta.json'), JSON.stringify(updated, null, 2) + '\n');
    });
    // After the model: a kill in between leaves the new model with the old readings, never the reverse.
    const predictionsPath = await rewritePredictions(options.labelsPath, labels, featureRow, logits, updated);
    return { seconds: (performance.now() - started) / 1000, examples: examples.length, changed: changedRows.length, predictionsPath };
  } finally {
    tf.dispose([A, C, W, B]);
    optimizer.dispose();
  }
}

/**
 * The model's feature cache. A model saved without one, or with one of an older format (the
 * heads-only refit's) or of another model, gets it now: every row read once, as Predictions
 * does (tens of seconds for thousands of crops, once), instead of a refit that cannot run.
 */
async function currentFeatures(options: QuickRetrainOptions, modelDir: string, modelDate: string): Promise<FeatureCache> {
  const cached = await readFeatureCache(modelDir);
  if (cached && cached.modelDate === modelDate) return cached;
  await runPredict({ labelsPath: options.labelsPath, backend: options.backend });
  const rebuilt = await readFeatureCache(modelDir);
  if (!rebuilt || rebuilt.modelDate !== modelDate) throw new Error('the current model has no features to refit on, and reading every row again did not write them: train once more');
  return rebuilt;
}

/** The labels the model was trained on, by normalised path (from its evidence; empty when it has none). */
function labelsAtTraining(modelDir: string): Promise<Map<string, string>> {
  return fileLabels(path.join(modelDir, EVIDENCE_JSON));
}

/** The changed rows' labels as the last quick retrain fitted them (empty before the first). */
function labelsAtLastRefit(modelDir: string): Promise<Map<string, string>> {
  return fileLabels(path.join(modelDir, REFIT_LABELS_JSON));
}

/** `{"rows": [{"file", "label"}]}` by normalised path; empty when missing or unreadable (the fallback is the training's labels). */
async function fileLabels(file: string): Promise<Map<string, string>> {
  try {
    const json: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    const rows = (json as { rows?: { file?: unknown; label?: unknown }[] }).rows ?? [];
    return new Map(rows.flatMap((r) => (typeof r.file === 'string' && typeof r.label === 'string' ? [[normalizeDatasetPath(r.file), r.label] as [string, string]] : [])));
  } catch {
    return new Map();
  }
}

/** predictions.csv with the new readings for every row that has activations, the old line for the others. */
async function rewritePredictions(labelsPath: string, rows: readonly { file: string; label: string }[], featureRow: Map<string, number>, logits: Float32Array, meta: CheckpointMeta): Promise<string> {
  let before = new Map<string, PredictionRow>();
  try {
    before = new Map(parsePredictionsCsv(await fs.readFile(predictionsPathOf(labelsPath), 'utf8')).rows.map((r) => [normalizeDatasetPath(r.file), r]));
  } catch {
    // No earlier predictions: rows without activations are left out.
  }
  const out: PredictionRow[] = [];
  for (const r of rows) {
    const key = normalizeDatasetPath(r.file);
    const i = featureRow.get(key);
    if (i === undefined) {
      const old = before.get(key);
      if (old) out.push({ ...old, file: r.file, label: r.label });
      continue;
    }
    const d = decodeSequence(logits, i * LOGITS);
    out.push({ file: r.file, label: r.label, prediction: d.text, confidence: d.confidence });
  }
  return writePredictions(labelsPath, out, meta);
}
