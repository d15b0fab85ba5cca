// The child process of backendFallback.test.ts (backend state is per process, so each case gets
// one): initialises the backend named by argv[2] under whatever the environment forces
// (DIGITLENS_WASM_THREADS_FAULT, DIGITLENS_WASM_DIR, DIGITLENS_WASM_INIT_TIMEOUT_MS), checks a
// conv2d and its gradients on the result against the cpu backend, and prints one JSON line.
// It never calls process.exit: the test checks that it exits on its own.
import { performance } from 'node:perf_hooks';
import type { Rank, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { isBackendChoice } from '../../../common/domain';
import { initBackend, type BackendInfo } from './backend';
import { tf } from './tf';

export interface ChildReport {
  info?: BackendInfo;
  error?: string;
  initMs: number;
  /** wasm only: whether the backend's emscripten module is the threaded build (has a PThread pool). */
  pthreads?: boolean;
  /** wasm only: worst relative difference from the cpu backend over dx, dw of a conv2d. */
  worst?: number;
  doneAt: number;
}

async function convGrads(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const x = tf.randomUniform<Rank.R4>([2, 12, 12, 4], -1, 1, 'float32', 1);
  const w = tf.randomUniform<Rank.R4>([3, 3, 4, 8], -1, 1, 'float32', 2);
  const [dx, dw] = tf.grads((a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, 1, 'same'))([x, w]);
  return [(await dx.data()) as Float32Array, (await dw.data()) as Float32Array];
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const report: ChildReport = { initMs: 0, doneAt: 0 };
  try {
    const choice = process.argv[2];
    if (!isBackendChoice(choice)) throw new Error(`not a backend: ${choice}`);
    report.info = await initBackend(choice);
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
  }
  report.initMs = Math.round(performance.now() - t0);
  if (report.info?.name === 'wasm') {
    const backend = tf.findBackend('wasm') as unknown as { wasm: object };
    report.pthreads = 'PThread' in backend.wasm;
    const [onWasm, onCpu] = [await convGrads('wasm'), await convGrads('cpu')];
    report.worst = 0;
    onWasm.forEach((a, i) => {
      const b = onCpu[i];
      const scale = Math.max(1e-6, ...Array.from(b, Math.abs));
      for (let j = 0; j < a.length; j++) report.worst = Math.max(report.worst ?? 0, Math.abs(a[j] - b[j]) / scale);
    });
  }
  report.doneAt = Date.now();
  process.stdout.write(JSON.stringify(report) + '\n');
}

void main();
