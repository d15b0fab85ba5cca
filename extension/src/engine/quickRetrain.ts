// retrain <dir> --quick, and the automatic update after each label fix in VS Code: brings the
// current model in line with the labels as they are now in seconds, by refitting only the six
// heads on the activations they read (featureCache.ts), which training saved for every row.
// Rows whose label changed since the model was trained are drawn into every batch (the fixes
// must take), with a replay of the others (what was right must stay right). The heads' new
// weights are patched into weights.bin and the checkpoint is replaced atomically; predictions.csv
// is rewritten from the cached activations (averaged over the inference views, so the readings
// come from the views' mean activations rather than their mean log-probabilities).
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
import { readFeatureCache } from './featureCache';
import { encodeTargets, sequenceLoss } from './loss';
import { mulberry32 } from '../../../common/mulberry32';
import { writePredictions } from './predictionsFile';
import { tf } from './tf';

export interface QuickRetrainTuning {
  /** Training steps over the heads (batches of `batchSize`). */
  steps?: number;
  batchSize?: number;
  learningRate?: number;
  /** The share of each batch drawn from the changed rows while there are any (default 1/4). */
  fixShare?: number;
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
  const features = await readFeatureCache(modelDir);
  if (!features || features.modelDate !== meta.date) {
    throw new Error('the current model has no cached activations to refit its heads on: run Predictions (digit-lens predict) or train once more');
  }
  const modelJson = JSON.parse(await fs.readFile(path.join(modelDir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[]; weights: ManifestEntry[] }[] };
  if (modelJson.weightsManifest.length !== 1 || modelJson.weightsManifest[0].paths.length !== 1) throw new Error('the model is not saved as one weights file');
  const weightsFile = path.join(modelDir, path.basename(modelJson.weightsManifest[0].paths[0]));
  const weights = new Uint8Array(await fs.readFile(weightsFile));
  const ranges = weightRanges(modelJson.weightsManifest[0].weights);
  const trainedLabels = await labelsAtTraining(modelDir);
  const labels = LabelsDocument.parse(await fs.readFile(options.labelsPath, 'utf8')).rows;

  const started = performance.now();
  const featureRow = new Map(features.files.map((f, i) => [normalizeDatasetPath(f), i]));
  const examples: { row: number; label: string; changed: boolean }[] = [];
  for (const r of labels) {
    const row = featureRow.get(normalizeDatasetPath(r.file));
    if (row === undefined || r.label === '') continue;
    const before = trainedLabels.get(normalizeDatasetPath(r.file));
    examples.push({ row, label: r.label, changed: before !== undefined && before !== r.label });
  }
  if (examples.length === 0) throw new Error('no labeled row has cached activations: train once more');
  const width = features.width;
  const headWeights = (name: string, part: 'kernel' | 'bias') => {
    const range = ranges.get(`${name}/${part}`);
    if (!range) throw new Error(`the model has no weight ${name}/${part}`);
    return range;
  };
  // The heads side by side, as one [width, LOGITS] kernel and one bias: the model's own layout.
  const kernel = new Float32Array(width * LOGITS);
  const bias = new Float32Array(LOGITS);
  for (const head of HEADS) {
    const k = headWeights(head.name, 'kernel');
    const b = headWeights(head.name, 'bias');
    if (k.shape[0] !== width || k.shape[1] !== head.size) throw new Error(`head ${head.name} is ${k.shape.join('x')}, not ${width}x${head.size}`);
    const kv = new Float32Array(weights.buffer.slice(k.offset, k.offset + k.length * 4));
    for (let i = 0; i < width; i++) for (let c = 0; c < head.size; c++) kernel[i * LOGITS + head.offset + c] = kv[i * head.size + c];
    bias.set(new Float32Array(weights.buffer.slice(b.offset, b.offset + b.length * 4)), head.offset);
  }

  const changedRows = examples.filter((e) => e.changed);
  const batchSize = options.batchSize ?? 256;
  const steps = options.steps ?? 60;
  const rand = mulberry32(examples.length + changedRows.length);
  const W = tf.variable(tf.tensor2d(kernel, [width, LOGITS]));
  const B = tf.variable(tf.tensor1d(bias));
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  try {
    const x = new Float32Array(batchSize * width);
    for (let step = 0; step < steps; step++) {
      // A quarter of each batch from the fixed rows while there are any, the rest a replay.
      const fixes = Math.min(changedRows.length, Math.round(batchSize * (options.fixShare ?? 0.25)));
      const batch = [
        ...Array.from({ length: fixes }, () => changedRows[Math.floor(rand() * changedRows.length)]),
        ...Array.from({ length: batchSize - fixes }, () => examples[Math.floor(rand() * examples.length)]),
      ];
      batch.forEach((e, b) => x.set(features.values.subarray(e.row * width, (e.row + 1) * width), b * width));
      tf.tidy(() => {
        const xb = tf.tensor2d(x, [batchSize, width]);
        const yb = encodeTargets(batch.map((e) => e.label));
        optimizer.minimize(() => sequenceLoss(yb, tf.add(tf.matMul(xb, W), B)), false, [W, B]);
      });
    }
    const newKernel = (await W.data()) as Float32Array;
    const newBias = (await B.data()) as Float32Array;
    for (const head of HEADS) {
      const k = headWeights(head.name, 'kernel');
      const kv = new Float32Array(width * head.size);
      for (let i = 0; i < width; i++) for (let c = 0; c < head.size; c++) kv[i * head.size + c] = newKernel[i * LOGITS + head.offset + c];
      weights.set(new Uint8Array(kv.buffer), k.offset);
      weights.set(new Uint8Array(newBias.slice(head.offset, head.offset + head.size).buffer), headWeights(head.name, 'bias').offset);
    }
    // Every row with cached activations, read by the new heads.
    const logits = tf.tidy((): Tensor => tf.add(tf.matMul(tf.tensor2d(features.values, [features.files.length, width]), W), B));
    const all = (await logits.data()) as Float32Array;
    logits.dispose();
    const updated: CheckpointMeta = { ...meta, quickRetrain: { date: new Date().toISOString(), examples: examples.length, changed: changedRows.length } };
    await replaceDirAtomic(modelDir, async (fresh) => {
      for (const name of await fs.readdir(modelDir)) {
        if (name === path.basename(weightsFile) || name === 'meta.json') continue;
        // Unchanged files (optimizer state, evidence, activations) are linked, not copied: instant however large.
        await fs.link(path.join(modelDir, name), path.join(fresh, name)).catch(() => fs.copyFile(path.join(modelDir, name), path.join(fresh, name)));
      }
      await fs.writeFile(path.join(fresh, path.basename(weightsFile)), weights);
      await fs.writeFile(path.join(fresh, 'meta.json'), JSON.stringify(updated, null, 2) + '\n');
    });
    // After the model: a kill in between leaves the new model with the old readings, never the reverse.
    const predictionsPath = await rewritePredictions(options.labelsPath, labels, featureRow, all, updated);
    return { seconds: (performance.now() - started) / 1000, examples: examples.length, changed: changedRows.length, predictionsPath };
  } finally {
    W.dispose();
    B.dispose();
    optimizer.dispose();
  }
}

/** The labels the model was trained on, by normalised path (from its evidence; empty when it has none). */
async function labelsAtTraining(modelDir: string): Promise<Map<string, string>> {
  try {
    const json: unknown = JSON.parse(await fs.readFile(path.join(modelDir, EVIDENCE_JSON), 'utf8'));
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
