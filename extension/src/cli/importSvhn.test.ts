import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { svhnLikeEntries, writeDigitStruct } from '../../../test/support/digitStructWriter';
import { tempDir } from '../../../test/support/tempDirs';


const root = path.resolve(__dirname, '../../..');
const bundle = path.join(root, 'dist', 'cli.js');

/** Runs the CLI from source (under tsx) or from the bundle, as a user would. */
function cli(args: string[], bundled = false): { status: number | null; stdout: string; stderr: string } {
  const entry = bundled ? [bundle] : ['--import', 'tsx', path.join(root, 'extension', 'src', 'cli.ts')];
  const r = spawnSync(process.execPath, [...entry, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An SVHN format 1 folder of 8 entries of which 5 have their image. */
async function svhnFolder(): Promise<string> {
  const dir = await tempDir('cli-import-svhn-');
  await writeDigitStruct(path.join(dir, 'digitStruct.mat'), svhnLikeEntries(8, 5));
  for (const k of [1, 2, 4, 6, 8]) await fs.writeFile(path.join(dir, `${k}.png`), 'an image');
  return dir;
}

/** True when a source the bundle is built from changed after the bundle. */
async function newerSources(bundleTime: number): Promise<boolean> {
  const dirs = ['extension/src/dataset', 'extension/src/dataset/svhn', 'extension/src/cli', 'common'].map((d) => path.join(root, d));
  for (const dir of dirs) {
    for (const name of await fs.readdir(dir)) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts') && statSync(path.join(dir, name)).mtimeMs > bundleTime) return true;
    }
  }
  return false;
}

test('import-svhn --json: the summary alone on stdout, progress and missing images on stderr; a second run refuses, --force replaces', async () => {
  const dir = await svhnFolder();
  const labelsPath = path.join(dir, 'labels.csv');
  const r = cli(['import-svhn', dir, '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { labelsPath, entries: 8, imported: 5, missing: 3, missingExamples: ['3.png', '5.png', '7.png'], withoutBoxes: 0, rounded: 0 });
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.match(r.stderr, /read 8\/8 entries/);
  assert.match(r.stderr, /import-svhn: imported 5, 3 missing images \(3\.png, 5\.png, 7\.png\), in [0-9.]+ s\n/);
  assert.match(r.stderr, /import-svhn: 5 of 8 listed images imported into .*labels\.csv; 3 missing\n/);
  const labels = await fs.readFile(labelsPath, 'utf8');
  assert.deepEqual(
    labels.trim().split('\n').map((line) => line.split(',')[0]),
    ['file', '1.png', '2.png', '4.png', '6.png', '8.png'],
  );

  await fs.writeFile(labelsPath, labels + '9.png,,,\n');
  const again = cli(['import-svhn', dir]);
  assert.equal(again.status, 1);
  assert.equal(again.stderr, `digit-lens: ${labelsPath} already exists; nothing was written (--force replaces it)\n`);
  assert.equal(await fs.readFile(labelsPath, 'utf8'), labels + '9.png,,,\n');
  const forced = cli(['import-svhn', dir, '--force']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(forced.stdout, '');
  assert.equal(await fs.readFile(labelsPath, 'utf8'), labels);
});

test('a .mat that is not HDF5 and bad arguments: one line on stderr, a non-zero exit, nothing written', async () => {
  const dir = await tempDir('cli-import-svhn-');
  await fs.writeFile(path.join(dir, 'digitStruct.mat'), 'not HDF5');
  const r = cli(['import-svhn', dir, '--json']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `digit-lens: ${path.join(dir, 'digitStruct.mat')}: it is not an HDF5 file (MATLAB v7.3 .mat): no HDF5 signature\n`);
  assert.deepEqual(await fs.readdir(dir), ['digitStruct.mat']);
  for (const [args, message] of [
    [['import-svhn'], /needs exactly one folder/],
    [['import-svhn', dir, dir], /needs exactly one folder/],
    [['import-svhn', dir, '--froce', 'x'], /unknown option --froce/],
    [['import-svhn', dir, '--force=yes'], /--force takes no value/],
  ] as const) {
    const bad = cli([...args]);
    assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, message);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  }
});

test('the bundle (h5wasm inside dist/cli.js) imports what the source imports', async (t) => {
  const problem = !existsSync(bundle) ? 'dist/cli.js is missing' : (await newerSources(statSync(bundle).mtimeMs)) ? 'dist/cli.js is older than the import sources' : undefined;
  if (problem) {
    if (process.env.CI === 'true') assert.fail(`${problem}: run the build first`);
    t.skip(`${problem}: run \`node scripts/build.mjs\` first`);
    return;
  }
  const dir = await svhnFolder();
  const fromSource = cli(['import-svhn', dir, '--json']);
  assert.equal(fromSource.status, 0, fromSource.stderr);
  const labels = await fs.readFile(path.join(dir, 'labels.csv'));
  const bundled = cli(['import-svhn', dir, '--json', '--force'], true);
  assert.equal(bundled.status, 0, bundled.stderr);
  assert.equal(bundled.stdout, fromSource.stdout);
  assert.ok((await fs.readFile(path.join(dir, 'labels.csv'))).equals(labels));
});
