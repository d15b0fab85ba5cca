import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from './args';
import { evalCliCommand, labelsPathOf, metricsTable, predictCliCommand, progressLine, trainCliCommand } from './engineCommands';

test('bad arguments are usage errors before any work starts', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-cli-'));
  await fs.writeFile(path.join(dir, 'labels.csv'), 'file,label\n');
  await assert.rejects(trainCliCommand.run([]), UsageError);
  await assert.rejects(trainCliCommand.run([dir, '--preset', 'huge']), /--preset must be one of fast, goodfellow2014/);
  await assert.rejects(trainCliCommand.run([dir, '--epochs', '0']), /--epochs must be a whole number >= 1/);
  await assert.rejects(trainCliCommand.run([dir, '--time-budget', 'soon']), /--time-budget must be a number/);
  await assert.rejects(trainCliCommand.run([dir, '--backend', 'gpu']), /--backend must be one of auto, tfjs-node-gpu/);
  await assert.rejects(trainCliCommand.run([dir, '--epoch', '3']), /unknown option --epoch/);
  await assert.rejects(evalCliCommand.run([dir, '--jsn', 'x']), /unknown option --jsn/);
  await assert.rejects(predictCliCommand.run([path.join(dir, 'nowhere')]), /labels.csv does not exist/);
});

test('<dir> means <dir>/labels.csv; a labels file path is taken as is', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-cli-'));
  await fs.writeFile(path.join(dir, 'labels.csv'), 'file,label\n');
  await fs.writeFile(path.join(dir, 'other.csv'), 'file,label\n');
  assert.equal(labelsPathOf(dir, 'train'), path.join(dir, 'labels.csv'));
  assert.equal(labelsPathOf(path.join(dir, 'other.csv'), 'train'), path.join(dir, 'other.csv'));
});

test('the progress line and the metrics table show what the user needs', () => {
  const line = progressLine(
    { epoch: 2, step: 150, totalSteps: 600, loss: 2.3456, sequenceAccuracy: 0.4567, elapsedSeconds: 61.4, imagesPerSecond: 88.2, fraction: 0.25, headLoss: [1, 0.5, 0.4, 0.3, 0.1, null], headAccuracy: [0.9, 0.6, 0.5, 0.5, 0.4, null] },
    'wasm',
  );
  assert.equal(line, '[#####...............]  25% step 150/600 epoch 3 loss 2.346 acc 45.7% 88 img/s 61s wasm');
  const table = metricsTable('validation', { count: 10, sequenceAccuracy: 0.9, digitAccuracy: 0.95, lengthAccuracy: 1, coverageAt98: 0.5, backend: 'wasm' });
  assert.match(table, /validation \(10 crops, backend wasm\)/);
  assert.match(table, /sequence accuracy +90\.0%/);
  assert.match(table, /coverage at 98% +50\.0%/);
});
