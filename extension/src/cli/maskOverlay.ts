// A head's gradient mask drawn over the part of the image the network saw (explain --out): the
// result's inputRegion of the original image in grey, the mask stretched over it in viridis
// (common/colormap.ts, the inspector's map), as PNG bytes.
import { overlayMask } from '../../../common/colormap';
import type { ExplainResult, PixelBox } from '../../../common/engineProtocol';
import type { RgbaImage } from '../dataset/images';
import { encodeRgbPng } from '../dataset/pngEncode';

/** The longer side of an overlay, in pixels: crops are small, masks coarser still. */
export const OVERLAY_SIDE = 256;

/** Bilinear sample of a one-channel grid at (x, y) in its index coordinates (cell centres at integers), clamped. */
function sample(grid: (x: number, y: number) => number, width: number, height: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), width - 1);
  const cy = Math.min(Math.max(y, 0), height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = grid(x0, y0) * (1 - fx) + grid(x1, y0) * fx;
  const bottom = grid(x0, y1) * (1 - fx) + grid(x1, y1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Size of the overlay of `region`: its aspect, the longer side OVERLAY_SIDE. */
export function overlaySize(region: PixelBox): { width: number; height: number } {
  const scale = OVERLAY_SIDE / Math.max(region.width, region.height);
  return { width: Math.max(1, Math.round(region.width * scale)), height: Math.max(1, Math.round(region.height * scale)) };
}

/** PNG of head `headIndex`'s mask of `result` over `image` (the image the result was computed from). */
export function maskOverlayPng(image: RgbaImage, result: ExplainResult, headIndex: number): Buffer {
  const region = result.inputRegion;
  const { width, height } = overlaySize(region);
  const mask = result.heads[headIndex].mask;
  const luma = (x: number, y: number): number => {
    const o = (y * image.width + x) * 4;
    return 0.299 * image.data[o] + 0.587 * image.data[o + 1] + 0.114 * image.data[o + 2];
  };
  const cell = (x: number, y: number): number => mask[y * result.maskWidth + x];
  const grey = new Float32Array(width * height);
  const up = new Float32Array(width * height);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      // Output pixel centre -> box coordinates in the image -> the image's and the mask's index coordinates.
      const fx = (u + 0.5) / width;
      const fy = (v + 0.5) / height;
      const x = region.left + fx * region.width;
      const y = region.top + fy * region.height;
      grey[v * width + u] = sample(luma, image.width, image.height, x - 0.5, y - 0.5);
      up[v * width + u] = sample(cell, result.maskWidth, result.maskHeight, fx * result.maskWidth - 0.5, fy * result.maskHeight - 0.5);
    }
  }
  return encodeRgbPng(width, height, overlayMask(grey, up));
}
