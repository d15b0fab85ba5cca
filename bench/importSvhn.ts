// The SVHN format 1 import at the size of SVHN train (issue 9): a generated digitStruct.mat of
// 33,402 entries shaped like SVHN's (MATLAB's layout, object references, SVHN train's number
// lengths: test/support/digitStructWriter.ts) and an image file for every entry, then
//   1. the import as a user runs it: `node dist/cli.js import-svhn <dir> --force --json` (when built);
//   2. the import in this process (importSvhn), wall and CPU time, and the reading alone;
//   3. HDF5's own dereference (File.dereference -> H5Rget_name) on a few references, the path the
//      importer avoids, extrapolated to every reference of the file.
//   node --import tsx bench/importSvhn.ts [--count 33402] [--seed 1] [--naive 2] [--fresh]
// The generated folder stays in the temp folder for the next run (writing it takes minutes); --fresh
// writes it again.
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dataset, Reference } from 'h5wasm';
import { checkKnownFlags, numberFlag, parseArgs } from '../extension/src/cli/args';
import { readDigitStruct } from '../extension/src/dataset/svhn/digitStruct';
import { loadH5wasm, openHdf5 } from '../extension/src/dataset/svhn/hdf5';
import { importSvhn } from '../extension/src/dataset/svhnImport';
import { svhnLikeEntries, writeDigitStruct } from '../test/support/digitStructWriter';

const args = parseArgs(process.argv.slice(2), ['fresh']);
checkKnownFlags(args, ['count', 'seed', 'naive', 'fresh']);
const count = numberFlag(args, 'count', { min: 1, integer: true }) ?? 33_402;
const seed = numberFlag(args, 'seed', { min: 0, integer: true }) ?? 1;
const naiveCount = numberFlag(args, 'naive', { min: 0, integer: true }) ?? 2;
const root = path.resolve(__dirname, '..');

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} cores (${cpu}), Node ${process.versions.node}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

async function generated(): Promise<string> {
  const dir = path.join(os.tmpdir(), `digit-lens-bench-svhn-${count}-${seed}`);
  const marker = path.join(dir, '.complete');
  if (existsSync(marker) && args.flags.get('fresh') !== true) {
    console.log(`reusing ${dir} (--fresh writes it again)`);
    return dir;
  }
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const entries = svhnLikeEntries(count, seed);
  const started = performance.now();
  await writeDigitStruct(path.join(dir, 'digitStruct.mat'), entries, {
    onProgress: (done) => {
      if (done % 5000 === 0) process.stderr.write(`writing digitStruct.mat: ${done}/${count}\n`);
    },
  });
  const written = performance.now();
  // The import checks that each image is there; what is in it does not matter.
  for (let start = 0; start < entries.length; start += 256) {
    await Promise.all(entries.slice(start, start + 256).map((e) => fs.writeFile(path.join(dir, e.name), 'png')));
  }
  await fs.writeFile(marker, '');
  const size = (await fs.stat(path.join(dir, 'digitStruct.mat'))).size;
  const digits = entries.reduce((n, e) => n + e.digits.length, 0);
  console.log(
    `wrote ${dir}: digitStruct.mat of ${count} entries (${digits} digits, ${(size / 2 ** 20).toFixed(0)} MiB) in ${seconds(written - started)}, ` +
      `${count} image files in ${seconds(performance.now() - written)}`,
  );
  return dir;
}

/** The import as a user runs it: the bundled CLI in its own process. */
function bundledCli(dir: string): void {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    console.log('dist/cli.js is missing: `node scripts/build.mjs` first to time the CLI');
    return;
  }
  const started = performance.now();
  const r = spawnSync(process.execPath, [cli, 'import-svhn', dir, '--force', '--json'], { encoding: 'utf8' });
  const wall = performance.now() - started;
  if (r.status !== 0) throw new Error(`the CLI failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout) as { imported: number; missing: number };
  console.log(`CLI (dist/cli.js import-svhn --force --json): ${seconds(wall)} wall, process start and h5wasm load included; imported ${result.imported}, missing ${result.missing}`);
}

async function inProcess(dir: string): Promise<void> {
  const loadStarted = performance.now();
  await loadH5wasm();
  const loaded = performance.now();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await importSvhn({ dir, force: true });
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  console.log(
    `in process: h5wasm load ${seconds(loaded - loadStarted)}; import ${seconds(wall)} wall, ${seconds((used.user + used.system) / 1000)} CPU ` +
      `(${((wall * 1000) / result.entries).toFixed(0)} us an entry); imported ${result.imported}, missing ${result.missing}`,
  );
  const readStarted = performance.now();
  const entries = await readDigitStruct(path.join(dir, 'digitStruct.mat'));
  console.log(`  of which reading digitStruct.mat (index of /#refs# and every entry): ${seconds(performance.now() - readStarted)} for ${entries.length} entries`);
}

/** HDF5's dereference by name: each call walks the file to find a path for the address. */
async function naive(dir: string): Promise<void> {
  if (naiveCount === 0) return;
  const { h5wasm, file, close } = await openHdf5(path.join(dir, 'digitStruct.mat'));
  try {
    const names = (file.get('digitStruct/name') as Dataset).value as Reference[];
    // Spread over the file: HDF5 walks it until it meets the object, so early objects are found sooner.
    const sample = Array.from({ length: naiveCount }, (_, k) => names[Math.floor(((k + 0.5) * names.length) / naiveCount)]);
    const started = performance.now();
    for (const ref of sample) {
      const target: unknown = file.dereference(ref);
      if (target instanceof h5wasm.Dataset) void target.value;
    }
    const each = (performance.now() - started) / naiveCount;
    // Every entry has a name and a bbox reference, and 5 more per digit when it has several.
    const entries = svhnLikeEntries(count, seed);
    const references = entries.reduce((n, e) => n + 2 + (e.digits.length > 1 ? 5 * e.digits.length : 0), 0);
    console.log(
      `per-reference dereference (File.dereference, H5Rget_name): ${seconds(each)} a reference over ${naiveCount}; ` +
        `the file's ${references} references would take ~${((each * references) / 3_600_000).toFixed(0)} hours`,
    );
  } finally {
    close();
  }
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}; ${readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:.*\bavx512f\b/m) ? 'AVX-512' : 'no AVX-512'}`);
  const dir = await generated();
  bundledCli(dir);
  await inProcess(dir);
  await naive(dir);
  console.log(`machine afterwards: load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

void main();
