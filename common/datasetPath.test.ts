import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetPathError, datasetPathProblem, datasetPathSegments, normalizeDatasetPath } from './datasetPath';

test('relative forward-slash paths inside the folder resolve to their segments', () => {
  assert.deepEqual(datasetPathSegments('train/1.png'), ['train', '1.png']);
  assert.deepEqual(datasetPathSegments('a/../b.png'), ['b.png']);
  assert.deepEqual(datasetPathSegments('./x//y/./z.png'), ['x', 'y', 'z.png']);
  assert.equal(normalizeDatasetPath('x/./1.png'), 'x/1.png');
  assert.equal(normalizeDatasetPath('x/1.png'), 'x/1.png');
  // Every other spelling of a path comes to the same one; names with dots stay as written.
  for (const [spelled, one] of [['./a.png', 'a.png'], ['a//b.png', 'a/b.png'], ['a/b/', 'a/b'], ['a/b/..', 'a'], ['a/./b/../c.png', 'a/c.png'], ['...', '...'], ['a/.b/..c.png', 'a/.b/..c.png'], ['.x/y.', '.x/y.']]) {
    assert.equal(normalizeDatasetPath(spelled), one, spelled);
  }
});

test('rejects paths that leave the folder or are absolute', () => {
  for (const bad of ['../x.png', 'a/../../x.png', '/etc/passwd', 'C:/x.png', 'a\\b.png', '', '.', 'a/..', 'a\0.png']) {
    assert.ok(datasetPathProblem(bad), `expected a problem for ${JSON.stringify(bad)}`);
    assert.throws(() => datasetPathSegments(bad), DatasetPathError);
    assert.equal(normalizeDatasetPath(bad), bad);
  }
});
