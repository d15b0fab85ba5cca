// A stand-in for @tensorflow/tfjs-node-gpu whose addon does not load, as the real one fails when
// its binding or libtensorflow cannot be loaded: no GPU, CUDA or libtensorflow can exist on a test
// machine (and the real install needs storage.googleapis.com), so the package is fake, but the
// failures are real ones of Node's loader.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Writes the package into `<modulesDir>/node_modules/@tensorflow/tfjs-node-gpu`. `binding`:
 * 'garbage' = lib/napi-v<N>/tfjs_binding.node is not a shared library (dlopen refuses it, as with
 * a wrong or corrupt download); 'other-napi' = only lib/napi-v3 exists and the loader looks for
 * this Node's napi-v<N> (tensorflow/tfjs#2640).
 */
export function writeBrokenNativePackage(modulesDir: string, binding: 'garbage' | 'other-napi'): string {
  const pkg = path.join(modulesDir, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  const folder = binding === 'garbage' ? `napi-v${Math.min(8, Number(process.versions.napi))}` : 'napi-v3';
  mkdirSync(path.join(pkg, 'lib', folder), { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0', main: 'index.js' }));
  // As tfjs-node's dist/index.js: the binding folder from the running Node's Node-API version.
  writeFileSync(path.join(pkg, 'index.js'), "require('./lib/napi-v' + Math.min(8, Number(process.versions.napi)) + '/tfjs_binding.node');\n");
  writeFileSync(path.join(pkg, 'lib', folder, 'tfjs_binding.node'), 'not a shared library');
  return pkg;
}
