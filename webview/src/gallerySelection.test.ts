import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GallerySelection, moveIndex, rowKey, rowOfKey, shownList, type GridMove, type GridShape } from './gallerySelection';

// 11 crops in rows of 4, 2 rows in view:
//    0  1  2  3
//    4  5  6  7
//    8  9 10
const grid: GridShape = { count: 11, columns: 4, rowsPerPage: 2 };
const moves = (from: number, ...steps: GridMove[]): number[] => {
  const path: number[] = [];
  let at = from;
  for (const step of steps) path.push((at = moveIndex(at, step, grid)));
  return path;
};

test('left and right step through the crops in order, across the ends of rows', () => {
  assert.deepEqual(moves(2, 'right', 'right', 'right', 'left'), [3, 4, 5, 4]);
  assert.deepEqual(moves(1, 'left', 'left'), [0, 0], 'the first crop is the edge');
  assert.deepEqual(moves(9, 'right', 'right'), [10, 10], 'so is the last');
});

test('up and down move by a row of the grid; into the shorter last row they land on its last crop', () => {
  assert.deepEqual(moves(1, 'down', 'down', 'down', 'up', 'up', 'up'), [5, 9, 9, 5, 1, 1]);
  assert.deepEqual(moves(7, 'down', 'up'), [10, 6], 'nothing below 7 in the last row: its last crop');
  assert.deepEqual(moves(3, 'down', 'down'), [7, 10]);
});

test('a page is the rows in view; Home and End are the first and last crops', () => {
  assert.deepEqual(moves(1, 'pageDown', 'pageDown', 'pageUp', 'pageUp'), [9, 9, 1, 1]);
  assert.deepEqual(moves(3, 'pageDown'), [10], 'same column, or the last crop of a shorter last row');
  assert.deepEqual(moves(6, 'home', 'end', 'home'), [0, 10, 0]);
  assert.equal(moveIndex(0, 'pageDown', { count: 11, columns: 4, rowsPerPage: 0 }), 4, 'a view shorter than a row still pages by one');
});

test('a narrow view is one column: up and down step one crop; an empty grid has nowhere to go', () => {
  const column = { count: 3, columns: 1, rowsPerPage: 2 };
  assert.equal(moveIndex(1, 'down', column), 2);
  assert.equal(moveIndex(1, 'up', column), 0);
  assert.equal(moveIndex(0, 'pageDown', column), 2);
  assert.equal(moveIndex(0, 'down', { count: 0, columns: 4, rowsPerPage: 2 }), -1);
  assert.equal(moveIndex(40, 'left', grid), 9, 'an index past the end (the data shrank) starts from the last crop');
});

const shown = shownList(['a', 'b', 'c', 'd', 'e', 'f']);

test('a plain move selects one crop; Shift selects the range from the anchor, whichever way', () => {
  const s = new GallerySelection();
  s.only('c');
  assert.deepEqual([s.active, s.inOrder(shown)], ['c', ['c']]);
  s.extendTo('e', shown);
  assert.deepEqual([s.active, s.inOrder(shown)], ['e', ['c', 'd', 'e']]);
  // Back past the anchor: the range turns around it, what was beyond it is no longer selected.
  s.extendTo('a', shown);
  assert.deepEqual([s.active, s.inOrder(shown)], ['a', ['a', 'b', 'c']]);
  s.only('f');
  assert.deepEqual([s.active, s.inOrder(shown), s.size], ['f', ['f'], 1]);
});

test('Ctrl moves the active crop alone, and toggles crops in and out; a Shift range then starts there', () => {
  const s = new GallerySelection();
  s.only('a');
  s.moveActive('c');
  assert.deepEqual([s.active, s.inOrder(shown)], ['c', ['a']]);
  s.toggle('c');
  s.moveActive('e');
  s.toggle('e');
  assert.deepEqual(s.inOrder(shown), ['a', 'c', 'e']);
  s.toggle('a');
  assert.deepEqual([s.active, s.inOrder(shown)], ['a', ['c', 'e']]);
  s.extendTo('b', shown);
  assert.deepEqual(s.inOrder(shown), ['a', 'b']);
  s.all(shown);
  assert.deepEqual([s.active, s.size], ['b', 6]);
});

test('new data keeps the rows still shown; a row gone hands its place to the crop now there', () => {
  const s = new GallerySelection();
  s.only('b');
  s.extendTo('d', shown);
  // b was fixed and left the Mismatches: c and d stay selected, d stays active.
  s.reconcile(shownList(['a', 'c', 'd', 'e', 'f']), 2);
  assert.deepEqual([s.active, s.inOrder(shown)], ['d', ['c', 'd']]);
  // The active crop itself was fixed: the one now at its place is active and selected.
  s.only('d');
  s.reconcile(shownList(['a', 'c', 'e', 'f']), 2);
  assert.deepEqual([s.active, s.inOrder(shown)], ['e', ['e']]);
  // ...the last one: the new last crop.
  s.only('f');
  s.reconcile(shownList(['a', 'c']), 3);
  assert.deepEqual([s.active, s.inOrder(shown)], ['c', ['c']]);
  // Nothing shown: nothing selected.
  s.reconcile(shownList([]), 0);
  assert.deepEqual([s.active, s.size], [undefined, 0]);
  s.reconcile(shownList(['x', 'y']), 0);
  assert.deepEqual([s.active, s.size], ['x', 1]);
});

test('rows are keyed by line and file: the same image on two lines is two rows', () => {
  assert.notEqual(rowKey({ line: 1, file: 'a.png' }), rowKey({ line: 4, file: 'a.png' }));
  assert.notEqual(rowKey({ line: 1, file: 'a.png' }), rowKey({ line: 1, file: './a.png' }));
  assert.equal(rowKey({ line: 1, file: 'a.png' }), rowKey({ line: 1, file: 'a.png' }));
});

test('a row key names its row back, whatever its file field holds', () => {
  for (const row of [{ line: 0, file: 'a.png' }, { line: 12, file: 'img/with,comma and\u0000nul.png' }, { line: 3, file: '' }]) assert.deepEqual(rowOfKey(rowKey(row)), row);
  assert.equal(rowOfKey('no key'), undefined);
});
