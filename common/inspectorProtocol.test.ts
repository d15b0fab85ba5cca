import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_INSPECTOR_VIEW, isHostToInspectorMessage, isInspectorToHostMessage, isInspectorView } from './inspectorProtocol';

const view = { targets: [null, 1, null, null, 9, null], smoothGrad: 16, gradTimesInput: true, activationBlock: 2 };

test('a view names one target per head, each within its head, and only the offered methods', () => {
  assert.ok(isInspectorView(DEFAULT_INSPECTOR_VIEW));
  assert.ok(isInspectorView(view));
  assert.ok(isInspectorView({ ...view, targets: [6, 0, 0, 0, 0, 9], smoothGrad: 0, activationBlock: null }));
  for (const bad of [
    { ...view, targets: [null, 1, null, null, 9] }, // five heads
    { ...view, targets: [7, null, null, null, null, null] }, // L has classes 0..6
    { ...view, targets: [null, 10, null, null, null, null] }, // digits 0..9
    { ...view, targets: [null, -1, null, null, null, null] },
    { ...view, targets: [null, 1.5, null, null, null, null] },
    { ...view, targets: [undefined, null, null, null, null, null] },
    { ...view, smoothGrad: 12 },
    { ...view, smoothGrad: -8 },
    { ...view, gradTimesInput: 1 },
    { ...view, activationBlock: 0 },
    { ...view, activationBlock: undefined },
    { ...view, targets: 'none' },
  ]) assert.equal(isInspectorView(bad), false, JSON.stringify(bad));
});

test('the host accepts only well-formed inspector messages', () => {
  for (const ok of [
    { kind: 'ready' },
    { kind: 'explain', requestId: 3, line: 4, file: 'a.png', view },
    { kind: 'step', step: 1 },
    { kind: 'step', step: -1 },
    { kind: 'setLabel', line: 4, file: 'a.png', expected: '12', label: '0432' },
    { kind: 'revealRow', line: 4 },
    { kind: 'trainModel' },
    { kind: 'cspViolation', directive: 'img-src', blocked: 'https://x' },
  ]) assert.ok(isInspectorToHostMessage(ok), JSON.stringify(ok));
  for (const bad of [
    null,
    { kind: 'explain', line: 4, file: 'a.png', view },
    { kind: 'explain', requestId: 3, file: 'a.png', view },
    { kind: 'explain', requestId: 3, line: 4, view },
    { kind: 'explain', requestId: 3, line: 4, file: 'a.png' },
    { kind: 'explain', requestId: 3, line: 4, file: 'a.png', view: { ...view, smoothGrad: 5 } },
    { kind: 'step', step: 2 },
    { kind: 'step' },
    // A label edit names its row and the label the page showed, as the gallery's does.
    { kind: 'setLabel', line: 4, file: 'a.png', label: '12' },
    { kind: 'revealRow', line: -1 },
    { kind: 'constructor' },
    { kind: 'dataset', dataset: {} },
  ]) assert.equal(isInspectorToHostMessage(bad), false, JSON.stringify(bad));
});

test('the page accepts only well-formed host messages', () => {
  const row = { line: 4, file: 'a.png', label: '12', box: { left: 1, top: 2, width: 30, height: 20 }, digitBoxes: [{ left: 1, top: 2, width: 15, height: 20 }], imageUri: 'https://x/a.png' };
  const head = { head: 'L', probs: [1, 0, 0, 0, 0, 0, 0], predicted: 0, target: 0, relevant: true, mask: [1], peak: [0, 0] };
  const result = { file: 'a.png', label: '12', maskWidth: 1, maskHeight: 1, heads: [head, head, head, head, head, head] };
  for (const ok of [
    { kind: 'row', labelsPath: '/d/labels.csv', row, place: { navigation: 'gallery', position: 2, count: 9, view: 'All' } },
    { kind: 'row', labelsPath: '/d/labels.csv', row: { line: 1, file: '../x.png', label: '', problem: 'leaves the folder' }, place: { navigation: 'file' } },
    { kind: 'rowGone', message: 'line 5 now lists b.png' },
    { kind: 'explanation', requestId: 7, result, refining: false },
    { kind: 'explanation', requestId: 7, result, refining: true },
    { kind: 'explainFailed', requestId: 7, message: 'no model', noModel: true },
    { kind: 'notice', message: 'the last crop' },
    { kind: 'labelResult', line: 4, file: 'a.png', ok: false, message: 'the row changed' },
  ]) assert.ok(isHostToInspectorMessage(ok), JSON.stringify(ok));
  for (const bad of [
    { kind: 'row', labelsPath: '/d/labels.csv', row: { ...row, line: undefined }, place: { navigation: 'file' } },
    { kind: 'row', labelsPath: '/d/labels.csv', row: { ...row, box: { left: 1, top: 2, width: 0, height: 20 } }, place: { navigation: 'file' } },
    { kind: 'row', labelsPath: '/d/labels.csv', row, place: { navigation: 'elsewhere' } },
    { kind: 'row', labelsName: 'labels.csv', row, place: { navigation: 'file' } },
    { kind: 'explanation', result },
    { kind: 'explanation', requestId: 7, result: { ...result, heads: [head] } },
    { kind: 'explanation', requestId: 7, result: { ...result, maskWidth: '54' } },
    { kind: 'explainFailed', requestId: 7, message: 'x' },
    { kind: 'labelResult', line: 4, file: 'a.png' },
    { kind: 'valueOf' },
  ]) assert.equal(isHostToInspectorMessage(bad), false, JSON.stringify(bad));
});
