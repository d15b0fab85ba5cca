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
//
// Left to itself, a threaded start that goes wrong is worse than slow (measured): a pthread worker
// script that throws crashes the process (the glue rethrows the worker's error; exit code 7), a
// worker that never answers leaves tf.setBackend pending forever, and a missing threaded .wasm
// makes setBackend return false with 8 pthread workers left holding the process open. So while
// the threaded build starts, its workers are also made by a subclass of worker_threads' Worker
// that turns an error or exit into the end of the attempt, and a timeout bounds it; startWasm()
// then cleans the attempt away and initialises the single-threaded build in the same process.
// That works because no tfjs state that matters outlives an attempt: tfjs-core calls the backend
// factory afresh on the next setBackend, and each call of tfjs-backend-wasm's init() builds a new
// emscripten module; what the dead attempt leaves (its workers, the process listeners its glue
// added, its pending setBackend) is removed or made obsolete below. Measured from the bundle on a
// busy 2-core machine: a worker that fails to load ends the attempt ~0.5 s after it starts, and
// the single-threaded build then starts in ~20 ms; the guard adds nothing measurable to a good start.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
// The module object itself (not a namespace copy): the glue calls require('os').cpus() on it.
import os from 'node:os';
import * as path from 'node:path';
// Likewise the module object: the glue reads require('worker_threads').Worker when it starts.
import workerThreads from 'node:worker_threads';
import { env, findBackend, findBackendFactory, registerBackend, removeBackend } from '@tensorflow/tfjs-core';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';

export const SUPPORTED_WASM_VERSION = '4.22.0';
const THREADED_WASM = 'tfjs-backend-wasm-threaded-simd.wasm';
// tfjs-backend-wasm registers its factory with this priority (base.ts, WASM_PRIORITY).
const WASM_PRIORITY = 2;

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

type WorkerCtor = typeof workerThreads.Worker;

/** What startWasm() did; `threadsFailure` says why threads were given up, when they were. */
export interface WasmStart {
  threadsFailure?: string;
}

export interface WasmStartOptions {
  /** Threads wanted; below 2 the single-threaded build is used without trying threads. */
  threads: number;
  /** The folder (with trailing separator) given to setWasmPaths. */
  wasmDir: string;
  /** Bound on each initialisation attempt (threaded, then single-threaded). */
  timeoutMs: number;
  /** Calls tf.setBackend('wasm'). */
  init: () => Promise<boolean>;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * Initialises the wasm backend: the threaded build with `threads` threads when this process can
 * try it, else or if that fails the single-threaded build. Each attempt is bounded by `timeoutMs`.
 * Throws (saying why for each attempt) when neither starts; never waits longer than two timeouts.
 */
export async function startWasm(options: WasmStartOptions): Promise<WasmStart> {
  let threadsFailure: string | undefined;
  if (options.threads >= 2) {
    if (!wasmThreadsSupported()) {
      threadsFailure = `wasm threads need tfjs-backend-wasm ${SUPPORTED_WASM_VERSION}, found ${tfWasm.version_wasm}`;
    } else if (!existsSync(options.wasmDir + THREADED_WASM)) {
      threadsFailure = `${THREADED_WASM} is missing from ${options.wasmDir}`;
    } else {
      threadsFailure = await tryThreaded(options);
      if (threadsFailure === undefined) return {};
    }
  }
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (threadsFailure !== undefined) tfWasm.setThreadsCount(1);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`did not initialise within ${seconds(options.timeoutMs)}`), options.timeoutMs);
  });
  const failure = await Promise.race([
    options.init().then(
      (ok) => (ok ? undefined : "did not initialise (emscripten's reason is on stderr)"),
      (err: unknown) => message(err),
    ),
    timedOut,
  ]);
  clearTimeout(timer);
  if (failure === undefined) return { threadsFailure };
  // A late answer from the abandoned attempt must not install a backend behind the caller's back.
  reregisterWasm();
  throw new Error(threadsFailure === undefined ? failure : `${options.threads} threads: ${threadsFailure}; 1 thread: ${failure}`);
}

/**
 * Makes tfjs-core forget a wasm initialisation that is still pending: removeBackend marks its
 * promise obsolete (an answer that comes later is dropped), and the same factory is registered
 * again so the next setBackend('wasm') calls it afresh.
 */
function reregisterWasm(): void {
  const factory = findBackendFactory('wasm');
  if (!factory) return;
  removeBackend('wasm');
  registerBackend('wasm', factory, WASM_PRIORITY);
}

/**
 * One attempt at the threaded build; undefined when it started, else why not. On failure nothing
 * of it is left running: its pthread workers are disowned (none of their events reaches the glue
 * any more, so its module can never finish initialising) and terminated, and the process
 * listeners its glue added are removed.
 */
async function tryThreaded(options: WasmStartOptions): Promise<string | undefined> {
  const { threads, timeoutMs, init } = options;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digitlens-wasm-'));
  const originalBlob = globalThis.Blob;
  // Kept as they are to be put back as they were; called below through .call(URL, ...).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalCreate = URL.createObjectURL;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalRevoke = URL.revokeObjectURL;
  const originalCpus = os.cpus;
  const OriginalWorker: WorkerCtor = workerThreads.Worker;
  const listenersBefore = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  const workers: InstanceType<WorkerCtor>[] = [];
  let ready = 0;
  let state: 'starting' | 'started' | 'failed' = 'starting';
  let fail: (reason: string) => void = () => {};
  const failed = new Promise<string>((resolve) => {
    fail = (reason) => {
      if (state !== 'starting') return;
      // Synchronously, before any later event is dispatched: from here on the glue hears nothing.
      state = 'failed';
      resolve(reason);
    };
  });

  // The glue's own handlers rethrow a pthread worker's error (which crashes the process: seen
  // with a worker script that throws, exit code 7) and ignore a worker that exits or never
  // answers (setBackend then never settles). While the attempt runs, those events end it instead.
  class PthreadWorker extends OriginalWorker {
    constructor(filename: string | URL, workerOptions?: workerThreads.WorkerOptions) {
      super(filename, workerOptions);
      workers.push(this);
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (state === 'started' || !workers.includes(this)) return super.emit(event, ...args);
      if (state === 'starting' && event === 'error') fail(`a pthread worker failed to load: ${message(args[0])}`);
      if (state === 'starting' && event === 'exit') fail(`a pthread worker exited (code ${String(args[0])}) before it was ready`);
      if (state === 'failed') return false;
      if (event === 'message' && (args[0] as { cmd?: unknown } | undefined)?.cmd === 'loaded') ready++;
      return super.emit(event, ...args);
    }
  }

  let n = 0;
  class ScriptFile implements ScriptBlob {
    __path: string;
    constructor(parts: string[]) {
      let text = parts.join('');
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        // Known before any pthread worker exists: its workers would fail on the renamed names.
        if (!text.includes('require$$0') || !text.includes('commonjsGlobal')) fail('wasm threads need the unminified bundle');
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
  workerThreads.Worker = PthreadWorker;
  const timer = setTimeout(
    () => fail(`the threaded build did not start within ${seconds(timeoutMs)}; ${ready} of ${workers.length} pthread workers ready`),
    timeoutMs,
  );
  let failure: string | undefined;
  try {
    failure = await Promise.race([
      init().then(
        (ok) => (ok ? undefined : "the threaded build did not initialise (emscripten's reason is on stderr)"),
        (err: unknown) => message(err),
      ),
      failed,
    ]);
  } finally {
    clearTimeout(timer);
    globalThis.Blob = originalBlob;
    URL.createObjectURL = originalCreate;
    URL.revokeObjectURL = originalRevoke;
    os.cpus = originalCpus;
    workerThreads.Worker = OriginalWorker;
    // The glue keeps the class it found as its global `Worker` (for threads it adds later): give
    // it the plain one, so this guard lives no longer than the attempt.
    if ((globalThis as { Worker?: unknown }).Worker === PthreadWorker) (globalThis as { Worker?: unknown }).Worker = OriginalWorker;
  }
  if (failure === undefined && state === 'starting') {
    state = 'started';
    workers.length = 0;
    unrefPthreadWorkers();
    // Every pthread worker of the glue's pool (8, more than the threads it runs) has loaded its
    // scripts by now: the files are read once, and a process that keeps them leaves a folder in
    // the temporary directory for good (an engine worker thread is terminated, and 'exit' does not
    // run there).
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  if (failure !== undefined) fail(failure);
  const reason = failure ?? (await failed);
  for (const w of workers) {
    w.unref();
    void w.terminate().catch(() => {});
  }
  removeListenersAddedSince('uncaughtException', listenersBefore.uncaughtException);
  removeListenersAddedSince('unhandledRejection', listenersBefore.unhandledRejection);
  rmSync(dir, { recursive: true, force: true });
  reregisterWasm();
  return reason;
}

/** Removes the listeners a dead attempt's glue added (they rethrow, and hold its module alive). */
function removeListenersAddedSince(event: 'uncaughtException' | 'unhandledRejection', before: readonly unknown[]): void {
  const emitter: NodeJS.EventEmitter = process;
  for (const listener of emitter.listeners(event)) {
    if (!before.includes(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
  }
}
