// The paper's preprocessing (DESIGN §1): the union box of the digits, expanded by 30% in x and
// y around its centre, cropped (clamped to the image) and resized to 64x64 RGB. The engine then
// takes random 54x54 crops for training and the centre crop for evaluation.
import { BOX_EXPANSION, expandedBoxRegion } from '../../../common/cropRegion';
import type { RgbaImage } from './images';

export { BOX_EXPANSION };

export const CROP_SIZE = 64;
export const CROP_CHANNELS = 3;
/** Bytes of one preprocessed crop: 64 x 64 x RGB, rows top to bottom (HWC). */
export const CROP_BYTES = CROP_SIZE * CROP_SIZE * CROP_CHANNELS;

/** A rectangle in image pixels (same shape as the labels file's Box). */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export class PreprocessError extends Error {}

/**
 * The region of the image that becomes the 64x64 crop: the box expanded by 30% around its
 * centre and clamped to the image, or the whole image when there is no box. Fractional edges
 * are kept; the resize samples between pixels. Throws PreprocessError when nothing is left.
 */
export function cropRegion(box: PixelRect | undefined, imageWidth: number, imageHeight: number): PixelRect {
  if (!box) return { left: 0, top: 0, width: imageWidth, height: imageHeight };
  const region = expandedBoxRegion(box, imageWidth, imageHeight);
  if (!region) {
    throw new PreprocessError(
      `the box ${box.left} ${box.top} ${box.width} ${box.height} leaves less than a pixel inside the ${imageWidth}x${imageHeight} image`,
    );
  }
  return region;
}

/**
 * Bilinear resize of `region` of `image` to 64x64 RGB, written at `out[offset..offset+CROP_BYTES)`.
 * Pixel centres map to pixel centres (half-pixel convention); samples are clamped to the image.
 * Alpha is ignored, as when an RGBA image is converted to RGB.
 */
export function resizeRegionInto(image: RgbaImage, region: PixelRect, out: Uint8Array, offset: number): void {
  const { width, height, data } = image;
  const xLo = new Int32Array(CROP_SIZE);
  const xHi = new Int32Array(CROP_SIZE);
  const xFrac = new Float64Array(CROP_SIZE);
  for (let ox = 0; ox < CROP_SIZE; ox++) {
    const sx = Math.min(width - 1, Math.max(0, region.left + ((ox + 0.5) * region.width) / CROP_SIZE - 0.5));
    xLo[ox] = Math.floor(sx);
    xHi[ox] = Math.min(width - 1, xLo[ox] + 1);
    xFrac[ox] = sx - xLo[ox];
  }
  let o = offset;
  for (let oy = 0; oy < CROP_SIZE; oy++) {
    const sy = Math.min(height - 1, Math.max(0, region.top + ((oy + 0.5) * region.height) / CROP_SIZE - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sy - y0;
    const row0 = y0 * width * 4;
    const row1 = y1 * width * 4;
    for (let ox = 0; ox < CROP_SIZE; ox++) {
      const fx = xFrac[ox];
      const a = row0 + xLo[ox] * 4;
      const b = row0 + xHi[ox] * 4;
      const c = row1 + xLo[ox] * 4;
      const d = row1 + xHi[ox] * 4;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[a + ch] + (data[b + ch] - data[a + ch]) * fx;
        const bottom = data[c + ch] + (data[d + ch] - data[c + ch]) * fx;
        out[o++] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
}

/** The preprocessed 64x64x3 crop of `image` for `box` (whole image when there is no box). */
export function preprocess(image: RgbaImage, box: PixelRect | undefined): Uint8Array {
  const out = new Uint8Array(CROP_BYTES);
  resizeRegionInto(image, cropRegion(box, image.width, image.height), out, 0);
  return out;
}
