// JPEG decoding into 8-bit RGBA through jpeg-js, called directly so its limits can be set: the
// resolution limit is the caller's pixel limit, and the memory limit is what the frame header
// implies (computed as jpeg-js counts), capped at MAX_JPEG_DECODE_BYTES. A frame that needs more
// is refused before jpeg-js sees it. EXIF orientation is applied as jimp did, because the gallery
// shows photos the way a browser does (rotated) and boxes are drawn on that view.
import { decode } from 'jpeg-js';
import type { RgbaImage } from './images';

/**
 * The most memory one JPEG decode may count (jpeg-js's own default, which jimp used). jpeg-js keeps
 * 64 32-bit coefficients per 8x8 block of every component, so a 49 MP 4:4:4 photo counts ~1 GB
 * and really takes ~1.6 GB (seen: a 1.3 MB 7000x7000 JPEG, 30 s). This admits ~24 MP at 4:4:4 and
 * ~37 MP at 4:2:0, more than street-number photos need.
 */
export const MAX_JPEG_DECODE_BYTES = 512 * 2 ** 20;

export interface JpegFrame {
  width: number;
  height: number;
  /** Colour components (1 grey, 3 YCbCr, 4 CMYK/YCCK). */
  components: number;
  /** Horizontal and vertical sampling factor of each component, in frame order. */
  sampling: { h: number; v: number }[];
  /** EXIF orientation 1-8 from the APP1 segment before the frame header (1 when absent). */
  orientation: number;
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); not DHT (C4), JPG (C8), DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the markers up to the first frame header. Throws a reason (no file name). */
export function readJpegFrame(bytes: Uint8Array): JpegFrame {
  let orientation = 0;
  let i = 2;
  while (i < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error(`the JPEG file is corrupt (no marker at byte ${i})`);
    while (i < bytes.length && bytes[i] === 0xff) i++; // fill bytes
    if (i >= bytes.length) break;
    const marker = bytes[i++];
    // Markers without a length: TEM, RST0-7, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    if (marker === 0xd9 || marker === 0xda) throw new Error('the JPEG file has no frame header before its image data');
    if (i + 2 > bytes.length) break;
    const length = (bytes[i] << 8) | bytes[i + 1];
    if (length < 2) throw new Error('the JPEG file is corrupt (bad segment length)');
    if (marker === 0xe1 && orientation === 0 && i + length <= bytes.length) orientation = exifOrientation(bytes.subarray(i + 2, i + length));
    if (isStartOfFrame(marker)) {
      if (i + 8 > bytes.length) break;
      const height = (bytes[i + 3] << 8) | bytes[i + 4];
      const width = (bytes[i + 5] << 8) | bytes[i + 6];
      const components = bytes[i + 7];
      if (height === 0) throw new Error('the JPEG file does not state its height (DNL), which is not supported');
      if (i + 8 + 3 * components > bytes.length) break;
      const sampling = Array.from({ length: components }, (_, c) => ({ h: bytes[i + 9 + 3 * c] >> 4, v: bytes[i + 9 + 3 * c] & 15 }));
      return { width, height, components, sampling, orientation: orientation || 1 };
    }
    i += length;
  }
  throw new Error('the JPEG file is truncated before its frame header');
}

/** The orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment; 0 when it has none. */
function exifOrientation(app1: Uint8Array): number {
  if (app1.length < 14 || String.fromCharCode(...app1.subarray(0, 6)) !== 'Exif\0\0') return 0;
  const tiff = app1.subarray(6);
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 0;
  const u16 = (o: number) => (little ? tiff[o] | (tiff[o + 1] << 8) : (tiff[o] << 8) | tiff[o + 1]);
  const u32 = (o: number) => (little ? u16(o) + u16(o + 2) * 0x10000 : u16(o) * 0x10000 + u16(o + 2));
  if (u16(2) !== 42) return 0;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 0;
  for (let k = 0, count = u16(ifd); k < count; k++) {
    const entry = ifd + 2 + 12 * k;
    if (entry + 12 > tiff.length) return 0;
    if (u16(entry) !== 0x0112) continue;
    const value = u16(entry + 8);
    return u16(entry + 2) === 3 && value >= 1 && value <= 8 ? value : 0; // type 3 = SHORT
  }
  return 0;
}

/**
 * The memory jpeg-js counts to decode this frame, computed as it does: per component, 64 32-bit
 * coefficients for every 8x8 block of whole MCUs and a byte per (block-padded) sample; then its
 * component output and the RGBA result.
 */
export function jpegDecodeBytes(frame: JpegFrame): number {
  const maxH = Math.max(1, ...frame.sampling.map((s) => s.h));
  const maxV = Math.max(1, ...frame.sampling.map((s) => s.v));
  const mcusAcross = Math.ceil(frame.width / 8 / maxH);
  const mcusDown = Math.ceil(frame.height / 8 / maxV);
  let bytes = 0;
  for (const { h, v } of frame.sampling) {
    bytes += mcusAcross * h * mcusDown * v * 64 * 4;
    bytes += Math.ceil((Math.ceil(frame.width / 8) * h) / maxH) * 8 * Math.ceil((Math.ceil(frame.height / 8) * v) / maxV) * 8;
  }
  const pixels = frame.width * frame.height;
  return bytes + pixels * frame.components + pixels * 4;
}

const megabytes = (bytes: number) => Math.ceil(bytes / 2 ** 20);

/** Decodes JPEG bytes whose frame header the caller has read and size-checked. Errors give the reason. */
export function decodeJpeg(bytes: Uint8Array, frame: JpegFrame, maxPixels: number): RgbaImage {
  if (frame.components < 1 || frame.components > 4) throw new Error(`the JPEG file has ${frame.components} colour components (1 to 4 are supported)`);
  if (frame.sampling.some((s) => s.h < 1 || s.h > 4 || s.v < 1 || s.v > 4)) throw new Error('the JPEG file is corrupt (a sampling factor outside 1-4)');
  const need = jpegDecodeBytes(frame);
  if (need > MAX_JPEG_DECODE_BYTES) {
    throw new Error(`the JPEG is too large to decode (its ${frame.width}x${frame.height} frame needs about ${megabytes(need)} MB; the limit is ${megabytes(MAX_JPEG_DECODE_BYTES)} MB)`);
  }
  // Tables are counted too and grow with the file (a DQT table counts 256 bytes per 65 in the file).
  const limit = Math.min(need + 4 * bytes.length + 2 ** 20, MAX_JPEG_DECODE_BYTES);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: limit / 2 ** 20 });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (/maxMemoryUsageInMB|maxResolutionInMP/.test(reason)) {
      throw new Error(`the JPEG file needs more memory than its ${frame.width}x${frame.height} header allows (decoder: ${reason})`);
    }
    throw new Error(`the JPEG file is corrupt or truncated (decoder: ${reason})`);
  }
  const { width, height, data } = decoded;
  if (width !== frame.width || height !== frame.height || data.length !== width * height * 4) {
    throw new Error(`the decoded image (${width}x${height}) does not match its header (${frame.width}x${frame.height})`);
  }
  return orient({ width, height, data }, frame.orientation);
}

/**
 * The image as EXIF orientation `o` says to show it: for each output pixel, the source pixel
 * (the same mapping as jimp's, which follows the EXIF specification).
 */
function orient(image: RgbaImage, o: number): RgbaImage {
  if (o < 2 || o > 8) return image;
  const { width: w, height: h } = image;
  const swap = o > 4;
  const [ow, oh] = swap ? [h, w] : [w, h];
  const bytes = image.data.byteOffset % 4 === 0 ? image.data : image.data.slice(); // 32-bit views need alignment
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, w * h);
  const out = new Uint32Array(w * h);
  const source: Record<number, (x: number, y: number) => number> = {
    2: (x, y) => y * w + (w - x - 1),
    3: (x, y) => (h - y - 1) * w + (w - x - 1),
    4: (x, y) => (h - y - 1) * w + x,
    5: (x, y) => x * w + y,
    6: (x, y) => (h - x - 1) * w + y,
    7: (x, y) => (h - x - 1) * w + (w - y - 1),
    8: (x, y) => x * w + (w - y - 1),
  };
  const at = source[o];
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[y * ow + x] = src[at(x, y)];
  return { width: ow, height: oh, data: new Uint8Array(out.buffer) };
}
