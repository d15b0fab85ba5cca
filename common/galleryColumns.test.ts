import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnsBuilder, cropAt, encodeCrops, indexOfLine } from './galleryColumns';
import type { GalleryCrop } from './webviewProtocol';

function crop(i: number): GalleryCrop {
  const c: GalleryCrop = { file: `img/${i}.png`, line: 2 * i + 1, label: i % 5 === 0 ? '' : String(i) };
  if (i % 3 === 0) c.prediction = { text: String(i + (i % 2)), length: String(i + (i % 2)).length, confidence: (i % 10) / 10, matchesLabel: i % 2 === 0 };
  if (i % 7 === 0) c.issue = { score: 0.5, suggestion: String(i + 1), suggestionProbability: 0.25, position: 'S1' };
  if (i % 11 === 0) c.problem = `row ${i} has no image`;
  return c;
}

test('columns grow past their first capacity and give back every row as added', () => {
  const crops = Array.from({ length: 2500 }, (_, i) => crop(i));
  const columns = encodeCrops(crops);
  assert.equal(columns.count, 2500);
  // Exactly the rows: no spare capacity travels in the message.
  assert.equal(columns.lines.length, 2500);
  assert.equal(columns.confidences.length, 2500);
  for (const i of [0, 1, 3, 7, 11, 1023, 1024, 1025, 2047, 2048, 2499]) assert.deepEqual(cropAt(columns, i), crops[i], `row ${i}`);
});

test('setIssue gives a row added before it the finder\'s figures; rows without keep none', () => {
  const builder = new ColumnsBuilder(2);
  for (let i = 1; i <= 5; i++) builder.add({ file: `${i}.png`, line: 10 * i, label: '12' });
  assert.throws(() => builder.setIssue(5, { score: 1, suggestion: '1', suggestionProbability: 1, position: 'L' }), RangeError);
  const i = builder.indexOfLine(40);
  assert.equal(i, 3);
  builder.setIssue(i, { score: 0.9, suggestion: '21', suggestionProbability: 0.6, position: 'S1' });
  const columns = builder.build();
  assert.deepEqual(cropAt(columns, 3).issue, { score: 0.9, suggestion: '21', suggestionProbability: 0.6, position: 'S1' });
  for (const k of [0, 1, 2, 4]) assert.equal(cropAt(columns, k).issue, undefined);
  assert.equal(indexOfLine(columns, 50), 4);
  assert.equal(indexOfLine(columns, 45), -1);
  assert.equal(indexOfLine(columns, 0), -1);
});

test('rows out of line order are refused: the lookups by line depend on it', () => {
  const builder = new ColumnsBuilder();
  builder.add({ file: 'a.png', line: 3, label: '1' });
  assert.throws(() => builder.add({ file: 'b.png', line: 3, label: '2' }), RangeError);
  assert.throws(() => builder.add({ file: 'b.png', line: 2, label: '2' }), RangeError);
  builder.add({ file: 'b.png', line: 4, label: '2' });
  assert.equal(builder.build().count, 2);
});
