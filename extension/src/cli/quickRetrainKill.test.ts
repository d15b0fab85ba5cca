// `digit-lens retrain --quick` killed (SIGKILL, no chance to clean up) at moments spread over its
// run: every time, the model folder holds the old model or the new one, whole, and the engine
// reads it; predictions.csv is whole. (The directory swap itself is tested at every step in
// dataset/atomicWrite.test.ts; this is the same guarantee seen from the user's side.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parsePredictionsCsv } from '../../../common/predictionsCsv';
import { stripes } from '../../../test/support/stripes';
import { defaultModelDir, predictionsPath } from '../dataset/paths';
import { initBackend } from '../engine/backend';
import { loadCheckpoint } from '../engine/checkpoint';
import { runTraining } from '../engine/runTraining';

const cliEntry = path.join(import.meta.dirname, '..', 'cli.ts');

/** Runs the quick retrain in its own process; kills it after `killAfterMs` unless it ended. */
function quickRetrain(dir: string, killAfterMs?: number): Promise<{ killed: boolean; ms: number; code: number | null }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'retrain', dir, '--quick', '--backend', 'wasm'], { stdio: 'ignore' });
  let killed = false;
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => {
    killed = child.kill('SIGKILL');
  }, killAfterMs);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ killed: killed && code === null, ms: performance.now() - started, code });
    });
  });
}

test('a quick retrain killed at any moment leaves the old model or the new one, never a broken one', { timeout: 600_000 }, async (t) => {
  await initBackend('wasm');
  const labelsPath = await stripes();
  const dir = path.dirname(labelsPath);
  const modelDir = defaultModelDir(labelsPath);
  try {
    await runTraining({ labelsPath, preset: 'fast', backend: 'wasm', epochs: 2, seed: 1 });
    const text = await fs.readFile(labelsPath, 'utf8');
    await fs.writeFile(labelsPath, text.replace(/^(img\/\d+\.png),1$/gm, '$1,7'));
    // One whole run first: how long an update takes here, from process start.
    const whole = await quickRetrain(dir);
    assert.equal(whole.code, 0);
    t.diagnostic(`a whole quick retrain takes ${whole.ms.toFixed(0)} ms from process start`);
    const outcomes: string[] = [];
    for (const share of [0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0]) {
      const before = await fs.readFile(path.join(modelDir, 'weights.bin'));
      const run = await quickRetrain(dir, Math.round(share * whole.ms));
      const checkpoint = await loadCheckpoint(modelDir); // repairs an interrupted swap first, as every reader does
      try {
        const after = await fs.readFile(path.join(modelDir, 'weights.bin'));
        const same = after.equals(before);
        // A new model says so in its meta.json; an old one is byte-identical.
        assert.ok(same || checkpoint.meta.quickRetrain !== undefined, 'weights changed without the new meta');
        assert.equal(after.length, before.length);
        outcomes.push(`${run.killed ? 'killed' : 'done'} at ${share}: ${same ? 'old' : 'new'} model`);
      } finally {
        checkpoint.model.dispose();
      }
      const rows = parsePredictionsCsv(await fs.readFile(predictionsPath(labelsPath), 'utf8'));
      assert.equal(rows.rows.length, 200);
      assert.deepEqual(rows.problems, []);
      const leftovers = (await fs.readdir(path.dirname(modelDir))).filter((n) => n.endsWith('.old') || n.endsWith('.new'));
      assert.deepEqual(leftovers, [], 'a reader cleans up an interrupted swap');
    }
    t.diagnostic(outcomes.join('; '));
    assert.ok(outcomes.some((o) => o.startsWith('killed')), 'at least one run was killed');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
