// PNG decoding into 8-bit RGBA with memory bounded by the header. The IHDR fixes exactly how many
// bytes the image data inflates to, so the zlib stream is inflated with that as a hard output
// limit: a small file cannot expand into hundreds of megabytes (pngjs, which jimp uses, inflates
// an interlaced image without any limit). All colour types, bit depths 1-16, the five filters
// and Adam7 interlacing are read.
//
// Damage policy: strict where the pixels could be wrong, lenient where they are provably whole.
// - IHDR, PLTE and tRNS decide what the pixels mean: a bad CRC or a cut there is an error.
// - The image data carries zlib's own Adler-32 over the inflated bytes: when the stream inflates
//   to exactly the size the header needs and that check passes, the pixels are complete, so a
//   bad IDAT CRC, a missing IEND or garbage after the image data is accepted.
// - Anything short of the needed bytes, more than them, or an unknown filter is an error.
// Callers check the header's size against their limits first (images.ts does).
import { inflateSync } from 'node:zlib';
import { crc32 } from './crc32';
import type { RgbaImage } from './images';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  interlaced: boolean;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const BIT_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** One reduced image: the whole image, or one Adam7 pass. */
interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
}

function bitsPerPixel(header: PngHeader): number {
  return CHANNELS[header.colorType] * header.bitDepth;
}

function passesOf(header: PngHeader): Pass[] {
  const { width, height } = header;
  if (!header.interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0,
    y0,
    dx,
    dy,
    width: Math.max(0, Math.ceil((width - x0) / dx)),
    height: Math.max(0, Math.ceil((height - y0) / dy)),
  })).filter((p) => p.width > 0 && p.height > 0);
}

/** Packed sample bytes of one row of `width` pixels (without the filter byte). */
const rowStride = (width: number, bits: number): number => Math.ceil((width * bits) / 8);

/**
 * Exactly how many bytes the image data must inflate to: for each pass (the whole image when not
 * interlaced), its rows times one filter byte plus the packed samples of a row.
 */
export function pngDataBytes(header: PngHeader): number {
  const bits = bitsPerPixel(header);
  return passesOf(header).reduce((n, p) => n + p.height * (1 + rowStride(p.width, bits)), 0);
}

function parsePngHeader(body: Uint8Array): PngHeader {
  if (body.length !== 13) throw new Error(`the PNG file is corrupt (its IHDR chunk holds ${body.length} bytes, not 13)`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const [bitDepth, colorType, compression, filter, interlace] = body.subarray(8);
  const header: PngHeader = { width: view.getUint32(0), height: view.getUint32(4), bitDepth, colorType, interlaced: interlace === 1 };
  if (!(colorType in BIT_DEPTHS)) throw new Error(`the PNG file is corrupt (colour type ${colorType} does not exist)`);
  if (!BIT_DEPTHS[colorType].includes(bitDepth)) throw new Error(`the PNG file is corrupt (bit depth ${bitDepth} is not allowed with colour type ${colorType})`);
  if (compression !== 0 || filter !== 0 || interlace > 1) {
    throw new Error(`the PNG file is corrupt (unknown compression ${compression}, filter ${filter} or interlace ${interlace} method)`);
  }
  if (header.width === 0 || header.height === 0 || header.width > 0x7fffffff || header.height > 0x7fffffff) {
    throw new Error(`the PNG file is corrupt (it states a ${header.width}x${header.height} image)`);
  }
  return header;
}

interface PngChunks {
  header: PngHeader;
  palette?: Uint8Array;
  transparency?: Uint8Array;
  /** Non-empty IDAT chunks, their total body bytes, and the first body. */
  dataChunks: number;
  dataBytes: number;
  firstData?: Uint8Array;
  /** The file ends before IEND (cut inside or between chunks, or garbage after the image data). */
  cutShort: boolean;
}

// Chunk types as big-endian 32-bit numbers: comparing them allocates nothing, which matters when
// a file holds millions of chunks.
const IHDR = 0x49484452;
const PLTE = 0x504c5445;
const IDAT = 0x49444154;
const IEND = 0x49454e44;
const TRNS = 0x74524e53;

const typeName = (type: number): string => String.fromCharCode(type >>> 24, (type >>> 16) & 0xff, (type >>> 8) & 0xff, type & 0xff);
const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
/** An uppercase first letter marks a chunk a decoder must understand to show the image right. */
const isCritical = (type: number): boolean => type >>> 24 < 0x61;

/** Called per chunk: its type, offset, body [start, end) (end may pass the file's end) and whether it is whole. */
type ChunkVisitor = (type: number, at: number, start: number, end: number, whole: boolean) => void;

/**
 * Visits the chunks after the signature up to IEND, keeping nothing per chunk (a 256 MB file can
 * hold 20 million). Returns true when the file stops before IEND: cut short, or garbage where a
 * chunk should start after image data (the pixels may still be whole; inflating decides).
 */
function walkChunks(bytes: Uint8Array, view: DataView, visit: ChunkVisitor): boolean {
  let seenData = false;
  for (let pos = 8; ; ) {
    if (pos + 8 > bytes.length) return true;
    const length = view.getUint32(pos);
    const type = view.getUint32(pos + 4);
    if (length > 0x7fffffff || !(isLetter(bytes[pos + 4]) && isLetter(bytes[pos + 5]) && isLetter(bytes[pos + 6]) && isLetter(bytes[pos + 7]))) {
      if (seenData) return true;
      throw new Error(`the PNG file is corrupt (no valid chunk at byte ${pos})`);
    }
    if (type === IEND) return false;
    const start = pos + 8;
    const end = start + length;
    const whole = end + 4 <= bytes.length;
    seenData ||= type === IDAT;
    visit(type, pos, start, end, whole);
    if (!whole) return true;
    pos = end + 4;
  }
}

function readChunks(bytes: Uint8Array, view: DataView): PngChunks {
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  let dataChunks = 0;
  let dataBytes = 0;
  let firstData: Uint8Array | undefined;
  const cutShort = walkChunks(bytes, view, (type, at, start, end, whole) => {
    if (!header && type !== IHDR) throw new Error('the PNG file does not start with an IHDR chunk');
    if (type === IDAT) {
      const length = Math.min(end, bytes.length) - start;
      if (length > 0 && dataChunks++ === 0) firstData = bytes.subarray(start, start + length);
      dataBytes += length;
    } else if (type === IHDR || (header && usesChunk(header, type))) {
      // A chunk that decides what the pixels are: it must be whole and intact.
      const name = typeName(type);
      if (!whole) throw new Error(`the PNG file is truncated (inside its ${name} chunk)`);
      if (crc32(bytes, at + 4, end) !== view.getUint32(end)) throw new Error(`the PNG file is corrupt (its ${name} chunk fails its CRC check)`);
      const body = bytes.subarray(start, end);
      if (type === IHDR) {
        if (header) throw new Error('the PNG file is corrupt (it has two IHDR chunks)');
        header = parsePngHeader(body);
      } else if (type === PLTE) palette = body;
      else transparency = body;
    } else if (isCritical(type) && type !== PLTE) {
      throw new Error(`the PNG file needs a chunk this decoder does not know (${typeName(type)})`);
    }
  });
  if (!header) throw new Error('the PNG file is truncated (no IHDR chunk)');
  return { header, palette, transparency, dataChunks, dataBytes, firstData, cutShort };
}

/** PLTE matters for palette images only; tRNS for grey, RGB and palette images (alpha types carry their own). */
function usesChunk(header: PngHeader, type: number): boolean {
  if (type === PLTE) return header.colorType === 3;
  if (type === TRNS) return header.colorType === 0 || header.colorType === 2 || header.colorType === 3;
  return false;
}

/** The zlib stream: the one IDAT body as it is, or all of them copied into one buffer. */
function compressedData(bytes: Uint8Array, view: DataView, chunks: PngChunks): Uint8Array {
  if (chunks.dataChunks === 1 && chunks.firstData) return chunks.firstData;
  const joined = Buffer.allocUnsafe(chunks.dataBytes);
  let at = 0;
  walkChunks(bytes, view, (type, _at, start, end) => {
    if (type !== IDAT) return;
    const body = bytes.subarray(start, Math.min(end, bytes.length));
    joined.set(body, at);
    at += body.length;
  });
  return joined;
}

/** True when a whole IDAT chunk fails its CRC: said alongside a zlib error, it points at damage in the file. */
function dataCrcFails(bytes: Uint8Array, view: DataView): boolean {
  let fails = false;
  walkChunks(bytes, view, (type, at, _start, end, whole) => {
    if (!fails && type === IDAT && whole) fails = crc32(bytes, at + 4, end) !== view.getUint32(end);
  });
  return fails;
}

/** The inflated image data, exactly pngDataBytes(header) long, or an error saying why not. */
function inflateImageData(bytes: Uint8Array, view: DataView, chunks: PngChunks): Uint8Array {
  const { header } = chunks;
  const size = `${header.width}x${header.height}`;
  const expected = pngDataBytes(header);
  let raw: Uint8Array;
  try {
    // One output chunk a byte larger than needed: no concatenation copy, and one byte too many
    // is already over the limit, which aborts inflating before it allocates anything more.
    raw = inflateSync(compressedData(bytes, view, chunks), { maxOutputLength: expected, chunkSize: Math.max(64, expected + 1) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`the PNG's compressed data expands beyond what its ${size} header allows (${expected} bytes)`);
    if (code === 'Z_BUF_ERROR') {
      throw new Error(chunks.cutShort ? 'the PNG file is truncated (its image data stops early)' : `the PNG's image data is truncated (its compressed stream stops early)`);
    }
    const crcNote = dataCrcFails(bytes, view) ? '; an IDAT chunk fails its CRC check' : '';
    throw new Error(`the PNG file is corrupt (image data: ${(err as Error).message}${crcNote})`);
  }
  if (raw.length < expected) throw new Error(`the PNG's image data is truncated (${raw.length} of the ${expected} bytes its ${size} header needs)`);
  return raw;
}

/** Reverses the row filters of one pass in place: rows of 1 + stride bytes from `at`. */
function unfilter(raw: Uint8Array, at: number, rows: number, stride: number, bpp: number): void {
  let prev = -1;
  for (let y = 0; y < rows; y++) {
    const filter = raw[at];
    const s = at + 1;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < stride; i++) raw[s + i] += raw[s + i - bpp];
        break;
      case 2:
        if (prev >= 0) for (let i = 0; i < stride; i++) raw[s + i] += raw[prev + i];
        break;
      case 3:
        if (prev >= 0) {
          for (let i = 0; i < bpp; i++) raw[s + i] += raw[prev + i] >> 1;
          for (let i = bpp; i < stride; i++) raw[s + i] += (raw[s + i - bpp] + raw[prev + i]) >> 1;
        } else {
          for (let i = bpp; i < stride; i++) raw[s + i] += raw[s + i - bpp] >> 1;
        }
        break;
      case 4:
        if (prev >= 0) {
          for (let i = 0; i < bpp; i++) raw[s + i] += raw[prev + i];
          for (let i = bpp; i < stride; i++) {
            const a = raw[s + i - bpp];
            const b = raw[prev + i];
            const c = raw[prev + i - bpp];
            const pa = Math.abs(b - c);
            const pb = Math.abs(a - c);
            const pc = Math.abs(a + b - 2 * c);
            raw[s + i] += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          }
        } else {
          // Above the first row everything is 0: Paeth picks the left neighbour, as Sub does.
          for (let i = bpp; i < stride; i++) raw[s + i] += raw[s + i - bpp];
        }
        break;
      default:
        throw new Error(`the PNG file is corrupt (a row has filter type ${filter}; only 0-4 exist)`);
    }
    prev = s;
    at = s + stride;
  }
}

/** Writes `n` pixels of a row (samples from src[s]) as RGBA to out[o], out[o + step], ... */
type RowWriter = (src: Uint8Array, s: number, n: number, out: Uint8Array, o: number, step: number) => void;

type SampleReader = (src: Uint8Array, s: number, k: number) => number;

function sampleReader(depth: number): SampleReader {
  if (depth === 16) return (src, s, k) => (src[s + 2 * k] << 8) | src[s + 2 * k + 1];
  if (depth === 8) return (src, s, k) => src[s + k];
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  return (src, s, k) => (src[s + Math.floor(k / perByte)] >> (8 - depth * (1 + (k % perByte)))) & mask;
}

/** Sample value to 8 bits, rounding as pngjs does (so the pixels match what jimp gave). */
function to8Bits(depth: number): (v: number) => number {
  if (depth === 16) return (v) => ((v + 128) / 257) | 0; // round(v * 255 / 65535)
  if (depth === 8) return (v) => v;
  const factor = 255 / ((1 << depth) - 1); // 255, 85 or 17: exact
  return (v) => v * factor;
}

/**
 * The converter from one colour type and depth to RGBA. tRNS colour keys give alpha 0 and keep
 * the colour (preprocessing drops alpha, as converting RGBA to RGB does; pngjs blacked them out).
 */
function rowWriter(header: PngHeader, palette: Uint8Array | undefined, trns: Uint8Array | undefined): RowWriter {
  const { bitDepth: depth, colorType } = header;
  const read = sampleReader(depth);
  const scale = to8Bits(depth);
  const key = (i: number) => (trns && trns.length >= 2 * (i + 1) ? (trns[2 * i] << 8) | trns[2 * i + 1] : -1);
  switch (colorType) {
    case 0: {
      const grey = key(0);
      return (src, s, n, out, o, step) => {
        for (let x = 0; x < n; x++, o += step) {
          const v = read(src, s, x);
          out[o] = out[o + 1] = out[o + 2] = scale(v);
          out[o + 3] = v === grey ? 0 : 255;
        }
      };
    }
    case 2: {
      const [kr, kg, kb] = [key(0), key(1), key(2)];
      if (depth === 8 && kr < 0) {
        return (src, s, n, out, o, step) => {
          for (let x = 0; x < n; x++, o += step, s += 3) {
            out[o] = src[s];
            out[o + 1] = src[s + 1];
            out[o + 2] = src[s + 2];
            out[o + 3] = 255;
          }
        };
      }
      return (src, s, n, out, o, step) => {
        for (let x = 0; x < n; x++, o += step) {
          const [r, g, b] = [read(src, s, 3 * x), read(src, s, 3 * x + 1), read(src, s, 3 * x + 2)];
          out[o] = scale(r);
          out[o + 1] = scale(g);
          out[o + 2] = scale(b);
          out[o + 3] = r === kr && g === kg && b === kb ? 0 : 255;
        }
      };
    }
    case 3: {
      if (!palette || palette.length === 0 || palette.length % 3 !== 0 || palette.length > 768) {
        throw new Error(palette ? `the PNG file is corrupt (its palette is ${palette.length} bytes)` : 'the PNG file is corrupt (a palette image without a PLTE chunk)');
      }
      const colours = palette.length / 3;
      const rgba = new Uint8Array(256 * 4);
      for (let i = 0; i < colours; i++) {
        rgba.set(palette.subarray(3 * i, 3 * i + 3), 4 * i);
        rgba[4 * i + 3] = trns && i < trns.length ? trns[i] : 255;
      }
      return (src, s, n, out, o, step) => {
        for (let x = 0; x < n; x++, o += step) {
          const i = read(src, s, x);
          if (i >= colours) throw new Error(`the PNG file is corrupt (a pixel uses colour ${i} of a ${colours}-colour palette)`);
          out[o] = rgba[4 * i];
          out[o + 1] = rgba[4 * i + 1];
          out[o + 2] = rgba[4 * i + 2];
          out[o + 3] = rgba[4 * i + 3];
        }
      };
    }
    case 4:
      return (src, s, n, out, o, step) => {
        for (let x = 0; x < n; x++, o += step) {
          out[o] = out[o + 1] = out[o + 2] = scale(read(src, s, 2 * x));
          out[o + 3] = scale(read(src, s, 2 * x + 1));
        }
      };
    default:
      if (depth === 8) {
        return (src, s, n, out, o, step) => {
          if (step === 4) out.set(src.subarray(s, s + 4 * n), o);
          else for (let x = 0; x < n; x++, o += step, s += 4) out.set(src.subarray(s, s + 4), o);
        };
      }
      return (src, s, n, out, o, step) => {
        for (let x = 0; x < n; x++, o += step) for (let c = 0; c < 4; c++) out[o + c] = scale(read(src, s, 4 * x + c));
      };
  }
}

/** Decodes PNG bytes (signature included) to RGBA; errors give the reason without a file name. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks = readChunks(bytes, view);
  const { header } = chunks;
  if (chunks.dataChunks === 0) {
    throw new Error(chunks.cutShort ? 'the PNG file is truncated (before its image data)' : 'the PNG file has no image data (no IDAT chunk with data)');
  }
  const write = rowWriter(header, chunks.palette, chunks.transparency);
  const raw = inflateImageData(bytes, view, chunks);
  const { width, height } = header;
  const bits = bitsPerPixel(header);
  const filterStep = Math.max(1, bits >> 3);
  const data = new Uint8Array(width * height * 4);
  let at = 0;
  for (const pass of passesOf(header)) {
    const stride = rowStride(pass.width, bits);
    unfilter(raw, at, pass.height, stride, filterStep);
    for (let y = 0; y < pass.height; y++, at += 1 + stride) {
      write(raw, at + 1, pass.width, data, ((pass.y0 + y * pass.dy) * width + pass.x0) * 4, pass.dx * 4);
    }
  }
  return { width, height, data };
}
