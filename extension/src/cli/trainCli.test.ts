// `digit-lens train` as a user runs it, from source in its own process: a broken labels file is
// refused with its line and nothing written; Ctrl-C right after the start leaves the model and
// predictions byte-identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const cliEntry = path.join(import.meta.dirname, '..', 'cli.ts');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cliEntry, ...args], { encoding: 'utf8', timeout: 300_000 });
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
