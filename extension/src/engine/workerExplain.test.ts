// The worker's explain method over the real protocol (test/support/engineWorker.ts): the model is
// loaded once and held between crops, a retrain is seen, errors come back as errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineMessage, ExplainOptions, ExplainResult } from '../../../common/engineProtocol';
import { HEADS } from '../../../common/heads';
import { LabelsDocument } from '../../../common/labels';
import { runRequest, startEngineWorker } from '../../../test/support/engineWorker';
import { defaultModelDir } from '../dataset/paths';
import { synthesize } from '../dataset/synth';
import { initBackend } from './backend';
import { saveCheckpoint } from './checkpoint';
import { buildModel } from './model';
import { PRESETS } from './presets';

/** An untrained fast model in the dataset's model folder (what runTraining writes, minus the training). */
async function saveUntrained(labelsPath: string, seed: number): Promise<void> {
  const model = buildModel(PRESETS.fast, seed);
  await saveCheckpoint(model, defaultModelDir(labelsPath), {
    format: 'digitlens-model-1', spec: PRESETS.fast, normalisation: 'per-image-standardise', backend: 'cpu',
    date: new Date().toISOString(), steps: 0, seconds: 0, examples: 0,
  });
  model.dispose();
}

function resultOf(messages: EngineMessage[]): ExplainResult {
  const last = messages.at(-1);
  assert.ok(last?.kind === 'result' && last.method === 'explain', JSON.stringify(last)?.slice(0, 300));
  return last.result;
}

function errorOf(messages: EngineMessage[]): string {
  const last = messages.at(-1);
  assert.ok(last?.kind === 'error', JSON.stringify(last)?.slice(0, 300));
  return last.message;
}

const backendEvents = (messages: EngineMessage[]) => messages.filter((m) => m.kind === 'event' && m.event === 'backend').length;

test('explain through the worker: one load for many crops, a retrain seen, errors as errors', { timeout: 120_000 }, async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-worker-explain-'));
  const { labelsPath } = await synthesize({ dir, count: 3, seed: 5 });
  const rows = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows;
  await initBackend('cpu'); // only to build and save the models; the worker runs wasm
  await saveUntrained(labelsPath, 1);
  const request = (id: number, row: number, extra: Partial<ExplainOptions> = {}) => ({
    id, method: 'explain' as const, params: { labelsPath, backend: 'wasm' as const, file: rows[row].file, box: rows[row].box, label: rows[row].label, ...extra },
  });
  const worker = startEngineWorker();
  try {
    const first = await runRequest(worker, request(1, 0, { activationBlock: 1 }));
    const a = resultOf(first);
    assert.equal(backendEvents(first), 1, 'the first request loads the model and says on what');
    assert.equal(a.file, rows[0].file);
    assert.equal(a.label, rows[0].label);
    assert.deepEqual(a.heads.map((h) => h.head), HEADS.map((h) => h.name));
    assert.equal(a.maskWidth * a.maskHeight, 54 * 36);
    assert.ok(a.milliseconds > 0);
    assert.equal(a.activations?.block, 1);
    for (const h of a.heads.slice(1)) {
      const r = a.inputRegion;
      assert.ok(h.peak[0] >= r.left && h.peak[0] <= r.left + r.width && h.peak[1] >= r.top && h.peak[1] <= r.top + r.height, h.head);
    }

    // Another crop: the model is held (no load, so no backend event).
    const second = await runRequest(worker, request(2, 1, { smoothGrad: 2 }));
    assert.equal(backendEvents(second), 0, 'the second crop loaded the model again');
    assert.deepEqual(resultOf(second).method.smoothGrad, 2);

    // A retrain writes a new model folder: the next request reads it.
    await saveUntrained(labelsPath, 7);
    const third = await runRequest(worker, request(3, 0, { activationBlock: 1 }));
    assert.equal(backendEvents(third), 1, 'the retrained model was not loaded');
    assert.notDeepEqual(resultOf(third).heads.map((h) => h.probs), a.heads.map((h) => h.probs));

    const missing = await runRequest(worker, { ...request(4, 0), params: { ...request(4, 0).params, file: 'img/none.png' } });
    assert.match(errorOf(missing), /img\/none.png: the file does not exist/);
    const wrongClass = await runRequest(worker, request(5, 0, { targets: [null, 12] }));
    assert.match(errorOf(wrongClass), /head S1 has classes 0..9, not 12/);
    const malformed = await runRequest(worker, request(6, 0, { smoothGrad: -1 }));
    assert.match(errorOf(malformed), /malformed request/);
  } finally {
    await worker.terminate();
    await fs.rm(dir, { recursive: true, force: true });
  }
});
