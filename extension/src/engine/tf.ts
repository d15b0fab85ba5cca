// The one TensorFlow.js handle every engine module uses.
//
// The bundles carry tfjs-core + tfjs-layers (+ the wasm and cpu backends). The native packages
// (@tensorflow/tfjs-node, -gpu) are optional, external, and bring their own tfjs-core instance:
// tensors from one instance are foreign to the other, so the whole engine must talk to exactly
// one of them. `tf` is the native package's namespace (it re-exports core and layers) once
// useNativeTf() succeeds, and the bundled core+layers otherwise. ES module bindings are live, so
// modules that imported `tf` see the switch (it happens once, before any tensor exists).
import * as tfCore from '@tensorflow/tfjs-core';
import * as tfLayers from '@tensorflow/tfjs-layers';
import type { NativePackage } from '../../../common/nativeBackends';
import { loadNativePackage } from './nativePackage';

export type Tf = typeof tfCore & typeof tfLayers;

// PROD silences tfjs's console advice to install tfjs-node and skips its debug-only checks.
tfCore.env().set('PROD', true);

const bundledTf: Tf = { ...tfCore, ...tfLayers };

export let tf: Tf = bundledTf;
let nativeLoaded: NativePackage | undefined;

/** True while the engine uses the bundled tfjs-core (wasm and cpu backends live there). */
export function usingBundledTf(): boolean {
  return tf === bundledTf;
}

/**
 * Switches the engine to a native package (from the extension's storage folder first:
 * nativePackage.ts). Throws (with the loader's reason) when it is not installed or its
 * libtensorflow does not load; the bundled handle is then left in place.
 */
export function useNativeTf(pkg: NativePackage): void {
  if (nativeLoaded === pkg) return;
  if (nativeLoaded !== undefined) throw new Error(`${nativeLoaded} is already loaded; cannot switch to ${pkg} in the same process`);
  const ns = loadNativePackage(pkg) as Tf;
  if (typeof ns.tensor !== 'function' || typeof ns.sequential !== 'function') {
    throw new Error(`${pkg} loaded but does not export the tfjs core and layers API`);
  }
  tf = ns;
  nativeLoaded = pkg;
}
