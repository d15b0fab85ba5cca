import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GalleryCrop } from '../../common/webviewProtocol';
import { filterCrops, sortCrops, summarize } from './galleryModel';

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
  assert.deepEqual(summarize(crops), { total: 4, mismatches: 1, unlabeled: 1 });
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
