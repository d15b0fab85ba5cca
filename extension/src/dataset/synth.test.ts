import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelsDocument, type Box } from '../../../common/labels';
import { readImageHeader } from './images';
import { synthesize } from './synth';
import { findFontFiles, loadDigitFont } from './synth/fonts';
import { Random } from './synth/random';
import { renderScene } from './synth/scene';

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'synth-'));

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const name of await fs.readdir(path.join(dir, 'img'))) out.set(`img/${name}`, await fs.readFile(path.join(dir, 'img', name)));
  out.set('labels.csv', await fs.readFile(path.join(dir, 'labels.csv')));
  return out;
}

const inside = (inner: Box, outer: Box) =>
  inner.left >= outer.left && inner.top >= outer.top && inner.left + inner.width <= outer.left + outer.width && inner.top + inner.height <= outer.top + outer.height;

test('the same seed gives the same bytes; another seed gives other images', async () => {
  const [a, b, c] = await Promise.all([tempDir(), tempDir(), tempDir()]);
  await synthesize({ dir: a, count: 25, seed: 7 });
  await synthesize({ dir: b, count: 25, seed: 7 });
  await synthesize({ dir: c, count: 25, seed: 8 });
  const [fa, fb, fc] = await Promise.all([filesOf(a), filesOf(b), filesOf(c)]);
  assert.equal(fa.size, 26);
  assert.deepEqual([...fa.keys()].sort(), [...fb.keys()].sort());
  for (const [name, bytes] of fa) assert.ok(bytes.equals(fb.get(name)!), `${name} differs between two runs with seed 7`);
  let same = 0;
  for (const [name, bytes] of fa) if (name !== 'labels.csv' && bytes.equals(fc.get(name)!)) same++;
  assert.equal(same, 0, 'seed 8 repeated images of seed 7');
});

test('labels.csv parses; boxes lie inside the image and match the digits', async () => {
  const dir = await tempDir();
  const progress: number[] = [];
  const result = await synthesize({ dir, count: 120, seed: 3, onProgress: (done, total) => progress.push(done / total) });
  assert.equal(result.count, 120);
  assert.equal(result.labelsPath, path.join(dir, 'labels.csv'));
  assert.equal(progress.at(-1), 1);
  const text = await fs.readFile(result.labelsPath, 'utf8');
  assert.ok(text.startsWith('file,label,box,digit_boxes\n'));
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.problems, []);
  assert.equal(doc.rows.length, 120);
  for (const row of doc.rows) {
    assert.match(row.label, /^[0-9]{1,6}$/, row.file);
    const { width, height } = readImageHeader(await fs.readFile(path.join(dir, row.file)));
    assert.ok(width >= 30 && width <= 230 && height >= 10 && height <= 240, `${row.file}: ${width}x${height}`);
    const box = row.box!;
    const digitBoxes = row.digitBoxes!;
    assert.ok(inside(box, { left: 0, top: 0, width, height }), `${row.file}: box outside the image`);
    assert.equal(digitBoxes.length, row.label.length, `${row.file}: one box per digit`);
    for (const d of digitBoxes) {
      assert.ok(inside(d, box), `${row.file}: digit box outside the union box`);
      assert.ok(d.width >= 1 && d.height >= 4, `${row.file}: degenerate digit box`);
    }
    // The union box is exactly the union of the digit boxes.
    assert.equal(box.left, Math.min(...digitBoxes.map((d) => d.left)));
    assert.equal(box.left + box.width, Math.max(...digitBoxes.map((d) => d.left + d.width)));
    assert.equal(box.top, Math.min(...digitBoxes.map((d) => d.top)));
    assert.equal(box.top + box.height, Math.max(...digitBoxes.map((d) => d.top + d.height)));
    // Reading order: centres go left to right.
    const centres = digitBoxes.map((d) => d.left + d.width / 2);
    for (let k = 1; k < centres.length; k++) assert.ok(centres[k] > centres[k - 1], `${row.file}: digit boxes out of order`);
  }
});

/** Standard deviation of luminance (0..255) inside `box`. */
function luminanceSpread(scene: { width: number; rgb: Uint8Array }, box: Box): number {
  const values: number[] = [];
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      const p = (y * scene.width + x) * 3;
      values.push(0.299 * scene.rgb[p] + 0.587 * scene.rgb[p + 1] + 0.114 * scene.rgb[p + 2]);
    }
  }
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}

test('lengths follow house numbers: mostly 2-3 digits, six rarely, every length 1-6 occurs', async () => {
  const fonts = await Promise.all((await findFontFiles()).map(loadDigitFont));
  assert.equal(fonts.length, 21);
  const counts = [0, 0, 0, 0, 0, 0, 0];
  let marginsMatter = 0;
  const n = 600;
  for (let i = 0; i < n; i++) {
    const scene = renderScene(new Random(11, i), fonts);
    counts[scene.label.length]++;
    if (scene.box.width < 0.77 * scene.width || scene.box.height < 0.77 * scene.height) marginsMatter++;
    // The digits stay visible: brightness varies inside their box.
    assert.ok(luminanceSpread(scene, scene.box) > 10, `scene ${i} has no visible digits`);
  }
  const share = counts.map((c) => c / n);
  assert.ok(share[1] > 0.09 && share[1] < 0.21, `length 1: ${share[1]}`);
  assert.ok(share[2] > 0.23 && share[2] < 0.37, `length 2: ${share[2]}`);
  assert.ok(share[3] > 0.23 && share[3] < 0.37, `length 3: ${share[3]}`);
  assert.ok(share[4] > 0.11 && share[4] < 0.23, `length 4: ${share[4]}`);
  assert.ok(share[5] > 0.03 && share[5] < 0.12, `length 5: ${share[5]}`);
  assert.ok(share[6] > 0 && share[6] < 0.03, `length 6: ${share[6]}`);
  // Most crops have room around the number beyond the 30% the preprocessing adds.
  assert.ok(marginsMatter > n * 0.5, `only ${marginsMatter} of ${n} crops have margins`);
});

test('image i does not depend on the count; a run never overwrites labels', async () => {
  const [a, b] = await Promise.all([tempDir(), tempDir()]);
  await synthesize({ dir: a, count: 3, seed: 5 });
  await synthesize({ dir: b, count: 8, seed: 5 });
  for (const name of ['00001.png', '00002.png', '00003.png']) {
    assert.ok((await fs.readFile(path.join(a, 'img', name))).equals(await fs.readFile(path.join(b, 'img', name))));
  }
  const before = await fs.readFile(path.join(a, 'labels.csv'), 'utf8');
  await assert.rejects(synthesize({ dir: a, count: 3, seed: 6 }), /labels\.csv already exists/);
  assert.equal(await fs.readFile(path.join(a, 'labels.csv'), 'utf8'), before);
  await fs.rm(path.join(a, 'labels.csv'));
  await assert.rejects(synthesize({ dir: a, count: 3, seed: 6 }), /img already holds files/);
  await assert.rejects(synthesize({ dir: await tempDir(), count: 0, seed: 1 }), /count must be a whole number/);
});

test('fontsDir: a folder of fonts is used, an empty one is a clear error', async () => {
  const fonts = await tempDir();
  const [serif] = (await findFontFiles()).filter((f) => f.endsWith('DejaVuSerif.ttf'));
  await fs.copyFile(serif, path.join(fonts, 'only.ttf'));
  const dir = await tempDir();
  const result = await synthesize({ dir, count: 4, seed: 1, fontsDir: fonts });
  assert.equal(result.count, 4);
  const other = await tempDir();
  await synthesize({ dir: other, count: 4, seed: 1 });
  assert.notDeepEqual(await fs.readFile(path.join(dir, 'img', '00001.png')), await fs.readFile(path.join(other, 'img', '00001.png')));
  await assert.rejects(synthesize({ dir: await tempDir(), count: 4, seed: 1, fontsDir: await tempDir() }), /no \.ttf, \.otf or \.woff fonts in/);
});
