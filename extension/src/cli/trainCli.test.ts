// `digit-lens train` as a user runs it, from source in its own process: a broken labels file is
// refused with its line and nothing written; Ctrl-C right after the start leaves the model and
// predictions byte-identical; the paper's network trains, checkpoints and resumes; a new model
// starts from the shipped one's weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stripes } from '../../../test/support/stripes';
import type { CheckpointMeta } from '../engine/checkpoint';
import { PRESETS } from '../engine/presets';

const cliEntry = path.join(import.meta.dirname, '..', 'cli.ts');

function cli(args: string[], timeout = 300_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cliEntry, ...args], { encoding: 'utf8', timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function files(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(path.relative(dir, path.join(entry.parentPath, entry.name)), await fs.readFile(path.join(entry.parentPath, entry.name)));
  }
  return out;
}

test('train refuses a labels file with a stray quote in row 50, names line 51 and writes nothing', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-cli-quote-'));
  try {
    const rows = Array.from({ length: 80 }, (_, i) => `img/${i}.png,${i},,`);
    rows[49] = 'img/49.png,"49,,';
    await fs.writeFile(path.join(dir, 'labels.csv'), ['file,label,box,digit_boxes', ...rows].join('\n') + '\n');
    const r = cli(['train', dir, '--backend', 'cpu']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^digit-lens: labels\.csv:51: the quote opened here is never closed.*Nothing was written/m);
    assert.deepEqual(await fs.readdir(dir), ['labels.csv']);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C right after train starts, or a broken labels file, leaves the model and predictions byte-identical', { timeout: 600_000 }, async () => {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'dl-cli-sigint-')), 'set');
  try {
    assert.equal(cli(['synth', dir, '--count', '60', '--seed', '3']).status, 0);
    const first = cli(['train', dir, '--epochs', '1', '--backend', 'wasm']);
    assert.equal(first.status, 0, first.stderr);
    const derived = path.join(dir, '.digitlens');
    const model = await files(path.join(derived, 'model'));
    const predictions = await fs.readFile(path.join(derived, 'predictions.csv'));
    assert.ok(model.has('weights.bin') && model.has('optimizer.bin'));

    // Interrupt as soon as the run says which backend it is on: before its first step.
    const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'train', dir, '--epochs', '3', '--backend', 'wasm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => {
      const before = stderr;
      stderr += d.toString();
      if (!before.includes('backend:') && stderr.includes('backend:')) child.kill('SIGINT');
    });
    const code = await exited;
    assert.equal(code, 130, `exit code (stderr: ${stderr})`);
    assert.match(stderr, /stopping after this step/);
    assert.match(stdout, /Stopped before the first training step: nothing was written/);
    assert.deepEqual(await files(path.join(derived, 'model')), model, 'the model is byte-identical');
    assert.deepEqual(await fs.readFile(path.join(derived, 'predictions.csv')), predictions, 'predictions.csv is byte-identical');
    assert.ok(!(await fs.readdir(derived)).includes('candidate'));

    // With a model in place, eval and predict refuse a broken labels file too.
    const labelsPath = path.join(dir, 'labels.csv');
    const lines = (await fs.readFile(labelsPath, 'utf8')).split('\n');
    lines[50] = lines[50].replace(',', ',"');
    await fs.writeFile(labelsPath, lines.join('\n'));
    for (const command of ['eval', 'predict', 'train']) {
      const r = cli([command, dir, '--backend', 'wasm']);
      assert.equal(r.status, 1, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /^digit-lens: labels\.csv:51: the quote opened here is never closed/m, command);
    }
    assert.deepEqual(await files(path.join(derived, 'model')), model);
    assert.deepEqual(await fs.readFile(path.join(derived, 'predictions.csv')), predictions);
  } finally {
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  }
});

test('goodfellow2014 (the paper\'s network) trains a few steps, checkpoints, and `train --resume` goes on from its weights and optimizer state', { timeout: 1_800_000 }, async () => {
  // 20 crops, one epoch a run: one step of the 18 or so not held out, each time. The preset trains
  // at about 10 images/s on wasm on a quiet machine (far less on a busy one: hence the long
  // limits), so this is kept to the fewest steps that still save and resume a real model.
  const slow = 900_000;
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'dl-cli-gf-')), 'set');
  try {
    assert.equal(cli(['synth', dir, '--count', '20', '--seed', '5']).status, 0);
    const first = cli(['train', dir, '--preset', 'goodfellow2014', '--epochs', '1', '--backend', 'wasm', '--seed', '1'], slow);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /^backend: wasm \(\d threads?\), preset goodfellow2014$/m);
    const modelDir = path.join(dir, '.digitlens', 'model');
    const meta1 = JSON.parse(await fs.readFile(path.join(modelDir, 'meta.json'), 'utf8')) as CheckpointMeta;
    assert.deepEqual(meta1.spec, PRESETS.goodfellow2014);
    assert.ok(meta1.steps >= 1, `first run: ${meta1.steps} steps`);
    // The checkpoint holds every weight (23.4 M parameters, float32) and Adam's two moments per
    // trainable weight (batch norm's moving statistics are not trainable).
    const weightBytes = (await fs.stat(path.join(modelDir, 'weights.bin'))).size;
    assert.equal(weightBytes, 23_390_345 * 4);
    const movingStats = 2 * (48 + 64 + 128 + 160 + 4 * 192);
    assert.equal((await fs.stat(path.join(modelDir, 'optimizer.bin'))).size, 4 * (1 + 2 * (23_390_345 - movingStats)));
    const weights1 = await fs.readFile(path.join(modelDir, 'weights.bin'));

    const resumed = cli(['train', dir, '--resume', '--epochs', '1', '--backend', 'wasm', '--seed', '2'], slow);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming the current model/);
    assert.match(resumed.stdout, /the resumed model is current|kept the current model/);
    // Where the resumed model went (current, or a candidate when it reads fewer validation crops right).
    const resumedDir = /^(?:model|candidate): (.+) \(\d+ steps/m.exec(resumed.stdout)?.[1];
    assert.ok(resumedDir, resumed.stdout);
    const meta2 = JSON.parse(await fs.readFile(path.join(resumedDir, 'meta.json'), 'utf8')) as CheckpointMeta;
    assert.equal(meta2.spec.preset, 'goodfellow2014');
    assert.equal(meta2.totalSteps, meta1.steps + meta2.steps, 'the resumed run counts on from the first');
    assert.notDeepEqual(await fs.readFile(path.join(resumedDir, 'weights.bin')), weights1, 'the resumed run changed the weights');
    const optimizer = await fs.readFile(path.join(resumedDir, 'optimizer.bin'));
    assert.equal(new Float32Array(optimizer.buffer, optimizer.byteOffset, 1)[0], meta1.steps + meta2.steps, "Adam's step count goes on");
  } finally {
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  }
});

test('train --start-from shipped makes a new model from the shipped weights; not with --resume', { timeout: 600_000 }, async () => {
  const labelsPath = await stripes();
  const dir = path.dirname(labelsPath);
  try {
    const both = cli(['train', dir, '--resume', '--start-from', 'shipped']);
    assert.equal(both.status, 2, both.stderr);
    assert.match(both.stderr, /give one of them/);
    // From the sources the shipped model is extension/model (in the bundle, dist/model beside cli.js).
    const shippedDir = path.resolve(import.meta.dirname, '..', '..', 'model');
    const shipped = JSON.parse(await fs.readFile(path.join(shippedDir, 'meta.json'), 'utf8')) as CheckpointMeta;
    const r = cli(['train', dir, '--start-from', 'shipped', '--epochs', '1', '--backend', 'wasm']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`a new model from ${shippedDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const meta = JSON.parse(await fs.readFile(path.join(dir, '.digitlens', 'model', 'meta.json'), 'utf8')) as CheckpointMeta;
    assert.deepEqual(meta.startedFrom, { dir: shippedDir, steps: shipped.totalSteps ?? shipped.steps });
    assert.equal(meta.totalSteps, meta.steps + (shipped.totalSteps ?? shipped.steps));
    assert.equal(meta.spec.preset, shipped.spec.preset);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
