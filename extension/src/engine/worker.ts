// The engine's worker_threads entry (bundled as dist/engineWorker.js): requests in, events and a
// result or an error out (common/engineProtocol.ts). TensorFlow.js and its backend live here so
// the extension host's thread stays responsive while a model trains.
import { parentPort } from 'node:worker_threads';
import {
  isEngineRequest,
  type EngineEvents,
  type EngineMessage,
  type EngineMethod,
  type EngineRequest,
  type EventsOf,
  type ParamsOf,
  type ResultOf,
} from '../../../common/engineProtocol';
import { importSvhn } from '../dataset/svhnImport';
import { synthesize } from '../dataset/synth';
import { initBackend } from './backend';
import { runExplain } from './explain';
import { ModelCache } from './modelCache';
import { runPredict } from './predict';
import { runQuickRetrain } from './quickRetrain';
import { runTraining } from './runTraining';
import { runUseCandidate } from './useCandidate';

/** Sends one progress event of the running request. */
type Emit<M extends EngineMethod> = <E extends EventsOf<M>>(event: E, data: EngineEvents[E]) => void;

type Handlers = { [M in EngineMethod]: (params: ParamsOf<M>, emit: Emit<M>) => Promise<ResultOf<M>> };

/** The last model explain loaded, held between requests: the inspector asks crop after crop. */
const explainModels = new ModelCache();

const handlers: Handlers = {
  async backendInfo(params) {
    const { name, threads, note } = await initBackend(params.backend);
    return { backend: name, threads, note };
  },
  train(params, emit) {
    const { cancelFlag, ...options } = params;
    let lastProgress = 0;
    return runTraining(options, {
      cancel: new Int32Array(cancelFlag),
      onBackend: (backend, threads, note) => emit('backend', { backend, threads, note }),
      onSkipped: (skipped) => emit('skipped', skipped),
      onRun: (runId, path) => emit('run', { runId, path }),
      onProgress: (progress) => {
        // At most ~4 messages a second: the host redraws a progress bar, not a log.
        const now = Date.now();
        if (now - lastProgress < 250 && progress.fraction < 1) return;
        lastProgress = now;
        emit('progress', progress);
      },
    });
  },
  predict(params, emit) {
    return runPredict(params, {
      onBackend: (backend, threads, note) => emit('backend', { backend, threads, note }),
      onSkipped: (skipped) => emit('skipped', skipped),
    });
  },
  quickRetrain(params, emit) {
    return runQuickRetrain(params, { onBackend: (backend, threads, note) => emit('backend', { backend, threads, note }) });
  },
  useCandidate(params, emit) {
    return runUseCandidate(params, {
      onBackend: (backend, threads, note) => emit('backend', { backend, threads, note }),
      onSkipped: (skipped) => emit('skipped', skipped),
    });
  },
  explain(params, emit) {
    return runExplain(params, explainModels, { onModelLoaded: (backend, threads, note) => emit('backend', { backend, threads, note }) });
  },
  async synth(params, emit) {
    const result = await synthesize({ ...params, onProgress: (done, total) => emit('synthProgress', { done, total }) });
    return { labelsPath: result.labelsPath, count: result.count };
  },
  importSvhn(params, emit) {
    let lastProgress = 0;
    return importSvhn({
      ...params,
      onProgress: (done, total) => {
        // A few messages a second: the host moves a progress bar.
        const now = Date.now();
        if (now - lastProgress < 250 && done < total) return;
        lastProgress = now;
        emit('importProgress', { done, total });
      },
    });
  },
};

function run<M extends EngineMethod>(request: Extract<EngineRequest, { method: M }>, post: (message: EngineMessage) => void): Promise<ResultOf<M>> {
  const { id } = request;
  const emit = (<E extends EventsOf<M>>(event: E, data: EngineEvents[E]) => post({ id, kind: 'event', event, data } as EngineMessage)) as Emit<M>;
  return (handlers[request.method])(request.params, emit);
}

/** Runs one request to its end: its events, then its result or an error, never a throw. */
export async function handleRequest(request: unknown, post: (message: EngineMessage) => void): Promise<void> {
  if (!isEngineRequest(request)) {
    const id = typeof request === 'object' && request !== null && Number.isSafeInteger((request as { id?: unknown }).id) ? (request as { id: number }).id : 0;
    post({ id, kind: 'error', message: `the engine got a malformed request: ${JSON.stringify(request)?.slice(0, 200)}` });
    return;
  }
  try {
    const result = await run(request, post);
    post({ id: request.id, kind: 'result', method: request.method, result } as EngineMessage);
  } catch (err) {
    post({ id: request.id, kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

const port = parentPort;
if (port) {
  // Requests run one after another: two trainings at once would only halve each one's speed.
  let queue = Promise.resolve();
  port.on('message', (request: unknown) => {
    queue = queue.then(() => handleRequest(request, (message) => port.postMessage(message)));
  });
}
