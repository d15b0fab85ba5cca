// What the training dashboard draws, apart from the DOM: the charts' columns from a run's curves,
// the coverage curve with the paper's point put in, the words for runs and cells.
import { HEADS } from '../../../common/heads';
import { PAPER_ACCURACY, type CoverageCurve, type HeadConfusion, type RunRecord, type RunSummary } from '../../../common/trainingRun';

/** uPlot's data: the x column first, then one column per series (null = no point there). */
export type Columns = [number[], ...(number | null)[][]];

export const LOSS_SERIES = ['total', ...HEADS.map((h) => h.name)];
export const ACCURACY_SERIES = ['train sequence', ...HEADS.map((h) => h.name), 'validation sequence'];

/** Total loss and each head's, by step. */
export function lossColumns(run: RunRecord): Columns {
  const c = run.curves;
  return [c.step, c.loss, ...c.headLoss];
}

/**
 * Training sequence accuracy and each head's by step, and the validation accuracy at the steps it
 * was measured: the x column is the union of both, each series null where it has no point.
 */
export function accuracyColumns(run: RunRecord): Columns {
  const c = run.curves;
  const steps = [...new Set([...c.step, ...run.validations.map((v) => v.step)])].sort((a, b) => a - b);
  const at = new Map(c.step.map((s, i) => [s, i]));
  const pick = (column: readonly (number | null)[]): (number | null)[] => steps.map((s) => (at.has(s) ? (column[at.get(s) ?? 0] ?? null) : null));
  const validation = new Map(run.validations.map((v) => [v.step, v.sequenceAccuracy]));
  return [steps, pick(c.sequenceAccuracy), ...c.headAccuracy.map(pick), steps.map((s) => validation.get(s) ?? null)];
}

/**
 * The coverage curve (accuracy by coverage), a flat line at the paper's 98%, and the one point
 * where coverage at 98% is: its x put into the curve's column if thinning left it out.
 */
export function coverageColumns(curve: CoverageCurve): Columns {
  const at = curve.coverageAtPaperAccuracy;
  const xs = [...new Set([...curve.coverage, at])].sort((a, b) => a - b);
  const accuracy = new Map(curve.coverage.map((c, i) => [c, curve.accuracy[i]]));
  return [xs, xs.map((x) => accuracy.get(x) ?? null), xs.map(() => PAPER_ACCURACY), xs.map((x) => (x === at && at > 0 ? accuracyAt(curve, at) : null))];
}

/** The curve's accuracy at coverage `x` (the point at or just past it): where the 98% mark sits on it. */
export function accuracyAt(curve: CoverageCurve, x: number): number {
  const i = curve.coverage.findIndex((c) => c >= x);
  return i < 0 ? PAPER_ACCURACY : Math.max(PAPER_ACCURACY, curve.accuracy[i]);
}

export function percent(x: number | undefined, digits = 1): string {
  return x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`;
}

/** When a run started, short: "Nov 29 14:03:22". */
export function startedText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const month = d.toLocaleString('en', { month: 'short' });
  const time = d.toTimeString().slice(0, 8);
  return `${month} ${d.getDate()} ${time}`;
}

/** A run's settings in one line. */
export function settingsText(s: RunSummary['settings']): string {
  const budget = s.timeBudgetSeconds !== undefined ? `${s.timeBudgetSeconds} s` : s.epochs !== undefined ? `${s.epochs} epoch${s.epochs === 1 ? '' : 's'}` : 'default epochs';
  const start = s.resumed ? ' (resumed)' : s.startedFrom ? ` (from a model of ${s.startedFrom.steps.toLocaleString('en-US')} steps)` : '';
  return `${s.preset}${start} · ${budget} · seed ${s.seed} · ${s.backend} ×${s.threads} · ${s.trainRows}+${s.validationRows} rows`;
}

/** A run's outcome in a few words. */
export function statusText(run: RunSummary): string {
  if (run.status === 'running') return 'running';
  if (run.status === 'failed') return `failed${run.error ? `: ${run.error}` : ''}`;
  const f = run.final;
  if (!f) return 'finished';
  return `${f.outcome}${f.cancelled ? ', stopped early' : ''}`;
}

/** Names a confusion cell: for the gallery's chip and the cell's label. */
export function cellTitle(m: HeadConfusion, truth: number, read: number, runStarted: string): string {
  const what = m.head === 'L' ? `length ${m.classes[truth]}, read ${m.classes[read]}` : `label ${m.classes[truth]}, read ${m.classes[read]}`;
  return `${m.head}: ${what} (run ${startedText(runStarted)})`;
}

/** How much of its row a cell holds, 0..1 (the cell's colour strength). */
export function rowShare(m: HeadConfusion, truth: number, read: number): number {
  const total = m.cells[truth].reduce((sum, cell) => sum + cell.length, 0);
  return total === 0 ? 0 : m.cells[truth][read].length / total;
}
