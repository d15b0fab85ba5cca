// One esbuild call per bundle (extension host, engine worker, language server, CLI, webview),
// then the run-time assets the bundles load from disk: tfjs wasm binaries and the synth fonts.
// `--production` leaves out source maps (and minifies the webview); `--watch` rebuilds each
// bundle when its sources change (the "watch" task in .vscode/tasks.json runs it).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

/** @type {esbuild.BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  // Never minified: the 2-thread wasm build hands tfjs's emscripten glue to its pthread workers,
  // which expect the bundler's names (require$$0.., commonjsGlobal; engine/wasmThreads.ts), and a
  // minified engine worker renames them (seen: "Bz is not defined" and a training run that never starts).
  minify: false,
  logLevel: 'warning',
  // The native TensorFlow backends are optional and hold native code: load them from node_modules
  // at run time when present, never bundle them.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  // import.meta.url for ES modules bundled into CommonJS (h5wasm needs it; scripts/importMetaUrl.mjs).
  // h5wasm's wasm binary is inlined in its JavaScript: nothing of it to copy into dist/.
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [join(root, 'scripts/importMetaUrl.mjs')],
};

/** @type {esbuild.BuildOptions} */
const browser = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
};

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  { ...node, entryPoints: [join(root, 'extension/src/extension.ts')], outfile: join(dist, 'extension.js') },
  { ...node, entryPoints: [join(root, 'extension/src/engine/worker.ts')], outfile: join(dist, 'engineWorker.js') },
  { ...node, entryPoints: [join(root, 'extension/src/host/gallery/galleryReadWorker.ts')], outfile: join(dist, 'galleryWorker.js') },
  { ...node, entryPoints: [join(root, 'language-server/src/server.ts')], outfile: join(dist, 'languageServer.js') },
  { ...node, entryPoints: [join(root, 'extension/src/cli.ts')], outfile: join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
  // The webview pages (extension/src/host/webviewHtml.ts names their files): one bundle each.
  { ...browser, entryPoints: [join(root, 'webview/src/gallery.ts')], outfile: join(dist, 'gallery.js') },
  { ...browser, entryPoints: [join(root, 'webview/src/inspector/inspector.ts')], outfile: join(dist, 'inspector.js') },
  { ...browser, entryPoints: [join(root, 'webview/src/dashboard/dashboard.ts')], outfile: join(dist, 'dashboard.js') },
];
await Promise.all(bundles.map((b) => esbuild.build(b)));
chmodSync(join(dist, 'cli.js'), 0o755);

// tfjs-backend-wasm reads its .wasm files from disk at run time.
const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
mkdirSync(join(dist, 'wasm'), { recursive: true });
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join(dist, 'wasm', f));

// Fonts for the synthetic generator, from npm packages (nothing is downloaded at run time).
const fonts = [
  ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'DejaVuSans.ttf'],
  ['dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf', 'DejaVuSans-Bold.ttf'],
  ['dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf', 'DejaVuSansCondensed-Bold.ttf'],
  ['dejavu-fonts-ttf/ttf/DejaVuSerif.ttf', 'DejaVuSerif.ttf'],
  ['dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf', 'DejaVuSerif-Bold.ttf'],
  ['dejavu-fonts-ttf/ttf/DejaVuSansMono-Bold.ttf', 'DejaVuSansMono-Bold.ttf'],
  ['@fontsource/oswald/files/oswald-latin-500-normal.woff', 'Oswald-500.woff'],
  ['@fontsource/roboto-slab/files/roboto-slab-latin-700-normal.woff', 'RobotoSlab-700.woff'],
  ['@fontsource/roboto-condensed/files/roboto-condensed-latin-400-normal.woff', 'RobotoCondensed-400.woff'],
  ['@fontsource/caveat/files/caveat-latin-700-normal.woff', 'Caveat-700.woff'],
  ['@fontsource/permanent-marker/files/permanent-marker-latin-400-normal.woff', 'PermanentMarker-400.woff'],
  ['@fontsource/kalam/files/kalam-latin-700-normal.woff', 'Kalam-700.woff'],
  ['@fontsource/bebas-neue/files/bebas-neue-latin-400-normal.woff', 'BebasNeue-400.woff'],
  ['@fontsource/anton/files/anton-latin-400-normal.woff', 'Anton-400.woff'],
  ['@fontsource/archivo-black/files/archivo-black-latin-400-normal.woff', 'ArchivoBlack-400.woff'],
  ['@fontsource/alfa-slab-one/files/alfa-slab-one-latin-400-normal.woff', 'AlfaSlabOne-400.woff'],
  ['@fontsource/playfair-display/files/playfair-display-latin-700-italic.woff', 'PlayfairDisplay-700-italic.woff'],
  ['@fontsource/stardos-stencil/files/stardos-stencil-latin-700-normal.woff', 'StardosStencil-700.woff'],
  ['@fontsource/nunito/files/nunito-latin-800-normal.woff', 'Nunito-800.woff'],
  ['@fontsource/libre-baskerville/files/libre-baskerville-latin-400-italic.woff', 'LibreBaskerville-400-italic.woff'],
  ['@fontsource/patrick-hand/files/patrick-hand-latin-400-normal.woff', 'PatrickHand-400.woff'],
];
mkdirSync(join(dist, 'fonts'), { recursive: true });
for (const [from, to] of fonts) {
  cpSync(join(root, 'node_modules', from), join(dist, 'fonts', to));
  // Each font travels with its licence (SIL OFL or the DejaVu/Bitstream Vera licence), as they ask.
  const pkg = from.split('/').slice(0, from.startsWith('@') ? 2 : 1).join('/');
  const licence = ['LICENSE', 'LICENSE.txt', 'OFL.txt'].map((name) => join(root, 'node_modules', pkg, name)).find((f) => existsSync(f));
  if (licence) cpSync(licence, join(dist, 'fonts', `${to.replace(/\.[a-z]+$/, '')}.LICENSE.txt`));
}

// The webview pages' stylesheets (loaded by <link>s: the webview CSP allows no inline styles).
cpSync(join(root, 'webview/base.css'), join(dist, 'base.css'));
cpSync(join(root, 'webview/gallery.css'), join(dist, 'gallery.css'));
cpSync(join(root, 'webview/inspector.css'), join(dist, 'inspector.css'));
cpSync(join(root, 'webview/dashboard.css'), join(dist, 'dashboard.css'));
// uPlot's own stylesheet (its legend and cursor), beside the dashboard's.
cpSync(join(root, 'node_modules/uplot/dist/uPlot.min.css'), join(dist, 'uplot.css'));

// The model the extension ships (scripts/train-shipped-model.mjs writes extension/model/): a new
// dataset folder without a model of its own gets its readings from it (host/shippedReadings.ts).
if (existsSync(join(root, 'extension/model/model.json'))) cpSync(join(root, 'extension/model'), join(dist, 'model'), { recursive: true });

// The webview toolkit is bundled into each page's script; codicons etc. are not needed.
console.log(`built dist/ (${production ? 'production' : 'development'})`);

if (watch) {
  // Each bundle rebuilds on its own when a source it includes changes; the assets above stay.
  const contexts = await Promise.all(bundles.map((b) => esbuild.context({ ...b, logLevel: 'info' })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes (Ctrl-C to stop)');
}
