// Where the network's input comes from in the original image, and back: the chain the
// preprocessing builds (DESIGN §1), inverted for one point.
//   image --cropRegion (box + 30%, clamped) + resizeRegionInto--> 64x64 cache crop
//         --centre window (predict.ts viewWindow, view 0), resampled--> network input (W x H)
// Both resamplings use the half-pixel convention: output pixel k samples the source at
// `origin + (k + 0.5) * scale - 0.5` in pixel indices (pixel j's centre is j), clamped to the
// source. The inverse below follows the same formulas, clamps included, so a mask cell lands on
// the image pixel its value was computed from. Points come out in box coordinates (pixel j spans
// j..j+1), the labels file's and the digit boxes' convention.
import { CROP_SIZE, cropRegion, type PixelRect } from '../dataset/preprocess';

/** A window of the 64x64 cache crop in its pixel edges (data.ts CropWindow without the inversion). */
export interface CacheWindow {
  top: number;
  left: number;
  height: number;
  width: number;
}

export interface InputGeometry {
  imageWidth: number;
  imageHeight: number;
  /** The part of the image the cache crop was resized from (preprocess.ts cropRegion). */
  region: PixelRect;
  /** The part of the cache crop the network input shows. */
  window: CacheWindow;
  inputWidth: number;
  inputHeight: number;
}

/** The geometry of a row's crop: its box (none = the whole image) through `window` into an input of inputWidth x inputHeight. */
export function inputGeometry(
  box: PixelRect | undefined, imageWidth: number, imageHeight: number, window: CacheWindow, inputWidth: number, inputHeight: number,
): InputGeometry {
  return { imageWidth, imageHeight, region: cropRegion(box, imageWidth, imageHeight), window, inputWidth, inputHeight };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** One axis: input index -> cache sample index -> image sample index -> box coordinate. */
function inputToImageAxis(k: number, inputSize: number, windowStart: number, windowSize: number, regionStart: number, regionSize: number, imageSize: number): number {
  const cache = clamp(windowStart + ((k + 0.5) * windowSize) / inputSize - 0.5, 0, CROP_SIZE - 1);
  const image = clamp(regionStart + ((cache + 0.5) * regionSize) / CROP_SIZE - 0.5, 0, imageSize - 1);
  return image + 0.5;
}

/** The point of the image (box coordinates, [x, y]) that input pixel (col, row) samples. */
export function inputPixelToImage(g: InputGeometry, col: number, row: number): [number, number] {
  return [
    inputToImageAxis(col, g.inputWidth, g.window.left, g.window.width, g.region.left, g.region.width, g.imageWidth),
    inputToImageAxis(row, g.inputHeight, g.window.top, g.window.height, g.region.top, g.region.height, g.imageHeight),
  ];
}

/** The rectangle of the image the input shows (the window's edges carried through the region's scale). */
export function inputRegionInImage(g: InputGeometry): PixelRect {
  const sx = g.region.width / CROP_SIZE;
  const sy = g.region.height / CROP_SIZE;
  return { left: g.region.left + g.window.left * sx, top: g.region.top + g.window.top * sy, width: g.window.width * sx, height: g.window.height * sy };
}
