// Multithreaded wasm under Node (a stretch goal; /work/shared/notes/tfjs-in-node.md, "Threads").
// tfjs 4.22 turns wasm threads off under Node (tfjs issue #3830): its threaded build hands the
// emscripten glue to its pthread workers as `blob:` URLs, which worker_threads cannot load, and
// its C++ side caps the pool at half the logical cores (1 on a 2-core machine).
// Only while the backend initialises, this stands in for `Blob` and `URL.createObjectURL` with
// versions that write the two scripts to real files (the worker script gets a prelude defining
// the names the unminified glue expects: require$$0..4 = fs, path, worker_threads, perf_hooks,
// os, and commonjsGlobal), and makes os.cpus() report 2x the threads wanted so the cap lets them
// through. This leans on tfjs-backend-wasm 4.22.0's internals exactly (wasmThreads.test.ts pins
// it); any other version, or a minified bundle, keeps the single-threaded build.
import { mkdtempSync, writeFileSync } from 'node:fs';
// The module object itself (not a namespace copy): the glue calls require('os').cpus() on it.
import os from 'node:os';
import * as path from 'node:path';
import { env, findBackend } from '@tensorflow/tfjs-core';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';

export const SUPPORTED_WASM_VERSION = '4.22.0';

const WORKER_PRELUDE =
  'global.require$$0=require("fs");global.require$$1=require("path");global.require$$2=require("worker_threads");' +
  'global.require$$3=require("perf_hooks");global.require$$4=require("os");global.commonjsGlobal=globalThis;' +
  'URL.createObjectURL=function(o){return o.__path};URL.revokeObjectURL=function(){};';

// Test hook (for tests only; never set in production): DIGITLENS_WASM_THREADS_FAULT=script makes
// every pthread worker script throw as it loads, =hang makes every pthread worker drop the messages
// it sends, so it never answers 'loaded'. It only adds to the worker prelude: unset, nothing changes.
function faultPrelude(): string {
  switch (process.env.DIGITLENS_WASM_THREADS_FAULT) {
    case 'script':
      return 'throw new Error("pthread worker script failed (DIGITLENS_WASM_THREADS_FAULT=script)");';
    case 'hang':
      return 'require("worker_threads").parentPort.postMessage=function(){};';
    default:
      return '';
  }
}

interface ScriptBlob {
  __path: string;
}

/** True when this process can try threads: the supported tfjs version and unminified glue. */
export function wasmThreadsSupported(): boolean {
  return tfWasm.version_wasm === SUPPORTED_WASM_VERSION;
}

interface PThreadPool {
  unusedWorkers: { unref(): void }[];
  runningWorkers: { unref(): void }[];
}

/** The pool's idle workers would keep the process alive after the work is done (a CLI would hang). */
function unrefPthreadWorkers(): void {
  const backend = findBackend('wasm') as unknown as { wasm?: { PThread?: PThreadPool } } | null;
  const pool = backend?.wasm?.PThread;
  if (!pool) return;
  for (const w of [...pool.unusedWorkers, ...pool.runningWorkers]) w.unref();
}

/**
 * Runs `init` (which must call tf.setBackend('wasm') for the first time) with the threaded wasm
 * build and `threads` threads. Falls back to plain `init()` when threads cannot be supported.
 */
export async function withWasmThreads(threads: number, init: () => Promise<boolean>): Promise<boolean> {
  if (!wasmThreadsSupported() || threads < 2) return init();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digitlens-wasm-'));
  const originalBlob = globalThis.Blob;
  const originalCreate = URL.createObjectURL;
  const originalRevoke = URL.revokeObjectURL;
  const originalCpus = os.cpus;
  let minified = false;
  let n = 0;
  class ScriptFile implements ScriptBlob {
    __path: string;
    constructor(parts: string[]) {
      let text = parts.join('');
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        minified = !text.includes('require$$0') || !text.includes('commonjsGlobal');
      } else if (text.includes('worker_threads')) {
        const prelude = WORKER_PRELUDE + faultPrelude();
        text = text.startsWith('"use strict";') ? `"use strict";${prelude}${text.slice(13)}` : prelude + text;
      }
      this.__path = path.join(dir, `script${n++}.js`);
      writeFileSync(this.__path, text);
    }
  }
  const cpus = originalCpus();
  const fakeCpus = Array.from({ length: Math.max(2 * threads, cpus.length) }, (_, i) => cpus[i % cpus.length]);
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  tfWasm.setThreadsCount(threads);
  (globalThis as { Blob: unknown }).Blob = ScriptFile;
  URL.createObjectURL = (o: Blob | MediaSource | ScriptBlob): string =>
    '__path' in o ? o.__path : originalCreate.call(URL, o as Blob);
  URL.revokeObjectURL = (url: string): void => {
    if (!url.startsWith(dir)) originalRevoke.call(URL, url);
  };
  os.cpus = () => fakeCpus;
  try {
    const ok = await init();
    if (minified) throw new Error('wasm threads need the unminified bundle');
    unrefPthreadWorkers();
    return ok;
  } finally {
    globalThis.Blob = originalBlob;
    URL.createObjectURL = originalCreate;
    URL.revokeObjectURL = originalRevoke;
    os.cpus = originalCpus;
  }
}
