// The quick retrain: a labels fix reaches the model's readings in seconds, and what it writes is
// a whole model that the engine loads and reads the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parsePredictionsCsv } from '../../../common/predictionsCsv';
import { stripes } from '../../../test/support/stripes';
import { defaultModelDir, predictionsPath } from '../dataset/paths';
import { initBackend } from './backend';
import { readMeta } from './checkpoint';
import { readFeatureCache, type FeatureRows } from './featureCache';
import { runPredict } from './predict';
import { runQuickRetrain, stepsFor } from './quickRetrain';
import { runTraining } from './runTraining';

async function readings(labelsPath: string): Promise<Map<string, string>> {
  return new Map(parsePredictionsCsv(await fs.readFile(predictionsPath(labelsPath), 'utf8')).rows.map((r) => [r.file, r.prediction]));
}

test('a relabelled class is read with its new label after a quick retrain, and the checkpoint agrees', { timeout: 300_000 }, async (t) => {
  await initBackend('wasm');
  const labelsPath = await stripes();
  try {
    const trained = await runTraining({ labelsPath, preset: 'fast', backend: 'wasm', epochs: 5, seed: 1 });
    assert.equal(trained.outcome, 'current');
    const before = await readings(labelsPath);
    assert.equal(before.get('img/0.png'), '1');
    assert.equal(before.get('img/1.png'), '22');
    const modelDir = defaultModelDir(labelsPath);
    assert.ok((await fs.readdir(modelDir)).includes('features.bin'));

    const featuresBefore = await readFeatureCache(modelDir);
    assert.ok(featuresBefore);
    // A model whose cache is of the older, heads-only format: the retrain rebuilds it, once.
    const index = path.join(modelDir, 'features.json');
    await fs.writeFile(index, JSON.stringify({ ...(JSON.parse(await fs.readFile(index, 'utf8')) as object), format: 'digitlens-features-1' }));

    // The annotator meant 7 for every vertical stripe.
    const text = await fs.readFile(labelsPath, 'utf8');
    await fs.writeFile(labelsPath, text.replace(/^(img\/\d+\.png),1$/gm, '$1,7'));
    const start = path.join(path.dirname(labelsPath), 'model-before-the-refit');
    await fs.cp(modelDir, start, { recursive: true });
    const result = await runQuickRetrain({ labelsPath, backend: 'wasm' });
    t.diagnostic(`quick retrain: ${JSON.stringify(result)}`);
    assert.equal(result.examples, 200);
    assert.equal(result.changed, 100);
    const after = await readings(labelsPath);
    const vertical = [...after].filter(([file]) => Number(/\d+/.exec(file)?.[0]) % 2 === 0);
    const horizontal = [...after].filter(([file]) => Number(/\d+/.exec(file)?.[0]) % 2 === 1);
    assert.ok(vertical.filter(([, p]) => p === '7').length >= 95, `vertical stripes read 7: ${vertical.filter(([, p]) => p === '7').length}/100`);
    assert.ok(horizontal.filter(([, p]) => p === '22').length >= 95, `horizontal stripes still 22: ${horizontal.filter(([, p]) => p === '22').length}/100`);
    const meta = await readMeta(modelDir);
    assert.equal(meta.quickRetrain?.changed, 100);

    // The refit changed the dense layer, not only the heads, and kept its cache in step with it.
    const refit = await readFeatureCache(modelDir);
    assert.ok(refit);
    const width = refit.rows.width;
    const preOf = (rows: FeatureRows, r: number): Float32Array => {
      const out = new Float32Array(width);
      rows.pre(r, out, 0);
      return out;
    };
    const moved = Math.max(...Array.from({ length: refit.rows.count }, (_, r) => Math.max(...preOf(refit.rows, r).map((v, i) => Math.abs(v - preOf(featuresBefore.rows, r)[i])))));
    assert.ok(moved > 0.05, `the dense layer's pre-activations moved by at most ${moved}`);

    // The patched checkpoint, read by the network itself, says the same.
    await runPredict({ labelsPath, backend: 'wasm' });
    const reread = await readings(labelsPath);
    const agree = [...after].filter(([file, p]) => reread.get(file) === p).length;
    assert.ok(agree >= 190, `the checkpoint reads ${agree}/200 rows as the quick retrain did`);
    // The change folded into the kernel is the one the refit read: x·(W + P·A·C) + b = pre + (x·P)·A·C.
    const fresh = await readFeatureCache(modelDir);
    assert.ok(fresh);
    let worst = 0;
    for (let r = 0; r < fresh.rows.count; r++) {
      const row = preOf(fresh.rows, r);
      const read = preOf(refit.rows, r);
      const step = Math.max(...row.map(Math.abs)) / 127;
      for (let i = 0; i < width; i++) worst = Math.max(worst, Math.abs(row[i] - read[i]) / step);
    }
    assert.ok(worst <= 2, `the network's own pre-activations differ from the refit's by ${worst.toFixed(2)} quantisation steps`);

    // The refit repeats: from the same model and labels, the same weights to the byte (its
    // dropout masks are seeded step by step; unseeded, two runs differed).
    const weightsFile = path.join(modelDir, 'weights.bin');
    const first = await fs.readFile(weightsFile);
    await fs.rm(modelDir, { recursive: true });
    await fs.cp(start, modelDir, { recursive: true });
    await runQuickRetrain({ labelsPath, backend: 'wasm' });
    assert.ok((await fs.readFile(weightsFile)).equals(first), 'a second quick retrain from the same start wrote other weights');
    assert.equal((await readMeta(modelDir)).quickRetrain?.steps, stepsFor(100));

    // One more fix after the relabelling: its steps are a single fix's (the hundred fitted
    // before are replayed, not counted again), and those hundred still read 7.
    await fs.writeFile(labelsPath, (await fs.readFile(labelsPath, 'utf8')).replace(/^img\/1\.png,22$/m, 'img/1.png,33'));
    const one = await runQuickRetrain({ labelsPath, backend: 'wasm' });
    assert.equal(one.changed, 101);
    assert.equal((await readMeta(modelDir)).quickRetrain?.steps, stepsFor(1));
    const still = [...(await readings(labelsPath))].filter(([file, p]) => Number(/\d+/.exec(file)?.[0]) % 2 === 0 && p === '7').length;
    assert.ok(still >= 95, `vertical stripes still read 7 after one more fix: ${still}/100`);
  } finally {
    await fs.rm(path.dirname(labelsPath), { recursive: true, force: true });
  }
});
