// The colormap saliency masks are drawn with, by `digit-lens explain --out` and the inspector's
// webview alike: viridis (van der Walt and Smith, matplotlib's default). Its lightness rises
// monotonically from dark purple to yellow, so a mask reads the same in greyscale and to viewers
// with the common colour-vision deficiencies, unlike a red-to-green "jet".

/** matplotlib's viridis sampled at 10 evenly spaced points, 0 to 1 (its published hex values). */
const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [0x44, 0x01, 0x54],
  [0x48, 0x28, 0x78],
  [0x3e, 0x49, 0x89],
  [0x31, 0x68, 0x8e],
  [0x26, 0x82, 0x8e],
  [0x1f, 0x9e, 0x89],
  [0x35, 0xb7, 0x79],
  [0x6e, 0xce, 0x58],
  [0xb5, 0xde, 0x2b],
  [0xfd, 0xe7, 0x25],
];

/**
 * The viridis colour of `t` in 0..1 as 8-bit RGB, linearly interpolated between the stops (within
 * a few units of matplotlib's 256-entry table). Values outside 0..1 are clamped; NaN is 0.
 */
export function viridis(t: number): [number, number, number] {
  const x = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t)) * (VIRIDIS_STOPS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS_STOPS.length - 2);
  const f = x - i;
  const a = VIRIDIS_STOPS[i];
  const b = VIRIDIS_STOPS[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

/**
 * A mask (values 0..1) over a grey image, both `width * height` row-major, as RGB bytes: each
 * pixel blends the grey image with the mask's viridis colour, more of the colour where the mask is
 * larger, so what the head ignores still shows the image. `grey` holds 0..255.
 */
export function overlayMask(grey: ArrayLike<number>, mask: ArrayLike<number>, out: Uint8Array = new Uint8Array(grey.length * 3)): Uint8Array {
  if (mask.length !== grey.length || out.length !== grey.length * 3) throw new RangeError('the image, the mask and the output differ in size');
  for (let i = 0; i < grey.length; i++) {
    const m = Number.isNaN(mask[i]) ? 0 : Math.min(1, Math.max(0, mask[i]));
    const alpha = OVERLAY_MIN_ALPHA + (OVERLAY_MAX_ALPHA - OVERLAY_MIN_ALPHA) * m;
    const colour = viridis(m);
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(grey[i] * (1 - alpha) + colour[c] * alpha);
  }
  return out;
}

/** How much of the mask's colour shows where the mask is 0, and where it is 1. */
export const OVERLAY_MIN_ALPHA = 0.2;
export const OVERLAY_MAX_ALPHA = 0.85;
