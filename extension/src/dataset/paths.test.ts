import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DatasetPathError } from '../../../common/datasetPath';
import { cacheDir, defaultModelDir, predictionsPath, resolveDatasetPath } from './paths';

test('dataset paths resolve inside the folder; unsafe ones throw', () => {
  assert.equal(resolveDatasetPath('/data/set', 'train/1.png'), path.join('/data/set', 'train', '1.png'));
  assert.equal(resolveDatasetPath('/data/set', 'a/../b.png'), path.join('/data/set', 'b.png'));
  assert.throws(() => resolveDatasetPath('/data/set', '../x.png'), DatasetPathError);
});

test('derived state sits in .digitlens beside the labels file', () => {
  assert.equal(predictionsPath('/d/labels.csv'), path.join('/d', '.digitlens', 'predictions.csv'));
  assert.equal(defaultModelDir('/d/labels.csv'), path.join('/d', '.digitlens', 'model'));
  assert.equal(cacheDir('/d'), path.join('/d', '.digitlens', 'cache'));
});
