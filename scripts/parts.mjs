// The parts of the project (DESIGN §2), each a folder with its own tsconfig.json. The type check
// runs one compiler per entry; the lint's import zones (scripts/importZones.mjs) use the same list.

/**
 * @typedef {object} Part
 * @property {string} name
 * @property {string} tsconfig  the part's tsconfig, relative to the repository root
 * @property {string[]} roots   folders and files (relative, '/'-separated) whose files belong to it
 * @property {string[]} mayImport  the parts its modules may import (itself included)
 * @property {string[]} packages   npm packages its modules may import ('@scope/*' for a whole scope)
 * @property {boolean} node        whether it may import Node's built-in modules
 */

/** @type {Part[]} */
export const parts = [
  // Pure code every process shares: imports nothing but itself.
  { name: 'common', tsconfig: 'common/tsconfig.json', roots: ['common/'], mayImport: ['common'], packages: [], node: false },
  // The page in the webview: the DOM, the webview toolkit and uPlot (the dashboard's charts: canvas,
  // no eval, styles through the CSSOM, so it runs under the pages' CSP); never the engine, datasets or Node.
  {
    name: 'webview',
    tsconfig: 'webview/tsconfig.json',
    roots: ['webview/'],
    mayImport: ['common', 'webview'],
    packages: ['@vscode/webview-ui-toolkit', 'uplot'],
    node: false,
  },
  {
    name: 'language-server',
    tsconfig: 'language-server/tsconfig.json',
    roots: ['language-server/'],
    mayImport: ['common', 'language-server'],
    packages: ['vscode-languageserver', 'vscode-languageserver-textdocument'],
    node: true,
  },
  // The only part that talks to VS Code; it reaches the engine through the worker protocol only,
  // so TensorFlow.js never loads on the extension host's thread.
  {
    name: 'host',
    tsconfig: 'extension/src/host/tsconfig.json',
    roots: ['extension/src/host/', 'extension/src/extension.ts'],
    mayImport: ['common', 'host', 'dataset'],
    packages: ['vscode', 'vscode-languageclient'],
    node: true,
  },
  {
    name: 'engine',
    tsconfig: 'extension/src/engine/tsconfig.json',
    roots: ['extension/src/engine/'],
    mayImport: ['common', 'engine', 'dataset'],
    packages: ['@tensorflow/*'],
    node: true,
  },
  {
    name: 'dataset',
    tsconfig: 'extension/src/dataset/tsconfig.json',
    roots: ['extension/src/dataset/'],
    mayImport: ['common', 'dataset'],
    // h5wasm: HDF5 (SVHN's digitStruct.mat) for the importer.
    packages: ['jpeg-js', 'opentype.js', 'h5wasm'],
    node: true,
  },
  {
    name: 'cli',
    tsconfig: 'extension/src/cli/tsconfig.json',
    roots: ['extension/src/cli/', 'extension/src/cli.ts'],
    mayImport: ['common', 'cli', 'engine', 'dataset', 'language-server'],
    packages: ['vscode-languageserver'],
    node: true,
  },
];

/** Type-checked as well, with Node and the DOM: tests, benchmarks; and the scripts themselves. */
export const toolingConfigs = ['tsconfig.json', 'scripts/tsconfig.json'];

/** The bundle entries extension.ts (host) and cli.ts (cli), checked on their own like a part. */
export const entryConfigs = ['extension/src/tsconfig.json'];
