// When the threaded wasm build fails to start, the engine falls back to one thread within seconds,
// then to cpu, says which and why, and the process still exits (DESIGN §4). Each failure is forced
// through the test hooks DIGITLENS_WASM_THREADS_FAULT (wasmThreads.ts) and DIGITLENS_WASM_DIR
// (backend.ts), each case in its own process (backendFallback.child.ts): backend state is per process.
// An installed native package that does not load falls back to wasm the same way (nativePackage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeBrokenNativePackage } from '../../../test/support/brokenNativePackage';
import type { ChildReport } from './backendFallback.child';

const child = path.join(__dirname, 'backendFallback.child.ts');
const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
const HOOKS = ['DIGITLENS_WASM_THREADS_FAULT', 'DIGITLENS_WASM_DIR', 'DIGITLENS_WASM_INIT_TIMEOUT_MS', 'DIGITLENS_WASM_THREADS', 'DIGITLENS_NATIVE_MODULES'];
// Longer than any case should take: a child still running then is a hang, and fails the case.
const CHILD_LIMIT_MS = 45_000;

function run(choice: string, hooks: Record<string, string>): ChildReport {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of HOOKS) delete env[k];
  // 2 threads wanted whatever the machine: the threaded build must be attempted.
  Object.assign(env, { DIGITLENS_WASM_THREADS: '2' }, hooks);
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, choice], { env, encoding: 'utf8', timeout: CHILD_LIMIT_MS });
  const exitedAt = Date.now();
  const tail = `\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`;
  assert.equal(r.signal, null, `the child was killed after ${CHILD_LIMIT_MS} ms (a hang, or workers keeping it alive)${tail}`);
  assert.equal(r.status, 0, `the child failed${tail}`);
  const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ChildReport;
  // Nothing (a pthread worker, a timer) may keep the process alive once the work is done.
  assert.ok(exitedAt - report.doneAt < 5000, `the child lingered ${exitedAt - report.doneAt} ms after its work${tail}`);
  return report;
}

function assertOneThreadMatchingCpu(r: ChildReport): void {
  assert.equal(r.error, undefined);
  assert.equal(r.info?.name, 'wasm');
  assert.equal(r.info?.threads, 1);
  assert.equal(r.pthreads, false, 'the fallback must be the single-threaded build');
  assert.ok(r.worst !== undefined && r.worst < 1e-5, `conv2d gradients differ from cpu by ${r.worst}`);
}

/** A folder of wasm binaries: the named ones copied from the package, or all of them garbage. */
function wasmDir(files: string[] | 'garbage'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digitlens-wasm-test-'));
  mkdirSync(dir, { recursive: true });
  if (files === 'garbage') {
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) writeFileSync(path.join(dir, f), 'not wasm');
  } else {
    for (const f of files) copyFileSync(path.join(wasmDist, f), path.join(dir, f));
  }
  return dir;
}

test('wasm: a threaded start leaves nothing in the temporary directory, and computes after it is cleaned', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'digitlens-tmpdir-'));
  try {
    const r = run('wasm', { TMPDIR: tmp });
    assert.equal(r.error, undefined);
    assert.equal(r.info?.threads, 2);
    assert.equal(r.pthreads, true);
    assert.ok(r.worst !== undefined && r.worst < 1e-5, `conv2d gradients differ from cpu by ${r.worst}`);
    // (tsx keeps its own cache there.)
    assert.deepEqual(readdirSync(tmp).filter((name) => name.startsWith('digitlens-')), [], 'the pthread scripts were left behind');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

for (const choice of ['auto', 'wasm']) {
  test(`${choice}: a pthread worker script that throws -> wasm with 1 thread and a note naming the error`, () => {
    const r = run(choice, { DIGITLENS_WASM_THREADS_FAULT: 'script' });
    assertOneThreadMatchingCpu(r);
    assert.match(r.info?.note ?? '', /^wasm threads failed to start \(a pthread worker failed to load: .*DIGITLENS_WASM_THREADS_FAULT=script.*\); using 1 thread$/);
    assert.ok(r.initMs < 15_000, `took ${r.initMs} ms`);
  });
}

test('auto: pthread workers that never answer -> wasm with 1 thread once the timeout is over, and a note saying so', () => {
  const r = run('auto', { DIGITLENS_WASM_THREADS_FAULT: 'hang', DIGITLENS_WASM_INIT_TIMEOUT_MS: '2000' });
  assertOneThreadMatchingCpu(r);
  assert.match(r.info?.note ?? '', /^wasm threads failed to start \(the threaded build did not start within 2 s; 0 of \d+ pthread workers ready\); using 1 thread$/);
  assert.ok(r.initMs >= 2000 && r.initMs < 2000 + 5000, `took ${r.initMs} ms`);
});

test('wasm: the threaded .wasm missing -> wasm with 1 thread and a note naming the file', () => {
  const dir = wasmDir(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']);
  try {
    const r = run('wasm', { DIGITLENS_WASM_DIR: dir });
    assertOneThreadMatchingCpu(r);
    assert.match(r.info?.note ?? '', /^wasm threads failed to start \(tfjs-backend-wasm-threaded-simd\.wasm is missing from .*\); using 1 thread$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no wasm binaries: auto -> cpu with a note saying why; an explicit wasm is an error saying why', () => {
  const dir = wasmDir([]);
  try {
    const auto = run('auto', { DIGITLENS_WASM_DIR: dir });
    assert.equal(auto.info?.name, 'cpu');
    assert.match(auto.info?.note ?? '', /^wasm failed to start \(tfjs wasm binaries not found in .*\); using cpu$/);
    const wasm = run('wasm', { DIGITLENS_WASM_DIR: dir });
    assert.equal(wasm.info, undefined);
    assert.match(wasm.error ?? '', /^backend wasm is not available: tfjs wasm binaries not found in /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('broken wasm binaries: auto tries 2 threads, then 1, then says both failed and uses cpu', () => {
  const dir = wasmDir('garbage');
  try {
    const r = run('auto', { DIGITLENS_WASM_DIR: dir });
    assert.equal(r.info?.name, 'cpu');
    assert.match(r.info?.note ?? '', /^wasm failed to start \(2 threads: .+; 1 thread: .+\); using cpu$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// What follows the native note: wasm, with 2 threads or (on a machine too busy for the threaded
// build to start in time) with 1 and its own note.
const USING_WASM = String.raw`; (using wasm|wasm threads failed to start \(.*\); using 1 thread)$`;

/** A storage folder as "Digit Lens: Install GPU Backend" leaves it, with a broken tfjs-node-gpu (test/support). */
function brokenNativeStorage(binding: 'garbage' | 'other-napi'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digitlens-native-test-'));
  writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
  writeBrokenNativePackage(dir, binding);
  return dir;
}

test('an installed tfjs-node-gpu whose addon does not load: auto -> wasm with a note naming the reason; an explicit choice is an error saying why', () => {
  const dir = brokenNativeStorage('garbage');
  try {
    const auto = run('auto', { DIGITLENS_NATIVE_MODULES: dir });
    assert.equal(auto.error, undefined);
    assert.equal(auto.info?.name, 'wasm');
    assert.ok(auto.worst !== undefined && auto.worst < 1e-5, 'wasm computes right after the failed native load');
    const where = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(auto.info?.note ?? '', new RegExp(`^tfjs-node-gpu not used: @tensorflow/tfjs-node-gpu in ${where} does not load in this Node \\(node [\\d.]+, napi \\d+\\): .*(invalid ELF header|file too short|not a valid).*${USING_WASM}`));
    const explicit = run('tfjs-node-gpu', { DIGITLENS_NATIVE_MODULES: dir });
    assert.equal(explicit.info, undefined);
    assert.match(explicit.error ?? '', /^backend tfjs-node-gpu is not available: @tensorflow\/tfjs-node-gpu in .* does not load in this Node/);
    // A failed probe is not remembered as a success.
    assert.throws(() => readFileSync(path.join(dir, 'verified.json')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an installed tfjs-node-gpu built for another Node-API version (tensorflow/tfjs#2640): the note says which folder it has and which this Node wants', () => {
  const dir = brokenNativeStorage('other-napi');
  try {
    const r = run('auto', { DIGITLENS_NATIVE_MODULES: dir });
    assert.equal(r.info?.name, 'wasm');
    const hint = String.raw`\(the install holds napi-v3 but this Node, node [\d.]+, napi \d+, looks for napi-v\d+: install again with a Node of the same Node-API version, see tensorflow/tfjs#2640\)`;
    assert.match(r.info?.note ?? '', new RegExp(String.raw`^tfjs-node-gpu not used: .*Cannot find module .*napi-v\d+.*` + hint + USING_WASM));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
