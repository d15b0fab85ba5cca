import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deflateSync } from 'node:zlib';
import { Jimp } from 'jimp';
import { LabelsDocument } from '../../../common/labels';
import { addHostileFiles, pngWith } from '../../../test/support/hostileImages';
import { decodeShard, encodeShard, fileOfKey, SHARD_COUNT, shardOf, shardPath } from './cropCache';
import { LabelsFileError, loadCrops } from './crops';
import { loadImage } from './images';
import { encodeRgbPng } from './pngEncode';
import { CROP_BYTES, preprocess } from './preprocess';
import { synthesize } from './synth';

/** jimp's encoder, typed: its own typings reach lint as `any`. */
interface EncodableImage {
  getBuffer(mime: 'image/png' | 'image/jpeg', options?: { quality?: number }): Promise<Buffer>;
}

const SVHN_DIGITS = path.resolve(__dirname, '../../../../shared/data/svhn-digits');

/** A dataset of 10 synthetic crops (with boxes) plus rows that must be skipped. */
async function dataset(): Promise<{ dir: string; labelsPath: string; good: string[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crops-'));
  const { labelsPath } = await synthesize({ dir, count: 10, seed: 21 });
  const doc = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8'));
  const good = doc.rows.map((r) => r.file);
  const png = await fs.readFile(path.join(dir, good[0]));
  await fs.writeFile(path.join(dir, 'img', 'truncated.png'), png.subarray(0, png.length >> 1));
  await fs.writeFile(path.join(dir, 'img', 'notes.png'), 'not an image');
  // A valid PNG header that claims 100000 x 100000 pixels.
  const huge = Buffer.from(encodeRgbPng(1, 1, new Uint8Array(3)));
  huge.writeUInt32BE(100000, 16);
  huge.writeUInt32BE(100000, 20);
  await fs.writeFile(path.join(dir, 'img', 'huge.png'), huge);
  await fs.writeFile(path.join(path.dirname(dir), `outside-${path.basename(dir)}.png`), png);
  await fs.writeFile(path.join(dir, 'img', 'blank.png'), encodeRgbPng(40, 20, new Uint8Array(40 * 20 * 3).fill(200)));
  const extra = [
    'img/missing.png,12,,',
    'img/truncated.png,3,,',
    'img/notes.png,4,,',
    'img/huge.png,5,,',
    `../outside-${path.basename(dir)}.png,6,,`,
    'img/blank.png,,,',
    'img/blank.png,-,500 10 20 20,',
    `${good[1]},7,not a box,`,
  ];
  // A JPEG among the PNGs.
  const photo = Buffer.alloc(60 * 30 * 4);
  for (let i = 0; i < photo.length; i++) photo[i] = i % 4 === 3 ? 255 : (i * 7) % 256;
  await fs.writeFile(path.join(dir, 'img', 'photo.jpg'), await (Jimp.fromBitmap({ width: 60, height: 30, data: photo }) as EncodableImage).getBuffer('image/jpeg'));
  extra.push('img/photo.jpg,8,10 5 30 20,');
  await fs.appendFile(labelsPath, extra.join('\n') + '\n');
  good.push('img/photo.jpg');
  return { dir, labelsPath, good };
}

async function expectedCrop(dir: string, file: string, labelsPath: string): Promise<Uint8Array> {
  const row = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows.find((r) => r.file === file)!;
  return preprocess(await loadImage(path.join(dir, file)), row.box);
}

const cropOf = (pixels: Uint8Array, i: number) => pixels.subarray(i * CROP_BYTES, (i + 1) * CROP_BYTES);

test('loads good crops in order and reports missing, corrupt, huge, unsafe and boxless-outside rows', async () => {
  const { dir, labelsPath, good } = await dataset();
  const progress: [number, number][] = [];
  const set = await loadCrops(labelsPath, { onlyLabeled: true, onProgress: (d, t) => progress.push([d, t]) });
  assert.deepEqual(
    set.rows.map((r) => r.file),
    good,
  );
  assert.equal(set.pixels.length, good.length * CROP_BYTES);
  for (let i = 0; i < good.length; i++) assert.deepEqual(cropOf(set.pixels, i), await expectedCrop(dir, good[i], labelsPath), good[i]);
  const reasons = new Map(set.skipped.map((s) => [s.file, s.reason]));
  assert.match(reasons.get('img/missing.png') ?? '', /does not exist/);
  assert.match(reasons.get('img/truncated.png') ?? '', /the PNG file is truncated/);
  assert.match(reasons.get('img/notes.png') ?? '', /not a PNG or JPEG/);
  assert.match(reasons.get('img/huge.png') ?? '', /too large \(100000x100000/);
  assert.match(reasons.get('img/blank.png') ?? '', /leaves less than a pixel inside the 40x20 image/);
  const lineReasons = set.skipped.filter((s) => s.file.startsWith('labels.csv line ')).map((s) => s.reason);
  assert.equal(lineReasons.length, 1);
  assert.match(lineReasons[0], /leaves the dataset folder/);
  // The row with a malformed box is skipped, not cropped from the whole image.
  const badBox = set.skipped.filter((s) => s.file === good[1]);
  assert.equal(badBox.length, 1);
  assert.match(badBox[0].reason, /not a box/);
  assert.equal(set.skipped.length, 7);
  assert.deepEqual(progress.at(-1), [good.length + 5, good.length + 5]); // unsafe and bad-box rows never get to loading

  const all = await loadCrops(labelsPath, { onlyLabeled: false });
  assert.deepEqual(
    all.rows.map((r) => [r.file, r.label]),
    [...good.slice(0, -1).map((f, i) => [f, set.rows[i].label]), ['img/blank.png', ''], ['img/photo.jpg', '8']],
  );
  assert.deepEqual(cropOf(all.pixels, good.length - 1), preprocess(await loadImage(path.join(dir, 'img/blank.png')), undefined));
});

test('hostile files among good crops (bombs, a 50000x50000 header, a cut PNG, text named .png) are each skipped with why; the good crops load', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crops-hostile-'));
  const { labelsPath } = await synthesize({ dir, count: 6, seed: 5 });
  const good = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows.map((r) => r.file);
  const bad = await addHostileFiles(dir, labelsPath, await fs.readFile(path.join(dir, good[0])));
  const set = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.deepEqual(
    set.rows.map((r) => r.file),
    good,
  );
  for (let i = 0; i < good.length; i++) assert.deepEqual(cropOf(set.pixels, i), await expectedCrop(dir, good[i], labelsPath), good[i]);
  assert.deepEqual(
    set.skipped.map((s) => s.file),
    bad.map((b) => b.file),
  );
  for (const [i, b] of bad.entries()) assert.match(set.skipped[i].reason, b.reason, b.file);
  // The second load serves the good crops from the cache and refuses the bad files again.
  const again = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.deepEqual(again.pixels, set.pixels);
  assert.deepEqual(again.skipped, set.skipped);
});

test('the cache serves unchanged images and is invalidated by a new file or box', async () => {
  const { dir, labelsPath, good } = await dataset();
  const first = await loadCrops(labelsPath, { onlyLabeled: true });
  // Prove the second load reads the cache: every cached crop becomes a marker colour.
  const shards = Array.from({ length: SHARD_COUNT }, (_, s) => shardPath(dir, s)).filter((f) => existsSync(f));
  for (const file of shards) {
    const shard = decodeShard(await fs.readFile(file));
    assert.ok(shard, file);
    shard.pixels.fill(0x42);
    await fs.writeFile(file, encodeShard(shard));
  }
  const second = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.deepEqual(second.rows, first.rows);
  assert.deepEqual(second.pixels, new Uint8Array(first.pixels.length).fill(0x42));

  // A changed image is seen: garbled, it is reported.
  const target = path.join(dir, good[2]);
  await fs.writeFile(target, Buffer.alloc((await fs.stat(target)).size, 0x42));
  const third = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.match(third.skipped.find((s) => s.file === good[2])?.reason ?? '', /not a PNG or JPEG/);
  assert.equal(third.rows.length, good.length - 1);

  // Another image under the same name, and a moved box, give new crops.
  await fs.writeFile(target, encodeRgbPng(50, 30, new Uint8Array(50 * 30 * 3).fill(90)));
  const text = await fs.readFile(labelsPath, 'utf8');
  const doc = LabelsDocument.parse(text);
  const row3 = doc.rows.find((r) => r.file === good[3])!;
  const oldBox = `${row3.box!.left} ${row3.box!.top} ${row3.box!.width} ${row3.box!.height}`;
  const newBox = `${row3.box!.left + 1} ${row3.box!.top} ${row3.box!.width} ${row3.box!.height}`;
  await fs.writeFile(labelsPath, text.replace(`${good[3]},${row3.label},${oldBox},`, `${good[3]},${row3.label},${newBox},`));
  const fourth = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.equal(fourth.rows.length, good.length);
  assert.deepEqual(cropOf(fourth.pixels, 2), new Uint8Array(CROP_BYTES).fill(90));
  assert.deepEqual(cropOf(fourth.pixels, 3), await expectedCrop(dir, good[3], labelsPath));
  for (const i of [0, 1, 4]) assert.deepEqual(cropOf(fourth.pixels, i), cropOf(second.pixels, i), `crop ${i} still comes from the cache`);
});

/** A flat 40x20 RGB PNG stored without compression: the same byte size whatever the colour. */
function flatPng(value: number): Buffer {
  const row = [0, ...new Array<number>(40 * 3).fill(value)];
  return pngWith(40, 20, deflateSync(Buffer.from(Array.from({ length: 20 }, () => row).flat()), { level: 0 }));
}

/**
 * Waits until a file written now would get a later change time than `file` has: file systems
 * keep coarse clocks (a few ms on Linux, up to 2 s on FAT), and two writes within one tick are
 * indistinguishable by their times, whatever the cache keys on.
 */
async function nextTick(file: string): Promise<void> {
  const probe = `${file}.tick`;
  const { ctimeNs } = await fs.stat(file, { bigint: true });
  for (let waited = 0; waited < 5000; waited += 5) {
    await fs.writeFile(probe, '');
    if ((await fs.stat(probe, { bigint: true })).ctimeNs > ctimeNs) break;
    await sleep(5);
  }
  await fs.rm(probe);
}

/** A one-image dataset whose image has a flat colour and a whole-second mtime. */
async function oneImage(): Promise<{ labelsPath: string; image: string; when: number }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crops-stale-'));
  await fs.mkdir(path.join(dir, 'img'));
  const image = path.join(dir, 'img', 'a.png');
  const when = 1_700_000_000; // whole seconds, so the file system keeps the time exactly
  await fs.writeFile(image, flatPng(40));
  await fs.utimes(image, when, when);
  const labelsPath = path.join(dir, 'labels.csv');
  await fs.writeFile(labelsPath, 'file,label\nimg/a.png,7\n');
  const set = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.deepEqual(set.pixels, new Uint8Array(CROP_BYTES).fill(40));
  assert.equal(flatPng(120).length, flatPng(40).length, 'the replacement has the same byte size');
  await nextTick(image);
  return { labelsPath, image, when };
}

test('an image rewritten in place with its old size and mtime restored (cp -p) gives its new pixels', async () => {
  const { labelsPath, image, when } = await oneImage();
  const before = await fs.stat(image, { bigint: true });
  await fs.writeFile(image, flatPng(120)); // same inode, truncated and rewritten
  await fs.utimes(image, when, when);
  const after = await fs.stat(image, { bigint: true });
  assert.deepEqual([after.ino, after.size, after.mtimeNs], [before.ino, before.size, before.mtimeNs], 'only the change time tells');
  const set = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.deepEqual(set.pixels, new Uint8Array(CROP_BYTES).fill(120));
});

test('an image replaced by renaming a new file over it with the old mtime (rsync -a) gives its new pixels', async () => {
  const { labelsPath, image, when } = await oneImage();
  const before = await fs.stat(image, { bigint: true });
  const temporary = path.join(path.dirname(image), '.a.png.Xy12ab');
  await fs.writeFile(temporary, flatPng(120));
  await fs.utimes(temporary, when, when);
  await fs.rename(temporary, image);
  const after = await fs.stat(image, { bigint: true });
  assert.deepEqual([after.size, after.mtimeNs], [before.size, before.mtimeNs]);
  assert.notEqual(after.ino, before.ino);
  const set = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.deepEqual(set.pixels, new Uint8Array(CROP_BYTES).fill(120));
});

test('a corrupt cache is ignored and rebuilt', async () => {
  const { dir, labelsPath } = await dataset();
  const first = await loadCrops(labelsPath, { onlyLabeled: true });
  const shards = Array.from({ length: SHARD_COUNT }, (_, s) => shardPath(dir, s)).filter((f) => existsSync(f));
  assert.ok(shards.length > 0, 'the first load wrote a cache');
  // One shard truncated, one with flipped pixel bytes, the rest garbage.
  for (const [k, file] of shards.entries()) {
    const bytes = await fs.readFile(file);
    if (k === 0) await fs.writeFile(file, bytes.subarray(0, bytes.length - 100));
    else if (k === 1) {
      for (let i = bytes.length - 50; i < bytes.length; i++) bytes[i] ^= 0xff;
      await fs.writeFile(file, bytes);
    } else await fs.writeFile(file, 'garbage');
  }
  const second = await loadCrops(labelsPath, { onlyLabeled: true });
  assert.deepEqual(second.rows, first.rows);
  assert.deepEqual(second.pixels, first.pixels);
  for (const file of shards) assert.ok(decodeShard(await fs.readFile(file)), `${path.basename(file)} was rebuilt`);
});

test('a shard keeps crops of another labels file while their images exist', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crops-'));
  // Three image names that share one shard.
  const names: string[] = [];
  for (let i = 0; names.length < 3; i++) if (shardOf(`img/${i}.png`) === shardOf('img/0.png')) names.push(`img/${i}.png`);
  await fs.mkdir(path.join(dir, 'img'));
  for (const [k, name] of names.entries()) await fs.writeFile(path.join(dir, name), encodeRgbPng(8, 8, new Uint8Array(192).fill(k * 50)));
  const [kept, gone, added] = names;
  await fs.writeFile(path.join(dir, 'a.csv'), `file,label\n${kept},1\n${gone},2\n`);
  await fs.writeFile(path.join(dir, 'b.csv'), `file,label\n${added},3\n`);
  await loadCrops(path.join(dir, 'a.csv'), { onlyLabeled: true });
  await fs.rm(path.join(dir, gone));
  await loadCrops(path.join(dir, 'b.csv'), { onlyLabeled: true });
  const shard = decodeShard(await fs.readFile(shardPath(dir, shardOf(kept))));
  assert.deepEqual(shard?.keys.map(fileOfKey).sort(), [kept, added].sort());
});

test('a missing or headerless labels file is a clear error', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crops-'));
  await assert.rejects(loadCrops(path.join(dir, 'labels.csv'), { onlyLabeled: true }), /cannot read the labels file .*labels\.csv/);
  await fs.writeFile(path.join(dir, 'labels.csv'), 'name,digits\na.png,1\n');
  await assert.rejects(loadCrops(path.join(dir, 'labels.csv'), { onlyLabeled: true }), /labels\.csv:1: the header names no file or label column/);
});

test('real SVHN digit crops load (a few hundred)', async (t) => {
  if (!existsSync(path.join(SVHN_DIGITS, 'labels.csv'))) {
    if (process.env.CI === 'true') assert.fail(`${SVHN_DIGITS} is missing`);
    t.skip(`${SVHN_DIGITS} is missing`);
    return;
  }
  // The shared data is read-only: link its images into a temporary dataset so the cache goes there.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crops-svhn-'));
  await fs.symlink(path.join(SVHN_DIGITS, 'img'), path.join(dir, 'img'));
  const lines = (await fs.readFile(path.join(SVHN_DIGITS, 'labels.csv'), 'utf8')).split('\n');
  await fs.writeFile(path.join(dir, 'labels.csv'), lines.slice(0, 301).join('\n') + '\n');
  const set = await loadCrops(path.join(dir, 'labels.csv'), { onlyLabeled: true });
  assert.deepEqual(set.skipped, []);
  assert.equal(set.rows.length, 300);
  assert.ok(set.rows.every((r) => /^[0-9]$/.test(r.label)));
  // 32x32 photos scaled to 64x64: neither flat nor empty.
  const first = cropOf(set.pixels, 0);
  assert.ok(Math.max(...first) - Math.min(...first) > 40);
  assert.deepEqual(first, preprocess(await loadImage(path.join(SVHN_DIGITS, set.rows[0].file)), undefined));
  const again = await loadCrops(path.join(dir, 'labels.csv'), { onlyLabeled: true });
  assert.deepEqual(again.pixels, set.pixels);
});

test('a stray quote or a wrong field count stops the load, names the line and writes nothing', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crops-broken-'));
  try {
    const rows = Array.from({ length: 60 }, (_, i) => `img/${i}.png,${i},,`);
    const labelsPath = path.join(dir, 'labels.csv');
    // Row 50 (line 51) opens a quote that never closes: every later row would be one field.
    rows[49] = 'img/49.png,"49,,';
    await fs.writeFile(labelsPath, ['file,label,box,digit_boxes', ...rows].join('\r\n') + '\r\n');
    for (const onlyLabeled of [true, false]) {
      await assert.rejects(loadCrops(labelsPath, { onlyLabeled }), (err: unknown) => {
        assert.ok(err instanceof LabelsFileError);
        assert.match(err.message, /^labels\.csv:51: the quote opened here is never closed/);
        assert.match(err.message, /Nothing was written/);
        return true;
      });
    }
    rows[49] = 'img/49.png,49,,';
    rows[9] = 'img/9.png,9,,,an extra field';
    await fs.writeFile(labelsPath, ['file,label,box,digit_boxes', ...rows].join('\n') + '\n');
    await assert.rejects(loadCrops(labelsPath, { onlyLabeled: true }), /^Error: labels\.csv:11: expected 4 fields as in the header, found 5/);
    assert.deepEqual(await fs.readdir(dir), ['labels.csv'], 'no .digitlens/ (cache, model, predictions) was created');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('an image listed twice counts once; listed with two labels, not at all', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crops-dup-'));
  try {
    const { labelsPath } = await synthesize({ dir, count: 4, seed: 5 });
    const [a, b, c, d] = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows;
    // a twice with its label, b spelled './' with another label, c through a second name of the
    // same file (a hard link: what a case-insensitive file system makes of A.png and a.png).
    await fs.link(path.join(dir, c.file), path.join(dir, 'img', 'SAME.png'));
    const extra = [`${a.file},${a.label},,`, `./${b.file},${b.label}9,,`, `img/SAME.png,${c.label},,`];
    await fs.appendFile(labelsPath, extra.join('\n') + '\n');
    const set = await loadCrops(labelsPath, { onlyLabeled: true, uniqueImages: true });
    assert.deepEqual(set.rows.map((r) => r.file), [a.file, c.file, d.file]);
    const reasons = set.skipped.map((s) => `${s.file}: ${s.reason}`);
    assert.equal(reasons.length, 4, reasons.join('\n'));
    assert.match(reasons[0], new RegExp(`^${b.file}: one image labeled differently on 2 rows \\("${b.label}" on line 3, "${b.label}9" on line 7\\)`));
    assert.match(reasons[1], new RegExp(`^${a.file}: the same image as ${a.file} on line 2, with the same label: used once`));
    assert.match(reasons[2], /^\.\/.*one image labeled differently/);
    assert.match(reasons[3], new RegExp(`^img/SAME.png: the same image as ${c.file} on line 4`));
    // Predictions read every row, duplicates included: the gallery shows each row.
    const all = await loadCrops(labelsPath, { onlyLabeled: false });
    assert.equal(all.rows.length, 7);
    assert.deepEqual(all.skipped, []);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
