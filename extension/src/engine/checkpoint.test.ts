import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from './tf';
import { initBackend } from './backend';
import { buildModel } from './model';
import type { ModelSpec } from './presets';
import { loadCheckpoint, readMeta, saveCheckpoint, type CheckpointMeta } from './checkpoint';

const tiny: ModelSpec = { preset: 'fast', inputSize: 10, channels: 1, convs: [{ filters: 3, kernel: 3, batchNorm: false, poolStride: 2 }], dense: [8], dropout: 0, batchSize: 8 };

test('a saved checkpoint loads back with the same outputs, and a second save replaces it whole', async () => {
  await initBackend('wasm');
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'dl-ckpt-')), '.digitlens', 'model');
  const meta: CheckpointMeta = {
    format: 'digitlens-model-1', spec: tiny, normalisation: 'per-image-standardise', backend: 'wasm',
    date: new Date().toISOString(), steps: 1, seconds: 0, examples: 0,
  };
  const model = buildModel(tiny, 2);
  await saveCheckpoint(model, dir, meta);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['meta.json', 'model.json', 'weights.bin']);
  const x = tf.randomNormal([2, 10, 10, 1], 0, 1, 'float32', 3);
  const before = await (model.predict(x) as Tensor).data();
  const { model: loaded, meta: loadedMeta } = await loadCheckpoint(dir);
  assert.deepEqual(loadedMeta, meta);
  assert.deepEqual(await (loaded.predict(x) as Tensor).data(), before);
  const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')) as { format: string; weightsManifest: unknown[] };
  assert.equal(json.format, 'layers-model');

  await saveCheckpoint(buildModel(tiny, 9), dir, { ...meta, steps: 2 });
  assert.equal((await readMeta(dir)).steps, 2);
  assert.deepEqual((await fs.readdir(path.dirname(dir))).sort(), ['model'], 'no temporary directories left behind');
});

test('a folder without a model gives a clear error', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-nomodel-'));
  await assert.rejects(readMeta(dir), /no trained model in .*; train one first/);
  await fs.writeFile(path.join(dir, 'meta.json'), '{"format":"other"}');
  await assert.rejects(readMeta(dir), /is not a Digit Lens model description/);
});
