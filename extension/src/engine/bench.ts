// bench --preset P: training and inference speed of a preset on the chosen backend, measured on
// random inputs (DESIGN §5): {"preset","backend","threads","batch","trainImagesPerSec","inferImagesPerSec"}.
// bench --matmul N: the backend's own ceiling, a float32 N x N x N matrix product in GFLOP/s
// (bench/sideBySide.ts sets it beside the machine's, numpy/OpenBLAS at 2048^3).
import type { Tensor } from '@tensorflow/tfjs-core';
import type { BackendChoice, BackendName, PresetName } from '../../../common/domain';
import { initBackend } from './backend';
import { encodeTargets, sequenceLoss } from './loss';
import { buildModel } from './model';
import { inputWidthOf, PRESETS } from './presets';
import { tf } from './tf';

export interface BenchResult {
  preset: PresetName;
  backend: BackendName;
  threads: number;
  batch: number;
  trainImagesPerSec: number;
  inferImagesPerSec: number;
}

export async function runBench(options: { preset: PresetName; backend: BackendChoice; steps?: number }): Promise<BenchResult> {
  const backend = await initBackend(options.backend);
  const spec = PRESETS[options.preset];
  const batch = spec.batchSize;
  const steps = options.steps ?? 5;
  const model = buildModel(spec, 1);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, spec.inputSize, inputWidthOf(spec), spec.channels], 0, 1, 'float32', 1);
  const labels = Array.from({ length: batch }, (_, i) => String(10 ** (i % 5) + i));
  const y = encodeTargets(labels);
  const trainStep = (): void => {
    const loss = optimizer.minimize(() => sequenceLoss(y, model.apply(x, { training: true }) as Tensor), true);
    loss?.dataSync();
    loss?.dispose();
  };
  const inferStep = (): void => {
    const out = model.predict(x) as Tensor;
    out.dataSync();
    out.dispose();
  };
  // One warm-up of each: the first call compiles kernels and packs weights.
  trainStep();
  inferStep();
  const time = (f: () => void): number => {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) f();
    return (performance.now() - t0) / 1000 / steps;
  };
  const train = time(trainStep);
  const infer = time(inferStep);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return {
    preset: options.preset,
    backend: backend.name,
    threads: backend.threads,
    batch,
    trainImagesPerSec: batch / train,
    inferImagesPerSec: batch / infer,
  };
}

export interface MatMulBenchResult {
  backend: BackendName;
  threads: number;
  size: number;
  gflops: number;
}

/** GFLOP/s of an n x n x n float32 matrix product on the current backend (best of `repeats`, after a warm-up). */
export function matMulGflops(n: number, repeats = 3): { gflops: number } {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  let best = Infinity;
  for (let i = 0; i <= repeats; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    if (i > 0) best = Math.min(best, performance.now() - t0);
  }
  tf.dispose([a, b]);
  return { gflops: (2 * n ** 3) / (best / 1000) / 1e9 };
}

export async function runMatMulBench(options: { size: number; backend: BackendChoice }): Promise<MatMulBenchResult> {
  const backend = await initBackend(options.backend);
  return { backend: backend.name, threads: backend.threads, size: options.size, ...matMulGflops(options.size) };
}
