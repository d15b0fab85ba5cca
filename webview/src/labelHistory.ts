// The gallery's undo: its own label changes, latest last, each one step of Ctrl+Z whether it set
// one label or the readings of a whole selection. A step is undone by the reverse change through
// the host's one edit path, expecting the labels the step set (a row changed since refuses it).
// Kept in the page's state, so a hidden tab (whose page VS Code unloads) still undoes on return.
import { isLabelChange, type LabelChange } from '../../common/webviewProtocol';

/** How many steps are kept, and how many changed rows in all (a step of a large selection counts its rows). */
export const HISTORY_STEPS = 100;
export const HISTORY_ROWS = 20_000;

export class LabelHistory {
  private readonly steps: LabelChange[][];

  /** From a saved state's history (checked: state comes back from storage as plain data). */
  constructor(saved?: unknown) {
    this.steps = Array.isArray(saved) ? saved.filter((step): step is LabelChange[] => Array.isArray(step) && step.length > 0 && step.every(isLabelChange)) : [];
    this.trim();
  }

  get size(): number {
    return this.steps.length;
  }

  /** Records a change the host made; rows whose label did not change are not part of it. */
  record(changes: readonly LabelChange[]): void {
    const step = changes.filter((c) => c.before !== c.after).map((c) => ({ ...c }));
    if (step.length === 0) return;
    this.steps.push(step);
    this.trim();
  }

  /** Takes the latest step off, for its undo. */
  takeLatest(): LabelChange[] | undefined {
    return this.steps.pop();
  }

  /** For the page's state. */
  toJSON(): LabelChange[][] {
    return this.steps.map((step) => step.map((c) => ({ ...c })));
  }

  /** Forgets the oldest steps beyond the bounds (the latest step is always kept). */
  private trim(): void {
    let rows = this.steps.reduce((n, step) => n + step.length, 0);
    while (this.steps.length > 1 && (this.steps.length > HISTORY_STEPS || rows > HISTORY_ROWS)) rows -= this.steps.shift()?.length ?? 0;
  }
}

/** The change that undoes `step`: every row back to its label before, expecting the one the step set. */
export function undoEdits(step: readonly LabelChange[]): { line: number; file: string; expected: string; label: string }[] {
  return step.map((c) => ({ line: c.line, file: c.file, expected: c.after, label: c.before }));
}
