import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { Jimp } from 'jimp';
import { pngChunk as chunk } from './pngEncode';
import { decodePng, pngDataBytes, type PngHeader } from './pngDecode';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

interface Spec extends PngHeader {
  palette?: Uint8Array;
  trns?: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * The unfiltered image data of `spec`: each row packed from `sample(x, y, channel)` (an
 * independent encoder, written from the PNG specification, not from the decoder).
 */
function packedRows(spec: Spec, sample: (x: number, y: number, c: number) => number): { pass: number; row: Uint8Array }[] {
  const channels = CHANNELS[spec.colorType];
  const passes = spec.interlaced ? ADAM7 : [[0, 0, 1, 1]];
  const rows: { pass: number; row: Uint8Array }[] = [];
  passes.forEach(([x0, y0, dx, dy], pass) => {
    const xs: number[] = [];
    for (let x = x0; x < spec.width; x += dx) xs.push(x);
    if (xs.length === 0) return;
    for (let y = y0; y < spec.height; y += dy) {
      const row = new Uint8Array(Math.ceil((xs.length * channels * spec.bitDepth) / 8));
      let bit = 0;
      for (const x of xs) {
        for (let c = 0; c < channels; c++) {
          const v = sample(x, y, c);
          if (spec.bitDepth === 16) row.set([v >> 8, v & 0xff], bit >> 3);
          else row[bit >> 3] |= v << (8 - spec.bitDepth - (bit & 7));
          bit += spec.bitDepth;
        }
      }
      rows.push({ pass, row });
    }
  });
  return rows;
}

/** A PNG of `spec`; row k of each pass uses filter (k + pass) % 5, so every filter is exercised. */
function encodePng(spec: Spec, sample: (x: number, y: number, c: number) => number): Buffer {
  const bpp = Math.max(1, (CHANNELS[spec.colorType] * spec.bitDepth) >> 3);
  const out: number[] = [];
  let prev: Uint8Array | undefined;
  let lastPass = -1;
  let k = 0;
  for (const { pass, row } of packedRows(spec, sample)) {
    if (pass !== lastPass) [prev, lastPass, k] = [undefined, pass, 0];
    const filter = (k++ + pass) % 5;
    out.push(filter);
    for (let i = 0; i < row.length; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev ? prev[i] : 0;
      const c = prev && i >= bpp ? prev[i - bpp] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      out.push((row[i] - predictor) & 0xff);
    }
    prev = row;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr.set([spec.bitDepth, spec.colorType, 0, 0, spec.interlaced ? 1 : 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...(spec.palette ? [chunk('PLTE', spec.palette)] : []),
    ...(spec.trns ? [chunk('tRNS', spec.trns)] : []),
    chunk('IDAT', deflateSync(Buffer.from(out))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const DEPTHS: [number, number[]][] = [
  [0, [1, 2, 4, 8, 16]],
  [2, [8, 16]],
  [3, [1, 2, 4, 8]],
  [4, [8, 16]],
  [6, [8, 16]],
];
const SIZES = [
  [1, 1],
  [2, 3],
  [5, 7],
  [9, 4],
  [17, 10],
];

/** Sample values that differ from pixel to pixel and channel to channel, below 2^depth. */
const sampleOf = (depth: number, limit = 2 ** depth) => (x: number, y: number, c: number) => (Math.imul(x * 73 + y * 151 + c * 37 + 11, 2654435761) >>> 7) % limit;

/** What the PNG specification says the 8-bit RGBA pixels are. */
function expectedRgba(spec: Spec, sample: (x: number, y: number, c: number) => number): Uint8Array {
  const max = 2 ** spec.bitDepth - 1;
  const to8 = (v: number) => Math.round((v * 255) / max);
  const out = new Uint8Array(spec.width * spec.height * 4);
  for (let y = 0; y < spec.height; y++) {
    for (let x = 0; x < spec.width; x++) {
      const s = (c: number) => sample(x, y, c);
      const o = (y * spec.width + x) * 4;
      if (spec.colorType === 3) {
        const i = s(0);
        out.set([...spec.palette!.subarray(3 * i, 3 * i + 3), spec.trns && i < spec.trns.length ? spec.trns[i] : 255], o);
      } else if (spec.colorType === 0 || spec.colorType === 4) {
        out.set([to8(s(0)), to8(s(0)), to8(s(0)), spec.colorType === 4 ? to8(s(1)) : 255], o);
      } else {
        out.set([to8(s(0)), to8(s(1)), to8(s(2)), spec.colorType === 6 ? to8(s(3)) : 255], o);
      }
    }
  }
  return out;
}

test('every colour type, bit depth, filter and size, interlaced or not, decodes to the right pixels (and as pngjs does)', async () => {
  let checked = 0;
  for (const [colorType, depths] of DEPTHS) {
    for (const bitDepth of depths) {
      for (const interlaced of [false, true]) {
        for (const [width, height] of SIZES) {
          const spec: Spec = { width, height, colorType, bitDepth, interlaced };
          let sample = sampleOf(bitDepth);
          if (colorType === 3) {
            // A palette a little smaller than the depth allows, and alpha for its first entries.
            const colours = Math.max(1, Math.min(200, 2 ** bitDepth - 1));
            sample = sampleOf(bitDepth, colours);
            spec.palette = Uint8Array.from({ length: colours * 3 }, (_, i) => (i * 97 + 13) & 0xff);
            spec.trns = Uint8Array.from({ length: Math.ceil(colours / 2) }, (_, i) => (i * 55) & 0xff);
          }
          const png = encodePng(spec, sample);
          const name = `colour type ${colorType}, ${bitDepth}-bit, ${width}x${height}${interlaced ? ', interlaced' : ''}`;
          const image = decodePng(png);
          assert.equal(image.width, width, name);
          assert.equal(image.height, height, name);
          assert.deepEqual(image.data, expectedRgba(spec, sample), name);
          const jimp = await Jimp.fromBuffer(png);
          assert.deepEqual(Buffer.from(image.data), jimp.bitmap.data, `${name}: pngjs differs`);
          checked++;
        }
      }
    }
  }
  assert.equal(checked, 150);
});

test('the image data size follows the header, interlaced or not', () => {
  const header = (width: number, height: number, interlaced: boolean, colorType = 2, bitDepth = 8): PngHeader => ({ width, height, colorType, bitDepth, interlaced });
  assert.equal(pngDataBytes(header(16, 16, false)), 16 * (1 + 48));
  // Adam7 passes of 16x16: 2x2, 2x2, 4x2, 4x4, 8x4, 8x8, 16x8 pixels.
  const passes = [
    [2, 2],
    [2, 2],
    [4, 2],
    [4, 4],
    [8, 4],
    [8, 8],
    [16, 8],
  ];
  assert.equal(pngDataBytes(header(16, 16, true)), passes.reduce((n, [w, h]) => n + h * (1 + 3 * w), 0));
  // 1x1 interlaced: only the first pass holds a pixel; 1-bit rows round up to a byte.
  assert.equal(pngDataBytes(header(1, 1, true)), 1 + 3);
  assert.equal(pngDataBytes(header(9, 2, false, 0, 1)), 2 * (1 + 2));
  assert.equal(pngDataBytes(header(3, 1, false, 6, 16)), 1 + 3 * 8);
});

test('tRNS colour keys make those pixels transparent and keep their colour', () => {
  const grey: Spec = { width: 3, height: 1, colorType: 0, bitDepth: 16, interlaced: false, trns: Uint8Array.from([0x12, 0x34]) };
  const greyImage = decodePng(encodePng(grey, (x) => [0x1234, 0x1235, 0xffff][x]));
  assert.deepEqual([...greyImage.data], [0x12, 0x12, 0x12, 0, 0x12, 0x12, 0x12, 255, 255, 255, 255, 255]);
  const rgb: Spec = { width: 2, height: 1, colorType: 2, bitDepth: 8, interlaced: true, trns: Uint8Array.from([0, 10, 0, 20, 0, 30]) };
  const rgbImage = decodePng(encodePng(rgb, (x, _y, c) => (x === 0 ? [10, 20, 30][c] : [10, 20, 31][c])));
  assert.deepEqual([...rgbImage.data], [10, 20, 30, 0, 10, 20, 31, 255]);
});

/** A valid 6x5 8-bit RGB PNG in three IDAT chunks, and its pixels. */
function splitPng(): { png: Buffer; pixels: Uint8Array; idatEnd: number } {
  const spec: Spec = { width: 6, height: 5, colorType: 2, bitDepth: 8, interlaced: false };
  const one = encodePng(spec, sampleOf(8));
  // Re-chunk the single IDAT into three, as encoders that stream do.
  const at = one.indexOf('IDAT') - 4;
  const length = one.readUInt32BE(at);
  const data = one.subarray(at + 8, at + 8 + length);
  const cuts = [0, 3, 10, data.length];
  const idats = cuts.slice(1).map((end, i) => chunk('IDAT', data.subarray(cuts[i], end)));
  const png = Buffer.concat([one.subarray(0, at), ...idats, chunk('IEND', new Uint8Array(0))]);
  return { png, pixels: expectedRgba(spec, sampleOf(8)), idatEnd: png.length - 12 };
}

test('a file cut anywhere before its image data ends is refused; cut after it, the whole pixels are kept', () => {
  const { png, pixels, idatEnd } = splitPng();
  assert.deepEqual(decodePng(png).data, pixels);
  for (let n = 8; n < png.length; n++) {
    const cut = png.subarray(0, n);
    // The image data is whole once the last IDAT's body is (its CRC is not needed: zlib's Adler-32 checks the pixels).
    if (n >= idatEnd - 4) assert.deepEqual(decodePng(cut).data, pixels, `cut at ${n}`);
    else assert.throws(() => decodePng(cut), /the PNG file is truncated|the PNG file is corrupt \(no valid chunk/, `cut at ${n}`);
  }
});

test('CRC policy: header chunks must be intact; image data is judged by zlib, which checks its own bytes', () => {
  const { png, pixels } = splitPng();
  const ihdrBad = Buffer.from(png);
  ihdrBad[29] ^= 1; // the IHDR CRC
  assert.throws(() => decodePng(ihdrBad), /its IHDR chunk fails its CRC check/);
  const crcBad = Buffer.from(png);
  const lastIdat = crcBad.lastIndexOf('IDAT');
  crcBad[lastIdat + 4 + crcBad.readUInt32BE(lastIdat - 4)] ^= 1; // that IDAT's CRC, not its data
  assert.deepEqual(decodePng(crcBad).data, pixels);
  const dataBad = Buffer.from(png);
  dataBad[lastIdat + 5] ^= 0x55;
  assert.throws(() => decodePng(dataBad), /the PNG file is corrupt \(image data: .*; an IDAT chunk fails its CRC check\)/);
  // Garbage where IEND should be, after whole image data: the pixels are whole.
  const tail = Buffer.concat([png.subarray(0, png.length - 12), Buffer.from('\0\0\0\x10 ** garbage ** and more')]);
  assert.deepEqual(decodePng(tail).data, pixels);
});

test('image data that inflates to fewer or more bytes than the header needs is refused', () => {
  const spec: Spec = { width: 4, height: 4, colorType: 6, bitDepth: 8, interlaced: false };
  const needed = pngDataBytes(spec);
  const withData = (raw: Buffer) => {
    const png = encodePng(spec, sampleOf(8));
    const at = png.indexOf('IDAT') - 4;
    return Buffer.concat([png.subarray(0, at), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
  };
  assert.throws(() => decodePng(withData(Buffer.alloc(needed - 1))), new RegExp(`image data is truncated \\(${needed - 1} of the ${needed} bytes its 4x4 header needs\\)`));
  assert.throws(() => decodePng(withData(Buffer.alloc(needed + 1))), /compressed data expands beyond what its 4x4 header allows \(68 bytes\)/);
  assert.equal(decodePng(withData(Buffer.alloc(needed))).data.length, 64);
  // The zlib stream itself cut short.
  const cut = withData(Buffer.alloc(needed));
  const at = cut.indexOf('IDAT') - 4;
  const body = cut.subarray(at + 8, at + 8 + cut.readUInt32BE(at));
  const short = Buffer.concat([cut.subarray(0, at), chunk('IDAT', body.subarray(0, body.length - 6)), chunk('IEND', new Uint8Array(0))]);
  assert.throws(() => decodePng(short), /image data is truncated \(its compressed stream stops early\)/);
});

test('malformed structure gets a reason: bad filter, palette index, header fields, unknown critical chunk', () => {
  const rgb: Spec = { width: 2, height: 2, colorType: 2, bitDepth: 8, interlaced: false };
  const png = encodePng(rgb, sampleOf(8));
  const at = png.indexOf('IDAT') - 4;
  const rebuilt = (raw: number[], extra: Buffer[] = []) =>
    Buffer.concat([png.subarray(0, at), ...extra, chunk('IDAT', deflateSync(Buffer.from(raw))), chunk('IEND', new Uint8Array(0))]);
  assert.throws(() => decodePng(rebuilt([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5])), /filter type 7; only 0-4 exist/);
  assert.throws(() => decodePng(rebuilt(new Array<number>(14).fill(0), [chunk('CgBI', Buffer.alloc(4))])), /needs a chunk this decoder does not know \(CgBI\)/);
  assert.equal(decodePng(rebuilt(new Array<number>(14).fill(0), [chunk('tEXt', Buffer.from('Comment\0hi'))])).width, 2);

  const palette: Spec = { width: 2, height: 1, colorType: 3, bitDepth: 8, interlaced: false, palette: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  assert.throws(() => decodePng(encodePng(palette, (x) => x * 2)), /a pixel uses colour 2 of a 2-colour palette/);
  assert.throws(() => decodePng(encodePng({ ...palette, palette: undefined }, () => 0)), /a palette image without a PLTE chunk/);

  const header = (bitDepth: number, colorType: number, interlace = 0) => {
    const bad = Buffer.from(png);
    bad.set([bitDepth, colorType, 0, 0, interlace], 24);
    bad.writeUInt32BE(chunkCrc(bad.subarray(12, 29)), 29);
    return bad;
  };
  assert.throws(() => decodePng(header(16, 3)), /bit depth 16 is not allowed with colour type 3/);
  assert.throws(() => decodePng(header(8, 5)), /colour type 5 does not exist/);
  assert.throws(() => decodePng(header(8, 2, 2)), /interlace 2 method/);
});

/** The CRC pngChunk would write for `typeAndBody`. */
function chunkCrc(typeAndBody: Uint8Array): number {
  const whole = chunk(String.fromCharCode(...typeAndBody.subarray(0, 4)), typeAndBody.subarray(4));
  return whole.readUInt32BE(whole.length - 4);
}
