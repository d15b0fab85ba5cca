import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { Jimp } from 'jimp';
import { decodeImage, ImageError, loadImage, readImageHeader } from './images';
import { pngChunk as chunk } from './pngEncode';

/** A 3x2 image whose pixels are all different, so decoding errors show. */
function sampleBitmap(): { width: number; height: number; data: Buffer } {
  const width = 3;
  const height = 2;
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([i * 40, 255 - i * 30, (i * 77) % 256, 255], i * 4);
  return { width, height, data };
}

/** jimp's encoder, typed: its own typings reach lint as `any`. */
interface EncodableImage {
  getBuffer(mime: 'image/png' | 'image/jpeg', options?: { quality?: number }): Promise<Buffer>;
}

function encoded(mime: 'image/png' | 'image/jpeg'): Promise<Buffer> {
  const image = Jimp.fromBitmap(sampleBitmap()) as EncodableImage;
  return mime === 'image/png' ? image.getBuffer('image/png') : image.getBuffer('image/jpeg', { quality: 95 });
}

/** A PNG with the given colour type and bit depth; `rows` are the unfiltered scanlines. */
function pngOf(width: number, height: number, colorType: number, bitDepth: number, rows: number[][]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  const raw = Buffer.from(rows.flatMap((r) => [0, ...r]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A well-formed PNG (valid CRCs) whose IHDR claims width x height, with a tiny IDAT. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('decodes PNG and JPEG into RGBA with the right pixels', async () => {
  const expected = sampleBitmap();
  const png = await decodeImage(await encoded('image/png'), 'a.png');
  assert.equal(png.width, 3);
  assert.equal(png.height, 2);
  assert.deepEqual(Buffer.from(png.data), expected.data);
  const jpeg = await decodeImage(await encoded('image/jpeg'), 'a.jpg');
  assert.equal(jpeg.width, 3);
  assert.equal(jpeg.height, 2);
  assert.equal(jpeg.data.length, 3 * 2 * 4);
  // JPEG is lossy: the pixels are close, not equal.
  let maxError = 0;
  for (let i = 0; i < jpeg.data.length; i++) maxError = Math.max(maxError, Math.abs(jpeg.data[i] - expected.data[i]));
  assert.ok(maxError < 60, `JPEG error ${maxError}`);
});

test('grayscale and 16-bit PNGs decode to 8-bit RGBA', async () => {
  const gray = await decodeImage(pngOf(2, 1, 0, 8, [[10, 250]]), 'gray.png');
  assert.deepEqual([...gray.data], [10, 10, 10, 255, 250, 250, 250, 255]);
  // 16-bit RGB: the high byte is what 8 bits keep.
  const deep = await decodeImage(pngOf(1, 1, 2, 16, [[0x12, 0x34, 0x80, 0x00, 0xff, 0xff]]), 'deep.png');
  assert.equal(deep.width, 1);
  [0x12, 0x80, 0xff].forEach((expected, c) => assert.ok(Math.abs(deep.data[c] - expected) <= 1, `channel ${c}: ${deep.data[c]}`));
  assert.equal(deep.data[3], 255);
});

test('reads sizes from PNG IHDR and JPEG SOF headers', async () => {
  assert.deepEqual(readImageHeader(await encoded('image/png')), { format: 'png', width: 3, height: 2 });
  assert.deepEqual(readImageHeader(await encoded('image/jpeg')), { format: 'jpeg', width: 3, height: 2 });
  assert.deepEqual(readImageHeader(pngClaiming(100000, 100000)), { format: 'png', width: 100000, height: 100000 });
});

test('a header claiming 100000x100000 is refused before decoding', async () => {
  const started = performance.now();
  await assert.rejects(decodeImage(pngClaiming(100000, 100000), 'huge.png'), (err: Error) => {
    assert.ok(err instanceof ImageError);
    assert.match(err.message, /^huge\.png: the image is too large \(100000x100000/);
    return true;
  });
  await assert.rejects(decodeImage(pngClaiming(20000, 10), 'wide.png'), /wide\.png: the image is too large/);
  await assert.rejects(decodeImage(pngClaiming(0, 10), 'empty.png'), /empty\.png: the image is empty/);
  // A JPEG whose SOF claims 60000x60000 (36 ... 3.6 gigapixels).
  const jpeg = Buffer.from(await encoded('image/jpeg'));
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  assert.ok(sof > 0);
  jpeg.writeUInt16BE(60000, sof + 5);
  jpeg.writeUInt16BE(60000, sof + 7);
  await assert.rejects(decodeImage(jpeg, 'huge.jpg'), /huge\.jpg: the image is too large \(60000x60000/);
  assert.ok(performance.now() - started < 1000, 'refusing must not decode');
});

test('corrupt and truncated files give an error naming the file', async () => {
  const png = await encoded('image/png');
  const jpeg = await encoded('image/jpeg');
  const cases: [string, Uint8Array][] = [
    ['truncated.png', png.subarray(0, png.length - 20)],
    ['short.png', png.subarray(0, 16)],
    ['truncated.jpg', jpeg.subarray(0, 40)],
    ['text.png', Buffer.from('this is not an image at all')],
    ['empty.png', new Uint8Array(0)],
  ];
  // Flipped bytes inside the compressed image data: the CRC no longer matches.
  const flipped = Buffer.from(png);
  const idat = flipped.indexOf('IDAT');
  for (let i = idat + 6; i < idat + 12; i++) flipped[i] ^= 0x5a;
  cases.push(['flipped.png', flipped]);
  for (const [name, bytes] of cases) {
    await assert.rejects(decodeImage(bytes, name), (err: Error) => {
      assert.ok(err instanceof ImageError, `${name}: ${String(err)}`);
      assert.ok(err.message.startsWith(`${name}: `), err.message);
      assert.match(err.message, /corrupt|truncated|not a PNG or JPEG/);
      return true;
    });
  }
});

test('loadImage reports a missing file and reads a real one', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'images-'));
  await assert.rejects(loadImage(path.join(dir, 'nope.png'), 'nope.png'), (err: Error) => err instanceof ImageError && err.message === 'nope.png: the file does not exist');
  await fs.writeFile(path.join(dir, 'a.png'), await encoded('image/png'));
  const image = await loadImage(path.join(dir, 'a.png'));
  assert.equal(image.width, 3);
  await assert.rejects(loadImage(dir, 'folder'), /folder: not a file/);
});
