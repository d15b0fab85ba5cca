// One SVHN entry as a labels-file row (DESIGN §3): the digits in SVHN's order (its order is the
// reading order: it is what spells the number, so it is never re-sorted by position), label 10
// written as the digit 0, the digit boxes and their union.
import type { Box } from '../../../../common/labels';
import type { SvhnDigit } from './digitStruct';

export interface SvhnRow {
  label: string;
  /** Absent when a digit's box has no area inside the image (see svhnBoxes). */
  box?: Box;
  digitBoxes?: Box[];
  /** Some value was fractional and was rounded outwards to whole pixels. */
  rounded: boolean;
}

/** The number an entry's digits spell; throws RangeError for a label SVHN does not use. */
export function svhnLabel(digits: readonly SvhnDigit[]): string {
  if (digits.length === 0) throw new RangeError('its bbox lists no digits');
  return digits
    .map((d, k) => {
      if (!Number.isInteger(d.label) || d.label < 1 || d.label > 10) throw new RangeError(`digit ${k + 1} has label ${d.label}; SVHN's labels are 1 to 10 (10 is the digit 0)`);
      return String(d.label % 10);
    })
    .join('');
}

/**
 * A digit's box in whole pixels. SVHN's values are doubles; every one of the 119 entries of the
 * sample files is a whole number, but a fractional one is rounded outwards (left and top down,
 * right and bottom up), so the box still covers every pixel the digit touched. A box reaching past
 * the image's top or left edge (a negative left or top) is clipped at 0. Undefined when nothing of
 * it is left (or a value is not a finite number).
 */
export function wholePixelBox(digit: SvhnDigit): Box | undefined {
  const values = [digit.left, digit.top, digit.width, digit.height];
  if (!values.every(Number.isFinite)) return undefined;
  const left = Math.max(0, Math.floor(digit.left));
  const top = Math.max(0, Math.floor(digit.top));
  const right = Math.ceil(digit.left + digit.width);
  const bottom = Math.ceil(digit.top + digit.height);
  return right > left && bottom > top ? { left, top, width: right - left, height: bottom - top } : undefined;
}

/** The smallest box holding all of `boxes` (at least one). */
export function unionBox(boxes: readonly Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  const right = Math.max(...boxes.map((b) => b.left + b.width));
  const bottom = Math.max(...boxes.map((b) => b.top + b.height));
  return { left, top, width: right - left, height: bottom - top };
}

/** The row for one entry; throws RangeError (with why) for digits that are not SVHN's. */
export function svhnRow(digits: readonly SvhnDigit[]): SvhnRow {
  const label = svhnLabel(digits);
  const rounded = digits.some((d) => [d.left, d.top, d.width, d.height].some((v) => Number.isFinite(v) && !Number.isInteger(v)));
  const boxes = digits.map(wholePixelBox);
  // A row's digit boxes are all or nothing: position k of digit_boxes is digit k of the label.
  if (boxes.some((b) => b === undefined)) return { label, rounded };
  const digitBoxes = boxes as Box[];
  return { label, box: unionBox(digitBoxes), digitBoxes, rounded };
}
