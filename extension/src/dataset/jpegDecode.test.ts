import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Jimp } from 'jimp';
import { decode } from 'jpeg-js';
import { decodeJpeg, jpegDecodeBytes, MAX_JPEG_DECODE_BYTES, readJpegFrame } from './jpegDecode';

const MAX_PIXELS = 50_000_000;

/** jimp's encoder, typed: its own typings reach lint as `any`. */
interface EncodableImage {
  getBuffer(mime: 'image/jpeg', options?: { quality?: number }): Promise<Buffer>;
}

/** A baseline JPEG (jimp's encoder) of a pattern whose pixels all differ. */
function jpegOf(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : (i * 13 + (i >> 7) * 29) & 0xff;
  return (Jimp.fromBitmap({ width, height, data }) as EncodableImage).getBuffer('image/jpeg', { quality: 90 });
}

/** An APP1 Exif segment whose IFD0 holds only the orientation tag. */
function exifSegment(orientation: number, littleEndian: boolean): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  const u16 = (v: number, at: number) => (littleEndian ? tiff.writeUInt16LE(v, at) : tiff.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (littleEndian ? tiff.writeUInt32LE(v, at) : tiff.writeUInt32BE(v, at));
  tiff.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(1, 8); // one entry
  u16(0x0112, 10);
  u16(3, 12); // SHORT
  u32(1, 14);
  u16(orientation, 18);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

const withSegment = (jpeg: Buffer, segment: Buffer) => Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);

test('EXIF orientations 1-8 turn the image as jimp did (so boxes drawn on the rotated view still fit)', async () => {
  const jpeg = await jpegOf(5, 3);
  for (let orientation = 1; orientation <= 8; orientation++) {
    const file = withSegment(jpeg, exifSegment(orientation, orientation % 2 === 0));
    const frame = readJpegFrame(file);
    assert.equal(frame.orientation, orientation);
    const image = decodeJpeg(file, frame, MAX_PIXELS);
    const expected = (await Jimp.fromBuffer(file)).bitmap;
    assert.deepEqual([image.width, image.height], [expected.width, expected.height], `orientation ${orientation}`);
    assert.deepEqual(Buffer.from(image.data), expected.data, `orientation ${orientation}`);
  }
  // No EXIF: as stored.
  assert.equal(readJpegFrame(jpeg).orientation, 1);
  assert.deepEqual(Buffer.from(decodeJpeg(jpeg, readJpegFrame(jpeg), MAX_PIXELS).data), (await Jimp.fromBuffer(jpeg)).bitmap.data);
});

test('a JPEG cut short anywhere is refused', async () => {
  const jpeg = await jpegOf(24, 16);
  let refused = 0;
  for (let n = 2; n < jpeg.length; n++) {
    const cut = jpeg.subarray(0, n);
    assert.throws(
      () => decodeJpeg(cut, readJpegFrame(cut), MAX_PIXELS),
      /the JPEG file is corrupt or truncated|the JPEG file is truncated before its frame header/,
      `cut at ${n} of ${jpeg.length}`,
    );
    refused++;
  }
  assert.equal(refused, jpeg.length - 2);
});

test('the memory a frame needs is what jpeg-js counts for it', async () => {
  for (const [width, height] of [
    [16, 16],
    [37, 21],
    [300, 200],
  ]) {
    const jpeg = await jpegOf(width, height);
    const need = jpegDecodeBytes(readJpegFrame(jpeg));
    // jpeg-js also counts its tables (a few KB): with those it fits, without them it does not.
    assert.equal(decode(jpeg, { useTArray: true, maxMemoryUsageInMB: (need + 65536) / 2 ** 20 }).width, width);
    assert.throws(() => decode(jpeg, { useTArray: true, maxMemoryUsageInMB: (need - 1) / 2 ** 20 }), /maxMemoryUsageInMB/, `${width}x${height}`);
  }
});

/** `jpeg` with its frame header saying width x height. */
function claiming(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
  out.writeUInt16BE(height, sof + 5);
  out.writeUInt16BE(width, sof + 7);
  return out;
}

test('a frame under the pixel limit that would need more than 512 MB to decode is refused before jpeg-js runs', async () => {
  // 7000x7000 is 49 MP, under the 50 MP limit; as a real photo jpeg-js took 1.6 GB and 30 s for it.
  const huge = claiming(await jpegOf(16, 16), 7000, 7000);
  const started = performance.now();
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => decodeJpeg(huge, readJpegFrame(huge), MAX_PIXELS), /too large to decode \(its 7000x7000 frame needs about 1029 MB; the limit is 512 MB\)/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
  assert.ok(performance.now() - started < 100);
  assert.ok(jpegDecodeBytes(readJpegFrame(claiming(huge, 3000, 3000))) < MAX_JPEG_DECODE_BYTES, '9 MP fits');
});

test('jpeg-js may not spend more memory than the first frame header implies', async () => {
  const jpeg = await jpegOf(16, 16);
  assert.ok(jpegDecodeBytes(readJpegFrame(jpeg)) < 16 << 10, 'a 16x16 JPEG needs a few KB');
  // A second frame header claiming 4000x4000 (16 MP, under the pixel limit): jpeg-js would
  // allocate ~200 MB of coefficient blocks for it before noticing the file has two frames.
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  const second = Buffer.from(jpeg.subarray(sof, sof + 2 + jpeg.readUInt16BE(sof + 2)));
  second.writeUInt16BE(4000, 5);
  second.writeUInt16BE(4000, 7);
  const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  const twoFrames = Buffer.concat([jpeg.subarray(0, sos), second, jpeg.subarray(sos)]);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => decodeJpeg(twoFrames, readJpegFrame(twoFrames), MAX_PIXELS), /needs more memory than its 16x16 header allows/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 32 << 20);
  // A legitimate large frame fits its own limit.
  const big = await jpegOf(900, 700);
  assert.equal(decodeJpeg(big, readJpegFrame(big), MAX_PIXELS).data.length, 900 * 700 * 4);
});

test('frames with a component count or sampling factors outside the standard are refused before decoding', async () => {
  const jpeg = Buffer.from(await jpegOf(8, 8));
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  const five = Buffer.from(jpeg);
  five[sof + 9] = 5;
  assert.throws(() => decodeJpeg(five, readJpegFrame(five), MAX_PIXELS), /has 5 colour components \(1 to 4 are supported\)/);
  const sampled = Buffer.from(jpeg);
  sampled[sof + 11] = 0x51; // first component: 5x1 sampling
  assert.throws(() => decodeJpeg(sampled, readJpegFrame(sampled), MAX_PIXELS), /a sampling factor outside 1-4/);
});
