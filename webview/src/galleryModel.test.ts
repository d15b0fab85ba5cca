import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GalleryCrop, RowRef, Step } from '../../common/webviewProtocol';
import { filterCrops, neighbourCrop, sortCrops, summarize } from './galleryModel';

test('filters and counts follow the prediction/label comparison', () => {
  const crops: GalleryCrop[] = [
    { file: 'a', line: 1, label: '1', prediction: { text: '1', length: 1, confidence: 1, matchesLabel: true } },
    { file: 'b', line: 2, label: '2', prediction: { text: '7', length: 1, confidence: 1, matchesLabel: false } },
    { file: 'c', line: 3, label: '' },
    { file: 'd', line: 4, label: '4' },
  ];
  assert.deepEqual(filterCrops(crops, 'mismatches').map((c) => c.file), ['b']);
  assert.deepEqual(filterCrops(crops, 'unlabeled').map((c) => c.file), ['c']);
  assert.equal(filterCrops(crops, 'all').length, 4);
  assert.deepEqual(summarize(crops), { total: 4, mismatches: 1, unlabeled: 1, likelyErrors: 0 });
});

test('sorting by confidence keeps file order for ties and puts crops without a prediction last', () => {
  const crop = (file: string, confidence?: number): GalleryCrop => ({
    file,
    line: 0,
    label: '1',
    prediction: confidence === undefined ? undefined : { text: '1', length: 1, confidence, matchesLabel: true },
  });
  const crops = [crop('a', 0.5), crop('b'), crop('c', 0.9), crop('d', 0.5), crop('e', 0.1)];
  assert.deepEqual(sortCrops(crops, 'confidenceDescending').map((c) => c.file), ['c', 'a', 'd', 'e', 'b']);
  assert.deepEqual(sortCrops(crops, 'confidenceAscending').map((c) => c.file), ['e', 'a', 'd', 'c', 'b']);
  assert.deepEqual(sortCrops(crops, 'file').map((c) => c.file), ['a', 'b', 'c', 'd', 'e']);
});

test('likely label errors: filtered from even odds up, and sorted likeliest first', () => {
  const crop = (file: string, score?: number): GalleryCrop => ({
    file,
    line: 0,
    label: '12',
    issue: score === undefined ? undefined : { score, suggestion: '21', suggestionProbability: score, position: 'S1' },
  });
  const crops = [crop('a', 0.2), crop('b', 0.97), crop('c'), crop('d', 0.5), crop('e', 0.49)];
  assert.deepEqual(filterCrops(crops, 'likelyErrors').map((c) => c.file), ['b', 'd']);
  assert.equal(summarize(crops).likelyErrors, 2);
  assert.deepEqual(sortCrops(crops, 'errorScore').map((c) => c.file), ['b', 'd', 'e', 'a', 'c']);
});

test("the inspector's next and previous follow the gallery's filter and order, from rows it no longer shows too", () => {
  const crop = (file: string, line: number, label: string, text?: string, confidence = 0.5): GalleryCrop => ({
    file,
    line,
    label,
    prediction: text === undefined ? undefined : { text, length: text.length, confidence, matchesLabel: label === '' || text === label },
  });
  const crops = [
    crop('a', 1, '1', '7', 0.2), // mismatch
    crop('b', 2, '2', '2', 0.9),
    crop('c', 3, '3', '8', 0.95), // mismatch
    crop('a', 4, '4', '9', 0.6), // mismatch: the same image on another line is another row
    crop('e', 5, ''),
  ];
  const at = (file: string, line: number): RowRef => ({ file, line });
  // File order, everything: plain neighbours, and the ends say so.
  assert.deepEqual(neighbourCrop(crops, 'all', 'file', at('b', 2), 1), { status: 'found', file: 'c', line: 3, position: 2, count: 5, view: 'All · File order' });
  assert.deepEqual(neighbourCrop(crops, 'all', 'file', at('b', 2), -1), { status: 'found', file: 'a', line: 1, position: 0, count: 5, view: 'All · File order' });
  assert.deepEqual(neighbourCrop(crops, 'all', 'file', at('e', 5), 1), { status: 'end', count: 5, view: 'All · File order' });
  assert.deepEqual(neighbourCrop(crops, 'all', 'file', at('a', 1), -1), { status: 'end', count: 5, view: 'All · File order' });
  // Mismatches, most confident first: c (0.95), a@4 (0.6), a@1 (0.2).
  const next = (from: RowRef, step: Step = 1): string => {
    const n = neighbourCrop(crops, 'mismatches', 'confidenceDescending', from, step);
    return n.status === 'found' ? `${n.file}@${n.line} ${n.position + 1}/${n.count}` : n.status;
  };
  assert.equal(next(at('c', 3)), 'a@4 2/3');
  assert.equal(next(at('a', 4)), 'a@1 3/3');
  assert.equal(next(at('a', 1)), 'end');
  assert.equal(next(at('a', 1), -1), 'a@4 2/3');
  // b (0.9, read right) is not shown, but its place in the order says what comes after it.
  assert.equal(next(at('b', 2)), 'a@4 2/3');
  assert.equal(next(at('b', 2), -1), 'c@3 1/3');
  // A row the gallery does not have: the caller falls back to the file's order.
  assert.deepEqual(neighbourCrop(crops, 'all', 'file', at('a', 2), 1), { status: 'unknown' });
  assert.deepEqual(neighbourCrop(crops, 'unlabeled', 'file', at('a', 1), 1), { status: 'found', file: 'e', line: 5, position: 0, count: 1, view: 'Unlabeled · File order' });
});
