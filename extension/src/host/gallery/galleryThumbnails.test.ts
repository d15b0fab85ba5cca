import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadCrops } from '../../dataset/crops';
import { encodeRgbPng } from '../../dataset/pngEncode';
import { CROP_BYTES, CROP_SIZE } from '../../dataset/preprocess';
import { loadGalleryDataset } from './galleryData';
import { GalleryThumbnails } from './galleryThumbnails';

test("thumbnails: the cache's crop for an image it holds as it is now, else the image's URI, and nothing outside the folder", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gallery-thumbs-'));
  try {
    await mkdir(path.join(dir, 'img'));
    const red = new Uint8Array(32 * 16 * 3).map((_, k) => (k % 3 === 0 ? 200 : 10));
    for (const name of ['a', 'b', 'c']) await writeFile(path.join(dir, 'img', `${name}.png`), encodeRgbPng(32, 16, red));
    const labelsPath = path.join(dir, 'labels.csv');
    await writeFile(labelsPath, 'file,label,box\nimg/a.png,1,\nimg/b.png,2,4 2 12 4\n../out.png,3,\n');
    // The engine's preprocessing fills the cache with a and b.
    const loaded = await loadCrops(labelsPath, { onlyLabeled: true });
    assert.equal(loaded.rows.length, 2);
    const { rows } = await loadGalleryDataset(labelsPath);
    const thumbnails = new GalleryThumbnails(labelsPath, (p) => `uri:${path.relative(dir, p)}`);
    // c is not in the labels file the rows came from; a changes after the cache was filled.
    await writeFile(path.join(dir, 'img', 'a.png'), encodeRgbPng(16, 16, new Uint8Array(16 * 16 * 3)));
    const answer = await thumbnails.answer(
      [
        { line: 1, file: 'img/a.png' },
        { line: 2, file: 'img/b.png' },
        { line: 3, file: '../out.png' },
        { line: 2, file: 'img/c.png' },
      ],
      rows,
    );
    assert.equal(answer.size, CROP_SIZE);
    assert.deepEqual(answer.items[0], { line: 1, file: 'img/a.png', imageUri: `uri:${path.join('img', 'a.png')}` }, 'a changed image: not the stale crop');
    // The box's shape goes with the crop, which the cache squeezed square: the page draws it 3:1.
    assert.deepEqual(answer.items[1], { line: 2, file: 'img/b.png', at: 0, aspect: 3 });
    assert.deepEqual(answer.pixels, loaded.pixels.subarray(CROP_BYTES, 2 * CROP_BYTES), "b's crop, as the engine reads it");
    // The labels file refuses the row (an error): no picture, and never a URI outside the folder.
    assert.deepEqual([answer.items[2].at, answer.items[2].imageUri, typeof answer.items[2].problem], [undefined, undefined, 'string']);
    assert.equal(answer.items[3].problem, 'the row changed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
