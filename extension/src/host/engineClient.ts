// The host side of the engine protocol (common/engineProtocol.ts): runs dist/engineWorker.js in a
// worker_threads Worker so the extension host stays responsive while TensorFlow.js trains. Every
// method of EngineMethods is one `call`; what the worker sends is checked before it is believed.
// No `vscode` import: the same client runs under node:test.
import { Worker } from 'node:worker_threads';
import { NATIVE_MODULES_ENV } from '../../../common/nativeBackends';
import type { BackendChoice } from '../../../common/domain';
import {
  isEngineMessage,
  type EngineEvents,
  type EngineMessage,
  type EngineMethod,
  type EngineRequest,
  type EventsOf,
  type ExplainOptions,
  type ExplainResult,
  type ParamsOf,
  type PredictOptions,
  type PredictResult,
  type QuickRetrainOptions,
  type QuickRetrainResult,
  type ResultOf,
  type SvhnImportOptions,
  type SvhnImportResult,
  type SynthOptions,
  type SynthResult,
  type TrainOptions,
  type TrainResult,
  type UseCandidateOptions,
  type UseCandidateResult,
} from '../../../common/engineProtocol';

/** The shape of vscode.CancellationToken, so callers can pass one without this file importing vscode. */
export interface CancellationSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** One optional listener per event the method may send: `onBackend`, `onProgress`, ... */
export type EngineListeners<M extends EngineMethod> = {
  [E in EventsOf<M> as `on${Capitalize<E>}`]?: (data: EngineEvents[E]) => void;
};

export class EngineError extends Error {}

interface Pending {
  method: EngineMethod;
  onEvent(message: Extract<EngineMessage, { kind: 'event' }>): void;
  resolve(result: unknown): void;
  reject(err: Error): void;
}

export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * `workerPath` is dist/engineWorker.js; `log` gets one line per notable event; native TensorFlow.js
   * packages are looked for in `nativeModulesDir` first (where Install GPU Backend puts them).
   */
  constructor(
    private readonly workerPath: string,
    private readonly log: (line: string) => void = () => {},
    private readonly nativeModulesDir?: string,
  ) {}

  /** Which backend the engine runs on (starting it if it has not yet), and why when it is not the one asked for. */
  backendInfo(backend: BackendChoice): Promise<EngineEvents['backend']> {
    return this.call('backendInfo', { backend }, {});
  }

  /**
   * Stops an idle worker so the next request starts a fresh one, which picks its backend anew (a
   * worker keeps the backend it started with). False, and nothing stopped, while a request runs.
   */
  async restartWhenIdle(): Promise<boolean> {
    if (this.pending.size > 0) return false;
    await this.dispose();
    return true;
  }

  train(options: TrainOptions, listeners: EngineListeners<'train'> = {}, cancel?: CancellationSignal): Promise<TrainResult> {
    const cancelFlag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const flag = new Int32Array(cancelFlag);
    // The worker polls this flag between batches: a message could not reach it while it computes.
    const requestCancel = (): void => {
      Atomics.store(flag, 0, 1);
      this.log('training: cancel requested');
    };
    const subscription = cancel?.onCancellationRequested(requestCancel);
    if (cancel?.isCancellationRequested) requestCancel();
    return this.call('train', { ...options, cancelFlag }, listeners).finally(() => subscription?.dispose());
  }

  predict(options: PredictOptions, listeners: EngineListeners<'predict'> = {}): Promise<PredictResult> {
    return this.call('predict', options, listeners);
  }

  quickRetrain(options: QuickRetrainOptions, listeners: EngineListeners<'quickRetrain'> = {}): Promise<QuickRetrainResult> {
    return this.call('quickRetrain', options, listeners);
  }

  useCandidate(options: UseCandidateOptions, listeners: EngineListeners<'useCandidate'> = {}): Promise<UseCandidateResult> {
    return this.call('useCandidate', options, listeners);
  }

  /** What every head sees in one crop; the worker holds the model between calls, so the next crop is quick. */
  explain(options: ExplainOptions, listeners: EngineListeners<'explain'> = {}): Promise<ExplainResult> {
    return this.call('explain', options, listeners);
  }

  synth(options: SynthOptions, listeners: EngineListeners<'synth'> = {}): Promise<SynthResult> {
    return this.call('synth', options, listeners);
  }

  /** An SVHN format 1 folder's digitStruct.mat -> its labels.csv; the HDF5 reading runs in the worker. */
  importSvhn(options: SvhnImportOptions, listeners: EngineListeners<'importSvhn'> = {}): Promise<SvhnImportResult> {
    return this.call('importSvhn', options, listeners);
  }

  /** Stops the worker; requests still running fail with an EngineError. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new EngineError('the engine was stopped'));
    if (worker) await worker.terminate();
  }

  /** Sends one request; its events go to `listeners`, its result settles the promise. */
  call<M extends EngineMethod>(method: M, params: ParamsOf<M>, listeners: EngineListeners<M>): Promise<ResultOf<M>> {
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, {
        method,
        onEvent: (message) => {
          const name = `on${message.event[0].toUpperCase()}${message.event.slice(1)}`;
          const listener = (listeners as Record<string, ((data: unknown) => void) | undefined>)[name];
          listener?.(message.data);
        },
        resolve: (result) => resolve(result as ResultOf<M>),
        reject,
      });
      try {
        const worker = this.ensureWorker();
        worker.ref();
        const request: EngineRequest = { id, method, params } as EngineRequest;
        worker.postMessage(request);
      } catch (err) {
        this.pending.delete(id);
        reject(err instanceof Error ? err : new EngineError(String(err)));
      }
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // The worker gets its own copy of the environment: the extension host's stays as it is.
    const worker = new Worker(this.workerPath, this.nativeModulesDir === undefined ? {} : { env: { ...process.env, [NATIVE_MODULES_ENV]: this.nativeModulesDir } });
    worker.on('message', (message: unknown) => this.onMessage(message));
    worker.on('error', (err) => {
      this.log(`engine worker crashed: ${err.stack ?? err.message}`);
      this.failAll(new EngineError(`the engine crashed: ${err.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.pending.size > 0) this.failAll(new EngineError(`the engine stopped unexpectedly (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(message: unknown): void {
    try {
      if (!isEngineMessage(message)) {
        this.log(`engine: ignoring a malformed message ${JSON.stringify(message)?.slice(0, 300)}`);
        return;
      }
      this.dispatch(message);
    } finally {
      // An idle worker must not keep the process (the CLI, a test) alive; a busy one must.
      if (this.pending.size === 0) this.worker?.unref();
    }
  }

  private dispatch(message: EngineMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) {
      this.log(`engine: ignoring a ${message.kind} for unknown request ${message.id}`);
      return;
    }
    switch (message.kind) {
      case 'event':
        this.logEvent(message);
        pending.onEvent(message);
        return;
      case 'error':
        this.pending.delete(message.id);
        this.log(`engine: error: ${message.message}`);
        pending.reject(new EngineError(message.message));
        return;
      case 'result':
        this.pending.delete(message.id);
        if (message.method === pending.method) pending.resolve(message.result);
        else pending.reject(new EngineError(`engine answered ${message.method} to a ${pending.method} request`));
        return;
    }
  }

  private logEvent(message: Extract<EngineMessage, { kind: 'event' }>): void {
    if (message.event === 'backend') {
      const { backend, threads, note } = message.data;
      this.log(`engine: backend ${backend} (${threads} thread${threads === 1 ? '' : 's'})${note ? `: ${note}` : ''}`);
    } else if (message.event === 'skipped') {
      for (const s of message.data) this.log(`engine: skipped ${s.file}: ${s.reason}`);
    }
  }

  private failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}
