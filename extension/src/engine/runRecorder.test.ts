import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluationOf, progressAt, runRecordOf } from '../../../test/support/runRecords';
import { tempDir } from '../../../test/support/tempDirs';
import { readRunRecord } from '../dataset/runHistory';
import { MAX_CURVE_POINTS, RunRecorder } from './runRecorder';

const settings = runRecordOf(0).settings;

test('a run is on disk from its start, ends with its final figures and evaluation, and its curves stay bounded', async () => {
  const dir = await tempDir('dl-recorder-');
  const recorder = await RunRecorder.start(dir, '/data/labels.csv', settings, new Date('2026-11-29T14:03:22.123Z'));
  assert.match(recorder.record.id, /^20261129-140322123-[a-z]{4}$/);
  const started = await readRunRecord(recorder.path);
  assert.equal(started.status, 'running');
  assert.equal(started.curves.step.length, 0);
  const steps = MAX_CURVE_POINTS * 2 + 10;
  for (let s = 1; s <= steps; s++) recorder.progress(progressAt(s));
  assert.ok(recorder.record.curves.step.length <= MAX_CURVE_POINTS, `${recorder.record.curves.step.length} points`);
  assert.equal(recorder.record.curves.step.at(-1), steps);
  const evaluation = evaluationOf(['a.png'], '5', { coverage: [1], accuracy: [1], coverageAtPaperAccuracy: 1 });
  await recorder.finish({ outcome: 'current', outcomeMessage: 'current', steps, seconds: 9, cancelled: false, imagesPerSecond: 60 }, evaluation);
  const finished = await readRunRecord(recorder.path);
  assert.equal(finished.status, 'finished');
  assert.equal(finished.final?.steps, steps);
  assert.deepEqual(finished.validations, [{ step: steps, sequenceAccuracy: 1 }]);
  assert.deepEqual(finished.evaluations, [evaluation]);
  assert.deepEqual(finished.curves, recorder.record.curves);
});

test('a failed run says why; a record that cannot be written fails finish, not training', async () => {
  const dir = await tempDir('dl-recorder-');
  const failed = await RunRecorder.start(dir, '/data/labels.csv', settings);
  await failed.fail('training diverged at step 3 (loss NaN)');
  const record = await readRunRecord(failed.path);
  assert.equal(record.status, 'failed');
  assert.equal(record.error, 'training diverged at step 3 (loss NaN)');
  // A file where the folder should be: every write fails.
  const blocked = await RunRecorder.start(dir, '/data/labels.csv', settings);
  const { promises: fs } = await import('node:fs');
  await fs.rm(dir, { recursive: true });
  await fs.writeFile(dir, 'not a folder');
  blocked.progress(progressAt(1));
  await assert.rejects(blocked.finish({ outcome: 'current', outcomeMessage: '', steps: 1, seconds: 1, cancelled: false, imagesPerSecond: 1 }, undefined), /ENOTDIR|EEXIST|not a directory/);
  await fs.rm(dir);
});
