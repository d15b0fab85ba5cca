import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeRgbPng } from '../dataset/pngEncode';

const root = path.resolve(__dirname, '../../..');

/** True when a source file of the generator changed after the bundle was built. */
async function newerSources(bundleTime: number): Promise<boolean> {
  const dirs = [path.join(root, 'extension/src/dataset'), path.join(root, 'extension/src/dataset/synth'), path.join(root, 'extension/src/cli')];
  for (const dir of dirs) {
    for (const name of await fs.readdir(dir)) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts') && statSync(path.join(dir, name)).mtimeMs > bundleTime) return true;
    }
  }
  return false;
}

/** Runs the CLI from source (under tsx) or from the bundle, as a user would. */
function cli(args: string[], bundled = false): { status: number | null; stdout: string; stderr: string } {
  const entry = bundled ? [path.join(root, 'dist', 'cli.js')] : ['--import', 'tsx', path.join(root, 'extension', 'src', 'cli.ts')];
  const r = spawnSync(process.execPath, [...entry, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('synth writes crops and labels, reports progress on stderr and nothing on stdout', async () => {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'cli-synth-')), 'set');
  const r = cli(['synth', dir, '--count', '12', '--seed', '9']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /12\/12 crops/);
  const labels = await fs.readFile(path.join(dir, 'labels.csv'), 'utf8');
  assert.equal(labels.trim().split('\n').length, 13);
  assert.equal((await fs.readdir(path.join(dir, 'img'))).length, 12);
  // A second run into the same folder refuses and keeps the labels.
  const again = cli(['synth', dir, '--count', '3']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists/);
  assert.equal(await fs.readFile(path.join(dir, 'labels.csv'), 'utf8'), labels);
});

test('bad arguments give a one-line error and exit code 2', () => {
  for (const [args, message] of [
    [['synth', '/tmp/x'], /needs --count/],
    [['synth', '/tmp/x', '--count', 'ten'], /--count must be a whole number/],
    [['synth', '/tmp/x', '--count', '5', '--sed', '1'], /unknown option --sed/],
    [['synth', '--count', '5'], /exactly one folder/],
    [['synth', '/tmp/x', '--count', '5', '--seed', '-1'], /--seed must be/],
    [['synth', '/tmp/x', '--count', '5', '--composed-share', '0.5'], /--composed-share needs --digits-from/],
    [['synth', '/tmp/x', '--count', '5', '--digits-from', 'd.csv', '--composed-share', '2'], /--composed-share must be from 0 to 1/],
  ] as const) {
    const r = cli([...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});

test('--digits-from composes numbers from one-digit crops, mixed with rendered ones in the share asked', async () => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-synth-digits-'));
  await fs.mkdir(path.join(base, 'digits', 'img'), { recursive: true });
  const rows = ['file,label'];
  for (let d = 0; d < 10; d++) {
    await fs.writeFile(path.join(base, 'digits', 'img', `${d}.png`), encodeRgbPng(32, 32, new Uint8Array(32 * 32 * 3).fill(20 * d)));
    rows.push(`img/${d}.png,${d}`);
  }
  await fs.writeFile(path.join(base, 'digits', 'labels.csv'), rows.join('\n') + '\n');
  const r = cli(['synth', path.join(base, 'set'), '--count', '40', '--seed', '4', '--digits-from', path.join(base, 'digits', 'labels.csv'), '--composed-share', '0.5']);
  assert.equal(r.status, 0, r.stderr);
  const composed = Number(/(\d+) crops composed from 10 real digits/.exec(r.stderr)?.[1]);
  assert.ok(composed >= 10 && composed <= 30, r.stderr);
  // Composed crops are 32 rows of digit plus margins; rendered ones have their own sizes. Every row has one box per digit.
  const labels = (await fs.readFile(path.join(base, 'set', 'labels.csv'), 'utf8')).trim().split('\n').slice(1);
  assert.equal(labels.length, 40);
  for (const line of labels) {
    const [, label, , digitBoxes] = line.split(',');
    assert.equal(digitBoxes.split(';').length, label.length, line);
  }
});

test('the bundle (fonts from dist/fonts) writes the same bytes as the source (fonts from node_modules)', async (t) => {
  const bundle = path.join(root, 'dist', 'cli.js');
  const problem = !existsSync(bundle) ? 'dist/cli.js is missing' : (await newerSources(statSync(bundle).mtimeMs)) ? 'dist/cli.js is older than the generator sources' : undefined;
  if (problem) {
    if (process.env.CI === 'true') assert.fail(`${problem}: run the build first`);
    t.skip(`${problem}: run \`node scripts/build.mjs\` first`);
    return;
  }
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-synth-'));
  assert.equal(cli(['synth', path.join(base, 'a'), '--count', '20', '--seed', '5']).status, 0);
  const bundled = cli(['synth', path.join(base, 'b'), '--count', '20', '--seed', '5'], true);
  assert.equal(bundled.status, 0, bundled.stderr);
  for (const file of ['labels.csv', ...(await fs.readdir(path.join(base, 'a', 'img'))).map((f) => `img/${f}`)]) {
    assert.ok((await fs.readFile(path.join(base, 'a', file))).equals(await fs.readFile(path.join(base, 'b', file))), file);
  }
});
