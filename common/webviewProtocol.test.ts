import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGalleryToHostMessage, isHostToGalleryMessage } from './webviewProtocol';

test('the host accepts only well-formed gallery messages', () => {
  for (const ok of [
    { kind: 'ready' },
    { kind: 'refresh' },
    { kind: 'revealRow', line: 3 },
    { kind: 'setLabel', line: 7, file: 'x/./1.png', expected: '5', label: '12' },
    { kind: 'setLabel', line: 1, file: 'a.png', expected: '', label: '' },
    { kind: 'cspViolation', directive: 'img-src', blocked: 'https://x' },
  ]) assert.ok(isGalleryToHostMessage(ok), JSON.stringify(ok));
  for (const bad of [
    null,
    'ready',
    { kind: 'nope' },
    { kind: 'revealRow', line: -1 },
    { kind: 'revealRow', line: 1.5 },
    { kind: 'setLabel', file: 'a.png' },
    { kind: 'setLabel', file: 3, label: '1' },
    // Without the row's line or the label the gallery showed, the host could only guess the row.
    { kind: 'setLabel', file: 'a.png', label: '12' },
    { kind: 'setLabel', file: 'a.png', expected: '5', label: '12' },
    { kind: 'setLabel', line: 7, file: 'a.png', label: '12' },
    { kind: 'setLabel', line: -1, file: 'a.png', expected: '5', label: '12' },
    { kind: 'setLabel', line: 1.5, file: 'a.png', expected: '5', label: '12' },
    { kind: 'setLabel', line: '7', file: 'a.png', expected: '5', label: '12' },
    { kind: 'setLabel', line: 7, file: 'a.png', expected: 5, label: '12' },
    { kind: 'toString' },
    { kind: 'cspViolation', directive: 'x' },
  ]) assert.equal(isGalleryToHostMessage(bad), false, JSON.stringify(bad));
});

test('the webview accepts only well-formed host messages', () => {
  assert.ok(isHostToGalleryMessage({ kind: 'error', message: 'x' }));
  assert.ok(isHostToGalleryMessage({ kind: 'labelResult', line: 7, file: 'a.png', ok: true }));
  assert.ok(isHostToGalleryMessage({ kind: 'labelResult', line: 7, file: 'a.png', ok: false, message: 'the row changed' }));
  assert.ok(isHostToGalleryMessage({ kind: 'dataset', dataset: { crops: [] } }));
  for (const bad of [
    { kind: 'error' },
    { kind: 'dataset' },
    { kind: 'labelResult' },
    // The webview finds the cell by line and file, and puts the old label back only on ok: false.
    { kind: 'labelResult', file: 'a.png', ok: true },
    { kind: 'labelResult', line: 7, file: 'a.png' },
    { kind: 'labelResult', line: 7, file: 'a.png', ok: 'yes' },
    { kind: 'labelResult', line: 7, file: 'a.png', ok: false, message: 3 },
    { kind: 'hasOwnProperty' },
    [],
  ]) {
    assert.equal(isHostToGalleryMessage(bad), false, JSON.stringify(bad));
  }
});
