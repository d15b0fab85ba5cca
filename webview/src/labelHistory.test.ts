import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelChange } from '../../common/webviewProtocol';
import { HISTORY_ROWS, HISTORY_STEPS, LabelHistory, undoEdits } from './labelHistory';

const change = (line: number, before: string, after: string): LabelChange => ({ line, file: `${line}.png`, before, after });

test('undo takes the latest step, one label or a whole selection, and reverses every row of it', () => {
  const history = new LabelHistory();
  history.record([change(1, '', '42')]);
  history.record([change(2, '12', '17'), change(5, '', '-'), change(6, '3', '3')]);
  assert.equal(history.size, 2);
  const latest = history.takeLatest() ?? [];
  assert.deepEqual(undoEdits(latest), [
    { line: 2, file: '2.png', expected: '17', label: '12' },
    { line: 5, file: '5.png', expected: '-', label: '' },
  ]);
  assert.deepEqual(history.takeLatest(), [change(1, '', '42')]);
  assert.equal(history.takeLatest(), undefined);
  history.record([change(3, '7', '7')]);
  assert.equal(history.size, 0, 'a change that changed nothing is no step');
});

test('the history survives in the page state, and what comes back from there is checked', () => {
  const history = new LabelHistory();
  history.record([change(1, '', '42')]);
  history.record([change(2, '12', '17'), change(5, '', '-')]);
  const saved: unknown = JSON.parse(JSON.stringify(history.toJSON()));
  const restored = new LabelHistory(saved);
  assert.deepEqual(restored.toJSON(), history.toJSON());
  const tampered = new LabelHistory([[change(1, '', '42')], [], [{ line: -1, file: 'a', before: '', after: '1' }], 'x', [[change(1, '', '2')]]]);
  assert.deepEqual(tampered.toJSON(), [[change(1, '', '42')]]);
  assert.equal(new LabelHistory({ steps: 3 }).size, 0);
});

test('old steps are forgotten beyond the bounds; the latest is kept however large', () => {
  const history = new LabelHistory();
  for (let i = 0; i < HISTORY_STEPS + 5; i++) history.record([change(i, '', String(i))]);
  assert.equal(history.size, HISTORY_STEPS);
  assert.deepEqual(history.toJSON()[0], [change(5, '', '5')]);
  const huge = Array.from({ length: HISTORY_ROWS + 1 }, (_, i) => change(i, '', '1'));
  history.record(huge);
  assert.equal(history.size, 1);
  assert.equal(history.takeLatest()?.length, HISTORY_ROWS + 1);
});
