// `digit-lens explain` end to end on a tiny synthetic dataset with an untrained model: --json lines,
// --file by either spelling, --out overlays, the table, and bad arguments.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HEADS } from '../../../common/heads';
import { LabelsDocument } from '../../../common/labels';
import { defaultModelDir } from '../dataset/paths';
import { decodePng } from '../dataset/pngDecode';
import { synthesize } from '../dataset/synth';
import { initBackend } from '../engine/backend';
import { runExplain } from '../engine/explain';
import { ModelCache } from '../engine/modelCache';
import { saveCheckpoint } from '../engine/checkpoint';
import { buildModel } from '../engine/model';
import { PRESETS } from '../engine/presets';
import { UsageError } from './args';
import { explainCliCommand, explainRow, overlayBaseName } from './explain';
import { OVERLAY_SIDE } from './maskOverlay';

const root = path.resolve(__dirname, '../../..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'extension', 'src', 'cli.ts'), 'explain', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

interface JsonLine {
  file: string;
  prediction: string;
  confidence: number;
  heads: { head: string; probs: number[]; peak?: [number, number] }[];
}

async function dataset(): Promise<{ dir: string; labelsPath: string; files: string[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-explain-'));
  const { labelsPath } = await synthesize({ dir, count: 4, seed: 3 });
  // One row unlabeled: explain reads every row, labeled or not.
  const text = await fs.readFile(labelsPath, 'utf8');
  const lines = text.split('\n');
  lines[2] = lines[2].replace(/^([^,]*),[^,]*,/, '$1,,');
  await fs.writeFile(labelsPath, lines.join('\n'));
  await initBackend('wasm');
  const model = buildModel(PRESETS.fast, 4);
  await saveCheckpoint(model, defaultModelDir(labelsPath), {
    format: 'digitlens-model-1', spec: PRESETS.fast, normalisation: 'per-image-standardise', backend: 'wasm', date: new Date().toISOString(), steps: 0, seconds: 0, examples: 0,
  });
  model.dispose();
  return { dir, labelsPath, files: LabelsDocument.parse(lines.join('\n')).rows.map((r) => r.file) };
}

// One dataset and model for every test here (they only read it; --out writes beside it).
let shared: ReturnType<typeof dataset> | undefined;
const sharedDataset = () => (shared ??= dataset());
after(async () => {
  if (shared) await fs.rm((await shared).dir, { recursive: true, force: true });
});

test('explain --json: one line per row with every head\'s probabilities and the digit heads\' peaks in the image', async () => {
  const { dir, labelsPath, files } = await sharedDataset();
  const r = cli(dir, '--json', '--backend', 'wasm');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonLine);
  assert.deepEqual(lines.map((l) => l.file), files);
  const rows = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows;
  lines.forEach((line, n) => {
    assert.deepEqual(Object.keys(line), ['file', 'prediction', 'confidence', 'heads']);
    assert.deepEqual(line.heads.map((h) => h.head), HEADS.map((h) => h.name));
    line.heads.forEach((h, i) => {
      assert.equal(h.probs.length, HEADS[i].size);
      assert.ok(Math.abs(h.probs.reduce((s, p) => s + p, 0) - 1) < 1e-4);
      if (i === 0) {
        assert.equal(h.peak, undefined);
        return;
      }
      // The peak lies in the box grown by 30% (the part of the image the network sees is inside it).
      const box = rows[n].box!;
      const [x, y] = h.peak!;
      assert.ok(x >= box.left - 0.15 * box.width && x <= box.left + 1.15 * box.width, `${line.file} ${h.head} x ${x}`);
      assert.ok(y >= box.top - 0.15 * box.height && y <= box.top + 1.15 * box.height, `${line.file} ${h.head} y ${y}`);
    });
    assert.ok(line.confidence > 0 && line.confidence <= 1);
  });
  // The lines say what the engine computes for each row (the same model and backend, in this process).
  const models = new ModelCache();
  try {
    for (const [n, row] of rows.entries()) {
      const e = await runExplain({ labelsPath, backend: 'wasm', file: row.file, box: row.box, label: row.label }, models);
      assert.equal(lines[n].prediction, e.prediction);
      lines[n].heads.forEach((h, i) => {
        h.probs.forEach((p, k) => assert.ok(Math.abs(p - e.heads[i].probs[k]) < 1e-4, `${row.file} ${h.head} class ${k}`));
        if (h.peak) assert.deepEqual(h.peak, e.heads[i].peak.map((v) => Number(v.toFixed(2))), `${row.file} ${h.head}`);
      });
    }
  } finally {
    models.dispose();
  }
  assert.match(r.stderr, /explain: 4 crop\(s\), SmoothGrad of 16 copies/);
});

test('explain --file by another spelling, --out: six overlays of the crop', async () => {
  const { dir, files } = await sharedDataset();
  const out = path.join(dir, 'masks');
  try {
    const r = cli(dir, '--file', `./${files[1].replace('/', '//')}`, '--out', out, '--json', '--smoothgrad', '2', '--grad-x-input');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]) as JsonLine).file, files[1]);
    assert.match(r.stderr, /SmoothGrad of 2 copies x input/);
    const names = (await fs.readdir(out)).sort();
    assert.deepEqual(names, HEADS.map((h) => `${overlayBaseName(files[1])}.${h.name}.png`).sort());
    const images = await Promise.all(names.map(async (n) => fs.readFile(path.join(out, n))));
    for (const png of images) {
      const { width, height } = decodePng(png);
      assert.equal(Math.max(width, height), OVERLAY_SIDE);
      assert.ok(Math.min(width, height) > 8);
    }
    // Each head's overlay shows its own mask.
    assert.equal(new Set(images.map((b) => b.toString('base64'))).size, HEADS.length);
  } finally {
    await fs.rm(path.join(dir, 'masks'), { recursive: true, force: true });
  }
});

test('bad arguments are usage errors; an unknown file or a missing model is an error', async () => {
  const { dir } = await sharedDataset();
  for (const [args, message] of [
    [['--smoothgrad', '-1'], /--smoothgrad must be a whole number >= 0/],
    [['--smoothgrad', '257'], /--smoothgrad must be at most 256/],
    [['--grad-x-input=maybe'], /--grad-x-input takes no value, or =true or =false/],
    [['--colour', 'red'], /unknown option --colour/],
    [['--backend', 'gpu'], /--backend must be one of/],
    [[path.join(dir, 'other')], /explain takes one dataset folder/],
  ] as const) {
    await assert.rejects(explainCliCommand.run([dir, ...args]), (err: Error) => err instanceof UsageError && message.test(err.message), args.join(' '));
  }
  await assert.rejects(explainCliCommand.run([dir, '--file', 'img/none.png']), (err: Error) => !(err instanceof UsageError) && /img\/none.png is not a row of .*labels.csv/.test(err.message));
  await assert.rejects(explainCliCommand.run([dir, '--model', path.join(dir, 'nowhere')]), /no trained model in .*nowhere/);
});

test('the table: file, reading, confidence, and per head its likeliest class, probability and peak', () => {
  const head = (name: string, probs: number[], peak: [number, number]) => ({ head: name, probs, predicted: 0, target: 0, relevant: true, mask: [], peak });
  const row = explainRow({
    file: 'img/1.png', label: '7', prediction: '7', confidence: 0.8123, imageWidth: 10, imageHeight: 10, inputRegion: { left: 0, top: 0, width: 10, height: 10 },
    maskWidth: 1, maskHeight: 1, method: { smoothGrad: 0, gradTimesInput: false }, blocks: 5, milliseconds: 1,
    heads: [head('L', [0.1, 0.9], [0, 0]), head('S1', [0.2, 0.05, 0.75], [3.25, 4.5]), head('S2', [0.6, 0.4], [1, 2])],
  });
  assert.equal(row, 'img/1.png  7  0.812  L=1 0.90  S1=2 0.75 @3.3,4.5  S2=0 0.60 @1.0,2.0');
});

test('overlay names keep crops in subfolders apart', () => {
  assert.equal(overlayBaseName('img/00001.png'), 'img__00001');
  assert.equal(overlayBaseName('./a//b/c.d.jpg'), 'a__b__c.d');
  assert.equal(overlayBaseName('x'), 'x');
});
