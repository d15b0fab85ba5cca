// A multi-digit crop composed from real single-digit crops (such as SVHN's 32x32 "format 2"
// digits): the central column of each digit crop side by side, seams cross-faded, the outer
// margins continued from the first and last crops' edges, then a little camera softening.
// Real digits teach the network real shapes, inks and walls; composing them gives it the
// sequence structure (length, positions) it must learn from multi-digit numbers.
import { Canvas } from './canvas';
import type { Random } from './random';
import { LENGTH_WEIGHTS, type PixelBox, type Scene } from './scene';

/** One real digit: its class and its pixels, `height` rows of `width` RGB triples. */
export interface DigitCrop {
  digit: number;
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Every digit crop is resampled to this height before composing (SVHN's format 2 is 32x32). */
export const DIGIT_CROP_HEIGHT = 32;
/** Digit crops centre their digit with part of the neighbours; the digit spans about this much of the height. */
const DIGIT_HEIGHT_SHARE = 0.8;
/** ...and about this much of the height in width (digits are narrower than tall). */
const DIGIT_WIDTH_SHARE = 0.5;

/** Bilinear resample of an RGB image to `height` rows, keeping its aspect ratio. */
export function resampleToHeight(crop: DigitCrop, height: number): DigitCrop {
  if (crop.height === height) return crop;
  const scale = height / crop.height;
  const width = Math.max(1, Math.round(crop.width * scale));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(crop.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(crop.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(crop.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(crop.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => crop.rgb[(yy * crop.width + xx) * 3 + c];
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
        rgb[(y * width + x) * 3 + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { digit: crop.digit, width, height, rgb };
}

/** The mean and standard deviation of each channel, to carry one crop's colours onto another. */
function channelStats(crop: DigitCrop): { mean: number[]; std: number[] } {
  const n = crop.width * crop.height;
  const mean = [0, 0, 0];
  const sq = [0, 0, 0];
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      const v = crop.rgb[3 * p + c];
      mean[c] += v;
      sq[c] += v * v;
    }
  }
  const std = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    mean[c] /= n;
    std[c] = Math.sqrt(Math.max(1, sq[c] / n - mean[c] * mean[c]));
  }
  return { mean, std };
}

/**
 * Composes one multi-digit scene from `pool` (digit crops already `DIGIT_CROP_HEIGHT` tall).
 * The digits are drawn from the pool at random, so their frequencies follow the pool's.
 */
export function composeScene(random: Random, pool: readonly DigitCrop[]): Scene {
  if (pool.length === 0) throw new Error('no digit crops to compose from');
  const length = random.weighted(LENGTH_WEIGHTS);
  const crops = Array.from({ length }, () => random.pick(pool));
  const H = DIGIT_CROP_HEIGHT;
  // One house has one paint: half the time every digit takes the first one's colours, so the
  // network cannot count digits by their patchwork alone.
  const harmonise = random.chance(0.5);
  const target = channelStats(crops[0]);
  const windows = crops.map((crop) => {
    const width = Math.min(crop.width, Math.round(H * random.uniform(0.45, 0.7)));
    const centre = crop.width / 2 + random.uniform(-1.5, 1.5);
    const left = Math.max(0, Math.min(crop.width - width, Math.round(centre - width / 2)));
    const stats = harmonise ? channelStats(crop) : undefined;
    return { crop, left, width, dy: random.int(-1, 1), stats };
  });
  const overlap = random.int(1, 4);
  const marginLeft = Math.round(H * random.uniform(0.1, 0.5));
  const marginRight = Math.round(H * random.uniform(0.1, 0.5));
  const marginTop = Math.round(H * random.uniform(0.02, 0.25));
  const marginBottom = Math.round(H * random.uniform(0.02, 0.25));
  const bodyWidth = windows.reduce((sum, w) => sum + w.width, 0) - overlap * (length - 1);
  const width = marginLeft + bodyWidth + marginRight;
  const height = marginTop + H + marginBottom;
  const canvas = new Canvas(width, height);
  const weight = new Float32Array(width * height);

  // The pixel of window `w` at column `wx` (may lie outside the window: continued from its edge column) and canvas row `y`.
  const sample = (w: (typeof windows)[number], wx: number, y: number, out: number[]): void => {
    const sx = w.left + Math.max(0, Math.min(w.width - 1, wx));
    const sy = Math.max(0, Math.min(H - 1, y - marginTop - w.dy));
    const i = (sy * w.crop.width + sx) * 3;
    for (let c = 0; c < 3; c++) {
      const v = w.crop.rgb[i + c];
      out[c] = w.stats ? target.mean[c] + ((v - w.stats.mean[c]) * target.std[c]) / w.stats.std[c] : v;
    }
  };
  const pixel = [0, 0, 0];
  const digitBoxes: PixelBox[] = [];
  let x0 = marginLeft;
  windows.forEach((w, i) => {
    const first = i === 0;
    const last = i === windows.length - 1;
    const from = first ? -marginLeft : 0;
    const to = last ? w.width + marginRight : w.width;
    for (let wx = from; wx < to; wx++) {
      // Cross-fade over the overlap with the neighbours so no seam marks a digit boundary.
      let a = 1;
      if (!first && wx < overlap) a = (wx + 1) / (overlap + 1);
      if (!last && wx >= w.width - overlap) a = Math.min(a, (w.width - wx) / (overlap + 1));
      const x = x0 + wx;
      if (x < 0 || x >= width) continue;
      for (let y = 0; y < height; y++) {
        sample(w, wx, y, pixel);
        const p = y * width + x;
        for (let c = 0; c < 3; c++) canvas.data[3 * p + c] += a * pixel[c];
        weight[p] += a;
      }
    }
    const boxWidth = Math.min(w.width, Math.round(H * DIGIT_WIDTH_SHARE));
    const centre = x0 + (w.crop.width / 2 - w.left);
    digitBoxes.push({
      left: Math.max(0, Math.round(centre - boxWidth / 2)),
      top: Math.max(0, Math.round(marginTop + w.dy + (H * (1 - DIGIT_HEIGHT_SHARE)) / 2)),
      width: boxWidth,
      height: Math.round(H * DIGIT_HEIGHT_SHARE),
    });
    x0 += w.width - overlap;
  });
  for (let p = 0; p < weight.length; p++) {
    const k = weight[p] > 0 ? 1 / weight[p] : 0;
    for (let c = 0; c < 3; c++) canvas.data[3 * p + c] *= k;
  }
  if (random.chance(0.3)) canvas.blur(random.uniform(0.3, 0.8));
  if (random.chance(0.5)) canvas.addNoise(random, random.uniform(1, 4));
  const left = Math.min(...digitBoxes.map((b) => b.left));
  const top = Math.min(...digitBoxes.map((b) => b.top));
  const right = Math.min(width, Math.max(...digitBoxes.map((b) => b.left + b.width)));
  const bottom = Math.min(height, Math.max(...digitBoxes.map((b) => b.top + b.height)));
  return {
    width,
    height,
    rgb: canvas.toRgbBytes(),
    label: crops.map((c) => c.digit).join(''),
    digitBoxes,
    box: { left, top, width: right - left, height: bottom - top },
  };
}
