// bench --preset P: training and inference speed of a preset on the chosen backend, measured on
// random inputs (DESIGN §5): {"preset","backend","threads","batch","trainImagesPerSec","inferImagesPerSec"}.
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
