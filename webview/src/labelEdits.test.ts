import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GalleryCrop, RowRef, SetLabelMessage, SetLabelsMessage } from '../../common/webviewProtocol';
import { LabelEdits, type EditsPage } from './labelEdits';

/** A page that records what it is told. */
function fakePage(): EditsPage & { posted: (SetLabelMessage | SetLabelsMessage)[]; said: string[]; notices: (string | undefined)[]; savingRows: string[]; refusedRows: RowRef[] } {
  const page = {
    posted: [] as (SetLabelMessage | SetLabelsMessage)[],
    said: [] as string[],
    notices: [] as (string | undefined)[],
    savingRows: [] as string[],
    refusedRows: [] as RowRef[],
    post: (m: SetLabelMessage | SetLabelsMessage) => void page.posted.push(m),
    status: (text: string) => void page.said.push(text),
    notice: (message: string | undefined) => void page.notices.push(message),
    saving: (rows: readonly RowRef[], saving: boolean) => void page.savingRows.push(`${saving ? '+' : '-'}${rows.map((r) => r.file).join(',')}`),
    refused: (row: RowRef) => void page.refusedRows.push(row),
    historyChanged: () => undefined,
  };
  return page;
}

const read = (text: string, confidence: number, label: string): GalleryCrop['prediction'] => ({ text, length: text.length, confidence, matchesLabel: label === '' || label === text });
const crop = (line: number, label: string, text?: string, confidence = 0.9): GalleryCrop => ({
  file: `${line}.png`,
  line,
  label,
  prediction: text === undefined ? undefined : read(text, confidence, label),
});

test('a label the host set is one step of undo, whose undo expects what it set', () => {
  const page = fakePage();
  const edits = new LabelEdits(undefined, page);
  edits.setLabel(crop(1, '12'), '42');
  assert.deepEqual(page.posted, [{ kind: 'setLabel', line: 1, file: '1.png', expected: '12', label: '42' }]);
  assert.equal(edits.history.size, 0, 'not before the host says so');
  edits.onLabelResult({ line: 1, file: '1.png' }, true, undefined);
  assert.equal(edits.history.size, 1);
  assert.deepEqual(edits.undo(), [{ line: 1, file: '1.png', before: '12', after: '42' }]);
  assert.deepEqual(page.posted[1], { kind: 'setLabels', editId: 1, reason: 'undo', edits: [{ line: 1, file: '1.png', expected: '42', label: '12' }] });
  edits.onLabelsResult(1, true, undefined);
  assert.equal(page.said.at(-1), 'Undone: 1.png is 12 again.');
  assert.equal(edits.history.size, 0, 'an undo is no step of its own');
  assert.equal(edits.undo(), undefined);
  assert.match(page.said.at(-1) ?? '', /^Nothing to undo/);
});

test('a refused label is no step, and its field gives way; answers match their rows, in order', () => {
  const page = fakePage();
  const edits = new LabelEdits(undefined, page);
  edits.setLabel(crop(1, '12'), '42');
  edits.setLabel(crop(2, '5'), '6');
  edits.setLabel(crop(1, '12'), '43');
  edits.onLabelResult({ line: 2, file: '2.png' }, true, undefined);
  edits.onLabelResult({ line: 1, file: '1.png' }, true, 'set in the unsaved editor');
  edits.onLabelResult({ line: 1, file: '1.png' }, false, 'the row changed (now labeled 42)');
  assert.deepEqual(page.refusedRows, [{ line: 1, file: '1.png' }]);
  assert.deepEqual(page.notices.filter((n) => n !== undefined), ['set in the unsaved editor', 'the row changed (now labeled 42)']);
  assert.deepEqual(edits.history.toJSON(), [[{ line: 2, file: '2.png', before: '5', after: '6' }], [{ line: 1, file: '1.png', before: '12', after: '42' }]]);
  // An answer for a row this page did not edit (another page's) records nothing.
  edits.onLabelResult({ line: 9, file: '9.png' }, true, undefined);
  assert.equal(edits.history.size, 2);
});

test("a selection's readings are one change and one step; crops without one are left out, and said so", () => {
  const page = fakePage();
  const edits = new LabelEdits(undefined, page);
  const selection = [crop(1, '12', '17'), crop(2, '3', '3'), crop(3, '', '45'), crop(4, '8', '9', 0.2)];
  assert.equal(edits.acceptReadings(selection), true);
  assert.deepEqual(page.posted, [
    {
      kind: 'setLabels',
      editId: 1,
      reason: 'acceptReadings',
      edits: [
        { line: 1, file: '1.png', expected: '12', label: '17' },
        { line: 3, file: '3.png', expected: '', label: '45' },
      ],
    },
  ]);
  assert.equal(page.said.at(-1), 'Accepting 2 readings; 2 selected crops have none at even odds…');
  assert.deepEqual(page.savingRows, ['+1.png,3.png']);
  edits.onLabelsResult(1, true, undefined);
  assert.equal(edits.history.size, 1);
  assert.equal(page.said.at(-1), 'Accepted 2 readings; Ctrl+Z undoes them at once.');
  edits.undo();
  assert.deepEqual((page.posted[1] as SetLabelsMessage).edits, [
    { line: 1, file: '1.png', expected: '17', label: '12' },
    { line: 3, file: '3.png', expected: '45', label: '' },
  ]);
  // Refused: nothing recorded, the rows no longer marked as being written.
  assert.equal(edits.acceptReadings([crop(5, '1', '7')]), true);
  edits.onLabelsResult(3, false, 'the row of 5.png changed');
  assert.equal(edits.history.size, 0);
  assert.deepEqual(page.savingRows.at(-1), '-5.png');
  // Nothing to accept: nothing sent.
  const sent = page.posted.length;
  assert.equal(edits.acceptReadings([crop(2, '3', '3'), crop(6, '1')]), false);
  assert.equal(page.posted.length, sent);
  assert.match(page.said.at(-1) ?? '', /^None of the 2 selected crops has a reading to accept/);
});

test('the history comes from the saved state, and undoes from there', () => {
  const page = fakePage();
  const edits = new LabelEdits([[{ line: 4, file: '4.png', before: '', after: '-' }]], page);
  edits.undo();
  assert.deepEqual(page.posted, [{ kind: 'setLabels', editId: 1, reason: 'undo', edits: [{ line: 4, file: '4.png', expected: '-', label: '' }] }]);
});
