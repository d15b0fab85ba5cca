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

test('the messages that let the inspector step through the gallery are checked on both sides', () => {
  const found = { status: 'found', line: 9, file: 'b.png', position: 2, count: 40, view: 'Mismatches · Most confident first' };
  for (const ok of [
    { kind: 'inspectRow', line: 3, file: 'a.png' },
    { kind: 'neighbour', requestId: 4, answer: found },
    { kind: 'neighbour', requestId: 4, answer: { status: 'end', count: 40, view: 'All' } },
    { kind: 'neighbour', requestId: 0, answer: { status: 'unknown' } },
  ]) assert.ok(isGalleryToHostMessage(ok), JSON.stringify(ok));
  for (const bad of [
    // The host opens the inspector on a row named as the labels file has it: line and file.
    { kind: 'inspectRow', line: 3 },
    { kind: 'inspectRow', file: 'a.png' },
    { kind: 'inspectRow', line: -3, file: 'a.png' },
    { kind: 'neighbour', answer: found },
    { kind: 'neighbour', requestId: 4 },
    { kind: 'neighbour', requestId: 4, answer: { ...found, status: 'maybe' } },
    { kind: 'neighbour', requestId: 4, answer: { ...found, file: undefined } },
    { kind: 'neighbour', requestId: 4, answer: { ...found, position: 40 } },
    { kind: 'neighbour', requestId: 4, answer: { ...found, view: undefined } },
    { kind: 'neighbour', requestId: 4, answer: { status: 'end', view: 'All' } },
  ]) assert.equal(isGalleryToHostMessage(bad), false, JSON.stringify(bad));

  for (const ok of [
    { kind: 'neighbourRequest', requestId: 1, line: 3, file: 'a.png', step: 1 },
    { kind: 'neighbourRequest', requestId: 2, line: 3, file: 'a.png', step: -1 },
    { kind: 'inspecting', line: 3, file: 'a.png' },
  ]) assert.ok(isHostToGalleryMessage(ok), JSON.stringify(ok));
  for (const bad of [
    { kind: 'neighbourRequest', requestId: 1, line: 3, file: 'a.png', step: 2 },
    { kind: 'neighbourRequest', requestId: 1, line: 3, file: 'a.png', step: 0 },
    { kind: 'neighbourRequest', line: 3, file: 'a.png', step: 1 },
    { kind: 'inspecting', line: 3 },
  ]) assert.equal(isHostToGalleryMessage(bad), false, JSON.stringify(bad));
});

test('a change of several labels names each row as a single edit does, and its answer carries its id', () => {
  const edit = { line: 7, file: 'x/./1.png', expected: '5', label: '12' };
  for (const ok of [
    { kind: 'setLabels', editId: 1, reason: 'acceptReadings', edits: [edit, { ...edit, line: 8, expected: '', label: '-' }] },
    { kind: 'setLabels', editId: 0, reason: 'undo', edits: [edit] },
  ]) assert.ok(isGalleryToHostMessage(ok), JSON.stringify(ok));
  for (const bad of [
    { kind: 'setLabels', editId: 1, reason: 'acceptReadings', edits: [] },
    { kind: 'setLabels', editId: 1, reason: 'acceptReadings', edits: edit },
    { kind: 'setLabels', editId: 1, reason: 'guess', edits: [edit] },
    { kind: 'setLabels', reason: 'undo', edits: [edit] },
    { kind: 'setLabels', editId: -1, reason: 'undo', edits: [edit] },
    // Every row as a single edit must name it: its line, its file, the label the gallery showed.
    { kind: 'setLabels', editId: 1, reason: 'undo', edits: [edit, { file: 'a.png', expected: '1', label: '2' }] },
    { kind: 'setLabels', editId: 1, reason: 'undo', edits: [{ ...edit, expected: undefined }] },
    { kind: 'setLabels', editId: 1, reason: 'undo', edits: [{ ...edit, label: 12 }] },
  ]) assert.equal(isGalleryToHostMessage(bad), false, JSON.stringify(bad));
  assert.ok(isHostToGalleryMessage({ kind: 'labelsResult', editId: 3, ok: true }));
  assert.ok(isHostToGalleryMessage({ kind: 'labelsResult', editId: 3, ok: false, message: 'the row changed' }));
  for (const bad of [{ kind: 'labelsResult', ok: true }, { kind: 'labelsResult', editId: 3 }, { kind: 'labelsResult', editId: 3, ok: false, message: 1 }]) {
    assert.equal(isHostToGalleryMessage(bad), false, JSON.stringify(bad));
  }
});
