import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryOf, readState } from './galleryState';

test('a saved state comes back as it was saved', () => {
  const saved = {
    labelsPath: '/d/labels.csv',
    filter: 'lowConfidence',
    sort: 'errorScore',
    length: '>5',
    text: 'train/',
    lowConfidenceBelow: 0.35,
    scrollTop: 1840,
    selected: { line: 12, file: 'a.png' },
    history: [[{ line: 12, file: 'a.png', before: '', after: '4' }]],
  };
  assert.deepEqual(readState(JSON.parse(JSON.stringify(saved))), saved);
  assert.deepEqual(queryOf(readState(saved)), { filter: 'lowConfidence', length: '>5', text: 'train/', lowConfidenceBelow: 0.35 });
});

test('a state from before filters by length, text and confidence gets their defaults', () => {
  assert.deepEqual(readState({ labelsPath: '/d/labels.csv', filter: 'mismatches', scrollTop: 40 }), {
    labelsPath: '/d/labels.csv',
    filter: 'mismatches',
    sort: 'file',
    length: 'any',
    text: '',
    lowConfidenceBelow: 0.5,
    scrollTop: 40,
    selected: undefined,
    history: [],
  });
  assert.equal(readState(undefined).filter, 'all');
});

test('whatever else comes back is replaced by a default, never trusted', () => {
  const state = readState({ filter: 'bogus', sort: 3, length: 6, text: null, lowConfidenceBelow: 7, scrollTop: -5, selected: { line: 'x' }, history: 'no' });
  assert.deepEqual(state, { labelsPath: undefined, filter: 'all', sort: 'file', length: 'any', text: '', lowConfidenceBelow: 0.99, scrollTop: 0, selected: undefined, history: [] });
  assert.equal(readState({ lowConfidenceBelow: Number.NaN }).lowConfidenceBelow, 0.5);
  assert.equal(readState({ lowConfidenceBelow: 0 }).lowConfidenceBelow, 0.01);
});

test('a file set (a confusion cell of the dashboard) survives a reload and narrows the query', () => {
  const fileSet = { title: 'S1: label 7, read 1', files: ['a.png', 'b.png'] };
  const state = readState(JSON.parse(JSON.stringify({ filter: 'all', scrollTop: 0, fileSet })));
  assert.deepEqual(state.fileSet, fileSet);
  assert.deepEqual([...(queryOf(state).files ?? [])], ['a.png', 'b.png']);
  assert.equal(readState({ fileSet: { title: 'x', files: [3] } }).fileSet, undefined);
});
