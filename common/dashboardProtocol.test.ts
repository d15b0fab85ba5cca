import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDashboardToHostMessage, isHostToDashboardMessage } from './dashboardProtocol';

const RUN = '20261129-140322123-abcd';
const progress = { epoch: 0, step: 3, loss: 2, sequenceAccuracy: 0.1, elapsedSeconds: 1, imagesPerSecond: 50, fraction: 0.1, headLoss: [1, 0.2, 0.2, 0.2, 0.2, 0], headAccuracy: [0.5, 0.3, null, null, null, null] };

test('the page takes only whole messages from the host', () => {
  assert.ok(isHostToDashboardMessage({ kind: 'runs', labelsPath: '/d/labels.csv', title: 'd', runs: [], problems: [] }));
  assert.ok(isHostToDashboardMessage({ kind: 'progress', runId: RUN, progress }));
  assert.equal(isHostToDashboardMessage({ kind: 'progress', runId: '../x', progress }), false);
  assert.equal(isHostToDashboardMessage({ kind: 'progress', runId: RUN, progress: { ...progress, headLoss: ['x'] } }), false);
  assert.equal(isHostToDashboardMessage({ kind: 'run', run: { id: RUN } }), false);
  assert.equal(isHostToDashboardMessage({ kind: 'toString' }), false);
});

test('the host takes a confusion cell with its files, and nothing malformed', () => {
  assert.ok(isDashboardToHostMessage({ kind: 'openCell', labelsPath: '/d/labels.csv', title: 'S2: label 7, read 1', files: ['a.png'] }));
  assert.equal(isDashboardToHostMessage({ kind: 'openCell', labelsPath: '/d/labels.csv', title: 't', files: [] }), false);
  assert.equal(isDashboardToHostMessage({ kind: 'openCell', labelsPath: '/d/labels.csv', title: 't', files: [1] }), false);
  assert.ok(isDashboardToHostMessage({ kind: 'selectRun', runId: RUN }));
  assert.equal(isDashboardToHostMessage({ kind: 'selectRun', runId: 'x' }), false);
});
