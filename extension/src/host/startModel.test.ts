import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSummary } from './modelSummary';
import { newModelStart } from './startModel';

const shipped: ModelSummary = { preset: 'fast', steps: 2892, date: '2026-11-29', shipped: { data: 'synthetic crops only' } };

test('a new model starts from the shipped one only when asked, when it is there, and when it is of the preset asked', () => {
  assert.deepEqual(newModelStart(true, 'fast', '/ext/dist/model', shipped), {
    startFrom: '/ext/dist/model',
    description: "from the shipped model's weights (2,892 steps on synthetic crops)",
  });
  assert.equal(newModelStart(true, undefined, '/ext/dist/model', shipped).startFrom, '/ext/dist/model');
  assert.deepEqual(newModelStart(false, 'fast', '/ext/dist/model', shipped), { description: 'from scratch' });
  assert.deepEqual(newModelStart(true, 'fast', '/ext/dist/model', undefined), { description: 'from scratch' }, 'no shipped model');
  assert.deepEqual(newModelStart(true, 'goodfellow2014', '/ext/dist/model', shipped), { description: 'from scratch' }, 'the paper network has other layers');
});
