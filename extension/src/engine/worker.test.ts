// The worker entry over the real protocol (test/support/engineWorker.ts): typed requests in, typed events out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRunRecord } from '../dataset/runHistory';
import { runRequest as run, startEngineWorker as startWorker } from '../../../test/support/engineWorker';

test('synth, train, predict and a clear error, through the worker protocol', { timeout: 300_000 }, async () => {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'dl-worker-')), 'set');
  const worker = startWorker();
  try {
    const synth = await run(worker, { method: 'synth', id: 1, params: { dir, count: 40, seed: 4 } });
    const done = synth.at(-1);
    assert.equal(done?.kind, 'result', JSON.stringify(done));
    assert.ok(synth.some((e) => e.kind === 'event' && e.event === 'synthProgress'));
    const labelsPath = path.join(dir, 'labels.csv');

    const malformed = await run(worker, { method: 'train', id: 9, params: { labelsPath, preset: 'huge', backend: 'wasm' } });
    assert.equal(malformed.length, 1);
    assert.match(malformed[0].kind === 'error' ? malformed[0].message : '', /malformed request/);

    const missing = await run(worker, { method: 'predict', id: 2, params: { labelsPath, backend: 'wasm' } });
    const error = missing.at(-1);
    assert.equal(error?.kind, 'error');
    assert.match(error?.kind === 'error' ? error.message : '', /no trained model in .*train one first/);

    const cancelFlag = new SharedArrayBuffer(4);
    const train = await run(worker, { method: 'train', id: 3, params: { labelsPath, preset: 'fast', backend: 'wasm', epochs: 1, seed: 1, cancelFlag } });
    const backend = train.find((e) => e.kind === 'event' && e.event === 'backend');
    assert.deepEqual(backend?.kind === 'event' && backend.event === 'backend' ? backend.data.backend : undefined, 'wasm');
    const trained = train.at(-1);
    assert.equal(trained?.kind, 'result', JSON.stringify(trained));
    assert.ok(trained?.kind === 'result' && trained.method === 'train');
    assert.equal(trained.result.steps, 1); // ~36 training crops in batches of 32: a ragged tail under half a batch is skipped
    assert.equal(trained.result.outcome, 'current');
    assert.ok((await fs.stat(path.join(trained.result.modelDir ?? '', 'model.json'))).isFile());
    const progress = train.find((e) => e.kind === 'event' && e.event === 'progress');
    assert.ok(progress?.kind === 'event' && progress.event === 'progress' && progress.data.headLoss.length === 6, 'progress carries each head\'s loss');
    // The run's record: announced, finished, with its curves and the validation rows' evaluation.
    const announced = train.find((e) => e.kind === 'event' && e.event === 'run');
    assert.ok(announced?.kind === 'event' && announced.event === 'run');
    const record = await readRunRecord(announced.data.path);
    assert.equal(record.status, 'finished');
    assert.equal(record.final?.steps, 1);
    assert.deepEqual(record.curves.step, [1]);
    assert.equal(record.evaluations[0]?.source, 'train');
    assert.equal(record.evaluations[0]?.files.length, record.settings.validationRows);

    const predicted = await run(worker, { method: 'predict', id: 4, params: { labelsPath, backend: 'wasm' } });
    const result = predicted.at(-1);
    assert.equal(result?.kind, 'result', JSON.stringify(result));
    if (result?.kind === 'result' && result.method === 'predict') {
      assert.equal(result.result.count, 40);
      assert.equal(result.result.metrics?.count, 40);
    }
  } finally {
    await worker.terminate();
  }
});
