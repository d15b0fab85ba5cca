// The replacement wasm kernels against the CPU backend's reference kernels, on random shapes
// with strides and 'same'/'valid' padding, through the real gradient code paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { tf } from './tf';
import { initBackend } from './backend';

type Case = { b: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: 'same' | 'valid' };

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function randomArray(n: number, r: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r();
  return a;
}

async function convGrads(backend: string, c: Case, xData: Float32Array, wData: Float32Array, dyData: Float32Array | null): Promise<{ dx: Float32Array; dw: Float32Array; y: number[] }> {
  await tf.setBackend(backend);
  const x = tf.tensor4d(xData, [c.b, c.h, c.w, c.ci]);
  const w = tf.tensor4d(wData, [c.k, c.k, c.ci, c.co]);
  const y = tf.conv2d(x, w, c.s, c.pad);
  const dy = dyData ? tf.tensor(dyData, y.shape) : tf.onesLike(y);
  const g = tf.grads((a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, c.s, c.pad));
  const [dx, dw] = g([x, w], dy);
  const out = { dx: (await dx.data()) as Float32Array, dw: (await dw.data()) as Float32Array, y: y.shape };
  tf.dispose([x, w, y, dy, dx, dw]);
  return out;
}

function maxRelError(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

test('wasm conv2d gradients match the cpu backend (strides, same/valid padding)', async () => {
  await initBackend('wasm');
  const r = rng(7);
  const cases: Case[] = [
    { b: 2, h: 9, w: 9, ci: 3, co: 4, k: 3, s: 1, pad: 'same' },
    { b: 3, h: 8, w: 11, ci: 5, co: 6, k: 5, s: 1, pad: 'valid' },
    { b: 2, h: 10, w: 9, ci: 4, co: 3, k: 3, s: 2, pad: 'same' },
    { b: 2, h: 11, w: 10, ci: 2, co: 5, k: 3, s: 2, pad: 'valid' },
    { b: 1, h: 13, w: 12, ci: 3, co: 2, k: 5, s: 3, pad: 'same' },
    { b: 2, h: 12, w: 14, ci: 3, co: 2, k: 4, s: 3, pad: 'valid' },
  ];
  for (const c of cases) {
    const xData = randomArray(c.b * c.h * c.w * c.ci, r);
    const wData = randomArray(c.k * c.k * c.ci * c.co, r);
    const ref = await convGrads('cpu', c, xData, wData, null);
    const dyData = randomArray(ref.y.reduce((p, q) => p * q, 1), r);
    const cpu = await convGrads('cpu', c, xData, wData, dyData);
    const wasm = await convGrads('wasm', c, xData, wData, dyData);
    assert.deepEqual(wasm.y, cpu.y);
    const ex = maxRelError(wasm.dx, cpu.dx);
    const ew = maxRelError(wasm.dw, cpu.dw);
    assert.ok(ex < 1e-4, `dx differs for ${JSON.stringify(c)}: ${ex}`);
    assert.ok(ew < 1e-4, `dw differs for ${JSON.stringify(c)}: ${ew}`);
  }
  await tf.setBackend('wasm');
});

test('wasm transposed BatchMatMul matches the cpu backend', async () => {
  await initBackend('wasm');
  const r = rng(11);
  for (const [ta, tb] of [[true, false], [false, true], [true, true]] as const) {
    const aShape = ta ? [2, 7, 5] : [2, 5, 7];
    const bShape = tb ? [2, 4, 7] : [2, 7, 4];
    const aData = randomArray(70, r);
    const bData = randomArray(56, r);
    const results: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const out = tf.matMul(tf.tensor3d(aData, aShape as [number, number, number]), tf.tensor3d(bData, bShape as [number, number, number]), ta, tb);
      results.push((await out.data()) as Float32Array);
    }
    assert.ok(maxRelError(results[1], results[0]) < 1e-5, `transposeA=${ta} transposeB=${tb}`);
    // rank 2, as the dense layers' gradients call it
    await tf.setBackend('cpu');
    const a2 = ta ? [7, 10] : [10, 7];
    const b2 = tb ? [4, 7] : [7, 4];
    const a2Data = randomArray(70, r);
    const b2Data = randomArray(28, r);
    const cpu = (await tf.matMul(tf.tensor2d(a2Data, a2 as [number, number]), tf.tensor2d(b2Data, b2 as [number, number]), ta, tb).data()) as Float32Array;
    await tf.setBackend('wasm');
    const wasm = (await tf.matMul(tf.tensor2d(a2Data, a2 as [number, number]), tf.tensor2d(b2Data, b2 as [number, number]), ta, tb).data()) as Float32Array;
    assert.ok(maxRelError(wasm, cpu) < 1e-5, `rank 2 transposeA=${ta} transposeB=${tb}`);
  }
});

test('wasm BatchMatMul with a large second operand (computed transposed) matches the cpu backend', async () => {
  await initBackend('wasm');
  const r = rng(19);
  // [a shape, b shape, transposeA, transposeB]: b the larger operand, so the kernel computes (b . a^T)^T;
  // odd sizes, a single row, rank 3 with batch 1, and the dense layers' own shape.
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 5], [41, 5], false, true],
    [[1, 7], [33, 7], false, true],
    [[5, 3], [41, 5], true, true],
    [[1, 3, 9], [1, 57, 9], false, true],
    [[32, 512], [6720, 512], false, true],
    [[4, 6], [6, 50], false, false],
    [[6, 4], [6, 50], true, false],
  ];
  for (const [aShape, bShape, ta, tb] of cases) {
    const aData = randomArray(aShape.reduce((p, q) => p * q, 1), r);
    const bData = randomArray(bShape.reduce((p, q) => p * q, 1), r);
    const results: { data: Float32Array; shape: number[] }[] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const out = tf.matMul(tf.tensor(aData, aShape), tf.tensor(bData, bShape), ta, tb);
      results.push({ data: (await out.data()) as Float32Array, shape: out.shape });
      out.dispose();
    }
    assert.deepEqual(results[1].shape, results[0].shape);
    const e = maxRelError(results[1].data, results[0].data);
    assert.ok(e < 1e-5, `${JSON.stringify([aShape, bShape, ta, tb])}: ${e}`);
  }
});

test('wasm maxPool gradient and leading-axes sum match the cpu backend', async () => {
  await initBackend('wasm');
  const r = rng(13);
  const pools: { shape: [number, number, number, number]; k: number | [number, number]; s: number | [number, number]; pad: 'same' | 'valid' }[] = [
    { shape: [2, 7, 6, 3], k: [2, 1], s: [2, 1], pad: 'same' },
    { shape: [2, 8, 8, 3], k: 2, s: 2, pad: 'same' },
    { shape: [2, 9, 7, 4], k: 2, s: 2, pad: 'same' },
    { shape: [1, 9, 9, 2], k: 2, s: 2, pad: 'valid' },
    { shape: [2, 7, 6, 3], k: 2, s: 1, pad: 'same' },
    { shape: [1, 10, 10, 2], k: 3, s: 2, pad: 'same' },
  ];
  for (const p of pools) {
    const xData = randomArray(p.shape.reduce((a, b) => a * b, 1), r);
    const results: Float32Array[] = [];
    let dyData: Float32Array | undefined;
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const x = tf.tensor4d(xData, p.shape);
      const y = tf.maxPool(x, p.k, p.s, p.pad);
      dyData ??= randomArray(y.size, r);
      const dx = tf.grad((a: Tensor) => tf.maxPool(a as Tensor4D, p.k, p.s, p.pad))(x, tf.tensor(dyData, y.shape));
      results.push((await dx.data()) as Float32Array);
    }
    assert.ok(maxRelError(results[1], results[0]) < 1e-6, `maxPool grad differs for ${JSON.stringify(p)}`);
  }
  for (const [shape, axis] of [[[4, 9, 9, 5], [0, 1, 2]], [[300, 7], 0], [[20, 30, 3], [0, 1]], [[3, 4, 5], [1, 2]]] as const) {
    const data = randomArray(shape.reduce((a: number, b: number) => a * b, 1), r);
    const results: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      results.push((await tf.sum(tf.tensor(data, [...shape]), [...(Array.isArray(axis) ? axis : [axis])], true).data()) as Float32Array);
    }
    assert.ok(maxRelError(results[1], results[0]) < 1e-5, `sum differs for ${JSON.stringify(shape)} over ${String(axis)}`);
  }
});

test('wasm tile and leading-axes mean match the cpu backend; batch norm gradients too', async () => {
  await initBackend('wasm');
  const r = rng(17);
  for (const [shape, reps] of [[[1, 1, 1, 5], [3, 4, 2, 1]], [[2, 3], [2, 3]], [[4], [3]], [[2, 1, 3], [1, 4, 2]]] as const) {
    const data = randomArray(shape.reduce((a: number, b: number) => a * b, 1), r);
    const results: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      results.push((await tf.tile(tf.tensor(data, [...shape]), [...reps]).data()) as Float32Array);
    }
    assert.deepEqual(results[1], results[0], `tile ${JSON.stringify(shape)} x ${JSON.stringify(reps)}`);
  }
  const xData = randomArray(3 * 6 * 5 * 4, r);
  const dyData = randomArray(3 * 6 * 5 * 4, r);
  const results: Float32Array[][] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const x = tf.tensor4d(xData, [3, 6, 5, 4]);
    const mean = (await tf.mean(x, [0, 1, 2], true).data()) as Float32Array;
    const gamma = tf.tensor1d([1, 2, 0.5, -1]);
    const f = (a: Tensor, g: Tensor): Tensor => {
      const m = tf.moments(a, [0, 1, 2]);
      return tf.batchNorm(a, m.mean, m.variance, tf.zeros([4]), g, 1e-3);
    };
    const [dx, dg] = tf.grads(f)([x, gamma], tf.tensor4d(dyData, [3, 6, 5, 4]));
    results.push([mean, (await dx.data()) as Float32Array, (await dg.data()) as Float32Array]);
  }
  results[0].forEach((ref, i) => assert.ok(maxRelError(results[1][i], ref) < 1e-4, `batch norm part ${i}`));
});
