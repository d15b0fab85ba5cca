// npm start: the main job on the built-in demo data. Builds and packages everything, generates
// demo/ (16,000 crops) and demo-heldout/ (600 crops of another seed) when missing, trains the default
// model on demo/ (progress bar on stderr), prints the evaluation table on demo-heldout/, and opens
// VS Code on demo/ with the extension loaded where `code` exists.
// DIGIT_LENS_TIME_BUDGET (seconds, default 300) bounds the training time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'demo');
// Crops of another seed that training never sees, for an honest evaluation table.
const heldout = join(root, 'demo-heldout');
const budget = process.env.DIGIT_LENS_TIME_BUDGET ?? '300';
const cli = join(root, 'dist', 'cli.js');

/** @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [opts] */
function run(cmd, args, opts = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run('npm', ['run', 'package']);
// 16,000 crops, not 4,000: at the same number of steps the model reads 2-5 points more of unseen
// crops (BENCHMARKS.md, "More crops, not more steps"); synth takes about a minute more.
if (!existsSync(join(demo, 'labels.csv'))) run('node', [cli, 'synth', demo, '--count', '16000', '--seed', '1']);
else console.log(`\ndemo/labels.csv exists; keeping it (delete demo/ to generate it again)`);
if (!existsSync(join(heldout, 'labels.csv'))) run('node', [cli, 'synth', heldout, '--count', '600', '--seed', '2']);
run('node', [cli, 'train', demo, '--time-budget', budget]);
run('node', [cli, 'eval', heldout, '--model', join(demo, '.digitlens', 'model')]);

/** @type {unknown} */
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '0.0.0';
const vsix = `digit-lens-${version}.vsix`;
const code = spawnSync('code', ['--version'], { stdio: 'ignore' });
if (code.status === 0) {
  run('code', ['--extensionDevelopmentPath', root, demo]);
  console.log('\nOpened VS Code on demo/ with Digit Lens loaded. Try "Digit Lens: Open Gallery".');
} else {
  console.log(`\nVS Code's \`code\` command is not on PATH. To use the extension, install ${vsix}:`);
  console.log(`  code --install-extension ${join(root, vsix)}`);
  console.log('  (or in VS Code: Extensions view > ... > Install from VSIX), then open the demo/ folder.');
}
