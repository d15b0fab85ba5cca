import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineMessage, isEngineRequest } from './engineProtocol';

const metrics = { count: 2, sequenceAccuracy: 0.5, digitAccuracy: 0.5, lengthAccuracy: 1, coverageAt98: 0, backend: 'wasm' };

test('the worker accepts only well-formed requests of known methods', () => {
  const cancelFlag = new SharedArrayBuffer(4);
  assert.ok(isEngineRequest({ id: 1, method: 'train', params: { labelsPath: '/d/labels.csv', preset: 'fast', backend: 'auto', cancelFlag } }));
  assert.ok(isEngineRequest({ id: 2, method: 'predict', params: { labelsPath: '/d/labels.csv', backend: 'wasm' } }));
  assert.ok(isEngineRequest({ id: 3, method: 'synth', params: { dir: '/d', count: 5, seed: 0 } }));
  assert.ok(isEngineRequest({ id: 4, method: 'importSvhn', params: { dir: '/d' } }));
  assert.ok(isEngineRequest({ id: 4, method: 'importSvhn', params: { dir: '/d', force: true } }));
  for (const bad of [
    { id: 1, method: 'train', params: { labelsPath: '/d/labels.csv', preset: 'fast', backend: 'auto' } },
    { id: 1, method: 'train', params: { labelsPath: '/d/labels.csv', preset: 'huge', backend: 'auto', cancelFlag } },
    { id: 1, method: 'train', params: { labelsPath: '/d/labels.csv', preset: 'fast', backend: 'auto', cancelFlag, epochs: 0 } },
    { id: 2, method: 'predict', params: { labelsPath: 7, backend: 'wasm' } },
    { id: 3, method: 'synth', params: { dir: '/d', count: 0, seed: 0 } },
    { id: -1, method: 'synth', params: { dir: '/d', count: 5, seed: 0 } },
    { id: 4, method: 'importSvhn', params: { dir: '/d', force: 'yes' } },
    { id: 4, method: 'importSvhn', params: {} },
    { id: 4, method: 'constructor', params: {} },
    { id: 4, method: 'explode', params: {} },
  ]) assert.equal(isEngineRequest(bad), false, JSON.stringify(bad));
});

test('the host accepts only well-formed events, results and errors', () => {
  assert.ok(isEngineMessage({ id: 1, kind: 'event', event: 'backend', data: { backend: 'wasm', threads: 2 } }));
  assert.ok(isEngineMessage({ id: 1, kind: 'event', event: 'skipped', data: [{ file: 'a.png', reason: 'missing' }] }));
  assert.ok(isEngineMessage({ id: 1, kind: 'result', method: 'predict', result: { predictionsPath: '/p', count: 2, backend: 'wasm', metrics } }));
  assert.ok(isEngineMessage({ id: 1, kind: 'error', message: 'no model' }));
  const imported = { labelsPath: '/d/labels.csv', entries: 40, imported: 3, missing: 37, missingExamples: ['4.png'], withoutBoxes: 0, rounded: 0 };
  assert.ok(isEngineMessage({ id: 1, kind: 'result', method: 'importSvhn', result: imported }));
  assert.ok(isEngineMessage({ id: 1, kind: 'event', event: 'importProgress', data: { done: 500, total: 33402 } }));
  for (const bad of [
    { id: 1, kind: 'event', event: 'backend', data: { backend: 'gpu', threads: 2 } },
    { id: 1, kind: 'event', event: 'skipped', data: [{ file: 'a.png' }] },
    { id: 1, kind: 'result', method: 'predict', result: { predictionsPath: '/p', count: 2, backend: 'wasm', metrics: { ...metrics, count: -1 } } },
    { id: 1, kind: 'result', method: 'train', result: { modelDir: '/m' } },
    { id: 1, kind: 'result', method: 'importSvhn', result: { ...imported, missing: -1 } },
    { id: 1, kind: 'result', method: 'importSvhn', result: { ...imported, missingExamples: [4] } },
    { id: 1, kind: 'event', event: 'importProgress', data: { done: 1.5, total: 3 } },
    { id: 1, kind: 'error' },
    { id: 1, kind: 'done' },
  ]) assert.equal(isEngineMessage(bad), false, JSON.stringify(bad));
});

test('explain: requests within the method\'s limits, results whose heads, masks and feature maps fit together', () => {
  const params = { labelsPath: '/d/labels.csv', backend: 'wasm', file: 'a.png', label: '12' };
  assert.ok(isEngineRequest({ id: 1, method: 'explain', params }));
  assert.ok(isEngineRequest({ id: 1, method: 'explain', params: { ...params, box: { left: 1, top: 2, width: 3, height: 4 }, targets: [null, 3], smoothGrad: 256, gradTimesInput: true, activationBlock: 2 } }));
  for (const bad of [
    { ...params, smoothGrad: 257 },
    { ...params, smoothGrad: 1.5 },
    { ...params, targets: [0, 0, 0, 0, 0, 0, 0] },
    { ...params, targets: [-1] },
    { ...params, activationBlock: 0 },
    { ...params, box: { left: 0, top: 0, width: 0, height: 4 } },
    { ...params, label: undefined },
  ]) assert.equal(isEngineRequest({ id: 1, method: 'explain', params: bad }), false, JSON.stringify(bad));

  const head = (name: string, size: number) => ({ head: name, probs: Array<number>(size).fill(1 / size), predicted: 0, target: 0, relevant: true, mask: [1, 0], peak: [3.5, 4] });
  const result = {
    file: 'a.png', label: '12', prediction: '12', confidence: 0.5, imageWidth: 40, imageHeight: 20, inputRegion: { left: 1, top: 1, width: 30, height: 10 },
    maskWidth: 2, maskHeight: 1, method: { smoothGrad: 0, gradTimesInput: false },
    heads: [head('L', 7), ...['S1', 'S2', 'S3', 'S4', 'S5'].map((n) => head(n, 10))],
    blocks: 5, activations: { block: 1, width: 2, height: 1, channels: [{ index: 0, mean: 1, values: [255, 0] }] }, milliseconds: 12,
  };
  const message = (r: unknown) => ({ id: 1, kind: 'result', method: 'explain', result: r });
  assert.ok(isEngineMessage(message(result)));
  for (const bad of [
    { ...result, heads: result.heads.slice(0, 5) },
    { ...result, heads: [...result.heads.slice(1), result.heads[0]] },
    { ...result, heads: [{ ...result.heads[0], mask: [1] }, ...result.heads.slice(1)] },
    { ...result, heads: [{ ...result.heads[0], probs: [1] }, ...result.heads.slice(1)] },
    { ...result, heads: [{ ...result.heads[0], target: 7 }, ...result.heads.slice(1)] },
    { ...result, heads: [{ ...result.heads[0], peak: [1] }, ...result.heads.slice(1)] },
    { ...result, activations: { ...result.activations, channels: [{ index: 0, mean: 1, values: [1] }] } },
    { ...result, method: { smoothGrad: 0 } },
  ]) assert.equal(isEngineMessage(message(bad)), false, JSON.stringify(bad).slice(0, 200));
});
