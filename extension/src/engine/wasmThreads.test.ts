// Pins the multithreaded wasm workaround (wasmThreads.ts) to the tfjs version it was written for:
// with 2 threads requested, the threaded build loads, really runs 2 threads, computes what the CPU
// backend computes, and lets the process exit (this test file would hang otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import type { Rank, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { tf } from './tf';
import { initBackend } from './backend';
import { SUPPORTED_WASM_VERSION } from './wasmThreads';

test('the threaded wasm build runs 2 threads and matches the cpu backend', async () => {
  assert.equal(tfWasm.version_wasm, SUPPORTED_WASM_VERSION, 'tfjs-backend-wasm changed: re-check wasmThreads.ts against it');
  process.env.DIGITLENS_WASM_THREADS = '2';
  const info = await initBackend('wasm');
  assert.equal(info.name, 'wasm');
  assert.equal(info.threads, 2);
  assert.equal(info.note, undefined, 'a threaded start that works is not a fallback');
  assert.equal(tfWasm.getThreadsCount(), 2);
  const results: Float32Array[][] = [];
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    const x = tf.randomUniform<Rank.R4>([4, 16, 16, 8], -1, 1, 'float32', 1);
    const w = tf.randomUniform<Rank.R4>([3, 3, 8, 16], -1, 1, 'float32', 2);
    const [dx, dw] = tf.grads((a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, 1, 'same'))([x, w]);
    const m = tf.matMul(tf.reshape(x, [64, 128]), tf.reshape(x, [128, 64]));
    results.push([(await dx.data()) as Float32Array, (await dw.data()) as Float32Array, (await m.data()) as Float32Array]);
  }
  await tf.setBackend('wasm');
  results[0].forEach((a, i) => {
    const b = results[1][i];
    let scale = 1e-6;
    let worst = 0;
    for (const v of b) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]) / scale);
    assert.ok(worst < 1e-5, `result ${i} differs by ${worst}`);
  });
});
