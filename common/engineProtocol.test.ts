import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineMessage, isEngineRequest } from './engineProtocol';

const metrics = { count: 2, sequenceAccuracy: 0.5, digitAccuracy: 0.5, lengthAccuracy: 1, coverageAt98: 0, backend: 'wasm' };

test('the worker accepts only well-formed requests of known methods', () => {
  const cancelFlag = new SharedArrayBuffer(4);
  assert.ok(isEngineRequest({ id: 1, method: 'train', params: { labelsPath: '/d/labels.csv', preset: 'fast', backend: 'auto', cancelFlag } }));
  assert.ok(isEngineRequest({ id: 2, method: 'predict', params: { labelsPath: '/d/labels.csv', backend: 'wasm' } }));
  assert.ok(isEngineRequest({ id: 3, method: 'synth', params: { dir: '/d', count: 5, seed: 0 } }));
  for (const bad of [
    { id: 1, method: 'train', params: { labelsPath: '/d/labels.csv', preset: 'fast', backend: 'auto' } },
    { id: 1, method: 'train', params: { labelsPath: '/d/labels.csv', preset: 'huge', backend: 'auto', cancelFlag } },
    { id: 1, method: 'train', params: { labelsPath: '/d/labels.csv', preset: 'fast', backend: 'auto', cancelFlag, epochs: 0 } },
    { id: 2, method: 'predict', params: { labelsPath: 7, backend: 'wasm' } },
    { id: 3, method: 'synth', params: { dir: '/d', count: 0, seed: 0 } },
    { id: -1, method: 'synth', params: { dir: '/d', count: 5, seed: 0 } },
    { id: 4, method: 'constructor', params: {} },
    { id: 4, method: 'explode', params: {} },
  ]) assert.equal(isEngineRequest(bad), false, JSON.stringify(bad));
});

test('the host accepts only well-formed events, results and errors', () => {
  assert.ok(isEngineMessage({ id: 1, kind: 'event', event: 'backend', data: { backend: 'wasm', threads: 2 } }));
  assert.ok(isEngineMessage({ id: 1, kind: 'event', event: 'skipped', data: [{ file: 'a.png', reason: 'missing' }] }));
  assert.ok(isEngineMessage({ id: 1, kind: 'result', method: 'predict', result: { predictionsPath: '/p', count: 2, backend: 'wasm', metrics } }));
  assert.ok(isEngineMessage({ id: 1, kind: 'error', message: 'no model' }));
  for (const bad of [
    { id: 1, kind: 'event', event: 'backend', data: { backend: 'gpu', threads: 2 } },
    { id: 1, kind: 'event', event: 'skipped', data: [{ file: 'a.png' }] },
    { id: 1, kind: 'result', method: 'predict', result: { predictionsPath: '/p', count: 2, backend: 'wasm', metrics: { ...metrics, count: -1 } } },
    { id: 1, kind: 'result', method: 'train', result: { modelDir: '/m' } },
    { id: 1, kind: 'error' },
    { id: 1, kind: 'done' },
  ]) assert.equal(isEngineMessage(bad), false, JSON.stringify(bad));
});
