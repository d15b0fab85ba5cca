// The worker entry over the real protocol: a worker_threads Worker running worker.ts (through tsx,
// as the bundle runs dist/engineWorker.js), typed requests in, typed events out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineEvent, EngineRequest } from '../../../common/engineProtocol';

function startWorker(): Worker {
  // tsx's CommonJS hook, registered inside the worker, compiles worker.ts and what it imports.
  const entry = path.join(__dirname, 'worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
}

/** Sends one request and collects its events up to the final one. */
function run(worker: Worker, request: EngineRequest): Promise<EngineEvent[]> {
  return new Promise((resolve, reject) => {
    const events: EngineEvent[] = [];
    const onMessage = (event: EngineEvent): void => {
      if (event.id !== request.id) return;
      events.push(event);
      if (['trainDone', 'predictDone', 'synthDone', 'error'].includes(event.kind)) {
        worker.off('message', onMessage);
        resolve(events);
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(request);
  });
}

test('synth, train, predict and a clear error, through the worker protocol', { timeout: 300_000 }, async () => {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'dl-worker-')), 'set');
  const worker = startWorker();
  try {
    const synth = await run(worker, { kind: 'synth', id: 1, options: { dir, count: 40, seed: 4 } });
    const done = synth.at(-1);
    assert.equal(done?.kind, 'synthDone', JSON.stringify(done));
    assert.ok(synth.some((e) => e.kind === 'synthProgress'));
    const labelsPath = path.join(dir, 'labels.csv');

    const missing = await run(worker, { kind: 'predict', id: 2, options: { labelsPath, backend: 'wasm' } });
    const error = missing.at(-1);
    assert.equal(error?.kind, 'error');
    assert.match(error?.kind === 'error' ? error.message : '', /no trained model in .*train one first/);

    const cancelFlag = new SharedArrayBuffer(4);
    const train = await run(worker, { kind: 'train', id: 3, options: { labelsPath, preset: 'fast', backend: 'wasm', epochs: 1, seed: 1 }, cancelFlag });
    const backend = train.find((e) => e.kind === 'backend');
    assert.deepEqual(backend && backend.kind === 'backend' ? backend.backend : undefined, 'wasm');
    const trained = train.at(-1);
    assert.equal(trained?.kind, 'trainDone', JSON.stringify(trained));
    if (trained?.kind === 'trainDone') {
      assert.equal(trained.result.steps, 1); // ~36 training crops in batches of 32: a ragged tail under half a batch is skipped
      assert.ok((await fs.stat(path.join(trained.result.modelDir, 'model.json'))).isFile());
    }
    assert.ok(train.some((e) => e.kind === 'progress'));

    const predicted = await run(worker, { kind: 'predict', id: 4, options: { labelsPath, backend: 'wasm' } });
    const result = predicted.at(-1);
    assert.equal(result?.kind, 'predictDone', JSON.stringify(result));
    if (result?.kind === 'predictDone') {
      assert.equal(result.result.count, 40);
      assert.equal(result.result.metrics?.count, 40);
    }
  } finally {
    await worker.terminate();
  }
});
