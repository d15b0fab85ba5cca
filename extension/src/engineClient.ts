// The host side of the engine protocol (common/engineProtocol.ts): runs dist/engineWorker.js in a
// worker_threads Worker so the extension host stays responsive while TensorFlow.js trains.
// No `vscode` import: the same client runs under node:test.
import { Worker } from 'node:worker_threads';
import type {
  BackendName,
  EngineEvent,
  EngineRequest,
  PredictOptions,
  PredictResult,
  SkippedCrop,
  SynthOptions,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from '../../common/engineProtocol';

/** The shape of vscode.CancellationToken, so callers can pass one without this file importing vscode. */
export interface CancellationSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface EngineListeners {
  onBackend?(backend: BackendName, threads: number, note?: string): void;
  onProgress?(progress: TrainProgress): void;
  onSkipped?(skipped: SkippedCrop[]): void;
  onSynthProgress?(done: number, total: number): void;
}

export interface SynthResult {
  labelsPath: string;
  count: number;
}

export class EngineError extends Error {}

interface Pending {
  listeners: EngineListeners;
  resolve(event: EngineEvent): void;
  reject(err: Error): void;
}

type RequestWithoutId<R> = R extends EngineRequest ? Omit<R, 'id'> : never;

export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `workerPath` is dist/engineWorker.js; `log` gets one line per notable event. */
  constructor(
    private readonly workerPath: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  train(options: TrainOptions, listeners: EngineListeners = {}, cancel?: CancellationSignal): Promise<TrainResult> {
    const cancelFlag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const flag = new Int32Array(cancelFlag);
    // The worker polls this flag between batches: a message could not reach it while it computes.
    const requestCancel = (): void => {
      Atomics.store(flag, 0, 1);
      this.log('training: cancel requested');
    };
    const subscription = cancel?.onCancellationRequested(requestCancel);
    if (cancel?.isCancellationRequested) requestCancel();
    return this.request({ kind: 'train', options, cancelFlag }, listeners, 'trainDone')
      .then((event) => event.result)
      .finally(() => subscription?.dispose());
  }

  predict(options: PredictOptions, listeners: EngineListeners = {}): Promise<PredictResult> {
    return this.request({ kind: 'predict', options }, listeners, 'predictDone').then((event) => event.result);
  }

  synth(options: SynthOptions, listeners: EngineListeners = {}): Promise<SynthResult> {
    return this.request({ kind: 'synth', options }, listeners, 'synthDone').then((event) => ({
      labelsPath: event.labelsPath,
      count: event.count,
    }));
  }

  /** Stops the worker; requests still running fail with an EngineError. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new EngineError('the engine was stopped'));
    if (worker) await worker.terminate();
  }

  private request<K extends 'trainDone' | 'predictDone' | 'synthDone'>(
    message: RequestWithoutId<EngineRequest>,
    listeners: EngineListeners,
    doneKind: K,
  ): Promise<Extract<EngineEvent, { kind: K }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        listeners,
        resolve: (event) => {
          if (event.kind === doneKind) resolve(event as Extract<EngineEvent, { kind: K }>);
          else reject(new EngineError(`engine answered ${event.kind} to a ${message.kind} request`));
        },
        reject,
      });
      try {
        const worker = this.ensureWorker();
        worker.ref();
        worker.postMessage({ ...message, id } as EngineRequest);
      } catch (err) {
        this.pending.delete(id);
        reject(err instanceof Error ? err : new EngineError(String(err)));
      }
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    worker.on('message', (event: EngineEvent) => this.onEvent(event));
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

  private onEvent(event: EngineEvent): void {
    try {
      this.dispatch(event);
    } finally {
      // An idle worker must not keep the process (the CLI, a test) alive; a busy one must.
      if (this.pending.size === 0) this.worker?.unref();
    }
  }

  private dispatch(event: EngineEvent): void {
    const pending = this.pending.get(event.id);
    if (!pending) {
      this.log(`engine: ignoring ${event.kind} for unknown request ${event.id}`);
      return;
    }
    const { listeners } = pending;
    switch (event.kind) {
      case 'backend':
        this.log(`engine: backend ${event.backend} (${event.threads} thread${event.threads === 1 ? '' : 's'})${event.note ? `: ${event.note}` : ''}`);
        listeners.onBackend?.(event.backend, event.threads, event.note);
        return;
      case 'progress':
        listeners.onProgress?.(event.progress);
        return;
      case 'skipped':
        for (const s of event.skipped) this.log(`engine: skipped ${s.file}: ${s.reason}`);
        listeners.onSkipped?.(event.skipped);
        return;
      case 'synthProgress':
        listeners.onSynthProgress?.(event.done, event.total);
        return;
      case 'error':
        this.pending.delete(event.id);
        this.log(`engine: error: ${event.message}`);
        pending.reject(new EngineError(event.message));
        return;
      case 'trainDone':
      case 'predictDone':
      case 'synthDone':
        this.pending.delete(event.id);
        pending.resolve(event);
        return;
    }
  }

  private failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}
