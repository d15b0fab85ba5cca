import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelsDocument } from '../../../../common/labels';
import { chooseNeighbour, filePlace, findRow, inspectorRow, neighbourInFile, rowOnLine } from './inspectorRows';

// Line 3 holds an error (no row), a.png is listed twice, c.png has boxes.
const TEXT = 'file,label,box,digit_boxes\na.png,12,,\nb.png,,,\nbad.png,1x,,\nc.png,7,1 2 30 40,1 2 15 40;16 2 15 40\na.png,5,,\n';
const rows = LabelsDocument.parse(TEXT).rows;
const at = (file: string, line: number) => ({ file, line });
const name = (r: { file: string; line: number } | undefined): string | undefined => r && `${r.file}@${r.line}`;

test('a row is found again by line and file, or by its file alone when it moved and is listed once', () => {
  assert.deepEqual(rows.map(name), ['a.png@1', 'b.png@2', 'c.png@4', 'a.png@5']);
  assert.equal(name(findRow(rows, at('c.png', 4)) as { file: string; line: number }), 'c.png@4');
  // Two rows were added above c.png: it is found on its new line.
  const moved = LabelsDocument.parse(TEXT.replace('a.png,12,,\n', 'a.png,12,,\nx.png,1,,\ny.png,2,,\n')).rows;
  assert.equal(name(findRow(moved, at('c.png', 4)) as { file: string; line: number }), 'c.png@6');
  // a.png is two rows: a moved one is not guessed at.
  assert.match(findRow(moved, at('a.png', 5)) as string, /a\.png is on lines 2, 8 now, no longer on line 6/);
  assert.match(findRow(rows, at('gone.png', 2)) as string, /gone\.png \(line 3\) is no longer in the labels file/);
  assert.equal(name(rowOnLine(rows, 4)), 'c.png@4');
  assert.equal(rowOnLine(rows, 3), undefined, 'no readable row starts on the line with the error');
  assert.equal(rowOnLine(rows, 0), undefined, 'the header is no row');
});

test("stepping in the file's order goes row by row, from where a row was when it is gone", () => {
  assert.equal(name(neighbourInFile(rows, at('b.png', 2), 1)), 'c.png@4', 'past the unreadable row');
  assert.equal(name(neighbourInFile(rows, at('c.png', 4), -1)), 'b.png@2');
  assert.equal(neighbourInFile(rows, at('a.png', 5), 1), undefined);
  assert.equal(neighbourInFile(rows, at('a.png', 1), -1), undefined);
  assert.equal(name(neighbourInFile(rows, at('bad.png', 3), 1)), 'c.png@4');
  assert.equal(name(neighbourInFile(rows, at('bad.png', 3), -1)), 'b.png@2');
  assert.deepEqual(filePlace(rows, at('c.png', 4)), { navigation: 'file', position: 2, count: 4 });
  assert.deepEqual(filePlace(rows, at('bad.png', 3)), { navigation: 'file' });
});

test("next and previous follow the gallery's answer, else the file's order", () => {
  const view = 'Mismatches · Most confident first';
  // The gallery says: c.png is next, 1st of its 3 mismatches.
  const found = chooseNeighbour({ status: 'found', line: 4, file: 'c.png', position: 0, count: 3, view }, rows, at('a.png', 5), 1, 'labels.csv');
  assert.deepEqual(found, { row: rows[2], place: { navigation: 'gallery', position: 0, count: 3, view } });
  // The gallery's list ends here: no step, even though the file goes on.
  assert.deepEqual(chooseNeighbour({ status: 'end', count: 1, view }, rows, at('a.png', 1), 1, 'labels.csv'), { notice: `No next crop in the gallery (${view}: 1 crop).` });
  // No gallery (closed, hidden, or it does not know the row): the file's order.
  assert.deepEqual(chooseNeighbour(undefined, rows, at('a.png', 1), 1, 'labels.csv'), { row: rows[1], place: { navigation: 'file', position: 1, count: 4 } });
  assert.deepEqual(chooseNeighbour(undefined, rows, at('a.png', 1), -1, 'labels.csv'), { notice: 'No previous crop: this is the first row of labels.csv.' });
  // The gallery names a row the file no longer has (it is a moment behind): the file's order.
  const stale = chooseNeighbour({ status: 'found', line: 9, file: 'z.png', position: 1, count: 3, view }, rows, at('b.png', 2), 1, 'labels.csv');
  assert.deepEqual(stale, { row: rows[2], place: { navigation: 'file', position: 2, count: 4 } });
});

test('the page gets the row with its image as a webview URI and its boxes, or why there is no image', () => {
  const uri = (p: string): string => `https://res${p}`;
  assert.deepEqual(inspectorRow(rows[2], '/data/set/labels.csv', uri), {
    line: 4,
    file: 'c.png',
    label: '7',
    box: { left: 1, top: 2, width: 30, height: 40 },
    digitBoxes: [
      { left: 1, top: 2, width: 15, height: 40 },
      { left: 16, top: 2, width: 15, height: 40 },
    ],
    imageUri: 'https://res/data/set/c.png',
  });
  const escaping = inspectorRow({ line: 1, file: '../x.png', label: '1' }, '/data/set/labels.csv', uri);
  assert.equal(escaping.imageUri, undefined);
  assert.match(escaping.problem ?? '', /leaves the dataset folder/);
});
