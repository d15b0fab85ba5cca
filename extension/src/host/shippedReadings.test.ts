// The shipped model end to end on a tiny run: scripts/train-shipped-model.mjs trains on synthetic
// crops and writes an 8-bit model; a new folder with no model of its own gets readings from it
// through the real engine worker, and the gallery says the shipped model made them. Needs dist/
// (node scripts/build.mjs, which npm test runs first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadGalleryDataset } from './gallery/galleryData';
import { EngineClient } from './engineClient';
import { readWithShippedModel } from './shippedReadings';

const root = path.join(import.meta.dirname, '..', '..', '..');
const workerPath = path.join(root, 'dist', 'engineWorker.js');

interface Spec {
  name: string;
  shape: number[];
  quantization?: { dtype: string; min: number; scale: number };
}
const specsOf = (dir: string): Spec[] =>
  (JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: Spec[] }[] }).weightsManifest.flatMap((g) => g.weights);

test('the shipped-model script: a few MB of 8-bit weights within half a step of the float ones, its figures in meta.json; a new folder reads with it at once', { timeout: 900_000 }, async () => {
  assert.ok(existsSync(path.join(root, 'dist', 'cli.js')), 'dist/ is missing: run node scripts/build.mjs');
  const work = mkdtempSync(path.join(tmpdir(), 'dl-shipped-'));
  const out = path.join(work, 'model');
  const engine = new EngineClient(workerPath);
  try {
    const r = spawnSync(
      process.execPath,
      [path.join(root, 'scripts', 'train-shipped-model.mjs'), '--epochs', '1', '--count', '40', '--test-count', '12', '--out', out, '--work', path.join(work, 'runs'), '--backend', 'wasm'],
      { encoding: 'utf8', timeout: 800_000 },
    );
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    assert.match(r.stdout, /^shipped model: .* \(3\.\d\d MB\)$/m, 'the fast preset in 8 bits: under 4 MB');

    // Every tensor quantized, and each value within half a quantization step of the trained float value.
    const trained = path.join(work, 'runs', 'train', '.digitlens', 'model');
    const floats = new Float32Array(readFileSync(path.join(trained, 'weights.bin')).buffer.slice(0));
    const bytes = readFileSync(path.join(out, 'weights.bin'));
    assert.equal(bytes.length, floats.length, 'one byte per weight');
    let o = 0;
    for (const spec of specsOf(out)) {
      const q = spec.quantization;
      assert.ok(q && q.dtype === 'uint8', `${spec.name} is quantized`);
      const n = spec.shape.reduce((a, b) => a * b, 1);
      for (let i = o; i < o + n; i++) assert.ok(Math.abs(bytes[i] * q.scale + q.min - floats[i]) <= q.scale / 2 + 1e-6, `${spec.name}[${i - o}]`);
      o += n;
    }
    assert.equal(o, floats.length);

    const meta = JSON.parse(readFileSync(path.join(out, 'meta.json'), 'utf8')) as {
      steps: number;
      optimizer?: unknown;
      runId?: string;
      shipped: { data: string; budget: string; imagesPerSecond: number; test: { seed: number; count: number; sequenceAccuracy: number } };
    };
    assert.ok(meta.steps >= 1);
    assert.equal(meta.optimizer, undefined, 'no optimizer state shipped');
    assert.equal(meta.runId, undefined, 'no training run: its record stays where it was trained');
    assert.equal(meta.shipped.data, 'synthetic crops only: synth seed 1 x 40');
    assert.equal(meta.shipped.budget, '1 epochs');
    assert.ok(meta.shipped.imagesPerSecond > 0);
    assert.equal(meta.shipped.test.seed, 2);
    assert.equal(meta.shipped.test.count, 12, 'measured on the test crops of another seed');

    // A new folder: no model, no predictions. The shipped model reads it; the gallery says whose readings they are.
    const fresh = await engine.synth({ dir: path.join(work, 'fresh'), count: 8, seed: 7 });
    assert.equal(await readWithShippedModel({ engine, shippedModelDir: out, labelsPath: fresh.labelsPath, backend: 'wasm' }), 'read');
    const predictions = readFileSync(path.join(work, 'fresh', '.digitlens', 'predictions.csv'), 'utf8').trim().split('\n');
    assert.equal(predictions.length, 9, 'a header and a reading for every crop');
    assert.ok(!existsSync(path.join(work, 'fresh', '.digitlens', 'model')), 'the shipped model is not copied into the folder');
    const { dataset } = await loadGalleryDataset(fresh.labelsPath);
    assert.equal(dataset.hasPredictions, true);
    assert.match(dataset.readingsBy ?? '', new RegExp(`^the shipped model \\(fast · ${meta.steps} steps · synthetic crops only: synth seed 1 x 40 · \\d+\\.\\d% of 12 synthetic test crops\\): train one on your labels to do better$`));

    // Readings of the folder's own are never replaced.
    const written = statSync(path.join(work, 'fresh', '.digitlens', 'predictions.csv')).mtimeMs;
    assert.equal(await readWithShippedModel({ engine, shippedModelDir: out, labelsPath: fresh.labelsPath, backend: 'wasm' }), 'has-readings');
    assert.equal(statSync(path.join(work, 'fresh', '.digitlens', 'predictions.csv')).mtimeMs, written);
    assert.equal(await readWithShippedModel({ engine, shippedModelDir: path.join(work, 'none'), labelsPath: fresh.labelsPath, backend: 'wasm' }), 'no-shipped-model');
  } finally {
    await engine.dispose();
    rmSync(work, { recursive: true, force: true });
  }
});
