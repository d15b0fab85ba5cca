// Installing a native TensorFlow.js backend (@tensorflow/tfjs-node-gpu or -node, pinned to the
// bundled tfjs version) with npm into a folder of the extension's global storage, never the user's
// project. Their install script downloads libtensorflow (about 100 MB for the CPU build, several
// hundred MB for the GPU one) from Google's storage, so it can fail for reasons of the network: a
// failure says why in one line, and leaves the storage folder as it was (a package the install
// added half-way is removed), so the engine keeps using what it used before.
// Then the engine worker is restarted and asked which backend it runs on, and the user is told that
// in one message, with the reason when it is not the new one. No `vscode` import: the command
// (installNativeBackendCommand.ts) wraps this with a progress notification.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { EngineClient } from './engineClient';
import { NATIVE_MODULES_FOLDER, NATIVE_PACKAGES, TFJS_VERSION, type NativeBackendName } from '../../../common/nativeBackends';

export interface NpmOutcome {
  /** npm's exit code; null when it could not be started or was killed. */
  code: number | null;
  /** Everything it printed, stdout and stderr interleaved. */
  output: string;
  /** Why it could not be started (e.g. npm is not on PATH). */
  startError?: string;
}

/** Runs `npm <args>` in `cwd`, passing each line it prints to `onLine`. */
export type NpmRunner = (args: string[], cwd: string, onLine: (line: string) => void) => Promise<NpmOutcome>;

export const runNpm: NpmRunner = (args, cwd, onLine) =>
  new Promise((resolve) => {
    let output = '';
    let partial = '';
    const take = (chunk: Buffer): void => {
      const text = partial + chunk.toString('utf8');
      output += chunk.toString('utf8');
      const lines = text.split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onLine(line);
    };
    // npm is a .cmd script on Windows, which only a shell runs.
    const child = spawn('npm', args, {
      cwd,
      shell: process.platform === 'win32',
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => resolve({ code: null, output, startError: err.message }));
    child.on('close', (code) => {
      if (partial.trim() !== '') onLine(partial);
      resolve({ code, output });
    });
  });

export interface InstallOptions {
  /** The extension's global storage folder (context.globalStorageUri.fsPath). */
  storageDir: string;
  backend: NativeBackendName;
  /** Each line npm and the package's install script print (for the log and the progress message). */
  onLine?: (line: string) => void;
  /** Stand-in for npm in tests. */
  npm?: NpmRunner;
}

export type InstallResult =
  | { ok: true; packageName: string; version: string; modulesDir: string }
  | { ok: false; packageName: string; version: string; modulesDir: string; message: string };

/** The folder the engine worker resolves native packages from (its DIGITLENS_NATIVE_MODULES). */
export function nativeModulesDir(storageDir: string): string {
  return path.join(storageDir, NATIVE_MODULES_FOLDER);
}

/** npm's arguments for one backend: the exact pinned version, the install script's output shown. */
export function npmInstallArgs(backend: NativeBackendName): string[] {
  return ['install', `${NATIVE_PACKAGES[backend]}@${TFJS_VERSION}`, '--save-exact', '--no-audit', '--no-fund', '--foreground-scripts'];
}

// Lines of npm's output that say what went wrong, most telling first.
const TELLING = [
  /getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|certificate/i,
  /libtensorflow|tfjs_binding|node-pre-gyp.*(fail|err)/i,
  /\b40[34] Not Found|Not Found -/i,
  /\b(ERR!|error)\b.*\b(code|errno)\b/i,
  /\berror\b/i,
];

/** The one line of a failed npm run a user should read first. */
export function tellingLine(output: string): string | undefined {
  const lines = output.split(/\r?\n|\r/).map((l) => l.trim()).filter((l) => l !== '' && !/^npm (ERR!|error) *$/.test(l));
  for (const pattern of TELLING) {
    const found = lines.find((l) => pattern.test(l) && !/A complete log of this run|npm (ERR!|error) (command|path|cwd)\b/.test(l));
    if (found) return found.replace(/^npm (ERR!|error) /, '');
  }
  return lines.at(-1);
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

export async function installNativeBackend(options: InstallOptions): Promise<InstallResult> {
  const packageName = NATIVE_PACKAGES[options.backend];
  const modulesDir = nativeModulesDir(options.storageDir);
  const base = { packageName, version: TFJS_VERSION, modulesDir };
  await fs.mkdir(modulesDir, { recursive: true });
  const manifest = path.join(modulesDir, 'package.json');
  if (!(await exists(manifest))) {
    await fs.writeFile(manifest, JSON.stringify({ name: 'digit-lens-native-backends', private: true, description: 'Native TensorFlow.js backends installed by Digit Lens' }, null, 2) + '\n');
  }
  const packageDir = path.join(modulesDir, 'node_modules', ...packageName.split('/'));
  const hadPackage = await exists(packageDir);
  const manifestBefore = await fs.readFile(manifest);
  const npm = options.npm ?? runNpm;
  const outcome = await npm(npmInstallArgs(options.backend), modulesDir, (line) => options.onLine?.(line));
  if (outcome.code === 0 && (await exists(path.join(packageDir, 'package.json')))) return { ok: true, ...base };

  // Leave the folder as it was: a half-installed package would only be probed and refused at
  // every engine start.
  if (!hadPackage) await fs.rm(packageDir, { recursive: true, force: true });
  await fs.writeFile(manifest, manifestBefore);
  let message: string;
  if (outcome.startError !== undefined) {
    message = `npm could not be started (${outcome.startError}): installing a native backend needs Node.js and npm on the PATH`;
  } else {
    const why = tellingLine(outcome.output) ?? 'no output';
    const exit = outcome.code === null ? 'was stopped' : `exited with code ${outcome.code}`;
    const network = /libtensorflow|storage\.googleapis|getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT/i.test(outcome.output)
      ? ' Its install script downloads libtensorflow from storage.googleapis.com, which must be reachable.'
      : '';
    message = `npm install ${packageName}@${TFJS_VERSION} ${exit}: ${why}.${network}`;
  }
  return { ok: false, ...base, message };
}

export interface InstallBackendDeps {
  engine: Pick<EngineClient, 'restartWhenIdle' | 'backendInfo'>;
  log: { info(line: string): void; error(line: string): void };
  /** The extension's global storage folder (context.globalStorageUri.fsPath). */
  storageDir: string;
  /** Stand-in for npm (tests). */
  npm?: NpmRunner;
}

export const NATIVE_BACKEND_WHAT: Record<NativeBackendName, string> = {
  'tfjs-node-gpu': 'the GPU backend (CUDA)',
  'tfjs-node': 'the native CPU backend',
};

/** Installs, restarts the engine and asks it which backend it runs on: the message to show, and whether it is an error. */
export async function installAndReport(deps: InstallBackendDeps, backend: NativeBackendName, report: (message: string) => void): Promise<{ error: boolean; message: string }> {
  const what = NATIVE_BACKEND_WHAT[backend];
  const result = await installNativeBackend({
    storageDir: deps.storageDir,
    backend,
    npm: deps.npm,
    onLine: (line) => {
      deps.log.info(`install ${backend}: ${line}`);
      report(line.length > 90 ? `${line.slice(0, 87)}...` : line);
    },
  });
  if (!result.ok) {
    deps.log.error(`install ${backend}: ${result.message}`);
    return { error: true, message: `Digit Lens: could not install ${what}: ${result.message} Nothing was changed: the engine goes on with the backend it used before.` };
  }
  const installed = `${result.packageName} ${result.version}`;
  deps.log.info(`install ${backend}: ${installed} installed in ${result.modulesDir}`);
  report('checking that it loads');
  if (!(await deps.engine.restartWhenIdle())) {
    return { error: false, message: `Digit Lens: installed ${installed}. The engine is busy; it will be tried when the engine next starts (reload the window to do it now).` };
  }
  const info = await deps.engine.backendInfo('auto');
  if (info.backend === backend) return { error: false, message: `Digit Lens: installed ${installed}; the engine now runs on ${backend}.` };
  return { error: true, message: `Digit Lens: installed ${installed}, but the engine runs on ${info.backend}: ${info.note ?? `${backend} did not load`}` };
}
