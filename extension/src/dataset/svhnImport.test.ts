import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LabelsDocument, type Box } from '../../../common/labels';
import { svhnLikeEntries, writeDigitStruct, type WrittenEntry } from '../../../test/support/digitStructWriter';
import { missingPrerequisite } from '../../../test/support/environment';
import { DigitStructError } from './svhn/digitStruct';
import { importSvhn, LabelsFileExistsError } from './svhnImport';
import { tempDir } from '../../../test/support/tempDirs';


const SAMPLE = path.resolve(__dirname, '../../../../shared/data/svhn-format1-sample');
const SPLITS = ['train', 'test', 'extra'] as const;
const noSample = missingPrerequisite([{ what: 'the SVHN format 1 sample', path: path.join(SAMPLE, 'expected.json'), install: 'the shared data folder beside the project, ../shared/data' }]);

interface ExpectedImage {
  label: string;
  boxes: { label: number; left: number; top: number; width: number; height: number }[];
}

/** A writable copy of a sample split (the shared data is read-only): its digitStruct.mat and 1.png..3.png. */
async function copySplit(split: string): Promise<string> {
  const dir = await tempDir(`svhn-${split}-`);
  for (const name of ['digitStruct.mat', '1.png', '2.png', '3.png']) await fs.copyFile(path.join(SAMPLE, split, name), path.join(dir, name));
  return dir;
}

/** A folder with a generated digitStruct.mat of `entries` and an image file for each name in `present`. */
async function generatedFolder(entries: readonly WrittenEntry[], present: readonly string[]): Promise<string> {
  const dir = await tempDir('svhn-generated-');
  await writeDigitStruct(path.join(dir, 'digitStruct.mat'), entries);
  for (const name of present) await fs.writeFile(path.join(dir, name), 'not read: the import only checks that it is there');
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => assert.fail('the import succeeded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error, String(err));
  assert.ok(!err.message.includes('\n'), err.message);
  return err;
}

test('the sample splits import to the truth of expected.json; the entries without images are counted', { skip: noSample }, async () => {
  const expected = JSON.parse(await fs.readFile(path.join(SAMPLE, 'expected.json'), 'utf8')) as Record<string, Record<string, ExpectedImage>>;
  // What each cut-down digitStruct.mat lists (digitStruct/name is 39 x 1 in train, 40 x 1 in the others).
  const listed = { train: 39, test: 40, extra: 40 };
  for (const split of SPLITS) {
    const dir = await copySplit(split);
    const progress: number[] = [];
    const result = await importSvhn({ dir, onProgress: (done) => progress.push(done) });
    assert.deepEqual(result, {
      labelsPath: path.join(dir, 'labels.csv'),
      entries: listed[split],
      imported: 3,
      missing: listed[split] - 3,
      missingExamples: ['4.png', '5.png', '6.png', '7.png', '8.png'],
      withoutBoxes: 0,
      rounded: 0,
    });
    assert.equal(progress.at(-1), listed[split]);
    const labels = LabelsDocument.parse(await fs.readFile(result.labelsPath, 'utf8'));
    assert.deepEqual(labels.problems, []);
    const want = Object.entries(expected[split]).map(([file, image]) => {
      const digitBoxes: Box[] = image.boxes.map(({ left, top, width, height }) => ({ left, top, width, height }));
      const left = Math.min(...digitBoxes.map((b) => b.left));
      const top = Math.min(...digitBoxes.map((b) => b.top));
      const box = { left, top, width: Math.max(...digitBoxes.map((b) => b.left + b.width)) - left, height: Math.max(...digitBoxes.map((b) => b.top + b.height)) - top };
      assert.equal(image.boxes.map((b) => b.label % 10).join(''), image.label, `${split}/${file}: expected.json agrees with itself`);
      return { file, label: image.label, box, digitBoxes };
    });
    assert.deepEqual(
      labels.rows.map(({ file, label, box, digitBoxes }) => ({ file, label, box, digitBoxes })),
      want,
      split,
    );
  }
});

test('train/1.png is the labels line DESIGN §3 shows', { skip: noSample }, async () => {
  const dir = await copySplit('train');
  const { labelsPath } = await importSvhn({ dir });
  const lines = (await fs.readFile(labelsPath, 'utf8')).split('\n');
  assert.deepEqual(lines.slice(0, 2), ['file,label,box,digit_boxes', '1.png,19,246 77 173 223,246 77 81 219;323 81 96 219']);
});

test('a truncated digitStruct.mat: one line naming the file, nothing written', { skip: noSample }, async () => {
  const dir = await copySplit('test');
  const mat = path.join(dir, 'digitStruct.mat');
  const bytes = await fs.readFile(mat);
  await fs.writeFile(mat, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const before = (await fs.readdir(dir)).sort();
  const err = await rejection(importSvhn({ dir }));
  assert.ok(err instanceof DigitStructError);
  assert.match(err.message, new RegExp(`^${mat.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the file is truncated`));
  assert.deepEqual((await fs.readdir(dir)).sort(), before);
});

test('a text file named digitStruct.mat: one line naming the file, nothing written', async () => {
  const dir = await tempDir('svhn-text-');
  const mat = path.join(dir, 'digitStruct.mat');
  await fs.writeFile(mat, 'name,label\n1.png,5\n');
  await fs.writeFile(path.join(dir, '1.png'), 'x');
  const err = await rejection(importSvhn({ dir }));
  assert.equal(err.message, `${mat}: it is not an HDF5 file (MATLAB v7.3 .mat): no HDF5 signature`);
  await fs.writeFile(mat, Buffer.concat([Buffer.from('MATLAB 5.0 MAT-file, Platform: GLNXA64'), Buffer.alloc(200)]));
  assert.match((await rejection(importSvhn({ dir }))).message, /MATLAB v5\/v7 \.mat file, not v7\.3/);
  await fs.writeFile(mat, '');
  assert.match((await rejection(importSvhn({ dir }))).message, /the file is empty/);
  await fs.rm(mat);
  assert.match((await rejection(importSvhn({ dir }))).message, /holds no digitStruct\.mat/);
  assert.deepEqual(await fs.readdir(dir), ['1.png']);
});

test('an existing labels.csv stays byte for byte without force, and is replaced with it', async () => {
  const entries = svhnLikeEntries(4, 2);
  const dir = await generatedFolder(entries, ['1.png', '2.png', '3.png', '4.png']);
  const labelsPath = path.join(dir, 'labels.csv');
  const mine = Buffer.from('file,label,box,digit_boxes\r\n1.png,77,,\r\nmine.png,,,\r\n\uFEFF', 'utf8');
  await fs.writeFile(labelsPath, mine);
  const err = await rejection(importSvhn({ dir }));
  assert.ok(err instanceof LabelsFileExistsError);
  assert.equal(err.message, `${labelsPath} already exists; nothing was written (force replaces it)`);
  assert.ok((await fs.readFile(labelsPath)).equals(mine));
  const result = await importSvhn({ dir, force: true });
  assert.equal(result.imported, 4);
  const rows = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows;
  assert.deepEqual(
    rows.map((r) => [r.file, r.label]),
    entries.map((e) => [e.name, e.digits.map((d) => d.label % 10).join('')]),
  );
  assert.deepEqual((await fs.readdir(dir)).sort(), ['1.png', '2.png', '3.png', '4.png', 'digitStruct.mat', 'labels.csv']);
});

test('missing images are counted and named; none there at all writes nothing', async () => {
  const entries = svhnLikeEntries(12, 4);
  const dir = await generatedFolder(entries, ['2.png', '11.png']);
  const result = await importSvhn({ dir });
  assert.equal(result.imported, 2);
  assert.equal(result.missing, 10);
  assert.deepEqual(result.missingExamples, ['1.png', '3.png', '4.png', '5.png', '6.png']);
  assert.deepEqual(LabelsDocument.parse(await fs.readFile(result.labelsPath, 'utf8')).rows.map((r) => r.file), ['2.png', '11.png']);

  const empty = await generatedFolder(entries, []);
  const err = await rejection(importSvhn({ dir: empty }));
  assert.match(err.message, /none of the 12 images digitStruct\.mat lists is in .* \(1\.png, 2\.png, 3\.png, \.\.\.\); nothing was written/);
  assert.deepEqual(await fs.readdir(empty), ['digitStruct.mat']);
});

test('fractional boxes round outwards, boxes outside the image leave the label alone, bad names and labels are refused', async () => {
  const d = (label: number, left: number, top: number, width: number, height: number) => ({ label, left, top, width, height });
  const entries = [
    { name: 'a.png', digits: [d(1, 10.5, 4, 5, 9.25), d(10, 15, 4, 5, 9)] },
    { name: 'b.png', digits: [d(3, -30, 2, 10, 10)] },
    { name: 'c.png', digits: [d(4, 1, 2, 3, 4)] },
  ];
  const dir = await generatedFolder(entries, ['a.png', 'b.png', 'c.png']);
  const result = await importSvhn({ dir });
  assert.equal(result.rounded, 1);
  assert.equal(result.withoutBoxes, 1);
  assert.deepEqual((await fs.readFile(result.labelsPath, 'utf8')).split('\n'), ['file,label,box,digit_boxes', 'a.png,10,10 4 10 10,10 4 6 10;15 4 5 9', 'b.png,3,,', 'c.png,4,1 2 3 4,1 2 3 4', '']);

  for (const [bad, message] of [
    [{ name: '../outside.png', digits: [d(1, 0, 0, 5, 5)] }, /entry 2 names "\.\.\/outside\.png": the path leaves the dataset folder/],
    [{ name: 'a.png', digits: [d(1, 0, 0, 5, 5)] }, /entries 1 and 2 both name "a\.png"/],
    [{ name: 'z.png', digits: [d(11, 0, 0, 5, 5)] }, /entry 2 \("z\.png"\): digit 1 has label 11/],
  ] as const) {
    const folder = await generatedFolder([entries[0], bad], ['a.png', 'z.png']);
    const err = await rejection(importSvhn({ dir: folder }));
    assert.ok(err instanceof DigitStructError);
    assert.match(err.message, message);
    assert.deepEqual((await fs.readdir(folder)).sort(), ['a.png', 'digitStruct.mat', 'z.png']);
  }
});
