// The engine worker over the real protocol, for tests: a worker_threads Worker running
// engine/worker.ts (through tsx, as the bundle runs dist/engineWorker.js), typed requests in, every
// message it sends checked as the host checks it.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isEngineMessage, type EngineMessage, type EngineRequest } from '../../common/engineProtocol';

export function startEngineWorker(): Worker {
  // tsx's CommonJS hook, registered inside the worker, compiles worker.ts and what it imports.
  const entry = path.resolve(__dirname, '../../extension/src/engine/worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
}

/** Sends one request and collects its messages up to the final one; each must pass the host's check. */
export function runRequest(worker: Worker, request: EngineRequest | Record<string, unknown>): Promise<EngineMessage[]> {
  return new Promise((resolve, reject) => {
    const events: EngineMessage[] = [];
    const onMessage = (message: unknown): void => {
      if (!isEngineMessage(message)) {
        reject(new Error(`the worker sent a message the host would refuse: ${JSON.stringify(message)?.slice(0, 500)}`));
        return;
      }
      if (message.id !== request.id) return;
      events.push(message);
      if (message.kind !== 'event') {
        worker.off('message', onMessage);
        resolve(events);
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(request);
  });
}
