// Messages between the extension host and the training dashboard webview (host/dashboard/,
// webview/src/dashboard/). One discriminated union per direction; each side checks what it gets.
import type { TrainProgress } from './engineProtocol';
import { arrayOf, checkByKind, isNonNegativeInteger, isRecord, isString, optional, shape, type Check } from './guards';
import { isRunId, isRunRecord, isRunSummary, type RunRecord, type RunSummary } from './trainingRun';
import { isCspViolationMessage, type CspViolationMessage } from './webviewProtocol';

/** A run file that could not be read, and why: listed, never deleted. */
export interface RunProblem {
  file: string;
  message: string;
}

/** Host -> page. */
export type HostToDashboardMessage =
  /** The run history, newest first; `select`: show this run (a run that just started). */
  | { kind: 'runs'; labelsPath: string; title: string; runs: RunSummary[]; problems: RunProblem[]; select?: string }
  /** One run in full: its curves and evaluations. */
  | { kind: 'run'; run: RunRecord }
  /** A training run going now (from the palette) moved on: its newest point, sent live. */
  | { kind: 'progress'; runId: string; progress: TrainProgress };

/**
 * The crops behind one cell of a confusion matrix: the host opens the gallery of `labelsPath`
 * showing exactly `files`. `title` names the set for the gallery's chip.
 */
export interface OpenCellMessage {
  kind: 'openCell';
  labelsPath: string;
  title: string;
  files: string[];
}

/** Page -> host. */
export type DashboardToHostMessage = { kind: 'ready' } | { kind: 'selectRun'; runId: string } | OpenCellMessage | CspViolationMessage;

/** What the page keeps across reloads; the host's serializer reads labelsPath. */
export interface DashboardState {
  labelsPath?: string;
  runId?: string;
}

const isFigureList = (v: unknown): v is (number | null)[] => Array.isArray(v) && v.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x)));

// The progress event was checked in full where it entered the host (isEngineMessage); the page
// checks the fields it draws.
const isProgress = shape<Pick<TrainProgress, 'step' | 'loss' | 'sequenceAccuracy' | 'headLoss' | 'headAccuracy'>>({
  step: isNonNegativeInteger,
  loss: (v: unknown): v is number => typeof v === 'number',
  sequenceAccuracy: (v: unknown): v is number => typeof v === 'number',
  headLoss: isFigureList,
  headAccuracy: isFigureList,
});

const hostToDashboardChecks: { [K in HostToDashboardMessage['kind']]: Check<unknown> } = {
  runs: shape<{ labelsPath: string; title: string; runs: RunSummary[]; problems: RunProblem[]; select?: string }>({
    labelsPath: isString,
    title: isString,
    runs: arrayOf(isRunSummary),
    problems: arrayOf(shape<RunProblem>({ file: isString, message: isString })),
    select: optional(isRunId),
  }),
  run: shape<{ run: RunRecord }>({ run: isRunRecord }),
  progress: shape<{ runId: string; progress: unknown }>({ runId: isRunId, progress: isProgress }),
};

export const isOpenCellMessage = shape<OpenCellMessage>({
  kind: (v: unknown): v is 'openCell' => v === 'openCell',
  labelsPath: isString,
  title: isString,
  files: (v: unknown): v is string[] => arrayOf(isString)(v) && v.length > 0,
});

const dashboardToHostChecks: { [K in DashboardToHostMessage['kind']]: Check<unknown> } = {
  ready: isRecord,
  selectRun: shape<{ runId: string }>({ runId: isRunId }),
  openCell: isOpenCellMessage,
  cspViolation: isCspViolationMessage,
};

/** Page-side guard. */
export function isHostToDashboardMessage(value: unknown): value is HostToDashboardMessage {
  return checkByKind<HostToDashboardMessage>(hostToDashboardChecks, value);
}

/** Host-side guard. */
export function isDashboardToHostMessage(value: unknown): value is DashboardToHostMessage {
  return checkByKind<DashboardToHostMessage>(dashboardToHostChecks, value);
}
