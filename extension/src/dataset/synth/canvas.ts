// A float RGB canvas (0..255 per channel) with the few operations the street-number scenes
// need: fills, gradients, textures, masked compositing, blur, noise and camera-like softening.
import type { Random } from './random';

export type Rgb = readonly [number, number, number];

export class Canvas {
  readonly data: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Float32Array(width * height * 3);
  }

  fill(color: Rgb): void {
    for (let i = 0; i < this.data.length; i += 3) this.data.set(color, i);
  }

  /** Linear gradient from `from` to `to` along the direction `angle` (radians). */
  linearGradient(from: Rgb, to: Rgb, angle: number): void {
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    const span = Math.abs(dx) * this.width + Math.abs(dy) * this.height || 1;
    const offset = Math.min(0, dx * this.width) + Math.min(0, dy * this.height);
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const t = (dx * x + dy * y - offset) / span;
        const i = (y * this.width + x) * 3;
        for (let c = 0; c < 3; c++) this.data[i + c] = from[c] + (to[c] - from[c]) * t;
      }
    }
  }

  /** Multiplies brightness by 1 + amplitude * field(x, y), field in [-1, 1]. */
  modulate(field: Float32Array, amplitude: number): void {
    for (let p = 0; p < field.length; p++) {
      const k = Math.max(0, 1 + amplitude * field[p]);
      this.data[3 * p] *= k;
      this.data[3 * p + 1] *= k;
      this.data[3 * p + 2] *= k;
    }
  }

  /** Blends `color` over the canvas where `mask` (0..1 per pixel) covers it. */
  composite(mask: Float32Array, color: Rgb, opacity = 1, shade?: Float32Array): void {
    for (let p = 0; p < mask.length; p++) {
      const a = mask[p] * opacity;
      if (a <= 0) continue;
      const k = shade ? shade[p] : 1;
      const i = 3 * p;
      this.data[i] += (color[0] * k - this.data[i]) * a;
      this.data[i + 1] += (color[1] * k - this.data[i + 1]) * a;
      this.data[i + 2] += (color[2] * k - this.data[i + 2]) * a;
    }
  }

  /** Separable Gaussian blur of all three channels. */
  blur(sigma: number): void {
    if (sigma < 0.2) return;
    blurChannels(this.data, this.width, this.height, 3, sigma);
  }

  /** Blurs colour more than brightness, as JPEG's chroma subsampling and video compression do. */
  chromaBlur(sigma: number): void {
    const n = this.width * this.height;
    const d = this.data;
    const chroma = new Float32Array(n * 2);
    for (let p = 0; p < n; p++) {
      const y = 0.299 * d[3 * p] + 0.587 * d[3 * p + 1] + 0.114 * d[3 * p + 2];
      chroma[2 * p] = d[3 * p + 2] - y;
      chroma[2 * p + 1] = d[3 * p] - y;
    }
    blurChannels(chroma, this.width, this.height, 2, sigma);
    for (let p = 0; p < n; p++) {
      const y = 0.299 * d[3 * p] + 0.587 * d[3 * p + 1] + 0.114 * d[3 * p + 2];
      const r = y + chroma[2 * p + 1];
      const b = y + chroma[2 * p];
      d[3 * p] = r;
      d[3 * p + 2] = b;
      d[3 * p + 1] = (y - 0.299 * r - 0.114 * b) / 0.587;
    }
  }

  /** Sensor noise: independent Gaussian per channel plus a shared luminance part. */
  addNoise(random: Random, sigma: number): void {
    if (sigma <= 0) return;
    for (let p = 0; p < this.width * this.height; p++) {
      const shared = random.gaussian() * sigma;
      for (let c = 0; c < 3; c++) this.data[3 * p + c] += shared + random.gaussian() * sigma * 0.4;
    }
  }

  /** Loses resolution: area-average down by `factor`, then bilinear back up (an upscaled small photo). */
  lowResolution(factor: number): void {
    const w = Math.max(2, Math.round(this.width / factor));
    const h = Math.max(2, Math.round(this.height / factor));
    const small = new Float32Array(w * h * 3);
    const counts = new Float32Array(w * h);
    for (let y = 0; y < this.height; y++) {
      const sy = Math.min(h - 1, Math.floor((y * h) / this.height));
      for (let x = 0; x < this.width; x++) {
        const sx = Math.min(w - 1, Math.floor((x * w) / this.width));
        const s = sy * w + sx;
        counts[s]++;
        for (let c = 0; c < 3; c++) small[3 * s + c] += this.data[3 * (y * this.width + x) + c];
      }
    }
    for (let s = 0; s < w * h; s++) for (let c = 0; c < 3; c++) small[3 * s + c] /= Math.max(1, counts[s]);
    for (let y = 0; y < this.height; y++) {
      const fy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / this.height - 0.5));
      const y0 = Math.floor(fy);
      const y1 = Math.min(h - 1, y0 + 1);
      const ty = fy - y0;
      for (let x = 0; x < this.width; x++) {
        const fx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / this.width - 0.5));
        const x0 = Math.floor(fx);
        const x1 = Math.min(w - 1, x0 + 1);
        const tx = fx - x0;
        for (let c = 0; c < 3; c++) {
          const top = small[3 * (y0 * w + x0) + c] * (1 - tx) + small[3 * (y0 * w + x1) + c] * tx;
          const bottom = small[3 * (y1 * w + x0) + c] * (1 - tx) + small[3 * (y1 * w + x1) + c] * tx;
          this.data[3 * (y * this.width + x) + c] = top * (1 - ty) + bottom * ty;
        }
      }
    }
  }

  /**
   * JPEG's loss on brightness: each 8x8 block's DCT coefficients are quantised with the
   * standard luminance table at `quality` (1..100), giving blocking and ringing around edges.
   */
  jpegArtifacts(quality: number): void {
    const scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
    const q = LUMA_QUANT.map((v) => Math.max(1, Math.floor((v * scale + 50) / 100)));
    const { width, height } = this;
    const d = this.data;
    const block = new Float64Array(64);
    const tmp = new Float64Array(64);
    for (let by = 0; by < height; by += 8) {
      for (let bx = 0; bx < width; bx += 8) {
        // Luma of the block (edge pixels repeated, as encoders pad).
        for (let v = 0; v < 8; v++) {
          for (let u = 0; u < 8; u++) {
            const p = (Math.min(height - 1, by + v) * width + Math.min(width - 1, bx + u)) * 3;
            block[v * 8 + u] = 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2] - 128;
          }
        }
        dct8x8(block, tmp, false);
        for (let k = 0; k < 64; k++) block[k] = Math.round(block[k] / q[k]) * q[k];
        dct8x8(block, tmp, true);
        for (let v = 0; v < 8 && by + v < height; v++) {
          for (let u = 0; u < 8 && bx + u < width; u++) {
            const p = ((by + v) * width + bx + u) * 3;
            const delta = block[v * 8 + u] + 128 - (0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2]);
            d[p] += delta;
            d[p + 1] += delta;
            d[p + 2] += delta;
          }
        }
      }
    }
  }

  /** Saturation (0 = grey, 1 = unchanged) and per-channel gains (white balance). */
  colourBalance(saturation: number, gains: Rgb): void {
    const d = this.data;
    for (let i = 0; i < d.length; i += 3) {
      const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
      for (let c = 0; c < 3; c++) d[i + c] = (y + (d[i + c] - y) * saturation) * gains[c];
    }
  }

  /** Contrast, brightness and gamma as a camera's tone curve would change them. */
  tone(contrast: number, brightness: number, gamma: number): void {
    // Through a table: the curve is smooth and 4096 steps are finer than the 8-bit output.
    const steps = 4095;
    const curve = new Float32Array(steps + 1);
    for (let k = 0; k <= steps; k++) curve[k] = 255 * Math.pow(k / steps, gamma);
    for (let i = 0; i < this.data.length; i++) {
      const v = Math.min(1, Math.max(0, ((this.data[i] - 128) * contrast + 128 + brightness) / 255));
      this.data[i] = curve[Math.round(v * steps)];
    }
  }

  /** 8-bit RGB, rounded and clamped. */
  toRgbBytes(): Uint8Array {
    const out = new Uint8Array(this.data.length);
    for (let i = 0; i < this.data.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(this.data[i])));
    return out;
  }
}

/** The JPEG standard's luminance quantisation table (quality 50), in row-major order. */
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22,
  37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/** Orthonormal DCT-II basis: COS[k * 8 + n] = c(k) cos((2n + 1) k pi / 16). */
const COS = (() => {
  const m = new Float64Array(64);
  for (let k = 0; k < 8; k++) for (let n = 0; n < 8; n++) m[k * 8 + n] = (k === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * n + 1) * k * Math.PI) / 16);
  return m;
})();

/** 2-D 8x8 DCT (or its inverse) in place, as two passes of the 1-D transform. */
function dct8x8(block: Float64Array, tmp: Float64Array, inverse: boolean): void {
  for (let pass = 0; pass < 2; pass++) {
    const src = pass === 0 ? block : tmp;
    const dst = pass === 0 ? tmp : block;
    for (let r = 0; r < 8; r++) {
      for (let k = 0; k < 8; k++) {
        let acc = 0;
        for (let n = 0; n < 8; n++) acc += src[r * 8 + n] * (inverse ? COS[n * 8 + k] : COS[k * 8 + n]);
        dst[k * 8 + r] = acc; // transposed, so the second pass works on columns
      }
    }
  }
}

/** Gaussian blur of interleaved channels in place. */
export function blurChannels(data: Float32Array, width: number, height: number, channels: number, sigma: number): void {
  const radius = Math.max(1, Math.ceil(sigma * 2.5));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] = Math.exp((-k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  const tmp = new Float32Array(data.length);
  const pass = (src: Float32Array, dst: Float32Array, horizontal: boolean) => {
    const n = horizontal ? width : height;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const pos = horizontal ? x : y;
        for (let c = 0; c < channels; c++) {
          let acc = 0;
          for (let k = -radius; k <= radius; k++) {
            const q = Math.min(n - 1, Math.max(0, pos + k));
            const idx = horizontal ? y * width + q : q * width + x;
            acc += src[idx * channels + c] * kernel[k + radius];
          }
          dst[(y * width + x) * channels + c] = acc;
        }
      }
    }
  };
  pass(data, tmp, true);
  pass(tmp, data, false);
}

/** Smooth value noise in [-1, 1] with the given feature size in pixels, summed over octaves. */
export function valueNoise(random: Random, width: number, height: number, cell: number, octaves: number): Float32Array {
  const out = new Float32Array(width * height);
  let amplitude = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const size = Math.max(1, cell / 2 ** o);
    const gw = Math.ceil(width / size) + 2;
    const gh = Math.ceil(height / size) + 2;
    const grid = new Float32Array(gw * gh);
    for (let i = 0; i < grid.length; i++) grid[i] = random.next() * 2 - 1;
    for (let y = 0; y < height; y++) {
      const fy = y / size;
      const y0 = Math.floor(fy);
      const ty = smooth(fy - y0);
      for (let x = 0; x < width; x++) {
        const fx = x / size;
        const x0 = Math.floor(fx);
        const tx = smooth(fx - x0);
        const a = grid[y0 * gw + x0] * (1 - tx) + grid[y0 * gw + x0 + 1] * tx;
        const b = grid[(y0 + 1) * gw + x0] * (1 - tx) + grid[(y0 + 1) * gw + x0 + 1] * tx;
        out[y * width + x] += amplitude * (a * (1 - ty) + b * ty);
      }
    }
    total += amplitude;
    amplitude *= 0.5;
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/** Grows a coverage mask by `radius` pixels (max filter over a disc), for outlines and bold strokes. */
export function dilate(mask: Float32Array, width: number, height: number, radius: number): Float32Array {
  const r = Math.ceil(radius);
  const out = new Float32Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let best = 0;
      for (let dy = -r; dy <= r; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width || dx * dx + dy * dy > radius * radius + 0.5) continue;
          const v = mask[yy * width + xx];
          if (v > best) best = v;
        }
      }
      out[y * width + x] = best;
    }
  }
  return out;
}

/** HSV (h in turns, s and v in 0..1) to 0..255 RGB. */
export function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return 255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [f(5), f(3), f(1)];
}

export function luminance(c: Rgb): number {
  return (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255;
}
