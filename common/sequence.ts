// What a number is to the model and what a reading of it looks like (DESIGN §1), in one place:
// a label's length class and digits (the training target), the text of a decoded sequence, and
// whether a reading is right. Metrics, training, predictions.csv and the gallery all use these.
import { DIGIT_HEADS, MORE_THAN_MAX } from './heads';

/** Length class (0..MORE_THAN_MAX) and the first DIGIT_HEADS digits of a label ('-' = no number). */
export function parseTargetLabel(label: string): { lengthClass: number; digits: number[] } {
  if (label === '-') return { lengthClass: 0, digits: [] };
  if (!/^[0-9]+$/.test(label)) throw new Error(`not a trainable label: '${label}'`);
  return { lengthClass: Math.min(label.length, MORE_THAN_MAX), digits: [...label.slice(0, DIGIT_HEADS)].map(Number) };
}

/**
 * The text of a reading: the digits, '-' for length 0, and '>5:' + the first five digits for
 * "more than 5" (the heads see no further). This is the form predictions.csv holds.
 */
export function sequenceText(length: number, digits: readonly number[]): string {
  if (length === 0) return '-';
  const s = digits.slice(0, DIGIT_HEADS).join('');
  return length > DIGIT_HEADS ? `>${DIGIT_HEADS}:${s}` : s;
}

/** The text a right reading of `label` has: '19' -> '19', '-' -> '-', '1234567' -> '>5:12345'. */
export function expectedText(label: string): string {
  if (label === '-') return '-';
  return label.length > DIGIT_HEADS ? `>${DIGIT_HEADS}:${label.slice(0, DIGIT_HEADS)}` : label;
}

/**
 * Whether a reading is right: the whole sequence, no partial credit (the paper's metric). A label
 * longer than five digits is read right by "more than 5" with its first five digits. An unlabeled
 * crop ('') has no right reading.
 */
export function predictionMatchesLabel(prediction: string, label: string): boolean {
  return label !== '' && prediction === expectedText(label);
}

const READING = new RegExp(`^(-|\\d{1,${DIGIT_HEADS}}|>${DIGIT_HEADS}:\\d{${DIGIT_HEADS}})$`);

/** True for a string sequenceText can produce. */
export function isReadingText(text: string): boolean {
  return READING.test(text);
}

/** The length of a reading: 0..5, or '>5' for "more than 5". */
export function predictedLength(prediction: string): number | '>5' {
  if (prediction === '-') return 0;
  if (prediction.startsWith('>')) return '>5';
  return prediction.length;
}
