import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describeModel, readModelSummary } from './modelSummary';

test('a model summary comes from meta.json; anything unreadable is no model', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'model-summary-'));
  assert.equal(await readModelSummary(dir), undefined);
  writeFileSync(path.join(dir, 'meta.json'), '{"spec":{"preset":"huge"},"date":"x"}');
  assert.equal(await readModelSummary(dir), undefined);
  writeFileSync(
    path.join(dir, 'meta.json'),
    JSON.stringify({ spec: { preset: 'fast' }, date: '2026-11-28T14:02:00.000Z', steps: 100, totalSteps: 2392, validation: { count: 275, sequenceAccuracy: 0.913 } }),
  );
  const summary = await readModelSummary(dir);
  assert.deepEqual(summary, { preset: 'fast', steps: 2392, date: '2026-11-28T14:02:00.000Z', sequenceAccuracy: 0.913, validationCount: 275 });
  assert.match(describeModel(summary), /^fast · 2,392 steps · 91\.3% of 275 validation crops · /);
});
