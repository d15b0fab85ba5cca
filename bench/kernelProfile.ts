// Where a training step's time goes, per kernel (issue 10), on the backend the engine would use:
//   node --import tsx bench/kernelProfile.ts [--preset fast] [--steps 5] [--matmul 1024]
// Prints, per kernel: ms per step, share of the step, GFLOP per step (the conv and matrix kernels)
// and GFLOP/s, beside the backend's own matrix-product ceiling at --matmul (2 threads when wasm
// threads start) and, when given, the machine's (--native-gflops G, e.g. numpy/OpenBLAS from
// bench/pytorchPeer.py --ceiling 2048). "not in a kernel" is the step's wall time no kernel
// accounts for: the engine's bookkeeping, tapes, and JavaScript between kernels.
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkKnownFlags, numberFlag, parseArgs } from '../extension/src/cli/args';
import { PRESET_NAMES, type PresetName } from '../common/domain';
import { initBackend } from '../extension/src/engine/backend';
import { matMulGflops } from '../extension/src/engine/bench';
import { encodeTargets, sequenceLoss } from '../extension/src/engine/loss';
import { buildModel } from '../extension/src/engine/model';
import { inputWidthOf, PRESETS } from '../extension/src/engine/presets';
import { tf } from '../extension/src/engine/tf';

const args = parseArgs(process.argv.slice(2), ['by-shape']);
checkKnownFlags(args, ['preset', 'steps', 'matmul', 'native-gflops', 'by-shape']);
/** One row per kernel and input shapes instead of one per kernel. */
const byShape = args.flags.get('by-shape') === true;
const presetFlag = args.flags.get('preset') ?? 'fast';
if (!(PRESET_NAMES as readonly unknown[]).includes(presetFlag)) throw new Error(`unknown preset ${String(presetFlag)}`);
const preset = presetFlag as PresetName;
const steps = numberFlag(args, 'steps', { min: 1, integer: true }) ?? 5;
const matmulSize = numberFlag(args, 'matmul', { min: 16, integer: true }) ?? 1024;
const nativeGflops = numberFlag(args, 'native-gflops', { min: 0 });

/** Multiply-adds x 2 of the kernels whose work is a convolution or a matrix product; 0 for the rest. */
function flopsOf(name: string, inputs: number[][], outputs: number[][]): number {
  const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D': // every output value takes KH*KW*Ci multiply-adds (filter [KH,KW,Ci,Co])
      return 2 * prod(outputs[0]) * (prod(inputs[1]) / inputs[1][3]);
    case 'Conv2DBackpropInput': // inputs dy, filter: every dy value meets KH*KW*Ci filter taps
      return 2 * prod(inputs[0]) * (prod(inputs[1]) / inputs[1][3]);
    case 'Conv2DBackpropFilter': // inputs x, dy; output the filter
      return 2 * prod(inputs[1]) * (prod(outputs[0]) / outputs[0][3]);
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const a = inputs[0];
      const o = outputs[0];
      // out [.., M, N]; the shared dimension is whichever of a's last two is not M.
      const m = o[o.length - 2];
      const k = a[a.length - 1] === m && a[a.length - 2] !== m ? a[a.length - 2] : a[a.length - 1];
      return 2 * prod(o) * k;
    }
    default:
      return 0;
  }
}

async function main(): Promise<void> {
  const backend = await initBackend('auto');
  // Under tsx on a loaded machine the threaded start can exceed its timeout (DIGITLENS_WASM_INIT_TIMEOUT_MS).
  if (backend.note) process.stdout.write(`note: ${backend.note}\n`);
  const spec = PRESETS[preset];
  const batch = spec.batchSize;
  const model = buildModel(spec, 1);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, spec.inputSize, inputWidthOf(spec), spec.channels], 0, 1, 'float32', 1);
  const y = encodeTargets(Array.from({ length: batch }, (_, i) => String(10 ** (i % 5) + i)));
  const trainStep = (): void => {
    const loss = optimizer.minimize(() => sequenceLoss(y, model.apply(x, { training: true }) as Tensor), true);
    loss?.dataSync();
    loss?.dispose();
  };
  trainStep();
  trainStep();
  const byKernel = new Map<string, { ms: number; flops: number; calls: number }>();
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const info = await tf.profile(trainStep);
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      // A custom-gradient op (e.g. fusedConv2d__op) is listed besides the kernels it runs: its time is theirs.
      if (k.name.endsWith('__op')) continue;
      const key = byShape ? `${k.name} ${JSON.stringify(k.inputShapes)}` : k.name;
      const e = byKernel.get(key) ?? { ms: 0, flops: 0, calls: 0 };
      const timing = await k.kernelTimeMs;
      if (typeof timing !== 'number') throw new Error(`no kernel timing for ${k.name}: ${timing.error}`);
      e.ms += timing;
      e.flops += flopsOf(k.name, k.inputShapes, k.outputShapes);
      e.calls++;
      byKernel.set(key, e);
    }
  }
  const ceiling = matMulGflops(matmulSize);
  const stepMs = wall / steps;
  const rows = [...byKernel.entries()].map(([name, e]) => ({ name, ms: e.ms / steps, flops: e.flops / steps, calls: e.calls / steps }));
  rows.sort((a, b) => b.ms - a.ms);
  const kernelMs = rows.reduce((s, r) => s + r.ms, 0);
  rows.push({ name: 'not in a kernel', ms: stepMs - kernelMs, flops: 0, calls: 0 });
  const fmt = (v: number, d = 1): string => v.toFixed(d);
  process.stdout.write(
    `${preset} on ${backend.name} (${backend.threads} threads), batch ${batch}: step ${fmt(stepMs)} ms profiled (${fmt((batch / stepMs) * 1000)} img/s), ` +
      `${steps} steps; ${backend.name} matMul ${matmulSize}^3: ${fmt(ceiling.gflops)} GFLOP/s` +
      (nativeGflops === undefined ? '' : `; native ceiling ${fmt(nativeGflops)} GFLOP/s`) + '\n\n',
  );
  process.stdout.write(`| kernel | calls/step | ms/step | share | GFLOP/step | GFLOP/s | of ${backend.name} ceiling |${nativeGflops === undefined ? '' : ' of native ceiling |'}\n`);
  process.stdout.write(`|---|---|---|---|---|---|---|${nativeGflops === undefined ? '' : '---|'}\n`);
  for (const r of rows) {
    if (r.ms / stepMs < 0.005) continue;
    const g = r.flops > 0 ? (r.flops / 1e9) / (r.ms / 1000) : 0;
    process.stdout.write(
      `| ${r.name} | ${r.calls ? fmt(r.calls, 0) : ''} | ${fmt(r.ms)} | ${fmt((100 * r.ms) / stepMs)}% | ${r.flops ? fmt(r.flops / 1e9, 3) : ''} | ` +
        `${g ? fmt(g) : ''} | ${g ? fmt((100 * g) / ceiling.gflops) + '%' : ''} |${nativeGflops === undefined ? '' : ` ${g ? fmt((100 * g) / nativeGflops) + '%' : ''} |`}\n`,
    );
  }
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
}

void main();
