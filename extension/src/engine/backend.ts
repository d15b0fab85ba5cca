// Picks and initialises the TensorFlow.js backend (DESIGN §4): auto = tfjs-node-gpu, tfjs-node,
// wasm, cpu, the first that loads. An explicit choice that fails is an error that says why.
// wasm falls back from threads to one thread (wasmThreads.ts), auto from wasm to cpu; either
// fallback is reported in BackendInfo.note, which the CLI prints and the extension logs. So is a
// native package that is installed but does not load (nativePackage.ts); one that is simply not
// installed is the usual case and no news.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_NAMES, type BackendChoice, type BackendName } from '../../../common/domain';
import { NATIVE_PACKAGES } from '../../../common/nativeBackends';
import { NativePackageError } from './nativePackage';
import { tf, useNativeTf, usingBundledTf } from './tf';
import { registerWasmKernels } from './wasmKernels';
import { startWasm } from './wasmThreads';

export interface BackendInfo {
  name: BackendName;
  /** Threads the backend computes with (wasm: its pthread pool; native: the CPU count it may use). */
  threads: number;
  /** Set when the engine fell back to get here (e.g. wasm threads failed to start): what and why. */
  note?: string;
}

let current: BackendInfo | undefined;

/**
 * Where the tfjs .wasm binaries are: dist/wasm/ beside the bundle (scripts/build.mjs copies them),
 * else the package in node_modules (running from source under tsx).
 */
export function findWasmDir(): string {
  // Test hook: DIGITLENS_WASM_DIR names the only folder to use (tests point it at a folder with
  // missing or broken binaries). Unset, the search below is unchanged.
  const override = process.env.DIGITLENS_WASM_DIR;
  if (override) {
    if (fs.existsSync(path.join(override, 'tfjs-backend-wasm-simd.wasm'))) return path.join(override, path.sep);
    throw new Error(`tfjs wasm binaries not found in ${override} (DIGITLENS_WASM_DIR)`);
  }
  const candidates = [
    path.join(__dirname, 'wasm'),
    path.join(__dirname, '..', 'wasm'),
    path.join(__dirname, '..', 'dist', 'wasm'),
  ];
  try {
    candidates.push(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')));
  } catch {
    // not resolvable from here (bundled without node_modules): the dist/ candidates remain
  }
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'tfjs-backend-wasm-simd.wasm'))) return dir + path.sep;
  }
  throw new Error(`tfjs wasm binaries not found (looked in ${candidates.join(', ')})`);
}

/**
 * Threads for the wasm backend: DIGITLENS_WASM_THREADS when set (1 = the stock single-threaded
 * build), else one per CPU up to 4. On a quiet 2-core machine 2 threads train ~1.4-1.6x faster.
 */
export function wasmThreadCount(): number {
  const fromEnv = Number(process.env.DIGITLENS_WASM_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, 8);
  return Math.max(1, Math.min(os.cpus().length, 4));
}

/**
 * Bound on each wasm initialisation attempt (the threaded one, then the single-threaded one).
 * A normal threaded start takes ~0.5 s from the bundle, 2-3 s under tsx on a busy 2-core machine,
 * so the default leaves room for a loaded machine; DIGITLENS_WASM_INIT_TIMEOUT_MS overrides it.
 */
export function wasmInitTimeoutMs(): number {
  const fromEnv = Number(process.env.DIGITLENS_WASM_INIT_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 8000;
}

async function tryInit(name: BackendName): Promise<BackendInfo> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      useNativeTf(NATIVE_PACKAGES[name]);
      const backendName = 'tensorflow'; // both native packages register under this name
      if (!(await tf.setBackend(backendName))) throw new Error(`${name}: backend '${backendName}' did not initialise`);
      return { name, threads: os.cpus().length };
    }
    case 'wasm': {
      if (!usingBundledTf()) throw new Error('wasm: a native backend is already loaded in this process');
      const wasmDir = findWasmDir();
      tfWasm.setWasmPaths(wasmDir);
      registerWasmKernels();
      const { threadsFailure } = await startWasm({
        threads: wasmThreadCount(),
        wasmDir,
        timeoutMs: wasmInitTimeoutMs(),
        init: () => tf.setBackend('wasm'),
      });
      const threads = tfWasm.getThreadsCount();
      if (threadsFailure === undefined) return { name, threads };
      return { name, threads, note: `wasm threads failed to start (${threadsFailure}); using ${threads} thread${threads === 1 ? '' : 's'}` };
    }
    case 'cpu': {
      // Naming an export keeps the bundler from dropping the package, whose import registers 'cpu'.
      if (!version_cpu) throw new Error('cpu: @tensorflow/tfjs-backend-cpu is not bundled');
      if (!usingBundledTf()) throw new Error('cpu: a native backend is already loaded in this process');
      if (!(await tf.setBackend('cpu'))) throw new Error('cpu: backend did not initialise');
      return { name, threads: 1 };
    }
  }
}

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0];
}

/** Initialises the backend once per process; a later call with another explicit choice throws. */
export async function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (current) {
    if (choice === 'auto' || choice === current.name) return current;
    throw new Error(`backend ${current.name} is already in use in this process; cannot switch to ${choice}`);
  }
  if (choice !== 'auto') {
    try {
      current = await tryInit(choice);
    } catch (err) {
      throw new Error(`backend ${choice} is not available: ${reason(err)}`);
    }
    return current;
  }
  const failures: string[] = [];
  // Installed native packages that did not load: the user asked for them, so their failure is news.
  const nativeFailures: string[] = [];
  let wasmFailure: string | undefined;
  for (const name of BACKEND_NAMES) {
    // Once a native package has loaded, the bundled backends are out of reach and vice versa.
    if ((name === 'wasm' || name === 'cpu') && !usingBundledTf()) continue;
    try {
      current = await tryInit(name);
      const news = [...nativeFailures];
      if (name === 'cpu' && wasmFailure) news.push(`wasm failed to start (${wasmFailure})`);
      // A wasm threads note already ends in what it uses; otherwise say what is used.
      if (news.length > 0) current = { ...current, note: `${news.join('; ')}; ${current.note ?? `using ${name}`}` };
      return current;
    } catch (err) {
      failures.push(`${name}: ${reason(err)}`);
      if (name === 'wasm') wasmFailure = reason(err);
      if (err instanceof NativePackageError) nativeFailures.push(`${name} not used: ${reason(err)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend loaded (${failures.join('; ')})`);
}

export function currentBackend(): BackendInfo | undefined {
  return current;
}
