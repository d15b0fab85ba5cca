import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropKey, decodeShard, encodeShard, fileOfKey, SHARD_COUNT, shardOf } from './cropCache';
import { CROP_BYTES } from './preprocess';

function shard(n: number) {
  const keys = Array.from({ length: n }, (_, i) => cropKey(`img/${i}.png`, 100 + i, 1_700_000_000_000 + i, i % 2 ? '1 2 3 4' : ''));
  const pixels = new Uint8Array(n * CROP_BYTES);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + (i >> 12)) & 0xff;
  return { keys, pixels };
}

test('a shard round-trips and every key names its file', () => {
  const s = shard(3);
  const back = decodeShard(encodeShard(s));
  assert.ok(back);
  assert.deepEqual(back.keys, s.keys);
  assert.deepEqual(back.pixels, s.pixels);
  assert.equal(fileOfKey(s.keys[2]), 'img/2.png');
  assert.deepEqual(decodeShard(encodeShard({ keys: [], pixels: new Uint8Array(0) })), { keys: [], pixels: new Uint8Array(0) });
});

test('keys change with size, time and box', () => {
  const base = cropKey('a.png', 10, 5, '');
  assert.notEqual(cropKey('a.png', 11, 5, ''), base);
  assert.notEqual(cropKey('a.png', 10, 6, ''), base);
  assert.notEqual(cropKey('a.png', 10, 5, '0 0 1 1'), base);
  assert.equal(cropKey('a.png', 10, 5, ''), base);
  for (const f of ['a.png', 'img/b.png', 'c/d/e.jpg']) assert.ok(shardOf(f) >= 0 && shardOf(f) < SHARD_COUNT);
});

test('truncated, extended, altered or foreign bytes are not a shard', () => {
  const bytes = encodeShard(shard(2));
  assert.equal(decodeShard(bytes.subarray(0, bytes.length - 1)), undefined);
  assert.equal(decodeShard(new Uint8Array([...bytes, 0])), undefined);
  for (const at of [bytes.length - 1, bytes.length - CROP_BYTES - 7, 20]) {
    const altered = new Uint8Array(bytes);
    altered[at] ^= 0x10;
    assert.equal(decodeShard(altered), undefined, `byte ${at} altered`);
  }
  assert.equal(decodeShard(Buffer.from('DLCROPS1 but then nothing sensible')), undefined);
  assert.equal(decodeShard(new Uint8Array(0)), undefined);
});
