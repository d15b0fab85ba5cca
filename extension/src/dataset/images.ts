// Image decoding for datasets: PNG and JPEG into 8-bit RGBA, with memory bounded by the header.
// The header is read first and checked against a pixel limit, so a file that claims to be
// 100000x100000 is refused before any decoder allocates memory for it; then each decoder is held
// to what that header implies (pngDecode.ts inflates with a hard output limit; jpegDecode.ts gives
// jpeg-js a memory limit, at most 512 MB), so a small file cannot expand into gigabytes either.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodeJpeg, readJpegFrame } from './jpegDecode';
import { decodePng } from './pngDecode';

/** More pixels than any street-number photo; 50 MP of RGBA is already 200 MB. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const MAX_IMAGE_SIDE = 16_384;
/** A PNG or JPEG within the pixel limit is far smaller than this. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, rows top to bottom. */
  data: Uint8Array;
}

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** A file that cannot be used as an image; the message names the file and says why. */
export class ImageError extends Error {
  constructor(
    readonly file: string,
    /** Why, without the file name. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Reads the format and size from the first bytes of a PNG or JPEG. Throws a reason (no file name). */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return readPngHeader(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return readJpegHeader(bytes);
  throw new Error('not a PNG or JPEG file');
}

function readPngHeader(bytes: Uint8Array): ImageHeader {
  // Signature, then the IHDR chunk: length (4), type (4), width (4), height (4).
  if (bytes.length < 24) throw new Error('the PNG file is truncated (no IHDR chunk)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  if (type !== 'IHDR') throw new Error('the PNG file does not start with an IHDR chunk');
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
}

function readJpegHeader(bytes: Uint8Array): ImageHeader {
  const { width, height } = readJpegFrame(bytes);
  return { format: 'jpeg', width, height };
}

/** Why an image of this size is refused, or undefined when it is acceptable. */
export function imageSizeProblem(width: number, height: number): string | undefined {
  if (width === 0 || height === 0) return `the image is empty (${width}x${height})`;
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    return `the image is too large (${width}x${height}; the limit is ${MAX_IMAGE_SIDE} px a side and ${MAX_IMAGE_PIXELS / 1e6} megapixels)`;
  }
  return undefined;
}

/**
 * Decodes PNG or JPEG bytes into RGBA. `name` (usually the file path) goes into every error
 * message. Rejects with ImageError for anything that is not a usable image.
 */
export function decodeImage(bytes: Uint8Array, name: string): Promise<RgbaImage> {
  try {
    return Promise.resolve(decodeImageSync(bytes, name));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/** decodeImage, synchronously: throws ImageError. */
export function decodeImageSync(bytes: Uint8Array, name: string): RgbaImage {
  let header: ImageHeader;
  try {
    header = readImageHeader(bytes);
  } catch (err) {
    throw new ImageError(name, (err as Error).message);
  }
  const sizeProblem = imageSizeProblem(header.width, header.height);
  if (sizeProblem) throw new ImageError(name, sizeProblem);
  try {
    // Both decoders are synchronous: one image's buffers are alive at a time however many files load at once.
    if (header.format === 'png') return decodePng(bytes);
    return decodeJpeg(bytes, readJpegFrame(bytes), MAX_IMAGE_PIXELS);
  } catch (err) {
    throw new ImageError(name, err instanceof Error ? err.message : String(err));
  }
}

/** Reads and decodes an image file; errors name the file as `displayName` (default: its path). */
export async function loadImage(file: string, displayName: string = file): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new ImageError(displayName, 'not a file');
    if (stat.size > MAX_IMAGE_FILE_BYTES) throw new ImageError(displayName, `the file is too large (${stat.size} bytes)`);
    bytes = await fs.readFile(file);
  } catch (err) {
    if (err instanceof ImageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ImageError(displayName, 'the file does not exist');
    throw new ImageError(displayName, `cannot read the file (${(err as Error).message})`);
  }
  return decodeImage(bytes, displayName);
}

/** True for the file names decodeImage can read. */
export function isImageFileName(file: string): boolean {
  return ['.png', '.jpg', '.jpeg'].includes(path.extname(file).toLowerCase());
}
