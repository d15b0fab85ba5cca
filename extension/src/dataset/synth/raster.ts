// A small vector rasterizer for glyphs and shapes: curves are flattened to polygons, polygons
// are filled with the non-zero winding rule, and edges are anti-aliased by exact horizontal
// coverage on several sub-scanlines per pixel row.

/** A closed polygon: x0, y0, x1, y1, ... (the last point joins the first). */
export type Contour = Float64Array;

/** Path commands as opentype.js gives them (y down). */
export type PathCommand =
  | { type: 'M' | 'L'; x: number; y: number }
  | { type: 'Q'; x1: number; y1: number; x: number; y: number }
  | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
  | { type: 'Z' };

/** Segments for a curve whose control polygon bends by `bend` (second difference), so the chord error stays under `tolerance`. */
function segmentsFor(bend: number, tolerance: number): number {
  return Math.min(64, Math.max(1, Math.ceil(Math.sqrt(bend / (4 * tolerance)))));
}

/** Flattens quadratic and cubic curves into polygons with chord error below `tolerance` (same units as the path). */
export function flattenPath(commands: readonly PathCommand[], tolerance: number): Contour[] {
  const contours: Contour[] = [];
  let points: number[] = [];
  let x = 0;
  let y = 0;
  const close = () => {
    if (points.length >= 6) contours.push(Float64Array.from(points));
    points = [];
  };
  for (const cmd of commands) {
    switch (cmd.type) {
      case 'M':
        close();
        points.push(cmd.x, cmd.y);
        break;
      case 'L':
        points.push(cmd.x, cmd.y);
        break;
      case 'Q': {
        const n = segmentsFor(Math.hypot(x - 2 * cmd.x1 + cmd.x, y - 2 * cmd.y1 + cmd.y), tolerance);
        for (let i = 1; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          points.push(u * u * x + 2 * u * t * cmd.x1 + t * t * cmd.x, u * u * y + 2 * u * t * cmd.y1 + t * t * cmd.y);
        }
        break;
      }
      case 'C': {
        const bend = Math.max(
          Math.hypot(x - 2 * cmd.x1 + cmd.x2, y - 2 * cmd.y1 + cmd.y2),
          Math.hypot(cmd.x1 - 2 * cmd.x2 + cmd.x, cmd.y1 - 2 * cmd.y2 + cmd.y),
        );
        const n = segmentsFor(bend * 3, tolerance);
        for (let i = 1; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          const a = u * u * u;
          const b = 3 * u * u * t;
          const c = 3 * u * t * t;
          const d = t * t * t;
          points.push(a * x + b * cmd.x1 + c * cmd.x2 + d * cmd.x, a * y + b * cmd.y1 + c * cmd.y2 + d * cmd.y);
        }
        break;
      }
      case 'Z':
        close();
        continue;
    }
    x = cmd.x;
    y = cmd.y;
  }
  close();
  return contours;
}

/** 3x3 projective transform, row-major: [a, b, c, d, e, f, g, h, i]. */
export type Homography = readonly number[];

export function multiply(p: Homography, q: Homography): number[] {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 3 + c] = p[r * 3] * q[c] + p[r * 3 + 1] * q[3 + c] + p[r * 3 + 2] * q[6 + c];
  }
  return out;
}

export function transformContours(contours: readonly Contour[], h: Homography): Contour[] {
  return contours.map((src) => {
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i += 2) {
      const x = src[i];
      const y = src[i + 1];
      const w = h[6] * x + h[7] * y + h[8];
      out[i] = (h[0] * x + h[1] * y + h[2]) / w;
      out[i + 1] = (h[3] * x + h[4] * y + h[5]) / w;
    }
    return out;
  });
}

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function contourBounds(contours: readonly Contour[]): Bounds {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const c of contours) {
    for (let i = 0; i < c.length; i += 2) {
      if (c[i] < b.minX) b.minX = c[i];
      if (c[i] > b.maxX) b.maxX = c[i];
      if (c[i + 1] < b.minY) b.minY = c[i + 1];
      if (c[i + 1] > b.maxY) b.maxY = c[i + 1];
    }
  }
  return b;
}

const SUBSCANLINES = 5;

/**
 * Fills `contours` (non-zero winding) into a width x height coverage mask with values in [0, 1].
 * Coverage is added to `mask` (clamped to 1), so several fills can share one mask.
 */
export function fillContours(contours: readonly Contour[], width: number, height: number, mask: Float32Array = new Float32Array(width * height)): Float32Array {
  const rows = height * SUBSCANLINES;
  // Crossings per sub-scanline: x and winding direction, pushed edge by edge.
  const crossings: number[][] = [];
  for (let s = 0; s < rows; s++) crossings.push([]);
  for (const c of contours) {
    const n = c.length / 2;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const x0 = c[2 * i];
      const y0 = c[2 * i + 1];
      const x1 = c[2 * j];
      const y1 = c[2 * j + 1];
      if (y0 === y1) continue;
      const dir = y1 > y0 ? 1 : -1;
      const top = Math.min(y0, y1) * SUBSCANLINES - 0.5;
      const bottom = Math.max(y0, y1) * SUBSCANLINES - 0.5;
      const first = Math.max(0, Math.ceil(top));
      const last = Math.min(rows - 1, Math.ceil(bottom) - 1);
      const slope = (x1 - x0) / (y1 - y0);
      for (let s = first; s <= last; s++) {
        const y = (s + 0.5) / SUBSCANLINES;
        crossings[s].push(x0 + (y - y0) * slope, dir);
      }
    }
  }
  const weight = 1 / SUBSCANLINES;
  const order: number[] = [];
  for (let s = 0; s < rows; s++) {
    const list = crossings[s];
    if (list.length === 0) continue;
    order.length = 0;
    for (let k = 0; k < list.length; k += 2) order.push(k);
    order.sort((p, q) => list[p] - list[q]);
    const row = Math.floor(s / SUBSCANLINES) * width;
    let winding = 0;
    let start = 0;
    for (const k of order) {
      const before = winding;
      winding += list[k + 1];
      if (before === 0 && winding !== 0) start = list[k];
      else if (before !== 0 && winding === 0) addSpan(mask, row, width, start, list[k], weight);
    }
  }
  for (let i = 0; i < mask.length; i++) if (mask[i] > 1) mask[i] = 1;
  return mask;
}

function addSpan(mask: Float32Array, row: number, width: number, from: number, to: number, weight: number): void {
  const a = Math.max(0, from);
  const b = Math.min(width, to);
  if (b <= a) return;
  const ia = Math.floor(a);
  const ib = Math.floor(b);
  if (ia === ib) {
    mask[row + ia] += (b - a) * weight;
    return;
  }
  mask[row + ia] += (ia + 1 - a) * weight;
  for (let i = ia + 1; i < ib; i++) mask[row + i] += weight;
  if (ib < width) mask[row + ib] += (b - ib) * weight;
}

/** A rectangle as a contour, optionally with rounded corners (radius in the same units). */
export function roundedRect(x: number, y: number, w: number, h: number, radius: number, clockwise = true): Contour {
  const r = Math.max(0, Math.min(radius, w / 2, h / 2));
  const pts: number[] = [];
  const corners: [number, number, number][] = [
    [x + w - r, y + r, -Math.PI / 2],
    [x + w - r, y + h - r, 0],
    [x + r, y + h - r, Math.PI / 2],
    [x + r, y + r, Math.PI],
  ];
  const steps = r > 0 ? 6 : 0;
  for (const [cx, cy, start] of corners) {
    for (let k = 0; k <= steps; k++) {
      const t = start + (k / Math.max(1, steps)) * (Math.PI / 2);
      pts.push(cx + r * Math.cos(t), cy + r * Math.sin(t));
    }
  }
  if (!clockwise) {
    const rev: number[] = [];
    for (let i = pts.length - 2; i >= 0; i -= 2) rev.push(pts[i], pts[i + 1]);
    return Float64Array.from(rev);
  }
  return Float64Array.from(pts);
}

/** An ellipse as a contour. */
export function ellipse(cx: number, cy: number, rx: number, ry: number, steps = 16): Contour {
  const pts = new Float64Array(steps * 2);
  for (let k = 0; k < steps; k++) {
    const t = (k / steps) * 2 * Math.PI;
    pts[2 * k] = cx + rx * Math.cos(t);
    pts[2 * k + 1] = cy + ry * Math.sin(t);
  }
  return pts;
}
