// Injected into the Node bundles by build.mjs (esbuild `inject`, with `import.meta.url` defined as
// this export): an ES module bundled into CommonJS sees an empty import.meta, and h5wasm (the SVHN
// import's HDF5) calls createRequire(import.meta.url). It gets the bundle's own URL instead.
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
