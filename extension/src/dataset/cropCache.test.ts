import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropKey, decodeShard, encodeShard, fileOfKey, SHARD_COUNT, shardOf, type FileStamp } from './cropCache';
import { CROP_BYTES } from './preprocess';

const stamp = (changes: Partial<FileStamp> = {}): FileStamp => ({ ino: 42n, size: 10n, mtimeNs: 5n, ctimeNs: 7n, ...changes });

function shard(n: number) {
  const keys = Array.from({ length: n }, (_, i) => cropKey(`img/${i}.png`, stamp({ size: 100n + BigInt(i), mtimeNs: 1_700_000_000_000_000_000n + BigInt(i) }), i % 2 ? '1 2 3 4' : ''));
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

test('keys change with the inode, size, either time and the box', () => {
  const base = cropKey('a.png', stamp(), '');
  assert.notEqual(cropKey('a.png', stamp({ size: 11n }), ''), base);
  assert.notEqual(cropKey('a.png', stamp({ mtimeNs: 6n }), ''), base);
  // What cp -p (new change time) and rsync -a (new inode) leave different when they restore size and mtime.
  assert.notEqual(cropKey('a.png', stamp({ ctimeNs: 8n }), ''), base);
  assert.notEqual(cropKey('a.png', stamp({ ino: 43n }), ''), base);
  // Beyond 2^53: a number would round both to the same key.
  assert.notEqual(cropKey('a.png', stamp({ ino: 2n ** 60n }), ''), cropKey('a.png', stamp({ ino: 2n ** 60n + 1n }), ''));
  assert.notEqual(cropKey('a.png', stamp(), '0 0 1 1'), base);
  assert.notEqual(cropKey('b.png', stamp(), ''), base);
  assert.equal(cropKey('a.png', stamp(), ''), base);
  assert.equal(fileOfKey(base), 'a.png');
  // A key of the previous format (path, size, mtime in ms, box) is not this version's.
  assert.equal(fileOfKey(JSON.stringify(['p1', 'a.png', 10, 5, ''])), '');
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
