import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_EXPLAIN_METHOD } from '../../../common/engineProtocol';
import { HEADS, LOGITS, logSoftmaxHeads } from '../../../common/heads';
import { mulberry32 } from '../../../common/mulberry32';
import { encodeRgbPng } from '../dataset/pngEncode';
import { CROP_BYTES, cropRegion, resizeRegionInto } from '../dataset/preprocess';
import { initBackend } from './backend';
import { saveCheckpoint, type CheckpointMeta } from './checkpoint';
import { explainCrop, explainMethodOf, runExplain, type ExplainCrop } from './explain';
import { imageStats } from './data';
import { decodeSequence } from './decode';
import { buildModel } from './model';
import { ModelCache } from './modelCache';
import { predictLogits } from './predict';
import { PRESETS } from './presets';
import { tf } from './tf';

const spec = PRESETS.fast;

/** A 90x50 noisy RGBA image with a box in it. */
function noisyCrop(label: string, seed = 1): ExplainCrop {
  const rand = mulberry32(seed);
  const data = Uint8Array.from({ length: 90 * 50 * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rand() * 256)));
  return { image: { width: 90, height: 50, data }, box: { left: 20, top: 10, width: 50, height: 28 }, label };
}

const meta = (seed: number): CheckpointMeta => ({
  format: 'digitlens-model-1', spec, normalisation: 'per-image-standardise', backend: 'wasm', date: new Date(seed).toISOString(), steps: 0, seconds: 0, examples: 0,
});

test('explainCrop: the gallery\'s probabilities and reading, each head\'s classes, masks and peaks inside the input', async () => {
  await initBackend('wasm');
  const model = buildModel(spec, 2);
  try {
    const crop = noisyCrop('4071');
    const r = explainCrop(model, spec, crop, { method: { smoothGrad: 0, gradTimesInput: false } });
    // The probabilities are predictLogits' six-view reading of the same 64x64 crop.
    const pixels = new Uint8Array(CROP_BYTES);
    resizeRegionInto(crop.image, cropRegion(crop.box, 90, 50), pixels, 0);
    const logits = predictLogits(model, { pixels, ...imageStats(pixels, 1) }, [0], spec);
    const expected = logSoftmaxHeads(Float64Array.from(logits));
    const reading = decodeSequence(logits);
    assert.equal(r.prediction, reading.text);
    assert.equal(r.confidence, reading.confidence);
    assert.equal(r.heads.length, HEADS.length);
    r.heads.forEach((h, i) => {
      assert.equal(h.head, HEADS[i].name);
      h.probs.forEach((p, k) => assert.ok(Math.abs(Math.log(p) - expected[HEADS[i].offset + k]) < 1e-6, `${h.head} class ${k}`));
      assert.ok(Math.abs(h.probs.reduce((s, p) => s + p, 0) - 1) < 1e-6);
      if (i > 0) assert.equal(h.predicted, h.probs.indexOf(Math.max(...h.probs)));
      assert.equal(h.target, h.predicted);
      assert.equal(h.mask.length, r.maskWidth * r.maskHeight);
      assert.equal(Math.max(...h.mask), 1);
      assert.ok(h.mask.every((v) => v >= 0 && v <= 1));
      // The peak is the centre of the mask's largest cell, drawn stretched over the input region.
      const cell = h.mask.indexOf(1);
      const box = r.inputRegion;
      assert.ok(Math.abs(h.peak[0] - (box.left + ((cell % r.maskWidth) + 0.5) * (box.width / r.maskWidth))) < 1e-9, `${h.head} peak x ${h.peak[0]}`);
      assert.ok(Math.abs(h.peak[1] - (box.top + (Math.floor(cell / r.maskWidth) + 0.5) * (box.height / r.maskHeight))) < 1e-9, `${h.head} peak y ${h.peak[1]}`);
    });
    assert.equal(LOGITS, r.heads.reduce((n, h) => n + h.probs.length, 0));
    const length = r.heads[0].predicted;
    assert.equal(length, reading.length);
    r.heads.slice(1).forEach((h, i) => assert.equal(h.relevant, i + 1 <= length, h.head));
    assert.deepEqual(r.heads.map((h) => h.labeled), [4, 4, 0, 7, 1, undefined]);
    assert.deepEqual([r.maskWidth, r.maskHeight, r.imageWidth, r.imageHeight, r.blocks], [54, 36, 90, 50, 5]);
    assert.equal(r.activations, undefined);

    // Asked-for targets replace the reading's class; null keeps it; a class the head lacks is refused.
    const asked = explainCrop(model, spec, crop, { targets: [null, 7], method: { smoothGrad: 0, gradTimesInput: false } });
    assert.equal(asked.heads[1].target, 7);
    assert.equal(asked.heads[0].target, r.heads[0].predicted);
    assert.notDeepEqual(asked.heads[1].mask, r.heads[1].mask);
    assert.throws(() => explainCrop(model, spec, crop, { targets: [7], method: DEFAULT_EXPLAIN_METHOD }), /head L has classes 0..6, not 7/);

    // The digit heads the reading uses are relevant: with L made to say 2, S1 and S2; with "more than 5", all five.
    for (const [lengthClass, relevant] of [[2, [true, true, true, false, false, false]], [6, [true, true, true, true, true, true]]] as const) {
      const lHead = model.getLayer('L');
      const [kernel, bias] = lHead.getWeights();
      lHead.setWeights([kernel, tf.tensor1d(Array.from({ length: 7 }, (_, k) => (k === lengthClass ? 50 : 0)))]);
      const forced = explainCrop(model, spec, crop, { method: DEFAULT_EXPLAIN_METHOD });
      lHead.setWeights([kernel, bias]);
      assert.equal(forced.heads[0].predicted, lengthClass);
      assert.deepEqual(forced.heads.map((h) => h.relevant), relevant);
    }

    // "More than 5": every digit head is part of the reading; an unlabeled row marks no class.
    const long = explainCrop(model, spec, noisyCrop('12345678'), { targets: [], method: DEFAULT_EXPLAIN_METHOD });
    assert.deepEqual(long.heads.map((h) => h.labeled), [6, 1, 2, 3, 4, 5]);
    assert.deepEqual(explainCrop(model, spec, noisyCrop(''), { method: DEFAULT_EXPLAIN_METHOD }).heads.map((h) => h.labeled), HEADS.map(() => undefined));
  } finally {
    model.dispose();
  }
});

test('feature maps: the block\'s ReLU output, strongest channel first, each scaled to 0..255', async () => {
  await initBackend('wasm');
  const model = buildModel(spec, 2);
  try {
    const r = explainCrop(model, spec, noisyCrop('12'), { method: DEFAULT_EXPLAIN_METHOD, activationBlock: 2 });
    const a = r.activations;
    assert.ok(a);
    // conv2 sees the 18x27 map after pool1; 64 filters.
    assert.deepEqual([a.block, a.height, a.width, a.channels.length], [2, 18, 27, 64]);
    assert.deepEqual(a.channels.map((c) => c.index).sort((x, y) => x - y), [...Array(64).keys()]);
    for (let i = 1; i < a.channels.length; i++) assert.ok(a.channels[i - 1].mean >= a.channels[i].mean);
    for (const c of a.channels) {
      assert.equal(c.values.length, 18 * 27);
      assert.ok(c.values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
      assert.equal(Math.max(...c.values), c.mean > 0 ? 255 : 0);
    }
    assert.throws(() => explainCrop(model, spec, noisyCrop('12'), { method: DEFAULT_EXPLAIN_METHOD, activationBlock: 6 }), /conv blocks 1..5, not 6/);
  } finally {
    model.dispose();
  }
});

test('explain leaves no tensor behind, whatever it computes', async () => {
  await initBackend('wasm');
  const model = buildModel(spec, 2);
  try {
    const crop = noisyCrop('35');
    explainCrop(model, spec, crop, { method: DEFAULT_EXPLAIN_METHOD, activationBlock: 1 }); // builds the block's probe once
    const before = tf.memory().numTensors;
    explainCrop(model, spec, crop, { method: { smoothGrad: 3, gradTimesInput: true }, activationBlock: 1 });
    explainCrop(model, spec, crop, { targets: [2, 3], method: { smoothGrad: 0, gradTimesInput: false }, activationBlock: 5 });
    assert.equal(tf.memory().numTensors, before);
  } finally {
    model.dispose();
  }
});

test('runExplain holds the model between calls and sees a retrain through meta.json', async () => {
  await initBackend('wasm');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-explain-'));
  const labelsPath = path.join(dir, 'labels.csv');
  const modelDir = path.join(dir, '.digitlens', 'model');
  const crop = noisyCrop('7');
  const rgb = new Uint8Array(90 * 50 * 3);
  for (let i = 0; i < 90 * 50; i++) rgb.set(crop.image.data.subarray(i * 4, i * 4 + 3), i * 3);
  await fs.mkdir(path.join(dir, 'img'));
  await fs.writeFile(path.join(dir, 'img', 'a.png'), encodeRgbPng(90, 50, rgb));
  const first = buildModel(spec, 1);
  await saveCheckpoint(first, modelDir, meta(1));
  first.dispose();
  const models = new ModelCache();
  try {
    const options = { labelsPath, backend: 'wasm' as const, file: './img//a.png', box: crop.box, label: '7' };
    const loaded: boolean[] = [];
    const onModelLoaded = () => loaded.push(true);
    const a = await runExplain(options, models, { onModelLoaded });
    assert.equal(a.file, './img//a.png');
    assert.deepEqual(a.method, explainMethodOf({}));
    assert.deepEqual(a.method, DEFAULT_EXPLAIN_METHOD);
    assert.ok(a.milliseconds > 0);
    // The same crop through explainCrop directly: the file on disk is the image above.
    const direct = explainCrop((await models.get(modelDir)).model, spec, crop, { method: DEFAULT_EXPLAIN_METHOD });
    assert.deepEqual(a.heads, direct.heads);
    const held = tf.memory().numTensors;
    const b = await runExplain({ ...options, smoothGrad: 2, gradTimesInput: true }, models, { onModelLoaded });
    assert.deepEqual(b.method, { smoothGrad: 2, gradTimesInput: true });
    assert.equal(loaded.length, 1, 'the second call loaded the model again');
    assert.equal(tf.memory().numTensors, held);

    // A retrain replaces the folder: other weights, another meta.json.
    const second = buildModel(spec, 9);
    await saveCheckpoint(second, modelDir, meta(2));
    second.dispose();
    const c = await runExplain(options, models, { onModelLoaded });
    assert.equal(loaded.length, 2, 'the retrained model was not loaded');
    assert.notDeepEqual(c.heads.map((h) => h.probs), a.heads.map((h) => h.probs));
    assert.equal(tf.memory().numTensors, held, 'the stale model was not disposed');

    await assert.rejects(runExplain({ ...options, file: 'img/missing.png' }, models), /img\/missing.png: the file does not exist/);
    await assert.rejects(runExplain({ ...options, file: '../outside.png' }, models), /leaves the dataset folder/);
  } finally {
    models.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  }
});
