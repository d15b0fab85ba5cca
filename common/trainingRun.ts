// The run history (DESIGN §3: `.digitlens/runs/<id>.json`): one small JSON file per training run,
// written by the engine while the run goes and when it ends (engine/runRecorder.ts), added to by
// `eval`, read by the training dashboard. The format is defined and checked here only: a file that
// does not pass `parseRunRecord` is reported with its reason and left as it is on disk.
import { BACKEND_NAMES, PRESET_NAMES, type BackendName, type EvalMetrics, type PresetName } from './domain';
import type { TrainOutcome, TrainProgress } from './engineProtocol';
import { TRAIN_OUTCOMES } from './engineProtocol';
import { arrayOf, isBoolean, isFiniteNumber, isNonNegativeInteger, isRecord, isString, oneOf, optional, shape, type Check } from './guards';
import { HEADS, LENGTH_CLASSES, DIGIT_CLASSES } from './heads';

export const RUN_FORMAT = 'digitlens-run-1';

/** The accuracy the paper's coverage figure is taken at (DESIGN §1: coverage at 98%). */
export const PAPER_ACCURACY = 0.98;

/** What a run was asked to do and where it ran. */
export interface RunSettings {
  preset: PresetName;
  epochs?: number;
  timeBudgetSeconds?: number;
  seed: number;
  backend: BackendName;
  threads: number;
  /** Rows trained on and rows held out for validation. */
  trainRows: number;
  validationRows: number;
  /** Continued the model that was current. */
  resumed: boolean;
  /** A new model made from another model's weights (train --start-from): its folder and steps. */
  startedFrom?: StartedFrom;
  batchSize: number;
}

/** The model a run's weights came from: its folder and the steps behind it. */
export interface StartedFrom {
  dir: string;
  steps: number;
}

/**
 * The training curves, column by column (one entry per recorded point; every column as long as
 * `step`). Losses and accuracies are the training loop's smoothed figures (engine/train.ts);
 * the per-head columns are in HEADS order, null where a head had no example yet.
 */
export interface RunCurves {
  step: number[];
  seconds: number[];
  loss: number[];
  sequenceAccuracy: number[];
  imagesPerSecond: number[];
  headLoss: (number | null)[][];
  headAccuracy: (number | null)[][];
}

/** The held-out sequence accuracy at a step (the run's evaluations of its validation rows). */
export interface ValidationPoint {
  step: number;
  sequenceAccuracy: number;
}

/**
 * One head's confusion matrix: `classes` names the rows (the label's class) and columns (the
 * reading's class); cells[true][predicted] lists the evaluated rows behind that cell, as indices
 * into the evaluation's `files`.
 */
export interface HeadConfusion {
  head: string;
  classes: string[];
  cells: number[][][];
}

/** Sequence accuracy of the most confident crops, for every coverage (the confidence threshold swept). */
export interface CoverageCurve {
  coverage: number[];
  accuracy: number[];
  /** The largest coverage at which accuracy is at least PAPER_ACCURACY (metrics' coverageAt98). */
  coverageAtPaperAccuracy: number;
}

/** A model measured on labeled crops: the run's own validation rows, or a later `eval`. */
export interface RunEvaluation {
  source: 'train' | 'eval';
  date: string;
  /** The labels file whose rows were measured: the gallery to open for a confusion cell. */
  labelsPath: string;
  /** The rows measured, as the labels file writes them. */
  files: string[];
  metrics: EvalMetrics;
  confusion: HeadConfusion[];
  coverage: CoverageCurve;
}

export const RUN_STATUSES = ['running', 'finished', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunFinal {
  outcome: TrainOutcome;
  outcomeMessage: string;
  steps: number;
  seconds: number;
  cancelled: boolean;
  imagesPerSecond: number;
}

export interface RunRecord {
  format: typeof RUN_FORMAT;
  id: string;
  /** The labels file trained on. */
  labelsPath: string;
  started: string;
  status: RunStatus;
  /** Why the run failed, when it did. */
  error?: string;
  settings: RunSettings;
  curves: RunCurves;
  validations: ValidationPoint[];
  final?: RunFinal;
  evaluations: RunEvaluation[];
}

/** What the dashboard lists for a run without loading its curves. */
export interface RunSummary {
  id: string;
  started: string;
  status: RunStatus;
  settings: RunSettings;
  final?: RunFinal;
  /** The latest evaluation's figures. */
  metrics?: EvalMetrics;
  error?: string;
}

export function summarizeRun(run: RunRecord): RunSummary {
  const latest = run.evaluations[run.evaluations.length - 1];
  return { id: run.id, started: run.started, status: run.status, settings: run.settings, final: run.final, metrics: latest?.metrics, error: run.error };
}

/** A sortable id that names the file: the start time to the millisecond, and a few random letters against collisions. */
export function newRunId(date: Date, random: () => number): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('.', '').replace('T', '-').replace('Z', '');
  const suffix = Array.from({ length: 4 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 26)]).join('');
  return `${stamp}-${suffix}`;
}

const RUN_ID = /^[0-9]{8}-[0-9]{9}-[a-z]{4}$/;
export const isRunId = (v: unknown): v is string => typeof v === 'string' && RUN_ID.test(v);

/** The file name of a run's record in the runs folder (DERIVED.runs). */
export function runFileName(id: string): string {
  return `${id}.json`;
}

/** The classes of a head's confusion matrix: L's lengths (0..5, ">5"); a digit head's 0..9 and "none" (no digit at that position). */
export function confusionClasses(head: number): string[] {
  if (head === 0) return Array.from({ length: LENGTH_CLASSES }, (_, i) => (i === LENGTH_CLASSES - 1 ? `>${LENGTH_CLASSES - 2}` : String(i)));
  return [...Array.from({ length: DIGIT_CLASSES }, (_, i) => String(i)), 'none'];
}

/** An empty curves block. */
export function emptyCurves(): RunCurves {
  return { step: [], seconds: [], loss: [], sequenceAccuracy: [], imagesPerSecond: [], headLoss: HEADS.map(() => []), headAccuracy: HEADS.map(() => []) };
}

/** A figure to four significant digits: what a chart can show, and a record a third the size of full doubles. */
function figure(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(4));
}

const maybeFigure = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : figure(x));

/** Appends one progress event to the curves. */
export function appendProgress(curves: RunCurves, p: TrainProgress): void {
  curves.step.push(p.step);
  curves.seconds.push(figure(p.elapsedSeconds));
  curves.loss.push(figure(p.loss));
  curves.sequenceAccuracy.push(figure(p.sequenceAccuracy));
  curves.imagesPerSecond.push(figure(p.imagesPerSecond));
  HEADS.forEach((_, h) => {
    curves.headLoss[h].push(maybeFigure(p.headLoss[h]));
    curves.headAccuracy[h].push(maybeFigure(p.headAccuracy[h]));
  });
}

/** Keeps every other point (the last one always): a long run's curves stay small on disk. */
export function thinCurves(curves: RunCurves): void {
  const n = curves.step.length;
  const keep = (_: unknown, i: number): boolean => i % 2 === 0 || i === n - 1;
  curves.step = curves.step.filter(keep);
  curves.seconds = curves.seconds.filter(keep);
  curves.loss = curves.loss.filter(keep);
  curves.sequenceAccuracy = curves.sequenceAccuracy.filter(keep);
  curves.imagesPerSecond = curves.imagesPerSecond.filter(keep);
  curves.headLoss = curves.headLoss.map((c) => c.filter(keep));
  curves.headAccuracy = curves.headAccuracy.map((c) => c.filter(keep));
}

// ---- Checks ----

const isFraction = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;
const isMaybeNumber = (v: unknown): v is number | null => v === null || isFiniteNumber(v);

const isEvalMetrics = shape<EvalMetrics>({
  count: isNonNegativeInteger,
  sequenceAccuracy: isFraction,
  digitAccuracy: isFraction,
  lengthAccuracy: isFraction,
  coverageAt98: isFraction,
  backend: oneOf(BACKEND_NAMES),
});

const isSettings = shape<RunSettings>({
  preset: oneOf(PRESET_NAMES),
  epochs: optional(isNonNegativeInteger),
  timeBudgetSeconds: optional(isFiniteNumber),
  seed: isFiniteNumber,
  backend: oneOf(BACKEND_NAMES),
  threads: isNonNegativeInteger,
  trainRows: isNonNegativeInteger,
  validationRows: isNonNegativeInteger,
  resumed: isBoolean,
  startedFrom: optional(shape<StartedFrom>({ dir: isString, steps: isNonNegativeInteger })),
  batchSize: isNonNegativeInteger,
});

const isFinal = shape<RunFinal>({
  outcome: oneOf(TRAIN_OUTCOMES),
  outcomeMessage: isString,
  steps: isNonNegativeInteger,
  seconds: isFiniteNumber,
  cancelled: isBoolean,
  imagesPerSecond: isFiniteNumber,
});

/** Why `curves` is not a whole curves block, or undefined when it is. */
function curvesProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'curves is not an object';
  const columns = ['step', 'seconds', 'loss', 'sequenceAccuracy', 'imagesPerSecond'] as const;
  for (const c of columns) if (!arrayOf(isFiniteNumber)(v[c])) return `curves.${c} is not a list of numbers`;
  const n = (v.step as number[]).length;
  if (columns.some((c) => (v[c] as number[]).length !== n)) return 'the curves columns differ in length';
  for (const c of ['headLoss', 'headAccuracy'] as const) {
    const heads = v[c];
    if (!Array.isArray(heads) || heads.length !== HEADS.length || !heads.every((h) => arrayOf(isMaybeNumber)(h) && h.length === n)) {
      return `curves.${c} is not one column of ${n} numbers per head (${HEADS.length})`;
    }
  }
  return undefined;
}

function confusionProblem(v: unknown, files: number): string | undefined {
  if (!Array.isArray(v) || v.length !== HEADS.length) return `confusion is not one matrix per head (${HEADS.length})`;
  for (let h = 0; h < HEADS.length; h++) {
    const m: unknown = v[h];
    const classes = confusionClasses(h);
    if (!isRecord(m) || m.head !== HEADS[h].name) return `confusion[${h}] is not head ${HEADS[h].name}`;
    if (!arrayOf(isString)(m.classes) || m.classes.length !== classes.length) return `confusion of ${HEADS[h].name} does not have ${classes.length} classes`;
    const cells = m.cells;
    const fits =
      Array.isArray(cells) &&
      cells.length === classes.length &&
      cells.every((row) => Array.isArray(row) && row.length === classes.length && row.every((cell) => arrayOf(isNonNegativeInteger)(cell) && cell.every((i) => i < files)));
    if (!fits) return `confusion of ${HEADS[h].name} is not a ${classes.length} x ${classes.length} matrix of row lists`;
  }
  return undefined;
}

function evaluationProblem(v: unknown, k: number): string | undefined {
  const where = `evaluations[${k}]`;
  if (!isRecord(v)) return `${where} is not an object`;
  if (v.source !== 'train' && v.source !== 'eval') return `${where}.source is not train or eval`;
  if (!isString(v.date) || !isString(v.labelsPath)) return `${where} lacks its date or labels path`;
  if (!arrayOf(isString)(v.files)) return `${where}.files is not a list of files`;
  if (!isEvalMetrics(v.metrics)) return `${where}.metrics are not whole`;
  const confusion = confusionProblem(v.confusion, v.files.length);
  if (confusion) return `${where}: ${confusion}`;
  const c = v.coverage;
  const curveFits =
    isRecord(c) && arrayOf(isFraction)(c.coverage) && arrayOf(isFraction)(c.accuracy) && c.coverage.length === c.accuracy.length && isFraction(c.coverageAtPaperAccuracy);
  if (!curveFits) return `${where}.coverage is not a coverage curve`;
  return undefined;
}

/** Why `v` is not a run record, or undefined when it is one. */
export function runRecordProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'not a JSON object';
  if (v.format !== RUN_FORMAT) return `format is ${JSON.stringify(v.format)}, not ${RUN_FORMAT}`;
  if (!isRunId(v.id)) return 'id is not a run id';
  if (!isString(v.labelsPath) || !isString(v.started)) return 'lacks its labels path or start time';
  if (!oneOf(RUN_STATUSES)(v.status)) return `status is ${JSON.stringify(v.status)}`;
  if (!optional(isString)(v.error)) return 'error is not text';
  if (!isSettings(v.settings)) return 'settings are not whole';
  const curves = curvesProblem(v.curves);
  if (curves) return curves;
  if (!arrayOf(shape<ValidationPoint>({ step: isNonNegativeInteger, sequenceAccuracy: isFraction }))(v.validations)) return 'validations are not steps and accuracies';
  if (!optional(isFinal)(v.final)) return 'final figures are not whole';
  if (!Array.isArray(v.evaluations)) return 'evaluations is not a list';
  for (let k = 0; k < v.evaluations.length; k++) {
    const problem = evaluationProblem(v.evaluations[k], k);
    if (problem) return problem;
  }
  return undefined;
}

export const isRunRecord: Check<RunRecord> = (v: unknown): v is RunRecord => runRecordProblem(v) === undefined;

/** A run file's text as a record; throws an Error that names what is wrong (the file is left alone by the caller). */
export function parseRunRecord(text: string, name = 'run file'): RunRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${name} is not JSON: ${(err as Error).message}`);
  }
  const problem = runRecordProblem(value);
  if (problem) throw new Error(`${name} is not a Digit Lens run record: ${problem}`);
  return value as RunRecord;
}

export const isRunSummary = shape<RunSummary>({
  id: isRunId,
  started: isString,
  status: oneOf(RUN_STATUSES),
  settings: isSettings,
  final: optional(isFinal),
  metrics: optional(isEvalMetrics),
  error: optional(isString),
});
