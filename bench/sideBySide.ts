// The engine against PyTorch on the same CPU, alternated (issue 10):
//   npm run build && node --import tsx bench/sideBySide.ts [--rounds 3] [--steps 5] [--presets fast,goodfellow2014] [--matmul 2048]
//     [--baseline OTHER/dist/cli.js]   (also an older build of the engine, in the same alternation)
// Each round runs, per preset, `digit-lens bench --preset P --json` (dist/cli.js, the wasm backend)
// and bench/pytorchPeer.py on the same architecture (the preset's spec is passed to it as JSON),
// in alternating order, each in a fresh process; then both ceilings: a float32 matrix product of
// --matmul^3 on the wasm backend and through numpy/OpenBLAS (the machine's). Prints the medians,
// the ratios, and the load average while it ran (on a shared machine only ratios from one run
// compare). Installs Debian's python3-torch and libopenblas0-pthread with apt-get when missing:
// without OpenBLAS Debian's torch uses reference BLAS and looks 2-3x slower than it is.
import { execFileSync, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { HEADS } from '../common/heads';
import { PRESET_NAMES, type PresetName } from '../common/domain';
import { checkKnownFlags, numberFlag, parseArgs } from '../extension/src/cli/args';
import { PRESETS } from '../extension/src/engine/presets';

const args = parseArgs(process.argv.slice(2));
checkKnownFlags(args, ['rounds', 'steps', 'presets', 'matmul', 'threads', 'baseline']);
const rounds = numberFlag(args, 'rounds', { min: 1, integer: true }) ?? 3;
const steps = numberFlag(args, 'steps', { min: 1, integer: true }) ?? 5;
const matmul = numberFlag(args, 'matmul', { min: 16, integer: true }) ?? 2048;
// The engine's default on a 2-core machine (engine/backend.ts wasmThreadCount); PyTorch gets the same.
const threads = numberFlag(args, 'threads', { min: 1, integer: true }) ?? Math.max(1, Math.min(os.cpus().length, 4));
const presetsFlag = args.flags.get('presets');
const presets = (typeof presetsFlag === 'string' ? presetsFlag.split(',') : [...PRESET_NAMES]) as PresetName[];
for (const p of presets) if (!(PRESET_NAMES as readonly string[]).includes(p)) throw new Error(`unknown preset ${p}`);

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const baselineFlag = args.flags.get('baseline');
const baseline = typeof baselineFlag === 'string' ? path.resolve(baselineFlag) : undefined;
const peer = path.join(__dirname, 'pytorchPeer.py');
// Debian's torch is for Debian's python, not a python that may come first on PATH (pyenv, venv).
const python = '/usr/bin/python3';

function peerInstalled(): boolean {
  const torch = spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
  const openblas = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'libopenblas0-pthread'], { encoding: 'utf8' }).stdout.includes('install ok installed');
  return torch && openblas;
}

function ensurePeer(): void {
  if (peerInstalled()) return;
  process.stdout.write('installing python3-torch and libopenblas0-pthread with apt-get ...\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'python3-torch', 'python3-numpy', 'libopenblas0-pthread'], { stdio: 'inherit', env });
  if (!peerInstalled()) throw new Error('python3-torch or libopenblas0-pthread is still missing after apt-get install');
}

function runJson(cmd: string, argv: string[], extraEnv: Record<string, string> = {}): Record<string, unknown> {
  const out = execFileSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...extraEnv }, maxBuffer: 1 << 20 });
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}

interface Sample {
  train: number;
  infer: number;
}

function ours(preset: PresetName, engineCli = cli): Sample {
  const r = runJson(process.execPath, [engineCli, 'bench', '--preset', preset, '--backend', 'wasm', '--steps', String(steps), '--json'], {
    DIGITLENS_WASM_THREADS: String(threads),
  });
  if (r.threads !== threads) process.stdout.write(`  note: the engine ran with ${String(r.threads)} threads, not ${threads}\n`);
  return { train: Number(r.trainImagesPerSec), infer: Number(r.inferImagesPerSec) };
}

function pytorch(preset: PresetName): Sample {
  const heads = HEADS.map((h) => h.size).join(',');
  const r = runJson(python, [peer, '--spec', JSON.stringify(PRESETS[preset]), '--heads', heads, '--steps', String(steps), '--threads', String(threads)], {
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
  });
  return { train: Number(r.trainImagesPerSec), infer: Number(r.inferImagesPerSec) };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(): void {
  ensurePeer();
  const load: number[] = [os.loadavg()[0]];
  const samples = new Map<string, Sample[]>();
  const add = (key: string, s: Sample): void => void samples.set(key, [...(samples.get(key) ?? []), s]);
  const wasmCeiling: number[] = [];
  const nativeCeiling: number[] = [];
  const torchCeiling: number[] = [];
  const started = Date.now();
  for (let round = 0; round < rounds; round++) {
    for (const preset of presets) {
      // Alternate who goes first, so a change of load during a round does not favour one side.
      const sides: ('ours' | 'pytorch' | 'baseline')[] = baseline ? ['ours', 'baseline', 'pytorch'] : ['ours', 'pytorch'];
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const who of order) {
        const s = who === 'pytorch' ? pytorch(preset) : ours(preset, who === 'baseline' ? baseline : cli);
        add(`${preset} ${who}`, s);
        load.push(os.loadavg()[0]);
        process.stdout.write(`round ${round + 1} ${preset} ${who}: train ${s.train.toFixed(1)}, inference ${s.infer.toFixed(1)} img/s (load ${os.loadavg()[0].toFixed(1)})\n`);
      }
    }
    const w = runJson(process.execPath, [cli, 'bench', '--matmul', String(matmul), '--backend', 'wasm', '--json'], { DIGITLENS_WASM_THREADS: String(threads) });
    const n = runJson(python, [peer, '--ceiling', String(matmul), '--threads', String(threads)], { OPENBLAS_NUM_THREADS: String(threads) });
    wasmCeiling.push(Number(w.gflops));
    nativeCeiling.push(Number(n.numpyGflops));
    torchCeiling.push(Number(n.torchGflops));
    process.stdout.write(`round ${round + 1} matMul ${matmul}^3: wasm ${Number(w.gflops).toFixed(1)}, numpy ${Number(n.numpyGflops).toFixed(1)}, torch ${Number(n.torchGflops).toFixed(1)} GFLOP/s\n`);
  }
  const torchVersion = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
  process.stdout.write(
    `\n${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} logical cores, ${threads} threads each side; ${rounds} rounds of ${steps} timed steps, batch per preset; ` +
      `PyTorch ${torchVersion}; ${((Date.now() - started) / 60000).toFixed(1)} min; load average (1 min) during the run: ` +
      `median ${median(load).toFixed(1)}, ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}\n\n`,
  );
  process.stdout.write('| preset | train ours / PyTorch (img/s) | ratio | inference ours / PyTorch (img/s) | ratio |\n|---|---|---|---|---|\n');
  for (const preset of presets) {
    const o = samples.get(`${preset} ours`) ?? [];
    const t = samples.get(`${preset} pytorch`) ?? [];
    const ot = median(o.map((s) => s.train));
    const tt = median(t.map((s) => s.train));
    const oi = median(o.map((s) => s.infer));
    const ti = median(t.map((s) => s.infer));
    process.stdout.write(`| ${preset} | ${ot.toFixed(1)} / ${tt.toFixed(1)} | ${(ot / tt).toFixed(2)}x | ${oi.toFixed(1)} / ${ti.toFixed(1)} | ${(oi / ti).toFixed(2)}x |\n`);
    const b = samples.get(`${preset} baseline`);
    if (b) {
      const bt = median(b.map((x) => x.train));
      const bi = median(b.map((x) => x.infer));
      process.stdout.write(`| ${preset}, baseline | ${bt.toFixed(1)} / ${tt.toFixed(1)} | ${(bt / tt).toFixed(2)}x | ${bi.toFixed(1)} / ${ti.toFixed(1)} | ${(bi / ti).toFixed(2)}x |\n`);
    }
  }
  if (baseline) process.stdout.write(`\nbaseline: ${baseline}\n`);
  process.stdout.write(
    `\nmatMul ${matmul}^3 float32 (median GFLOP/s): wasm ${median(wasmCeiling).toFixed(1)}, numpy/OpenBLAS ${median(nativeCeiling).toFixed(1)}, ` +
      `torch ${median(torchCeiling).toFixed(1)}; wasm/native ${(median(wasmCeiling) / median(nativeCeiling)).toFixed(2)}x\n`,
  );
}

main();
