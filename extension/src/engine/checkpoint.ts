// Model checkpoints: a TensorFlow.js Layers model (model.json + weights.bin, the format
// TensorFlow's converter reads) plus meta.json, written into <dataset>/.digitlens/model as one
// directory swap (replaceDirAtomic): a crash mid-save leaves the previous checkpoint whole.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { BackendName, Metrics } from '../../../common/domain';
import { replaceDirAtomic } from '../dataset/atomicWrite';
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
  validation?: Metrics;
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

export async function saveCheckpoint(model: LayersModel, dir: string, meta: CheckpointMeta): Promise<void> {
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
  await replaceDirAtomic(dir, async (fresh) => {
    await fs.writeFile(path.join(fresh, 'model.json'), JSON.stringify(modelJson));
    await fs.writeFile(path.join(fresh, 'weights.bin'), weights);
    await fs.writeFile(path.join(fresh, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  });
}

export async function readMeta(dir: string): Promise<CheckpointMeta> {
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
