// One synthetic street-number crop: a wall (plain, gradient, stucco, brick or siding), maybe a
// plate, 1-6 digits in a real font under a slight rotation, shear and perspective, clutter at
// the edges (cut-off neighbouring digits, frames), then camera effects (blur, low resolution,
// chroma bleeding, noise, tone). Returns the pixels and the per-digit boxes in reading order.
import { Canvas, dilate, hsv, luminance, type Rgb, valueNoise, blurChannels } from './canvas';
import type { DigitFont } from './fonts';
import type { Random } from './random';
import { type Bounds, type Contour, contourBounds, ellipse, fillContours, type Homography, multiply, roundedRect, transformContours } from './raster';

export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Scene {
  width: number;
  height: number;
  /** width * height * 3 bytes. */
  rgb: Uint8Array;
  label: string;
  digitBoxes: PixelBox[];
  box: PixelBox;
}

/** Weight of each length 0..6: mostly 2-3 digits, like house numbers; six is rare. */
export const LENGTH_WEIGHTS = [0, 15, 30, 30, 17, 7, 1];
const MAX_WIDTH = 220;
const MIN_WIDTH = 40;

/** Digit outlines laid out on a line, in units where a digit is 1 tall, y down, baseline 0. */
function layoutDigits(random: Random, font: DigitFont, digits: number[]): Contour[][] {
  const unit = 1 / font.digitHeight;
  const tight = random.chance(0.4);
  const tracking = random.uniform(-0.03, tight ? 0.35 : 0.2);
  const jitter = random.chance(0.3) ? random.uniform(0.01, 0.05) : 0; // hand-mounted digits are uneven
  let pen = 0;
  return digits.map((d) => {
    const glyph = font.glyphs[d];
    const scale = unit * (1 + jitter * random.gaussian() * 0.5);
    const dy = jitter * random.gaussian();
    const x0 = tight ? pen - glyph.bounds.minX * scale : pen;
    const placed = glyph.contours.map((c) => {
      const out = new Float64Array(c.length);
      for (let i = 0; i < c.length; i += 2) {
        out[i] = x0 + c[i] * scale;
        out[i + 1] = c[i + 1] * scale + dy;
      }
      return out;
    });
    pen = tight ? x0 + glyph.bounds.maxX * scale + tracking : pen + glyph.advance * scale + tracking * 0.5;
    return placed;
  });
}

/** Rotation, shear, aspect and a mild perspective about the origin, for a text of the given extent. */
function cameraTransform(random: Random, centreX: number, centreY: number, textWidth: number): number[] {
  const clip = (v: number, m: number) => Math.max(-m, Math.min(m, v));
  const angle = (clip(random.gaussian() * 3.5, 12) * Math.PI) / 180;
  const shear = random.chance(0.3) ? clip(random.gaussian() * 0.12, 0.3) : 0;
  const aspect = random.logUniform(0.8, 1.25);
  const gx = random.chance(0.5) ? random.uniform(-0.3, 0.3) / Math.max(1, textWidth) : 0;
  const gy = random.chance(0.3) ? random.uniform(-0.15, 0.15) : 0;
  const toCentre = [1, 0, -centreX, 0, 1, -centreY, 0, 0, 1];
  const stretch = [aspect, shear, 0, 0, 1, 0, 0, 0, 1];
  const rotate = [Math.cos(angle), -Math.sin(angle), 0, Math.sin(angle), Math.cos(angle), 0, 0, 0, 1];
  const perspective = [1, 0, 0, 0, 1, 0, gx, gy, 1];
  return multiply(perspective, multiply(rotate, multiply(stretch, toCentre)));
}

function unionBounds(list: readonly Bounds[]): Bounds {
  return {
    minX: Math.min(...list.map((b) => b.minX)),
    minY: Math.min(...list.map((b) => b.minY)),
    maxX: Math.max(...list.map((b) => b.maxX)),
    maxY: Math.max(...list.map((b) => b.maxY)),
  };
}

/** A wall or plate colour, and a text colour whose luminance differs from it by a chosen gap. */
function colours(random: Random): { ground: Rgb; ink: Rgb } {
  const ground = hsv(random.next(), random.chance(0.7) ? random.uniform(0, 0.2) : random.uniform(0.25, 0.8), random.uniform(0.08, 0.97));
  const groundLum = luminance(ground);
  const darkInk = groundLum > 0.55 || (groundLum > 0.4 && random.chance(0.5));
  const gap = random.chance(0.2) ? random.uniform(0.15, 0.3) : random.uniform(0.35, 0.9);
  const target = darkInk ? Math.max(0, groundLum - gap) : Math.min(1, groundLum + gap);
  const hue = random.chance(0.7) ? hsv(0, 0, 0.5) : hsv(random.pick([0.0, 0.08, 0.12, 0.33, 0.6, random.next()]), random.uniform(0.3, 0.9), 1);
  return { ground, ink: withLuminance(hue, target) };
}

/** The colour mixed with black or white until its luminance is `target` (luminance is linear in the mix). */
function withLuminance(colour: Rgb, target: number): Rgb {
  const lum = luminance(colour);
  if (target <= lum) {
    const k = lum > 0 ? target / lum : 0;
    return [colour[0] * k, colour[1] * k, colour[2] * k];
  }
  const t = (target - lum) / (1 - lum);
  return [colour[0] + (255 - colour[0]) * t, colour[1] + (255 - colour[1]) * t, colour[2] + (255 - colour[2]) * t];
}

function paintWall(random: Random, canvas: Canvas, colour: Rgb, digitHeight: number): void {
  const { width, height } = canvas;
  const kind = random.weighted([25, 25, 25, 10, 15]);
  const other = colour.map((v) => v * random.uniform(0.6, 1.4)) as unknown as Rgb;
  if (kind === 1) canvas.linearGradient(colour, other, random.uniform(0, 2 * Math.PI));
  else canvas.fill(colour);
  if (kind === 2) canvas.modulate(valueNoise(random, width, height, random.uniform(3, 20), 3), random.uniform(0.05, 0.25));
  if (kind === 3 || kind === 4) {
    // Bricks or siding: courses of random height with darker joints.
    const course = digitHeight * random.uniform(0.25, 0.8);
    const brick = course * random.uniform(2, 3.5);
    const joint = Math.max(0.6, course * random.uniform(0.06, 0.15));
    const field = new Float32Array(width * height);
    const courseShade = Array.from({ length: Math.ceil(height / course) + 2 }, () => random.uniform(-0.12, 0.12));
    const phase = random.uniform(0, course);
    for (let y = 0; y < height; y++) {
      const row = Math.floor((y + phase) / course);
      const inRow = (y + phase) - row * course;
      for (let x = 0; x < width; x++) {
        let v = courseShade[row] + (kind === 4 ? (inRow / course) * 0.15 : 0);
        if (inRow < joint) v = -0.35;
        else if (kind === 3 && ((x + (row % 2) * brick * 0.5) % brick) < joint) v = -0.35;
        field[y * width + x] = v;
      }
    }
    canvas.modulate(field, 1);
  }
}

/** A plate behind the digits, in the same unit space as the text (before the camera transform). */
function plateShapes(random: Random, text: Bounds): { plate: Contour[]; border?: Contour[]; screws: Contour[] } {
  const padX = random.uniform(0.1, 0.5);
  const padY = random.uniform(0.1, 0.4);
  const x = text.minX - padX;
  const y = text.minY - padY;
  const w = text.maxX - text.minX + 2 * padX;
  const h = text.maxY - text.minY + 2 * padY;
  const oval = random.chance(0.1);
  const plate = oval ? [ellipse(x + w / 2, y + h / 2, (w / 2) * 1.2, (h / 2) * 1.25, 40)] : [roundedRect(x, y, w, h, random.chance(0.5) ? random.uniform(0, 0.3) : 0)];
  let border: Contour[] | undefined;
  if (!oval && random.chance(0.3)) {
    const inset = random.uniform(0.03, 0.08);
    const t = random.uniform(0.03, 0.07);
    border = [roundedRect(x + inset, y + inset, w - 2 * inset, h - 2 * inset, 0.05), roundedRect(x + inset + t, y + inset + t, w - 2 * (inset + t), h - 2 * (inset + t), 0.03, false)];
  }
  const screws: Contour[] = [];
  if (!oval && random.chance(0.2)) {
    const r = 0.04;
    for (const [sx, sy] of [[x + padX / 2, y + h / 2], [x + w - padX / 2, y + h / 2]]) screws.push(ellipse(sx, sy, r, r, 10));
  }
  return { plate, border, screws };
}

/**
 * Renders scenes from `random` until one keeps its digits visible after the camera effects
 * (a luminance difference of at least MIN_CONTRAST between the digits' cores and the ground
 * around them). The stream continues across attempts, so the result is still seed-determined.
 */
export function renderScene(random: Random, fonts: readonly DigitFont[]): Scene {
  for (let attempt = 1; ; attempt++) {
    const { scene, contrast } = renderAttempt(random, fonts);
    if (contrast >= MIN_CONTRAST || attempt === 8) return scene;
  }
}

/** Luminance difference (0..1) below which a crop counts as unreadable and is drawn again. */
const MIN_CONTRAST = 0.1;

function renderAttempt(random: Random, fonts: readonly DigitFont[]): { scene: Scene; contrast: number } {
  const length = random.weighted(LENGTH_WEIGHTS);
  const digits = Array.from({ length }, (_, i) => (i === 0 && !random.chance(0.04) ? random.int(1, 9) : random.int(0, 9)));
  const font = random.pick(fonts);
  const laid = layoutDigits(random, font, digits);
  const layoutBounds = unionBounds(laid.map(contourBounds));
  const camera = cameraTransform(
    random,
    (layoutBounds.minX + layoutBounds.maxX) / 2,
    (layoutBounds.minY + layoutBounds.maxY) / 2,
    layoutBounds.maxX - layoutBounds.minX,
  );
  const textBounds = unionBounds(laid.map((d) => contourBounds(transformContours(d, camera))));

  // Margins in digit heights; sometimes tight like a detector's crop, sometimes loose.
  const tight = random.chance(0.12);
  const margin = () => (tight ? random.uniform(0.04, 0.15) : random.uniform(0.15, 1.0));
  let [left, right, top, bottom] = [margin(), margin(), margin() * 0.7, margin() * 0.7];
  const unitWidth = textBounds.maxX - textBounds.minX + left + right;
  const unitHeight = textBounds.maxY - textBounds.minY + top + bottom;
  let digitPx = random.logUniform(14, 64);
  digitPx = Math.min(digitPx, random.uniform(0.75, 1) * (MAX_WIDTH / unitWidth), 130 / unitHeight);
  if (unitWidth * digitPx < MIN_WIDTH) {
    // Too narrow: widen the side margins rather than inflate the digits.
    const extra = (MIN_WIDTH / digitPx - unitWidth) / 2;
    left += extra;
    right += extra;
  }
  top = Math.max(top, 2 / digitPx);
  bottom = Math.max(bottom, 2 / digitPx);
  left = Math.max(left, 2 / digitPx);
  right = Math.max(right, 2 / digitPx);
  const width = Math.ceil((textBounds.maxX - textBounds.minX + left + right) * digitPx);
  const height = Math.ceil((textBounds.maxY - textBounds.minY + top + bottom) * digitPx);
  const place = [digitPx, 0, (left - textBounds.minX) * digitPx, 0, digitPx, (top - textBounds.minY) * digitPx, 0, 0, 1];
  const toImage: Homography = multiply(place, camera);

  const canvas = new Canvas(width, height);
  const onPlate = random.chance(0.55);
  const { ground, ink } = colours(random);
  const wall = onPlate ? colours(random).ground : ground;
  paintWall(random, canvas, wall, digitPx);

  const digitShapes = laid.map((d) => transformContours(d, toImage));
  const digitBounds = digitShapes.map(contourBounds);
  const union = unionBounds(digitBounds);
  drawClutter(random, canvas, font, union, toImage, layoutBounds, digitPx, ink, wall);

  if (onPlate) {
    const shapes = plateShapes(random, layoutBounds);
    const shadow = random.chance(0.3);
    const plateMask = fillContours(transformContours(shapes.plate, toImage), width, height);
    if (shadow) drawShadow(random, canvas, plateMask, digitPx);
    canvas.composite(plateMask, ground);
    if (shapes.border) canvas.composite(fillContours(transformContours(shapes.border, toImage), width, height), ink);
    if (shapes.screws.length) canvas.composite(fillContours(transformContours(shapes.screws, toImage), width, height), hsv(0, 0, 0.55));
  }

  const textMask = new Float32Array(width * height);
  for (const shape of digitShapes) fillContours(shape, width, height, textMask);
  if (random.chance(0.3)) drawShadow(random, canvas, textMask, digitPx);
  if (random.chance(0.08)) {
    const outline = dilate(textMask, width, height, Math.max(1, digitPx * random.uniform(0.04, 0.08)));
    canvas.composite(outline, luminance(ink) > 0.5 ? hsv(0, 0, 0.05) : hsv(0, 0, 0.95));
  }
  const shade = random.chance(0.25) ? metalShade(random, width, height) : undefined;
  canvas.composite(textMask, ink, random.uniform(0.85, 1), shade);

  applyCamera(random, canvas, digitPx);

  const digitBoxes = digitBounds.map((b) => pixelBox(b, width, height));
  const box = pixelBox(union, width, height);
  const rgb = canvas.toRgbBytes();
  return { scene: { width, height, rgb, label: digits.join(''), digitBoxes, box }, contrast: textContrast(rgb, width, textMask, box) };
}

/** Mean luminance of the digits' cores against the rest of their box, 0..1. */
function textContrast(rgb: Uint8Array, width: number, textMask: Float32Array, box: PixelBox): number {
  let ink = 0;
  let inkCount = 0;
  let ground = 0;
  let groundCount = 0;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      const p = y * width + x;
      const lum = 0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2];
      if (textMask[p] > 0.9) {
        ink += lum;
        inkCount++;
      } else if (textMask[p] < 0.05) {
        ground += lum;
        groundCount++;
      }
    }
  }
  if (inkCount === 0 || groundCount === 0) return 0;
  return Math.abs(ink / inkCount - ground / groundCount) / 255;
}

/** Integer box around fractional bounds, kept inside the image. */
function pixelBox(b: Bounds, width: number, height: number): PixelBox {
  const left = Math.max(0, Math.floor(b.minX));
  const top = Math.max(0, Math.floor(b.minY));
  const right = Math.min(width, Math.ceil(b.maxX));
  const bottom = Math.min(height, Math.ceil(b.maxY));
  return { left, top, width: right - left, height: bottom - top };
}

function drawShadow(random: Random, canvas: Canvas, mask: Float32Array, digitPx: number): void {
  const { width, height } = canvas;
  const dx = Math.round(random.uniform(0.03, 0.1) * digitPx) * (random.chance(0.5) ? 1 : -1);
  const dy = Math.round(random.uniform(0.03, 0.1) * digitPx);
  const shifted = new Float32Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sx < width && sy >= 0 && sy < height) shifted[y * width + x] = mask[sy * width + sx];
    }
  }
  blurChannels(shifted, width, height, 1, Math.max(0.5, digitPx * 0.03));
  canvas.composite(shifted, [0, 0, 0], random.uniform(0.25, 0.6));
}

/** Brightness across the digits, like brushed metal or a light from above. */
function metalShade(random: Random, width: number, height: number): Float32Array {
  const shade = new Float32Array(width * height);
  const amount = random.uniform(0.15, 0.45);
  const flip = random.chance(0.5) ? 1 : -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) shade[y * width + x] = 1 + flip * amount * (y / height - 0.5) + 0.1 * Math.sin(x * 0.7 + y * 0.2);
  }
  return shade;
}

/** Things at the crop edges: neighbouring digits cut by the crop, door frames, pipes. Never over the digits' union box. */
function drawClutter(random: Random, canvas: Canvas, font: DigitFont, union: Bounds, toImage: Homography, layout: Bounds, digitPx: number, ink: Rgb, wall: Rgb): void {
  const { width, height } = canvas;
  const gap = 0.15 * digitPx;
  if (random.chance(0.3)) {
    // A digit beyond each chosen edge, on the same line as the number, partly inside the crop.
    for (const side of random.chance(0.3) ? [-1, 1] : [random.chance(0.5) ? -1 : 1]) {
      const glyph = font.glyphs[random.int(0, 9)];
      const scale = 1 / font.digitHeight;
      const visible = random.uniform(0.15, 0.55) * (glyph.bounds.maxX - glyph.bounds.minX) * scale;
      const startUnit = side < 0 ? layout.minX - (union.minX / digitPx) - (glyph.bounds.maxX - glyph.bounds.minX) * scale + visible : layout.maxX + (width - union.maxX) / digitPx - visible;
      const shape = glyph.contours.map((c) => {
        const out = new Float64Array(c.length);
        for (let i = 0; i < c.length; i += 2) {
          out[i] = startUnit + (c[i] - glyph.bounds.minX) * scale;
          out[i + 1] = c[i + 1] * scale;
        }
        return out;
      });
      const placed = transformContours(shape, toImage);
      const b = contourBounds(placed);
      // Far enough from the number that a labeler would not count it as one of its digits.
      const clear = 0.45 * digitPx;
      if (b.maxX < union.minX - clear || b.minX > union.maxX + clear) canvas.composite(fillContours(placed, width, height), ink, random.uniform(0.6, 1));
    }
  }
  if (random.chance(0.25)) {
    // A frame edge or pipe in a margin: a bar along one side that stays clear of the digits.
    const colour = random.chance(0.5) ? hsv(0, 0, random.uniform(0, 0.3)) : wall.map((v) => v * random.uniform(0.5, 1.5)) as unknown as Rgb;
    const thickness = random.uniform(0.05, 0.3) * digitPx;
    const bar = new Float32Array(width * height);
    const vertical = random.chance(0.6);
    const room = vertical ? Math.max(union.minX, width - union.maxX) : Math.max(union.minY, height - union.maxY);
    if (room - gap > 1) {
      const before = vertical ? union.minX >= width - union.maxX : union.minY >= height - union.maxY;
      const at = random.uniform(0, Math.max(0, room - gap - thickness));
      const from = before ? at : (vertical ? width : height) - at - thickness;
      const to = Math.min(from + thickness, before ? room - gap : vertical ? width : height);
      const tilt = random.uniform(-0.05, 0.05);
      const contour = vertical
        ? Float64Array.from([from, 0, to, 0, to + tilt * height, height, from + tilt * height, height])
        : Float64Array.from([0, from, width, from + tilt * width, width, to + tilt * width, 0, to]);
      fillContours([contour], width, height, bar);
      canvas.composite(bar, colour);
    }
  }
}

/** Lighting, lens and sensor: what makes a crop look photographed. */
function applyCamera(random: Random, canvas: Canvas, digitPx: number): void {
  const { width, height } = canvas;
  if (random.chance(0.3)) {
    const field = new Float32Array(width * height);
    const angle = random.uniform(0, 2 * Math.PI);
    const [dx, dy] = [Math.cos(angle) / width, Math.sin(angle) / height];
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) field[y * width + x] = (x - width / 2) * dx + (y - height / 2) * dy;
    canvas.modulate(field, random.uniform(0.3, 0.9));
  }
  // Street View crops are mostly soft: low resolution and blur, yet digits stay readable (about
  // 8 pixels tall in effect at worst, like the smallest SVHN digits).
  const lowRes = digitPx >= 14 && random.chance(0.45);
  if (lowRes) canvas.lowResolution(random.uniform(1.3, Math.min(3.5, digitPx / 8)));
  if (random.chance(lowRes ? 0.4 : 0.75)) canvas.blur(random.uniform(0.3, lowRes ? 0.8 : 1.5) * Math.max(1, digitPx / 30));
  if (random.chance(0.4)) canvas.chromaBlur(random.uniform(1, 2.5));
  if (random.chance(0.5)) {
    const cast = () => random.uniform(0.9, 1.1);
    canvas.colourBalance(random.uniform(0.2, 0.9), [cast(), cast(), cast()]);
  }
  canvas.tone(random.uniform(0.5, 1.1), random.uniform(-30, 15), random.logUniform(0.8, 1.3));
  if (random.chance(0.75)) canvas.addNoise(random, random.uniform(1, 9));
  if (random.chance(0.3)) canvas.jpegArtifacts(random.uniform(25, 75));
}
