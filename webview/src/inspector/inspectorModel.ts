// What the inspector page says about each head, and how a choice on it changes the view, apart
// from the DOM so it is easy to read and test.
import type { HeadExplanation } from '../../../common/engineProtocol';
import { HEADS, MORE_THAN_MAX } from '../../../common/heads';
import type { InspectorView } from '../../../common/inspectorProtocol';

/** The names of a head's classes: L's are lengths 0..5 and ">5"; a digit head's are 0..9. */
export function classNames(headIndex: number): string[] {
  const head = HEADS[headIndex];
  return Array.from({ length: head.size }, (_, k) => (headIndex === 0 && k === MORE_THAN_MAX ? '>5' : String(k)));
}

/** A class in words, for text and screen readers: "length 3", "more than 5 digits", "digit 7". */
export function className(headIndex: number, k: number): string {
  if (headIndex > 0) return `digit ${k}`;
  return k === MORE_THAN_MAX ? 'more than 5 digits' : `length ${k}`;
}

/**
 * The view after the user chose class `k` on head `headIndex`: the mask for that class. Choosing
 * the head's own reading again goes back to following the reading (null), so the next crop shows
 * its own reading's mask, not this crop's digit.
 */
export function chooseTarget(view: InspectorView, headIndex: number, k: number, predicted: number | undefined): InspectorView {
  const targets = [...view.targets];
  targets[headIndex] = k === predicted ? null : k;
  return { ...view, targets };
}

/** The class a head's mask shows under `view`: its chosen target, or its reading. */
export function targetOf(view: InspectorView, headIndex: number, head: HeadExplanation | undefined): number | undefined {
  return view.targets[headIndex] ?? head?.predicted;
}

export const percent = (p: number): string => (p >= 0.995 ? '100%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`);

/** One line by a head's chart: what it reads and the label's class, in words. */
export function headSummary(headIndex: number, head: HeadExplanation): string {
  const names = classNames(headIndex);
  const labeled = head.labeled === undefined ? undefined : `label ${names[head.labeled]} (${percent(head.probs[head.labeled] ?? 0)})`;
  // Past the reading's length a head's digit is not read: what it would say matters less than that.
  if (!head.relevant) return ['not read (past the length)', labeled].filter(Boolean).join(' · ');
  const reads = `reads ${names[head.predicted]} (${percent(head.probs[head.predicted] ?? 0)})`;
  if (head.labeled === undefined) return reads;
  return `${reads} · ${head.labeled === head.predicted ? 'as labeled' : labeled}`;
}

/** The caption of a head's mask: which class it shows, and whether that is the head's reading. */
export function maskCaption(headIndex: number, head: HeadExplanation): string {
  const name = classNames(headIndex)[head.target];
  return head.target === head.predicted ? `mask for ${name} (its reading)` : `mask for ${name} (reads ${classNames(headIndex)[head.predicted]})`;
}

/** A bar's accessible name: the class, its probability, and its marks in words (not colour alone). */
export function barLabel(headIndex: number, k: number, head: HeadExplanation | undefined): string {
  const marks: string[] = [];
  if (head?.predicted === k) marks.push("the model's reading");
  if (head?.labeled === k) marks.push("the label's");
  if (head?.target === k) marks.push('mask shown');
  const p = head ? `: ${percent(head.probs[k] ?? 0)}` : '';
  return `${HEADS[headIndex].name} ${className(headIndex, k)}${p}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}`;
}

/** Whether the answer to request `requestId` is still wanted: only the latest request's is drawn. */
export class LatestRequest {
  private last = 0;

  next(): number {
    return ++this.last;
  }

  isLatest(requestId: number): boolean {
    return requestId === this.last;
  }
}
