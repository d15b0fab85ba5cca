import { test } from 'node:test';
import assert from 'node:assert/strict';
import { svhnImportLogLines, svhnImportSummary } from './svhnImportSummary';

const sample = { labelsPath: '/d/labels.csv', entries: 40, imported: 3, missing: 37, missingExamples: ['4.png', '5.png', '6.png', '7.png', '8.png'], withoutBoxes: 0, rounded: 0 };

test('the notification says how many were imported and how many images are missing, naming a few', () => {
  assert.equal(svhnImportSummary(sample), 'imported 3, 37 missing images (4.png, 5.png, 6.png, 7.png, 8.png, ...)');
  assert.equal(svhnImportSummary({ ...sample, missing: 2, missingExamples: ['4.png', '9.png'] }), 'imported 3, 2 missing images (4.png, 9.png)');
  assert.equal(svhnImportSummary({ ...sample, imported: 40, missing: 0, missingExamples: [] }), 'imported 40, 0 missing images');
});

test('the log names the labels file, and rows without boxes or with rounded boxes when there are any', () => {
  assert.deepEqual(svhnImportLogLines(sample), ['3 of 40 listed images imported into /d/labels.csv; 37 missing']);
  const lines = svhnImportLogLines({ ...sample, withoutBoxes: 1, rounded: 2 });
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^1 rows have their label only/);
  assert.match(lines[2], /^2 rows had fractional boxes/);
});
