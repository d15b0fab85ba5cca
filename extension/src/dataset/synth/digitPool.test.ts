import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../../../test/support/tempDirs';
import { encodeRgbPng } from '../pngEncode';
import { loadDigitPool } from './digitPool';

const svhnDigits = path.resolve(__dirname, '../../../../../shared/data/svhn-digits/labels.csv');

test('the pool keeps one-digit rows in file order and counts the rest', async () => {
  const dir = await tempDir('digit-pool-');
  await fs.mkdir(path.join(dir, 'img'));
  const png = (v: number) => encodeRgbPng(16, 16, new Uint8Array(16 * 16 * 3).fill(v));
  await fs.writeFile(path.join(dir, 'img', 'a.png'), png(10));
  await fs.writeFile(path.join(dir, 'img', 'b.png'), png(20));
  await fs.writeFile(path.join(dir, 'img', 'c.png'), png(30));
  await fs.writeFile(path.join(dir, 'img', 'broken.png'), 'not a png');
  await fs.writeFile(
    path.join(dir, 'labels.csv'),
    'file,label\nimg/a.png,7\nimg/b.png,42\nimg/c.png,0\nimg/broken.png,3\nimg/missing.png,5\nimg/a.png,-\n',
  );
  const pool = await loadDigitPool(path.join(dir, 'labels.csv'));
  assert.deepEqual(pool.crops.map((c) => [c.digit, c.rgb[0], c.height, c.width]), [[7, 10, 32, 32], [0, 30, 32, 32]]);
  assert.equal(pool.notOneDigit, 2);
  assert.equal(pool.unreadable, 2);
  assert.match(pool.firstUnreadable ?? '', /broken\.png|missing\.png/);
});

test('a broken labels record, or no usable row, is a clear error', async () => {
  const dir = await tempDir('digit-pool-bad-');
  await fs.writeFile(path.join(dir, 'labels.csv'), 'file,label\nimg/a.png,"7\n');
  await assert.rejects(loadDigitPool(path.join(dir, 'labels.csv')), /labels\.csv:2:/);
  await fs.writeFile(path.join(dir, 'labels.csv'), 'file,label\nimg/a.png,12\n');
  await assert.rejects(loadDigitPool(path.join(dir, 'labels.csv')), /no readable one-digit rows .*1 rows of other labels/);
  await fs.writeFile(path.join(dir, 'labels.csv'), 'file,label\n../outside.png,1\n');
  await assert.rejects(loadDigitPool(path.join(dir, 'labels.csv')), /labels\.csv:2: .*leaves the dataset folder/);
});

test('the real SVHN digit crops load whole', { skip: !existsSync(svhnDigits) && process.env.CI !== 'true' ? `${svhnDigits} not found (../shared/data)` : false }, async () => {
  const pool = await loadDigitPool(svhnDigits);
  assert.equal(pool.crops.length, 8000);
  assert.equal(pool.unreadable, 0);
  const counts = new Array<number>(10).fill(0);
  for (const c of pool.crops) counts[c.digit]++;
  // SVHN has more 1s and 2s than 9s and 0s.
  assert.ok(counts[1] > counts[9] && counts[2] > counts[0], counts.join(' '));
});
