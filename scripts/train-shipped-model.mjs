// Trains the model the .vsix ships (issue 9, "A model that ships"): the default preset on the
// project's own synthetic crops only (SVHN's licence is non-commercial), seeds fixed, through the
// built command line (run `npm run build` first). The weights are stored as 8-bit integers with
// a scale and offset per tensor (TensorFlow.js's own weight quantization, which its loader
// decodes), so the model is a few MB; the figures in its meta.json (and printed for BENCHMARKS.md)
// are of that quantized model: steps, training speed, validation accuracy of the run, and test
// accuracy on crops of another seed.
//
//   node scripts/train-shipped-model.mjs [--epochs E | --time-budget S] [--count 4000] [--test-count 600]
//                                        [--out extension/model] [--work DIR] [--backend B]
//
// `--epochs` gives the same model on any machine (the seeds are fixed); `--time-budget` gives as
// many steps as the machine manages. scripts/build.mjs copies --out into dist/model.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const TRAIN_SEED = 1;
const TEST_SEED = 2;

/** @param {string} name @returns {string | undefined} */
function flag(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

/** @param {string[]} args @returns {string} */
function run(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`digit-lens ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r.stdout;
}

/**
 * @typedef {{ name: string; shape: number[]; dtype: string; quantization?: { dtype: string; min: number; scale: number } }} WeightSpec
 * @typedef {{ count: number; sequenceAccuracy: number; digitAccuracy: number; lengthAccuracy: number }} Metrics
 * @typedef {{ steps: number; seconds: number; backend: string; spec: { batchSize: number }; validation?: Metrics }} Meta
 * @typedef {{ weightsManifest: { paths: string[]; weights: WeightSpec[] }[] }} ModelJson
 */

/** @param {string} text @returns {unknown} */
const parse = (text) => JSON.parse(text);

/**
 * Affine 8-bit quantization of each float32 tensor: q = round((v - min) / scale), v ~ q * scale + min.
 * @param {WeightSpec[]} specs @param {Buffer} bytes @returns {{ specs: WeightSpec[]; data: Buffer }}
 */
export function quantizeWeights(specs, bytes) {
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const out = [];
  const outSpecs = [];
  let o = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization) throw new Error(`${spec.name}: expected plain float32 weights`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const v = floats.subarray(o, o + n);
    o += n;
    let min = Infinity;
    let max = -Infinity;
    for (const x of v) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (n === 0) min = max = 0;
    const scale = max > min ? (max - min) / 255 : 1;
    const q = new Uint8Array(n);
    for (let i = 0; i < n; i++) q[i] = Math.round((v[i] - min) / scale);
    out.push(q);
    outSpecs.push({ ...spec, quantization: { dtype: 'uint8', min, scale } });
  }
  if (o !== floats.length) throw new Error(`weights.bin holds ${floats.length} floats, the manifest ${o}`);
  return { specs: outSpecs, data: Buffer.concat(out) };
}

function main() {
  const epochs = flag('epochs');
  const budget = flag('time-budget');
  if ((epochs === undefined) === (budget === undefined)) throw new Error('give exactly one of --epochs E or --time-budget SECONDS');
  const count = flag('count') ?? '4000';
  const testCount = flag('test-count') ?? '600';
  const backend = flag('backend') ?? 'auto';
  const out = resolve(flag('out') ?? join(root, 'extension', 'model'));
  const work = flag('work') ?? mkdtempSync(join(tmpdir(), 'digit-lens-shipped-'));
  const train = join(work, 'train');
  const test = join(work, 'test');
  try {
    run(['synth', train, '--count', count, '--seed', String(TRAIN_SEED)]);
    run(['synth', test, '--count', testCount, '--seed', String(TEST_SEED)]);
    const budgetArgs = epochs !== undefined ? ['--epochs', epochs] : ['--time-budget', String(budget)];
    process.stderr.write(run(['train', train, '--preset', 'fast', '--seed', '1', '--backend', backend, '--replace', ...budgetArgs]));
    const trained = join(train, '.digitlens', 'model');
    const meta = /** @type {Meta} */ (parse(readFileSync(join(trained, 'meta.json'), 'utf8')));
    const modelJson = /** @type {ModelJson} */ (parse(readFileSync(join(trained, 'model.json'), 'utf8')));
    const weights = readFileSync(join(trained, 'weights.bin'));
    const q = quantizeWeights(modelJson.weightsManifest.flatMap((g) => g.weights), weights);

    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'model.json'), JSON.stringify({ ...modelJson, weightsManifest: [{ paths: ['weights.bin'], weights: q.specs }] }));
    writeFileSync(join(out, 'weights.bin'), q.data);
    const imagesPerSecond = (meta.steps * meta.spec.batchSize) / meta.seconds;
    const shipped = {
      script: 'scripts/train-shipped-model.mjs',
      data: `synthetic crops only: synth seed ${TRAIN_SEED} x ${count}`,
      budget: epochs !== undefined ? `${epochs} epochs` : `${budget} s`,
      imagesPerSecond: Math.round(imagesPerSecond),
      weights: '8-bit affine per tensor',
      /** @type {(Metrics & { seed: number }) | undefined} */
      test: undefined,
      /** @type {(Metrics & { seed: number }) | undefined} */
      testBeforeQuantization: undefined,
    };
    // The run record stays with the folder it was trained in: a shipped model names no run here.
    const shippedMeta = { ...meta, optimizer: undefined, runId: undefined, shipped };
    writeFileSync(join(out, 'meta.json'), JSON.stringify(shippedMeta, null, 2) + '\n');
    // Test figures of the model as shipped (quantized), and of the float one it came from.
    const testShipped = /** @type {Metrics} */ (parse(run(['eval', test, '--model', out, '--backend', backend, '--json'])));
    const testFloat = /** @type {Metrics} */ (parse(run(['eval', test, '--model', trained, '--backend', backend, '--json'])));
    shipped.test = { seed: TEST_SEED, ...testShipped };
    shipped.testBeforeQuantization = { seed: TEST_SEED, ...testFloat };
    writeFileSync(join(out, 'meta.json'), JSON.stringify(shippedMeta, null, 2) + '\n');
    const size = statSync(join(out, 'weights.bin')).size + statSync(join(out, 'model.json')).size;
    const pct = (/** @type {number} */ x) => `${(100 * x).toFixed(1)}%`;
    const v = meta.validation ?? { sequenceAccuracy: 0, count: 0 };
    process.stdout.write(
      `shipped model: ${out} (${(size / 1e6).toFixed(2)} MB)\n` +
        `| ${new Date().toISOString().slice(0, 10)} | ${shipped.budget} | ${meta.steps.toLocaleString('en')} | ${Math.round(imagesPerSecond)} | ${meta.backend} | ` +
        `${pct(v.sequenceAccuracy)} of ${v.count} | ${pct(testShipped.sequenceAccuracy)} / ${pct(testShipped.digitAccuracy)} / ${pct(testShipped.lengthAccuracy)} (float: ${pct(testFloat.sequenceAccuracy)}) | ${(size / 1e6).toFixed(2)} MB |\n`,
    );
  } finally {
    if (flag('work') === undefined) rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
