// The native TensorFlow.js backends (DESIGN §4) as the extension installs them: not into the
// user's project but into a folder of the extension's own storage, which the engine worker is told
// about through an environment variable and resolves the packages from before its own node_modules.
import type { BackendName } from './domain';

/** The tfjs version everything is pinned to: the bundled core, layers and wasm, and the native packages installed beside them. */
export const TFJS_VERSION = '4.22.0';

export const NATIVE_PACKAGES = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
} as const satisfies Partial<Record<BackendName, string>>;
export type NativeBackendName = keyof typeof NATIVE_PACKAGES;
export type NativePackage = (typeof NATIVE_PACKAGES)[NativeBackendName];

/**
 * Environment variable naming a folder whose node_modules holds native packages (the extension
 * sets it for its engine worker to <globalStorage>/native-backends; a CLI user may set it too).
 */
export const NATIVE_MODULES_ENV = 'DIGITLENS_NATIVE_MODULES';

/** Sub-folder of the extension's global storage the native packages are installed into. */
export const NATIVE_MODULES_FOLDER = 'native-backends';
