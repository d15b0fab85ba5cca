// The feature cache: what the quick retrain refits on comes back as it was written (to a byte's
// precision), the projection is the same in every process, and a cache that does not hold
// together, or is of the older heads-only format, is not read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../../test/support/tempDirs';
import { mulberry32 } from '../../../common/mulberry32';
import { FEATURES_BIN, FEATURES_JSON, FeatureRows, projection, readFeatureCache, writeFeatureCache, type FeatureCache } from './featureCache';

interface Sample {
  cache: FeatureCache;
  pre: Float32Array;
  projected: Float32Array;
}

function sample(count: number, width: number, rank: number): Sample {
  const rand = mulberry32(count * 31 + width);
  const values = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() - 0.4) * scale);
  const pre = values(count * width, 6);
  const projected = values(count * rank, 0.3);
  pre.fill(0, width, 2 * width); // a row of zeros keeps its zeros (scale 1, not a division by zero)
  const rows = new FeatureRows(count, width, rank);
  for (let r = 0; r < count; r++) {
    rows.setPre(r, pre, r * width);
    rows.setProjected(r, projected, r * rank);
  }
  const files = Array.from({ length: count }, (_, i) => `img/${i}.png`);
  return { cache: { modelDate: '2026-11-30T07:00:00.000Z', files, inputWidth: 40, rows }, pre, projected };
}

test('the cache reads back what was stored, each value within half a quantisation step of its row', async () => {
  const dir = await tempDir('features-');
  const { cache, pre, projected } = sample(9, 12, 8);
  await writeFeatureCache(dir, cache);
  const back = await readFeatureCache(dir);
  assert.ok(back);
  assert.deepEqual([back.modelDate, back.files, back.inputWidth, back.rows.count, back.rows.width, back.rows.rank], [cache.modelDate, cache.files, 40, 9, 12, 8]);
  for (const [name, values, width] of [['pre', pre, 12], ['projected', projected, 8]] as const) {
    const out = new Float32Array(width);
    for (let r = 0; r < 9; r++) {
      back.rows[name](r, out, 0);
      const row = values.subarray(r * width, (r + 1) * width);
      const step = Math.max(...row.map(Math.abs)) / 127;
      for (let i = 0; i < width; i++) assert.ok(Math.abs(out[i] - row[i]) <= step / 2 + 1e-6, `${name} row ${r} value ${i}: ${out[i]} for ${row[i]}`);
      if (name === 'pre' && r === 1) assert.deepEqual([...out], new Array(12).fill(0));
    }
  }
});

test('a changed pre-activation replaces only its own row, and the projected inputs stay as they were', () => {
  const { cache, projected } = sample(4, 6, 5);
  const before = Uint8Array.from(cache.rows.bytes);
  cache.rows.setPre(2, Float32Array.from({ length: 6 }, (_, i) => i - 2.5), 0);
  const out = new Float32Array(6);
  cache.rows.pre(2, out, 0);
  assert.deepEqual([...out].map((v) => Math.round(v * 10) / 10), [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
  const per = cache.rows.per;
  const changed = [...cache.rows.bytes.keys()].filter((i) => cache.rows.bytes[i] !== before[i]);
  assert.ok(changed.every((i) => i >= 2 * per && i < 2 * per + 8 + 6), `bytes outside row 2's scale and pre-activation changed: ${changed.join(', ')}`);
  const z = new Float32Array(5);
  cache.rows.projected(2, z, 0);
  assert.ok(z.every((v, i) => Math.abs(v - projected[10 + i]) < 0.01));
});

test('a truncated, mismatched or heads-only (format 1) cache is not read', async () => {
  const dir = await tempDir('features-');
  await writeFeatureCache(dir, sample(5, 6, 4).cache);
  const bin = await fs.readFile(path.join(dir, FEATURES_BIN));
  const index = JSON.parse(await fs.readFile(path.join(dir, FEATURES_JSON), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(dir, FEATURES_BIN), bin.subarray(0, bin.length - 1));
  assert.equal(await readFeatureCache(dir), undefined, 'a byte short');
  await fs.writeFile(path.join(dir, FEATURES_BIN), bin);
  await fs.writeFile(path.join(dir, FEATURES_JSON), JSON.stringify({ ...index, rank: 5 }));
  assert.equal(await readFeatureCache(dir), undefined, 'a rank the bytes do not have');
  await fs.writeFile(path.join(dir, FEATURES_JSON), JSON.stringify({ ...index, format: 'digitlens-features-1' }));
  assert.equal(await readFeatureCache(dir), undefined, 'the older format');
  await fs.writeFile(path.join(dir, FEATURES_JSON), JSON.stringify(index));
  assert.ok(await readFeatureCache(dir), 'the same files, put back, read');
  await assert.rejects(writeFeatureCache(dir, { ...sample(5, 6, 4).cache, files: ['a.png'] }), /do not match the rows/);
});

test('the projection is fixed: the same directions on every call, +-1/sqrt(input width), about half of each sign', () => {
  const a = projection(300, 16);
  assert.deepEqual(a, projection(300, 16));
  const v = 1 / Math.sqrt(300);
  assert.ok(a.every((x) => Math.abs(Math.abs(x) - v) < 1e-7));
  const positive = a.filter((x) => x > 0).length / a.length;
  assert.ok(positive > 0.45 && positive < 0.55, `share positive ${positive}`);
});
