// The threads fallback where the extension runs it: inside the engine's worker_threads Worker
// (whose pthread workers are then nested workers), with the note reaching the host in the
// `backend` event. The failure is forced with the test hook DIGITLENS_WASM_THREADS_FAULT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isEngineMessage, type EngineMessage } from '../../../common/engineProtocol';

test('a pthread worker that throws inside the engine worker: the backend event says wasm, 1 thread, and why', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-fallback-worker-'));
  const entry = path.join(__dirname, 'worker.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, {
    eval: true,
    env: { ...process.env, DIGITLENS_WASM_THREADS: '2', DIGITLENS_WASM_THREADS_FAULT: 'script' },
  });
  try {
    // predict initialises the backend before it looks for the model, so with no model it ends
    // right after the backend event.
    const events = await new Promise<EngineMessage[]>((resolve, reject) => {
      const seen: EngineMessage[] = [];
      worker.on('message', (message: unknown) => {
        if (!isEngineMessage(message)) return reject(new Error(`a message the host would refuse: ${JSON.stringify(message)}`));
        seen.push(message);
        if (message.kind !== 'event') resolve(seen);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the engine worker exited (code ${code})`)));
      worker.postMessage({ id: 1, method: 'predict', params: { labelsPath: path.join(dir, 'labels.csv'), backend: 'auto' } });
    });
    const backend = events.find((e) => e.kind === 'event' && e.event === 'backend');
    assert.ok(backend?.kind === 'event' && backend.event === 'backend', JSON.stringify(events));
    assert.equal(backend.data.backend, 'wasm');
    assert.equal(backend.data.threads, 1);
    assert.match(backend.data.note ?? '', /^wasm threads failed to start \(a pthread worker failed to load: .*DIGITLENS_WASM_THREADS_FAULT=script.*\); using 1 thread$/);
    assert.equal(events.at(-1)?.kind, 'error', 'no model here: predict should stop with an error after the backend event');
  } finally {
    await worker.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
});
