// The host's EngineClient against the real engine worker bundle (dist/engineWorker.js, built by
// `node scripts/build.mjs`, which npm test runs first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { svhnLikeEntries, writeDigitStruct } from '../../../test/support/digitStructWriter';
import { EngineClient, EngineError } from './engineClient';

const workerPath = path.join(import.meta.dirname, '..', '..', '..', 'dist', 'engineWorker.js');

function client(log: string[] = []): EngineClient {
  assert.ok(existsSync(workerPath), `${workerPath} is missing: run node scripts/build.mjs`);
  return new EngineClient(workerPath, (line) => log.push(line));
}

test('synth through the worker reports progress and writes a labels file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-client-'));
  const engine = client();
  try {
    const progress: [number, number][] = [];
    const result = await engine.synth({ dir, count: 6, seed: 1 }, { onSynthProgress: ({ done, total }) => progress.push([done, total]) });
    assert.equal(result.count, 6);
    assert.equal(result.labelsPath, path.join(dir, 'labels.csv'));
    const lines = readFileSync(result.labelsPath, 'utf8').trim().split(/\r?\n/);
    assert.equal(lines.length, 7, 'a header and six rows');
    assert.ok(progress.length > 0 && progress.every(([, total]) => total === 6));
  } finally {
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importSvhn: h5wasm in the bundled worker reads digitStruct.mat; refusals come back as one-line errors', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-client-svhn-'));
  const engine = client();
  try {
    await writeDigitStruct(path.join(dir, 'digitStruct.mat'), svhnLikeEntries(300, 6));
    for (let k = 1; k <= 300; k += 2) writeFileSync(path.join(dir, `${k}.png`), 'an image');
    const progress: [number, number][] = [];
    const result = await engine.importSvhn({ dir }, { onImportProgress: ({ done, total }) => progress.push([done, total]) });
    assert.equal(result.labelsPath, path.join(dir, 'labels.csv'));
    assert.deepEqual([result.entries, result.imported, result.missing, result.missingExamples.slice(0, 2)], [300, 150, 150, ['2.png', '4.png']]);
    assert.deepEqual(progress.at(-1), [300, 300]);
    assert.equal(readFileSync(result.labelsPath, 'utf8').trim().split('\n').length, 151);

    await assert.rejects(engine.importSvhn({ dir }), (err: unknown) => err instanceof EngineError && /labels\.csv already exists; nothing was written/.test(err.message));
    assert.equal((await engine.importSvhn({ dir, force: true })).imported, 150);
    writeFileSync(path.join(dir, 'digitStruct.mat'), 'text');
    await assert.rejects(engine.importSvhn({ dir, force: true }), (err: unknown) => err instanceof EngineError && /digitStruct\.mat: it is not an HDF5 file/.test(err.message) && !err.message.includes('\n'));
  } finally {
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an engine error rejects only its own request, and the worker serves the next one', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-client-'));
  const log: string[] = [];
  const engine = client(log);
  try {
    await assert.rejects(
      engine.predict({ labelsPath: path.join(dir, 'missing', 'labels.csv'), backend: 'cpu' }),
      (err: unknown) => err instanceof EngineError && err.message.length > 0,
    );
    assert.ok(log.some((l) => l.startsWith('engine: error:')));
    const result = await engine.synth({ dir, count: 2, seed: 2 });
    assert.equal(result.count, 2);
  } finally {
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dispose fails the requests still running', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-client-'));
  const engine = client();
  try {
    const outcome = assert.rejects(engine.synth({ dir, count: 50, seed: 3 }), /the engine was stopped/);
    await engine.dispose();
    await outcome;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cancelling a training run sets the shared flag: the worker stops between steps and still saves', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-client-'));
  const engine = client();
  try {
    const { labelsPath } = await engine.synth({ dir, count: 40, seed: 4 });
    // A stand-in for vscode.CancellationToken that fires at the first progress report.
    const listeners: (() => void)[] = [];
    const token = {
      isCancellationRequested: false,
      onCancellationRequested(listener: () => void) {
        listeners.push(listener);
        return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
      },
    };
    let backend: string | undefined;
    let progressEvents = 0;
    const result = await engine.train(
      { labelsPath, preset: 'fast', backend: 'auto', epochs: 50, seed: 1 },
      {
        onBackend: (data) => (backend = data.backend),
        onProgress: () => {
          progressEvents++;
          if (!token.isCancellationRequested) {
            token.isCancellationRequested = true;
            for (const l of [...listeners]) l();
          }
        },
      },
      token,
    );
    assert.equal(result.cancelled, true);
    assert.equal(result.backend, backend);
    assert.ok(result.steps < 50, `stopped early (${result.steps} steps)`);
    assert.ok(progressEvents >= 1);
    assert.equal(result.outcome, 'current', result.outcomeMessage);
    assert.ok(existsSync(path.join(result.modelDir ?? '', 'model.json')), 'a model that trained at all is saved even when cancelled');
    assert.equal(listeners.length, 0, 'the client lets go of the token when the run ends');
  } finally {
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the host thread stays responsive while the worker trains', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-client-'));
  const engine = client();
  try {
    const { labelsPath } = await engine.synth({ dir, count: 200, seed: 5 });
    // A 50 ms timer stands for the extension host's event loop: with the engine in a worker it
    // keeps firing on time while training saturates a core; in-thread training would starve it.
    const period = 50;
    const lags: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      lags.push(now - last - period);
      last = now;
    }, period);
    const started = performance.now();
    let result;
    try {
      result = await engine.train({ labelsPath, preset: 'fast', backend: 'auto', epochs: 3, seed: 1 }, {});
    } finally {
      clearInterval(timer);
    }
    const seconds = (performance.now() - started) / 1000;
    assert.ok(result.steps > 0 && seconds > 1, `a real training run (${result.steps} steps in ${seconds.toFixed(1)} s)`);
    const expected = (seconds * 1000) / period;
    const worst = Math.max(...lags);
    t.diagnostic(`${result.steps} steps in ${seconds.toFixed(1)} s; timer fired ${lags.length} of ~${expected.toFixed(0)}; worst lag ${worst.toFixed(0)} ms`);
    assert.ok(lags.length >= 0.7 * expected, `the timer fired ${lags.length} of ~${expected.toFixed(0)} times`);
    assert.ok(worst < 500, `the longest stall of the host thread was ${worst.toFixed(0)} ms`);
  } finally {
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
