// The engine's worker_threads entry (bundled as dist/engineWorker.js): one EngineRequest at a
// time in, EngineEvents out (common/engineProtocol.ts). TensorFlow.js and its backend live here so
// the extension host's thread stays responsive while a model trains.
import { parentPort } from 'node:worker_threads';
import type { EngineEvent, EngineRequest } from '../../../common/engineProtocol';
import { synthesize } from '../dataset/synth';
import { runPredict } from './predict';
import { runTraining } from './train';

export async function handleRequest(request: EngineRequest, post: (event: EngineEvent) => void): Promise<void> {
  const { id } = request;
  try {
    switch (request.kind) {
      case 'train': {
        let lastProgress = 0;
        const result = await runTraining(request.options, {
          cancel: new Int32Array(request.cancelFlag),
          onBackend: (backend, threads, note) => post({ kind: 'backend', id, backend, threads, note }),
          onSkipped: (skipped) => post({ kind: 'skipped', id, skipped }),
          onProgress: (progress) => {
            // At most ~4 messages a second: the host redraws a progress bar, not a log.
            const now = Date.now();
            if (now - lastProgress < 250 && progress.fraction < 1) return;
            lastProgress = now;
            post({ kind: 'progress', id, progress });
          },
        });
        post({ kind: 'trainDone', id, result });
        break;
      }
      case 'predict': {
        const result = await runPredict(request.options, {
          onBackend: (backend, threads, note) => post({ kind: 'backend', id, backend, threads, note }),
          onSkipped: (skipped) => post({ kind: 'skipped', id, skipped }),
        });
        post({ kind: 'predictDone', id, result });
        break;
      }
      case 'synth': {
        const { dir, count, seed } = request.options;
        const result = await synthesize({ dir, count, seed, onProgress: (done, total) => post({ kind: 'synthProgress', id, done, total }) });
        post({ kind: 'synthDone', id, labelsPath: result.labelsPath, count: result.count });
        break;
      }
    }
  } catch (err) {
    post({ kind: 'error', id, message: err instanceof Error ? err.message : String(err) });
  }
}

const port = parentPort;
if (port) {
  // Requests run one after another: two trainings at once would only halve each one's speed.
  let queue = Promise.resolve();
  port.on('message', (request: EngineRequest) => {
    queue = queue.then(() => handleRequest(request, (event) => port.postMessage(event)));
  });
}
