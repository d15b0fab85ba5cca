// The part of an image the network reads (DESIGN §1): the union box of the digits grown by 30% in
// x and y around its centre, clamped to the image. Pure, so the engine's preprocessing
// (dataset/preprocess.ts) and the inspector's page, which zooms to the same region, share it.

/** The union box grows by this fraction of its width and height, half on each side. */
export const BOX_EXPANSION = 0.3;

/** A rectangle in image pixels (the labels file's box has this shape). */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * `box` expanded by BOX_EXPANSION around its centre and clamped to the `imageWidth` x
 * `imageHeight` image, fractional edges kept; undefined when less than a pixel of it is left.
 */
export function expandedBoxRegion(box: Rect, imageWidth: number, imageHeight: number): Rect | undefined {
  const grownWidth = box.width * (1 + BOX_EXPANSION);
  const grownHeight = box.height * (1 + BOX_EXPANSION);
  const left = Math.max(0, box.left + box.width / 2 - grownWidth / 2);
  const top = Math.max(0, box.top + box.height / 2 - grownHeight / 2);
  const right = Math.min(imageWidth, box.left + box.width / 2 + grownWidth / 2);
  const bottom = Math.min(imageHeight, box.top + box.height / 2 + grownHeight / 2);
  if (!(right - left >= 1 && bottom - top >= 1)) return undefined;
  return { left, top, width: right - left, height: bottom - top };
}
