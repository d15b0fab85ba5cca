// Pixels of the pictures the inspector draws: gradient masks in viridis, the colour scale, and
// feature maps in grey. Pure (RGBA bytes out, no DOM), so they are tested without a browser; the
// page puts them into canvases.
import { viridis } from '../../../common/colormap';

/** How much of the colour covers the crop where the mask is 0, and where it is 1: what the head ignores still shows the image. */
export const MASK_MIN_ALPHA = 0.2;
export const MASK_MAX_ALPHA = 0.85;

/** A mask (values 0..1, width x height, row-major) as RGBA: viridis colour, more opaque where larger. */
export function maskRgba(mask: readonly number[], width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  if (mask.length !== width * height) throw new RangeError(`a ${width}x${height} mask has ${width * height} values, not ${mask.length}`);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < mask.length; i++) {
    const m = Number.isFinite(mask[i]) ? Math.min(1, Math.max(0, mask[i])) : 0;
    const [r, g, b] = viridis(m);
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = Math.round(255 * (MASK_MIN_ALPHA + (MASK_MAX_ALPHA - MASK_MIN_ALPHA) * m));
  }
  return out;
}

/** The colour scale, low to high, `width` pixels wide and 1 high, opaque: the legend. */
export function scaleRgba(width: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(width * 4);
  for (let x = 0; x < width; x++) {
    const [r, g, b] = viridis(width === 1 ? 0 : x / (width - 1));
    out.set([r, g, b, 255], x * 4);
  }
  return out;
}

/** A feature map (0..255 per value) as opaque grey RGBA. */
export function greyRgba(values: readonly number[]): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = Number.isFinite(values[i]) ? values[i] : 0;
    out[i * 4] = v;
    out[i * 4 + 1] = v;
    out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return out;
}
