// The output layout of the multi-digit recognizer (DESIGN §1), written once: the length head L
// (0..5 digits or "more than 5") and one digit head per position S1..S5. The network's single
// output is the heads' logits side by side; every offset, slice and reshape derives from here.

/** Classes of the length head: 0, 1, .., 5 digits, and "more than 5". */
export const LENGTH_CLASSES = 7;
/** Positions the digit heads read: the first five digits of a number. */
export const DIGIT_HEADS = 5;
/** Classes of each digit head: 0..9. */
export const DIGIT_CLASSES = 10;
/** The length class of a number longer than DIGIT_HEADS digits. */
export const MORE_THAN_MAX = LENGTH_CLASSES - 1;

export interface Head {
  name: string;
  /** Number of classes (softmax width). */
  size: number;
  /** Column where the head's logits start in the model's output row. */
  offset: number;
}

/** L, then S1..S5, in the order of the model's output columns. */
export const HEADS: readonly Head[] = [
  { name: 'L', size: LENGTH_CLASSES, offset: 0 },
  ...Array.from({ length: DIGIT_HEADS }, (_, i) => ({ name: `S${i + 1}`, size: DIGIT_CLASSES, offset: LENGTH_CLASSES + i * DIGIT_CLASSES })),
];

/** Width of the model's output row: every head's logits. */
export const LOGITS = HEADS.reduce((sum, h) => sum + h.size, 0);

/** Column where digit head S_(position+1) starts; position is 0-based. */
export function digitOffset(position: number): number {
  return HEADS[1 + position].offset;
}

/**
 * Per-head log softmax, in place, of `rows` output rows laid out as HEADS says (a [rows, LOGITS]
 * row-major array). Decoding, metrics and view averaging all go through this one function.
 */
export function logSoftmaxHeads<T extends Float32Array | Float64Array>(logits: T): T {
  if (logits.length % LOGITS !== 0) throw new RangeError(`expected a multiple of ${LOGITS} logits, got ${logits.length}`);
  for (let row = 0; row < logits.length; row += LOGITS) {
    for (const head of HEADS) {
      const o = row + head.offset;
      let max = -Infinity;
      for (let i = 0; i < head.size; i++) max = Math.max(max, logits[o + i]);
      let z = 0;
      for (let i = 0; i < head.size; i++) z += Math.exp(logits[o + i] - max);
      const logZ = max + Math.log(z);
      for (let i = 0; i < head.size; i++) logits[o + i] -= logZ;
    }
  }
  return logits;
}
