import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { Jimp } from 'jimp';
import { decodeImage, ImageError, loadImage, readImageHeader } from './images';
import { pngChunk as chunk } from './pngEncode';
import { pngBomb, pngChunkFlood, pngClaiming as claiming } from '../../../test/support/hostileImages';

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
  await assert.rejects(decodeImage(claiming(50000, 50000), 'huge50k.png'), /^Error: huge50k\.png: the image is too large \(50000x50000; the limit is 16384 px a side and 50 megapixels\)$/);
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
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated.png', png.subarray(0, png.length - 20), /the PNG file is truncated \(its image data stops early\)/],
    ['short.png', png.subarray(0, 16), /the PNG file is truncated \(no IHDR chunk\)/],
    ['before-data.png', png.subarray(0, 40), /the PNG file is truncated/],
    ['truncated.jpg', jpeg.subarray(0, 40), /the JPEG file is truncated before its frame header/],
    ['cut-scan.jpg', jpeg.subarray(0, jpeg.length - 30), /the JPEG file is corrupt or truncated/],
    ['no-eoi.jpg', jpeg.subarray(0, jpeg.length - 2), /the JPEG file is corrupt or truncated/],
    ['text.png', Buffer.from('this is not an image at all'), /not a PNG or JPEG file/],
    ['empty.png', new Uint8Array(0), /not a PNG or JPEG file/],
  ];
  // Flipped bytes inside the compressed image data: zlib's check fails, and so does the chunk CRC.
  const flipped = Buffer.from(png);
  const idat = flipped.indexOf('IDAT');
  for (let i = idat + 6; i < idat + 12; i++) flipped[i] ^= 0x5a;
  cases.push(['flipped.png', flipped, /the PNG file is corrupt \(image data: .*an IDAT chunk fails its CRC check\)/]);
  for (const [name, bytes, reason] of cases) {
    await assert.rejects(decodeImage(bytes, name), (err: Error) => {
      assert.ok(err instanceof ImageError, `${name}: ${String(err)}`);
      assert.ok(err.message.startsWith(`${name}: `), err.message);
      assert.match(err.reason, reason, name);
      return true;
    });
  }
});

test('a PNG bomb (16x16 header, 64 MB of zeros behind it) is refused, interlaced or not', async () => {
  for (const interlaced of [true, false]) {
    const bomb = await pngBomb(interlaced);
    assert.ok(bomb.length < 100_000, `${bomb.length} bytes`);
    await assert.rejects(decodeImage(bomb, 'bomb.png'), (err: Error) => {
      assert.ok(err instanceof ImageError);
      assert.equal(err.message, `bomb.png: the PNG's compressed data expands beyond what its 16x16 header allows (${interlaced ? 798 : 784} bytes)`);
      return true;
    });
  }
});

test('hostile PNGs cost no memory beyond their header and file (peak RSS in a fresh process)', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'images-bomb-'));
  const files = [path.join(dir, 'interlaced.png'), path.join(dir, 'plain.png'), path.join(dir, 'flood.png')];
  await fs.writeFile(files[0], await pngBomb(true));
  await fs.writeFile(files[1], await pngBomb(false));
  // 2 million empty IDAT chunks (24 MB): anything kept per chunk would add up to hundreds of MB.
  await fs.writeFile(files[2], pngChunkFlood(2_000_000));
  // Loads the decoder, warms it on a good image, reads the files, then reports how much decoding them raised the peak.
  const probe = `
    const { readFileSync } = require('node:fs');
    const { decodeImage } = require(${JSON.stringify(path.join(__dirname, 'images.ts'))});
    const { encodeRgbPng } = require(${JSON.stringify(path.join(__dirname, 'pngEncode.ts'))});
    (async () => {
      await decodeImage(encodeRgbPng(8, 8, new Uint8Array(192)), 'warm.png');
      const inputs = process.argv.slice(1).map((f) => readFileSync(f));
      const peakBefore = process.resourceUsage().maxRSS;
      const buffersBefore = process.memoryUsage().arrayBuffers;
      const outcomes = [];
      for (const bytes of inputs) {
        outcomes.push(await decodeImage(bytes, 'x.png').then((image) => 'decoded ' + image.width + 'x' + image.height, (err) => err.message));
      }
      const report = { outcomes, peakGrowthKB: process.resourceUsage().maxRSS - peakBefore, arrayBuffersGrowth: process.memoryUsage().arrayBuffers - buffersBefore };
      process.stdout.write(JSON.stringify(report));
    })();
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe, ...files], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { outcomes: string[]; peakGrowthKB: number; arrayBuffersGrowth: number };
  const outcomes = report.outcomes.join('; ');
  assert.ok(report.peakGrowthKB < 32 * 1024, `peak RSS grew by ${(report.peakGrowthKB / 1024).toFixed(1)} MB (${outcomes})`);
  assert.ok(report.arrayBuffersGrowth < 32 << 20, `array buffers grew by ${(report.arrayBuffersGrowth / 2 ** 20).toFixed(1)} MB (${outcomes})`);
  assert.match(report.outcomes[0], /expands beyond what its 16x16 header allows/);
  assert.match(report.outcomes[1], /expands beyond what its 16x16 header allows/);
  assert.equal(report.outcomes[2], 'decoded 16x16');
});

test('loadImage reports a missing file and reads a real one', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'images-'));
  await assert.rejects(loadImage(path.join(dir, 'nope.png'), 'nope.png'), (err: Error) => err instanceof ImageError && err.message === 'nope.png: the file does not exist');
  await fs.writeFile(path.join(dir, 'a.png'), await encoded('image/png'));
  const image = await loadImage(path.join(dir, 'a.png'));
  assert.equal(image.width, 3);
  await assert.rejects(loadImage(dir, 'folder'), /folder: not a file/);
});
