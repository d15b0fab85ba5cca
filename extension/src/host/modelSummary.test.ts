import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describeModel, describeReadingsModel, readModelSummary, readReadingsModel } from './modelSummary';

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

test('which model made the readings: predictions-model.json says the shipped model or one trained here', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'readings-model-'));
  const labelsPath = path.join(dir, 'labels.csv');
  assert.equal(await readReadingsModel(labelsPath), undefined, 'no predictions, no description');
  mkdirSync(path.join(dir, '.digitlens'));
  const trainedHere = { spec: { preset: 'fast' }, date: '2026-11-28T14:02:00.000Z', steps: 2392, validation: { count: 275, sequenceAccuracy: 0.913 } };
  writeFileSync(path.join(dir, '.digitlens', 'predictions-model.json'), JSON.stringify(trainedHere));
  assert.match(describeReadingsModel((await readReadingsModel(labelsPath))!), /^the model trained here \(fast · 2,392 steps · 91\.3% of 275 validation crops · .+\)$/);
  const shipped = { ...trainedHere, steps: 212, shipped: { data: 'synthetic crops only: synth seed 1 x 4000', test: { seed: 2, count: 600, sequenceAccuracy: 0.245 } } };
  writeFileSync(path.join(dir, '.digitlens', 'predictions-model.json'), JSON.stringify(shipped));
  assert.equal(
    describeReadingsModel((await readReadingsModel(labelsPath))!),
    'the shipped model (fast · 212 steps · synthetic crops only: synth seed 1 x 4000 · 24.5% of 600 synthetic test crops): train one on your labels to do better',
  );
});
