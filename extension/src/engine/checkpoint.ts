// Model checkpoints: a TensorFlow.js Layers model (model.json + weights.bin, the format
// TensorFlow's converter reads), meta.json, and the optimizer's state (optimizer.bin) so a run can
// be resumed where it stopped, written into <dataset>/.digitlens/model as one directory swap
// (replaceDirAtomic): a crash mid-save leaves the previous checkpoint whole, and a crash in the
// swap itself is repaired before the next read (recoverDirSwap).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { BackendName, Metrics } from '../../../common/domain';
import { recoverDirSwap, replaceDirAtomic } from '../dataset/atomicWrite';
import { PRESETS, type ModelSpec } from './presets';
import { tf } from './tf';

export interface CheckpointMeta {
  format: 'digitlens-model-1';
  spec: ModelSpec;
  /** How inputs are normalised before the network sees them (data.ts). */
  normalisation: 'per-image-standardise';
  backend: BackendName;
  date: string;
  steps: number;
  seconds: number;
  examples: number;
  /** Steps of every run that led to these weights (a resumed run adds its own). */
  totalSteps?: number;
  /** The model a run started from (TrainOptions.startFrom): its folder and steps. Absent = random weights or resumed. */
  startedFrom?: { dir: string; steps: number };
  validation?: Metrics;
  /** The run that trained it (its record in .digitlens/runs/, common/trainingRun.ts); absent in older checkpoints. */
  runId?: string;
  /** The last quick retrain (quickRetrain.ts), when there was one since training: its rows, those changed since training, and its steps. */
  quickRetrain?: { date: string; examples: number; changed: number; steps?: number };
  /** Set on the model the extension ships (scripts/train-shipped-model.mjs): how it was made and measured. */
  shipped?: { script: string; data: string; budget: string; imagesPerSecond: number; weights: string; test?: Metrics & { seed: number; count?: number } };
  /** The tensors in optimizer.bin, in order, float32 each. Absent in checkpoints without it. */
  optimizer?: { kind: 'adam'; tensors: { name: string; shape: number[] }[] };
}

/** An optimizer's state as plain numbers (Adam: its step count, then the first and second moments). */
export interface OptimizerState {
  tensors: { name: string; shape: number[]; data: Float32Array }[];
}

function joinWeights(data: io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), o);
    o += p.byteLength;
  }
  return out;
}

/** Files a run keeps with its model (e.g. the label-error finder's evidence): name and content. */
export interface CheckpointExtra {
  name: string;
  data: string | Uint8Array;
}

export async function saveCheckpoint(model: LayersModel, dir: string, meta: CheckpointMeta, optimizer?: OptimizerState, extras: readonly CheckpointExtra[] = []): Promise<void> {
  let artifacts: io.ModelArtifacts | undefined;
  await model.save({
    save: (a: io.ModelArtifacts) => {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    },
  });
  if (!artifacts) throw new Error('the model produced no artifacts to save');
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  };
  const weights = joinWeights(artifacts.weightData);
  const fullMeta: CheckpointMeta = optimizer
    ? { ...meta, optimizer: { kind: 'adam', tensors: optimizer.tensors.map((t) => ({ name: t.name, shape: t.shape })) } }
    : meta;
  await replaceDirAtomic(dir, async (fresh) => {
    await fs.writeFile(path.join(fresh, 'model.json'), JSON.stringify(modelJson));
    await fs.writeFile(path.join(fresh, 'weights.bin'), weights);
    if (optimizer) await fs.writeFile(path.join(fresh, 'optimizer.bin'), concatFloat32(optimizer.tensors.map((t) => t.data)));
    for (const extra of extras) await fs.writeFile(path.join(fresh, path.basename(extra.name)), extra.data);
    await fs.writeFile(path.join(fresh, 'meta.json'), JSON.stringify(fullMeta, null, 2) + '\n');
  });
}

function concatFloat32(parts: Float32Array[]): Uint8Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return new Uint8Array(out.buffer);
}

/** The optimizer state saved beside the weights, or why there is none to resume from. */
export async function readOptimizerState(dir: string, meta: CheckpointMeta): Promise<OptimizerState> {
  if (!meta.optimizer) throw new Error(`the model in ${dir} was saved without its optimizer state (by an older version); train from scratch once`);
  const bytes = await fs.readFile(path.join(dir, 'optimizer.bin'));
  const sizes = meta.optimizer.tensors.map((t) => t.shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (bytes.byteLength !== total * 4) throw new Error(`${path.join(dir, 'optimizer.bin')} holds ${bytes.byteLength} bytes, not the ${total * 4} its description says`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let o = 0;
  return {
    tensors: meta.optimizer.tensors.map((t, i) => {
      const data = all.subarray(o, o + sizes[i]);
      o += sizes[i];
      return { name: t.name, shape: t.shape, data };
    }),
  };
}

export async function readMeta(dir: string): Promise<CheckpointMeta> {
  await recoverDirSwap(dir);
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, 'meta.json'), 'utf8');
  } catch (err) {
    throw new Error(`no trained model in ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); train one first`);
  }
  const meta = JSON.parse(text) as CheckpointMeta;
  if (meta.format !== 'digitlens-model-1' || !meta.spec || !(meta.spec.preset in PRESETS)) {
    throw new Error(`${path.join(dir, 'meta.json')} is not a Digit Lens model description`);
  }
  return meta;
}

export async function loadCheckpoint(dir: string): Promise<{ model: LayersModel; meta: CheckpointMeta }> {
  const meta = await readMeta(dir);
  const handler: io.IOHandler = {
    load: async () => {
      const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')) as {
        modelTopology: object;
        weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
      };
      const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
      const buffers = await Promise.all(
        json.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFile(path.join(dir, path.basename(p)))),
      );
      const weights = joinWeights(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
      return { modelTopology: json.modelTopology, weightSpecs, weightData: weights.buffer as ArrayBuffer };
    },
  };
  const model = await tf.loadLayersModel(handler);
  return { model, meta };
}
