// Turns cached 64x64 RGB crops into network input batches (DESIGN §1): random sub-crops of the
// model's input size for training, the centre crop for evaluation. Each image is standardised
// (zero mean, unit variance over its 64x64 pixels): a cheap stand-in for batch norm that also
// removes the brightness and contrast differences between crops.
import { normalizeDatasetPath } from '../../../common/datasetPath';
import { fnv1a } from '../../../common/fnv1a';
import { mulberry32 } from '../../../common/mulberry32';
import { CROP_BYTES, CROP_SIZE } from '../dataset/preprocess';
import type { Augmentation } from './presets';

/** A small seeded PRNG (mulberry32): training order and crops repeat for a given seed. */
export const makeRng = mulberry32;

export function shuffled(n: number, rng: () => number): number[] {
  const a = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Per-image mean and 1/std over all 64x64x3 values. */
export function imageStats(pixels: Uint8Array, count: number): { mean: Float32Array; invStd: Float32Array } {
  if (pixels.length !== count * CROP_BYTES) throw new Error(`expected ${count * CROP_BYTES} pixel bytes, got ${pixels.length}`);
  const mean = new Float32Array(count);
  const invStd = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    let s2 = 0;
    const o = i * CROP_BYTES;
    for (let j = 0; j < CROP_BYTES; j++) {
      const v = pixels[o + j];
      s += v;
      s2 += v * v;
    }
    const m = s / CROP_BYTES;
    mean[i] = m;
    invStd[i] = 1 / Math.sqrt(Math.max(s2 / CROP_BYTES - m * m, 1));
  }
  return { mean, invStd };
}

export interface CropSource {
  pixels: Uint8Array;
  mean: Float32Array;
  invStd: Float32Array;
}

/**
 * Writes images `indices` into a [batch, size, size, channels] float array. `offsets` gives each
 * crop's top-left (y, x) in the 64x64 cache; undefined = the centre crop.
 */
export function fillBatch(
  src: CropSource, indices: readonly number[], size: number, channels: 1 | 3, out: Float32Array, offsets?: readonly [number, number][],
): void {
  const centre = Math.floor((CROP_SIZE - size) / 2);
  const per = size * size * channels;
  if (out.length < indices.length * per) throw new Error('batch buffer too small');
  indices.forEach((img, b) => {
    const [oy, ox] = offsets?.[b] ?? [centre, centre];
    const m = src.mean[img];
    const k = src.invStd[img];
    const base = img * CROP_BYTES;
    let o = b * per;
    for (let y = 0; y < size; y++) {
      let p = base + ((y + oy) * CROP_SIZE + ox) * 3;
      if (channels === 3) {
        for (let x = 0; x < size * 3; x++) out[o++] = (src.pixels[p++] - m) * k;
      } else {
        for (let x = 0; x < size; x++, p += 3) out[o++] = ((src.pixels[p] + src.pixels[p + 1] + src.pixels[p + 2]) / 3 - m) * k;
      }
    }
  });
}

/** A training crop: a window of the 64x64 cache (may be larger or smaller than the input, so it
 * is resampled), and whether to invert the standardised image (light-on-dark <-> dark-on-light). */
export interface CropWindow {
  top: number;
  left: number;
  height: number;
  width: number;
  invert: boolean;
}

/** Random windows for a batch, kept inside the 64x64 cache. */
export function randomWindows(count: number, size: number, aug: Augmentation, rng: () => number): CropWindow[] {
  return Array.from({ length: count }, () => {
    const s = size * (aug.scale[0] + (aug.scale[1] - aug.scale[0]) * rng());
    const a = 1 + aug.aspect * (2 * rng() - 1);
    const height = Math.min(CROP_SIZE, s / Math.sqrt(a));
    const width = Math.min(CROP_SIZE, s * Math.sqrt(a));
    return {
      top: (CROP_SIZE - height) * rng(),
      left: (CROP_SIZE - width) * rng(),
      height,
      width,
      invert: rng() < aug.invert,
    };
  });
}

/**
 * Like fillBatch with offsets, but each crop is a window resampled (bilinear) to size x size and
 * optionally inverted.
 */
export function fillBatchWindows(
  src: CropSource, indices: readonly number[], size: number, channels: 1 | 3, out: Float32Array, windows: readonly CropWindow[],
  width = size,
): void {
  const per = size * width * channels;
  if (out.length < indices.length * per) throw new Error('batch buffer too small');
  const x0 = new Int32Array(width);
  const x1 = new Int32Array(width);
  const fx = new Float32Array(width);
  indices.forEach((img, b) => {
    const w = windows[b];
    const k = w.invert ? -src.invStd[img] : src.invStd[img];
    const m = src.mean[img];
    const base = img * CROP_BYTES;
    const sy = w.height / size;
    const sx = w.width / width;
    for (let j = 0; j < width; j++) {
      const x = Math.min(Math.max(w.left + (j + 0.5) * sx - 0.5, 0), CROP_SIZE - 1);
      x0[j] = Math.floor(x);
      x1[j] = Math.min(x0[j] + 1, CROP_SIZE - 1);
      fx[j] = x - x0[j];
    }
    let o = b * per;
    for (let i = 0; i < size; i++) {
      const y = Math.min(Math.max(w.top + (i + 0.5) * sy - 0.5, 0), CROP_SIZE - 1);
      const y0 = Math.floor(y);
      const y1 = Math.min(y0 + 1, CROP_SIZE - 1);
      const fy = y - y0;
      const r0 = base + y0 * CROP_SIZE * 3;
      const r1 = base + y1 * CROP_SIZE * 3;
      for (let j = 0; j < width; j++) {
        const a0 = r0 + x0[j] * 3;
        const a1 = r0 + x1[j] * 3;
        const b0 = r1 + x0[j] * 3;
        const b1 = r1 + x1[j] * 3;
        const wx = fx[j];
        const w00 = (1 - fy) * (1 - wx);
        const w01 = (1 - fy) * wx;
        const w10 = fy * (1 - wx);
        const w11 = fy * wx;
        if (channels === 3) {
          for (let c = 0; c < 3; c++) {
            const v = w00 * src.pixels[a0 + c] + w01 * src.pixels[a1 + c] + w10 * src.pixels[b0 + c] + w11 * src.pixels[b1 + c];
            out[o++] = (v - m) * k;
          }
        } else {
          let v = 0;
          for (let c = 0; c < 3; c++) v += w00 * src.pixels[a0 + c] + w01 * src.pixels[a1 + c] + w10 * src.pixels[b0 + c] + w11 * src.pixels[b1 + c];
          out[o++] = (v / 3 - m) * k;
        }
      }
    }
  });
}

export function randomOffsets(count: number, size: number, rng: () => number): [number, number][] {
  const span = CROP_SIZE - size + 1;
  return Array.from({ length: count }, () => [Math.floor(rng() * span), Math.floor(rng() * span)] as [number, number]);
}

/**
 * Deterministic held-out split: a file is held out by the hash of its path, so the split does
 * not depend on row order or seed and a file stays on its side as the dataset grows. About 10%
 * is held out, at most ~300 files, and nothing when fewer than 20 rows exist. The path is hashed
 * in one spelling ('./a.png' is 'a.png', and case is ignored as some file systems ignore it), so
 * an image listed twice can never sit on both sides.
 */
export function splitValidation(files: readonly string[]): { train: number[]; validation: number[] } {
  const n = files.length;
  if (n < 20) return { train: [...files.keys()], validation: [] };
  const fraction = Math.min(0.1, 300 / n);
  const cut = Math.floor(fraction * 2 ** 32);
  const train: number[] = [];
  const validation: number[] = [];
  files.forEach((f, i) => (fnv1a(normalizeDatasetPath(f).toLowerCase()) < cut ? validation : train).push(i));
  return { train, validation };
}
