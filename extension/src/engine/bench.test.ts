import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBench, runMatMulBench } from './bench';

test('bench measures the fast preset on wasm', { timeout: 120_000 }, async () => {
  const r = await runBench({ preset: 'fast', backend: 'wasm', steps: 1 });
  assert.equal(r.preset, 'fast');
  assert.equal(r.backend, 'wasm');
  assert.equal(r.batch, 32);
  assert.ok(r.threads >= 1);
  assert.ok(r.trainImagesPerSec > 0 && r.inferImagesPerSec > r.trainImagesPerSec, JSON.stringify(r));
});

test('bench --matmul measures the backend matrix product', { timeout: 60_000 }, async () => {
  const r = await runMatMulBench({ size: 96, backend: 'wasm' });
  assert.equal(r.backend, 'wasm');
  assert.equal(r.size, 96);
  assert.ok(Number.isFinite(r.gflops) && r.gflops > 0, JSON.stringify(r));
});
