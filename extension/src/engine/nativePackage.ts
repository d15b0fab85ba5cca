// Loading a native TensorFlow.js package (@tensorflow/tfjs-node-gpu, -node): from the folder named
// by DIGITLENS_NATIVE_MODULES first (where "Digit Lens: Install GPU Backend" puts it, in the
// extension's storage), else from the engine's own node_modules.
//
// Which Node loads the addon: the engine worker is a worker_threads thread of the process it runs
// in: under VS Code that is the extension host, i.e. Electron's Node (process.versions.electron is
// set), not the Node that ran `npm install`. The addon is Node-API, so it is ABI-stable across Node
// versions, but its loader picks the binding folder lib/napi-v<N> from the running Node's Node-API
// version (tensorflow/tfjs#2640: installed as napi-v4, Electron looked for napi-v5), and a binding or
// libtensorflow that does not load can take the whole process down rather than throw
// (tensorflow/tfjs#4625). So an installed package is first loaded in a child process of the same
// executable (process.execPath with ELECTRON_RUN_AS_NODE=1: the same Node as the extension host),
// and only after that succeeds in this one; the success is remembered per package, version and
// Node in verified.json beside node_modules, so the probe runs once per VS Code update.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NATIVE_MODULES_ENV, type NativePackage } from '../../../common/nativeBackends';
import { isRecord, isString } from '../../../common/guards';

/** A native package that is there but does not load; `installedAt` is the folder it was found in. */
export class NativePackageError extends Error {
  constructor(
    message: string,
    readonly installedAt: string,
  ) {
    super(message);
  }
}

export const VERIFIED_FILE = 'verified.json';
const PROBE_TIMEOUT_MS = 120_000;

/** The Node this process runs: what a probe's success is valid for. */
function runtimeKey(): string {
  const v = process.versions;
  return `node ${v.node}, napi ${v.napi ?? '?'}${v.electron ? `, electron ${v.electron}` : ''}`;
}

function firstLine(text: string): string {
  return text.trim().split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/**
 * When the loader looked for lib/napi-v<N>/tfjs_binding.node and the install holds other napi-v
 * folders, says so: the package was installed by a Node of another Node-API version (tfjs#2640).
 */
function bindingHint(reason: string, packageDir: string): string {
  const wanted = /napi-v(\d+)/.exec(reason)?.[1];
  if (wanted === undefined) return '';
  let have: string[] = [];
  try {
    have = fs.readdirSync(path.join(packageDir, 'lib')).filter((d) => /^napi-v\d+$/.test(d) && d !== `napi-v${wanted}`);
  } catch {
    return '';
  }
  if (have.length === 0) return '';
  return ` (the install holds ${have.join(', ')} but this Node, ${runtimeKey()}, looks for napi-v${wanted}: install again with a Node of the same Node-API version, see tensorflow/tfjs#2640)`;
}

// Run by the probe child: load the package from the folder, switch to its backend, compute once.
const PROBE_SCRIPT = `
const { createRequire } = require('node:module');
const [dir, pkg] = process.argv.slice(1);
(async () => {
  const tf = createRequire(require('node:path').join(dir, 'package.json'))(pkg);
  if (!(await tf.setBackend('tensorflow'))) throw new Error("backend 'tensorflow' did not initialise");
  const sum = tf.tensor1d([1, 2, 3]).sum().dataSync()[0];
  if (sum !== 6) throw new Error('a test sum gave ' + sum);
  process.stdout.write('DIGITLENS_PROBE_OK\\n');
})().catch((err) => {
  process.stderr.write(String((err && err.message) || err).split('\\n')[0] + '\\n');
  process.exit(1);
});
`;

/** Loads the package in a child process of this executable; undefined when it worked, else why not. */
export function probeInChild(dir: string, pkg: NativePackage): string | undefined {
  const r = spawnSync(process.execPath, ['-e', PROBE_SCRIPT, dir, pkg], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
  });
  if (r.error) return r.error.message;
  if (r.status === 0 && r.stdout.includes('DIGITLENS_PROBE_OK')) return undefined;
  if (r.signal) return `the test process was killed by ${r.signal} (a crash in the native library)`;
  return firstLine(r.stderr) || `the test process exited with code ${r.status}`;
}

function readVerified(dir: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(path.join(dir, VERIFIED_FILE), 'utf8'));
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

function packageVersion(packageJson: string): string {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(packageJson, 'utf8'));
    return isRecord(v) && isString(v.version) ? v.version : '?';
  } catch {
    return '?';
  }
}

/** The package's folder (the one holding its package.json) when `req` resolves it, else undefined. */
function resolvePackageDir(req: NodeJS.Require, pkg: NativePackage): string | undefined {
  try {
    return path.dirname(req.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/**
 * The package's exports. Throws NativePackageError when it is installed (in the storage folder or
 * the engine's node_modules) but does not load, and a plain Error when it is not installed at all.
 */
export function loadNativePackage(pkg: NativePackage): unknown {
  const storage = process.env[NATIVE_MODULES_ENV];
  if (storage) {
    const req = createRequire(path.join(storage, 'package.json'));
    const packageDir = resolvePackageDir(req, pkg);
    if (packageDir !== undefined) {
      const key = `${pkg}@${packageVersion(path.join(packageDir, 'package.json'))}`;
      const verified = readVerified(storage);
      if (verified[key] !== runtimeKey()) {
        const failure = probeInChild(storage, pkg);
        if (failure !== undefined) {
          throw new NativePackageError(`${pkg} in ${storage} does not load in this Node (${runtimeKey()}): ${failure}${bindingHint(failure, packageDir)}`, storage);
        }
        try {
          // Remembered so the next start skips the probe; a failure to write only costs a probe.
          const file = path.join(storage, VERIFIED_FILE);
          fs.writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify({ ...verified, [key]: runtimeKey() }, null, 2) + '\n');
          fs.renameSync(`${file}.tmp-${process.pid}`, file);
        } catch {
          // read-only storage: probe again next time
        }
      }
      return loadHere(req, pkg, storage, packageDir);
    }
  }
  // Through a variable: the bundler leaves the (optional, external) package to run time.
  const own: NodeJS.Require = require;
  const ownDir = resolvePackageDir(own, pkg);
  if (ownDir === undefined) throw new Error(`${pkg} is not installed`);
  return loadHere(own, pkg, ownDir, ownDir);
}

function loadHere(req: NodeJS.Require, pkg: NativePackage, where: string, packageDir: string): unknown {
  try {
    return req(pkg);
  } catch (err) {
    const reason = firstLine(err instanceof Error ? err.message : String(err));
    throw new NativePackageError(`${pkg} in ${where} did not load: ${reason}${bindingHint(reason, packageDir)}`, where);
  }
}
