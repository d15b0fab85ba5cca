// Installing a native backend into the extension's storage. The real install cannot succeed on a
// test machine (it downloads libtensorflow from storage.googleapis.com, and there is no GPU), so
// npm is replaced by stand-ins that do what npm did here: fail with the output it printed, or
// leave a package (a broken one, test/support/brokenNativePackage.ts) that the real engine worker
// then refuses to load, falling back to wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TFJS_VERSION } from '../../../common/nativeBackends';
import { writeBrokenNativePackage } from '../../../test/support/brokenNativePackage';
import { EngineClient } from './engineClient';
import { installAndReport, installNativeBackend, nativeModulesDir, runNpm, tellingLine, type NpmRunner } from './nativeBackendInstall';

const workerPath = path.join(import.meta.dirname, '..', '..', '..', 'dist', 'engineWorker.js');

// What `npm install @tensorflow/tfjs-node-gpu@4.22.0 --foreground-scripts` printed on this machine
// (the npm registry reachable, storage.googleapis.com not), cut to its last lines.
const REAL_FAILURE = `* Downloading libtensorflow
https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz
node:events:502
      throw er; // Unhandled 'error' event
      ^

Error: getaddrinfo ENOTFOUND storage.googleapis.com
    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26)
Node.js v20.20.2
npm error code 1
npm error path /tmp/x/node_modules/@tensorflow/tfjs-node-gpu
npm error command failed
npm error command sh -c node scripts/install.js gpu download
npm error A complete log of this run can be found in: /root/.npm/_logs/2026-11-29T14_09_30_644Z-debug-0.log
`;

const quietLog = { info: () => {}, error: () => {} };

test('the native packages are pinned to the version of the bundled tfjs', () => {
  const manifest = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    optionalDependencies: Record<string, string>;
  };
  for (const pkg of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm']) assert.equal(manifest.dependencies[pkg], TFJS_VERSION, pkg);
  for (const pkg of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) assert.equal(manifest.optionalDependencies[pkg], TFJS_VERSION, pkg);
});

test('a failed download: one line saying why, the storage folder as it was, the engine left alone', async () => {
  const storageDir = mkdtempSync(path.join(tmpdir(), 'dl-install-'));
  try {
    const calls: string[][] = [];
    // As npm does while the install script runs: the package is on disk, then the script fails.
    const npm: NpmRunner = async (args, cwd, onLine) => {
      calls.push(args);
      assert.equal(cwd, nativeModulesDir(storageDir));
      await mkdir(path.join(cwd, 'node_modules', '@tensorflow', 'tfjs-node-gpu'), { recursive: true });
      await writeFile(path.join(cwd, 'node_modules', '@tensorflow', 'tfjs-node-gpu', 'package.json'), '{}');
      for (const line of REAL_FAILURE.split('\n')) if (line.trim()) onLine(line);
      return { code: 1, output: REAL_FAILURE };
    };
    const engineCalls: string[] = [];
    const engine = {
      restartWhenIdle: () => (engineCalls.push('restart'), Promise.resolve(true)),
      backendInfo: () => (engineCalls.push('backendInfo'), Promise.resolve({ backend: 'wasm' as const, threads: 2 })),
    };
    const reported: string[] = [];
    const r = await installAndReport({ engine, log: quietLog, storageDir, npm }, 'tfjs-node-gpu', (m) => reported.push(m));
    assert.deepEqual(calls, [['install', `@tensorflow/tfjs-node-gpu@${TFJS_VERSION}`, '--save-exact', '--no-audit', '--no-fund', '--foreground-scripts']]);
    assert.equal(r.error, true);
    assert.equal(
      r.message,
      'Digit Lens: could not install the GPU backend (CUDA): npm install @tensorflow/tfjs-node-gpu@4.22.0 exited with code 1: Error: getaddrinfo ENOTFOUND storage.googleapis.com. ' +
        'Its install script downloads libtensorflow from storage.googleapis.com, which must be reachable. Nothing was changed: the engine goes on with the backend it used before.',
    );
    assert.ok(reported.includes('* Downloading libtensorflow'), 'npm\'s lines reach the progress message');
    assert.ok(!existsSync(path.join(nativeModulesDir(storageDir), 'node_modules', '@tensorflow', 'tfjs-node-gpu')), 'the half-installed package is removed');
    assert.deepEqual(engineCalls, [], 'the engine is not restarted');
  } finally {
    rmSync(storageDir, { recursive: true, force: true });
  }
});

test('npm that cannot be started is named as the reason', async () => {
  const storageDir = mkdtempSync(path.join(tmpdir(), 'dl-install-'));
  try {
    // The real runner, in a folder that is not there: spawn fails the way a missing npm does.
    const missing = await runNpm(['--version'], path.join(storageDir, 'no-such-folder'), () => {});
    assert.equal(missing.code, null);
    assert.match(missing.startError ?? '', /ENOENT/);
    const r = await installNativeBackend({ storageDir, backend: 'tfjs-node', npm: () => Promise.resolve(missing) });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /^npm could not be started \(spawn npm ENOENT\): installing a native backend needs Node\.js and npm on the PATH$/);
  } finally {
    rmSync(storageDir, { recursive: true, force: true });
  }
});

test('the real npm runner passes each line on and returns the exit code', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dl-npm-'));
  try {
    const lines: string[] = [];
    const r = await runNpm(['--version'], dir, (l) => lines.push(l));
    assert.equal(r.code, 0, r.output);
    assert.match(lines.join('\n'), /^\d+\.\d+\.\d+$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the telling line of npm output: the network error before npm\'s own summary', () => {
  assert.equal(tellingLine(REAL_FAILURE), 'Error: getaddrinfo ENOTFOUND storage.googleapis.com');
  assert.equal(tellingLine('npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/@tensorflow%2ftfjs-node-gpu - Not found\n'), '404 Not Found - GET https://registry.npmjs.org/@tensorflow%2ftfjs-node-gpu - Not found');
});

test('installed but its addon does not load: the real engine restarts, falls back to wasm, and the message says why', { timeout: 180_000 }, async () => {
  assert.ok(existsSync(workerPath), `${workerPath} is missing: run node scripts/build.mjs`);
  const storageDir = mkdtempSync(path.join(tmpdir(), 'dl-install-'));
  const engine = new EngineClient(workerPath, () => {}, nativeModulesDir(storageDir));
  try {
    const before = await engine.backendInfo('auto');
    assert.equal(before.backend, 'wasm', 'nothing installed yet: wasm');
    const npm: NpmRunner = (_args, cwd) => {
      writeBrokenNativePackage(cwd, 'garbage');
      return Promise.resolve({ code: 0, output: 'added 1 package' });
    };
    const r = await installAndReport({ engine, log: quietLog, storageDir, npm }, 'tfjs-node-gpu', () => {});
    assert.equal(r.error, true);
    assert.match(r.message, /^Digit Lens: installed @tensorflow\/tfjs-node-gpu 4\.22\.0, but the engine runs on wasm: tfjs-node-gpu not used: @tensorflow\/tfjs-node-gpu in .* does not load in this Node \(node [\d.]+, napi \d+\): .*tfjs_binding\.node/);
  } finally {
    await engine.dispose();
    rmSync(storageDir, { recursive: true, force: true });
  }
});
