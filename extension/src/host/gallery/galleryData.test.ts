import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LOGITS, logSoftmaxHeads } from '../../../../common/heads';
import { encodeEvidence } from '../../../../common/labelEvidence';
import { cropAt } from '../../../../common/galleryColumns';
import type { GalleryCrop } from '../../../../common/webviewProtocol';
import { loadGalleryDataset } from './galleryData';

/** The dataset's rows as crops (the page reads the columns the same way). */
async function loadCrops(labelsPath: string, labelsText?: string): Promise<{ crops: GalleryCrop[]; hasPredictions: boolean; hasIssues?: boolean; warnings: string[]; title: string }> {
  const { dataset } = await loadGalleryDataset(labelsPath, labelsText);
  return { ...dataset, crops: Array.from({ length: dataset.columns.count }, (_, i) => cropAt(dataset.columns, i)) };
}

test('gallery dataset joins labels with predictions and flags mismatches against the current label', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gallery-data-'));
  try {
    await writeFile(
      path.join(dir, 'labels.csv'),
      'file,label,box,digit_boxes\nimg/a.png,12,,\nimg/b.png,0432,,\nimg/c.png,,,\nimg/d.png,7,,\n../outside.png,5,,\n',
    );
    await mkdir(path.join(dir, '.digitlens'));
    await writeFile(
      path.join(dir, '.digitlens', 'predictions.csv'),
      'file,label,prediction,confidence\nimg/a.png,12,12,0.9\nimg/b.png,0432,432,0.4\nimg/c.png,,8,0.7\n',
    );
    const data = await loadCrops(path.join(dir, 'labels.csv'));
    assert.equal(data.hasPredictions, true);
    assert.equal(data.title, path.basename(dir));
    const byFile = new Map(data.crops.map((c) => [c.file, c]));
    assert.equal(byFile.get('img/a.png')?.problem, undefined);
    assert.deepEqual(byFile.get('img/a.png')?.prediction, { text: '12', length: 2, confidence: 0.9, matchesLabel: true });
    assert.equal(byFile.get('img/b.png')?.prediction?.matchesLabel, false);
    assert.equal(byFile.get('img/c.png')?.prediction?.matchesLabel, true, 'an unlabeled crop is not a mismatch');
    assert.equal(byFile.get('img/d.png')?.prediction, undefined);
    const outside = data.crops.find((c) => c.file === '../outside.png');
    // The labels parser may drop the row as an error, or keep it; kept, it says why it has no image.
    if (outside) assert.match(outside.problem ?? '', /leaves the dataset folder/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('gallery dataset without predictions.csv has no predictions and no warnings', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gallery-data-'));
  try {
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\nx.png,3\n');
    const data = await loadCrops(path.join(dir, 'labels.csv'));
    assert.equal(data.hasPredictions, false);
    assert.deepEqual(data.warnings, []);
    assert.equal(data.crops.length, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("gallery crops carry the label-error finder's score for their label as it is now", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gallery-data-'));
  try {
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\na.png,1\nb.png,45\nc.png,\n');
    const confident = (lengthClass: number, digits: number[]): Float32Array => {
      const z = new Float32Array(LOGITS);
      z[lengthClass] = 8;
      digits.forEach((d, i) => (z[7 + 10 * i + d] = 8));
      return logSoftmaxHeads(z);
    };
    const meanLogProbs = new Float32Array(2 * LOGITS);
    meanLogProbs.set(confident(1, [7]), 0);
    meanLogProbs.set(confident(2, [4, 5]), LOGITS);
    const { json, bin } = encodeEvidence({ rows: [{ file: 'a.png', label: '1', heldOut: false }, { file: 'b.png', label: '45', heldOut: true }], meanLogProbs });
    await mkdir(path.join(dir, '.digitlens', 'model'), { recursive: true });
    await writeFile(path.join(dir, '.digitlens', 'model', 'evidence.json'), json);
    await writeFile(path.join(dir, '.digitlens', 'model', 'evidence.bin'), bin);
    const data = await loadCrops(path.join(dir, 'labels.csv'));
    assert.equal(data.hasIssues, true);
    const [a, b, c] = data.crops;
    assert.ok(a.issue && a.issue.score > 0.99, JSON.stringify(a.issue));
    assert.deepEqual([a.issue.suggestion, a.issue.position], ['7', 'S1']);
    assert.ok(b.issue && b.issue.score < 0.01);
    assert.equal(c.issue, undefined, 'an unlabeled crop has no label to doubt');
    // Fixed in the editor (unsaved text): the same evidence agrees at once.
    const fixed = await loadCrops(path.join(dir, 'labels.csv'), 'file,label\na.png,7\nb.png,45\nc.png,\n');
    assert.ok(fixed.crops[0].issue && fixed.crops[0].issue.score < 0.01);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('predictions in another order or spelling still reach their rows; the thumbnails get each row\'s file and box', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gallery-data-'));
  try {
    await writeFile(path.join(dir, 'labels.csv'), 'file,label,box\na.png,1,1 2 3 4\nsub/b.png,2,\nc.png,3,5 6 7 8\n\nd.png,4,\n');
    await mkdir(path.join(dir, '.digitlens'));
    // The engine writes in the labels' order; a hand-edited or older file need not.
    await writeFile(path.join(dir, '.digitlens', 'predictions.csv'), 'file,label,prediction,confidence\nd.png,4,4,0.4\n./sub//b.png,2,9,0.2\na.png,1,1,0.1\n');
    const { dataset, rows } = await loadGalleryDataset(path.join(dir, 'labels.csv'));
    const crops = Array.from({ length: dataset.columns.count }, (_, i) => cropAt(dataset.columns, i));
    assert.deepEqual(
      crops.map((c) => [c.file, c.prediction?.text, c.prediction?.confidence, c.prediction?.matchesLabel]),
      [
        ['a.png', '1', 0.1, true],
        ['sub/b.png', '9', 0.2, false],
        ['c.png', undefined, undefined, undefined],
        ['d.png', '4', 0.4, true],
      ],
    );
    assert.deepEqual(rows.get(1), { file: 'a.png', box: { left: 1, top: 2, width: 3, height: 4 } });
    assert.deepEqual(rows.get(2), { file: 'sub/b.png' });
    assert.deepEqual(rows.get(3), { file: 'c.png', box: { left: 5, top: 6, width: 7, height: 8 } });
    assert.equal(rows.get(4), undefined, 'a blank line is no row');
    assert.deepEqual(rows.get(5), { file: 'd.png' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('firstRows: the first rows only, marked partial, with their readings; a file that short is whole', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gallery-data-'));
  try {
    const rows = Array.from({ length: 50 }, (_, i) => `${i}.png,${i % 10}`);
    await writeFile(path.join(dir, 'labels.csv'), `file,label\n${rows.join('\n')}\nbad.png,x\n`);
    await mkdir(path.join(dir, '.digitlens'));
    await writeFile(path.join(dir, '.digitlens', 'predictions.csv'), `file,label,prediction,confidence\n${rows.map((r) => `${r},${r.split(',')[1]},0.5`).join('\n')}\n`);
    const labelsPath = path.join(dir, 'labels.csv');
    const first = (await loadGalleryDataset(labelsPath, undefined, { firstRows: 20 })).dataset;
    assert.equal(first.partial, true);
    assert.equal(first.columns.count, 20);
    assert.deepEqual(cropAt(first.columns, 19).prediction?.text, '9');
    assert.deepEqual(first.warnings, [], 'the error past the first rows is for the whole dataset to report');
    const whole = (await loadGalleryDataset(labelsPath)).dataset;
    assert.equal(whole.partial, undefined);
    assert.equal(whole.columns.count, 50);
    assert.match(whole.warnings.join('\n'), /1 error \(first on line 52/);
    const short = (await loadGalleryDataset(labelsPath, undefined, { firstRows: 100 })).dataset;
    assert.equal(short.partial, undefined, 'fewer rows than asked: the whole file');
    assert.equal(short.columns.count, 50);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
