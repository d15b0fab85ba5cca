import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DatasetPathError, datasetPathProblem, resolveDatasetPath } from './datasetPath';

test('resolves relative forward-slash paths inside the folder', () => {
  assert.equal(resolveDatasetPath('/data/set', 'train/1.png'), path.join('/data/set', 'train', '1.png'));
  assert.equal(resolveDatasetPath('/data/set', 'a/../b.png'), path.join('/data/set', 'b.png'));
});

test('rejects paths that leave the folder or are absolute', () => {
  for (const bad of ['../x.png', 'a/../../x.png', '/etc/passwd', 'C:/x.png', 'a\\b.png', '', '.', 'a/..']) {
    assert.ok(datasetPathProblem(bad), `expected a problem for ${JSON.stringify(bad)}`);
    assert.throws(() => resolveDatasetPath('/data/set', bad), DatasetPathError);
  }
});
