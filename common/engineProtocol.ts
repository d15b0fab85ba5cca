// The engine worker's protocol (extension host <-> worker_threads worker running the engine):
// one map of methods, each with its params (host -> worker), its result (worker -> host) and the
// progress events it may send while it runs. The client (host/engineClient.ts) and the worker
// (engine/worker.ts) are both typed from EngineMethods, and each side checks every message it
// receives with the guards below before trusting it.
import {
  BACKEND_CHOICES,
  BACKEND_NAMES,
  PRESET_NAMES,
  type BackendChoice,
  type BackendName,
  type EvalMetrics,
  type PresetName,
  type SkippedCrop,
} from './domain';
import { arrayOf, isBoolean, isFiniteNumber, isInteger, isNonNegativeInteger, isRecord, isString, oneOf, optional, shape, type Check } from './guards';

export interface TrainOptions {
  /** Absolute path of the labels file; the dataset folder is its directory. */
  labelsPath: string;
  /** Default: the first of PRESET_NAMES for a new model, the current model's own when resuming. */
  preset?: PresetName;
  backend: BackendChoice;
  epochs?: number;
  /** Stop after this many seconds of training (the model is still saved). */
  timeBudgetSeconds?: number;
  seed?: number;
  /** Continue the current model from its weights and optimizer state instead of starting afresh. */
  resume?: boolean;
  /** Make the new model current even when it reads fewer validation crops right than the current one. */
  replace?: boolean;
}

export interface TrainProgress {
  epoch: number;
  step: number;
  /** Total steps planned (epochs x steps per epoch), when known. */
  totalSteps?: number;
  loss: number;
  /** Whole-sequence accuracy on the recent training batches. */
  sequenceAccuracy: number;
  elapsedSeconds: number;
  imagesPerSecond: number;
  /** 0..1, from epochs or from the time budget, whichever ends first. */
  fraction: number;
}

/** What became of a trained model: the current one, a candidate kept beside it, or nothing (no step was trained). */
export const TRAIN_OUTCOMES = ['current', 'candidate', 'discarded'] as const;
export type TrainOutcome = (typeof TRAIN_OUTCOMES)[number];

export interface TrainResult {
  outcome: TrainOutcome;
  /** Which model is current now and why, in a sentence shown to the user as it is. */
  outcomeMessage: string;
  /** Where the new model was saved (absent when discarded). */
  modelDir?: string;
  backend: BackendName;
  seconds: number;
  steps: number;
  examples: number;
  cancelled: boolean;
  /** The new model's metrics on the held-out validation split. */
  validation: EvalMetrics;
  /** The model that was current before, on the same validation rows, when there was one. */
  previousValidation?: EvalMetrics;
  /** Rewritten only when the new model became current. */
  predictionsPath?: string;
}

export interface PredictOptions {
  labelsPath: string;
  /** Defaults to <dataset>/.digitlens/model. */
  modelDir?: string;
  backend: BackendChoice;
}

export interface PredictResult {
  predictionsPath: string;
  count: number;
  backend: BackendName;
  /** On the labeled rows, when there are any. */
  metrics?: EvalMetrics;
}

export interface UseCandidateOptions {
  labelsPath: string;
  backend: BackendChoice;
}

export interface UseCandidateResult extends PredictResult {
  /** The model directory the candidate now is. */
  modelDir: string;
}

export interface QuickRetrainOptions {
  labelsPath: string;
  backend: BackendChoice;
}

export interface QuickRetrainResult {
  /** The update itself (refit, checkpoint, predictions), not process start or model loading. */
  seconds: number;
  /** Labeled rows the heads were refitted on. */
  examples: number;
  /** Of them, rows whose label changed since the model was trained. */
  changed: number;
  predictionsPath: string;
}

export interface SynthOptions {
  /** Folder to create or fill; labels.csv and the images go here. */
  dir: string;
  count: number;
  seed: number;
}

export interface SynthResult {
  labelsPath: string;
  count: number;
}

/** Progress events, by name; a method lists the ones it may send. */
export interface EngineEvents {
  /** The backend the engine runs on, and why it is not the one asked for when it is not. */
  backend: { backend: BackendName; threads: number; note?: string };
  progress: TrainProgress;
  /** Crops that could not be used, and why. */
  skipped: SkippedCrop[];
  synthProgress: { done: number; total: number };
}
export type EngineEventName = keyof EngineEvents;

export interface EngineMethods {
  /** Trains on the labeled rows; writes the model and predictions.csv. */
  train: {
    params: TrainOptions & { /** Int32Array(1) over it; the host stores 1 to cancel. */ cancelFlag: SharedArrayBuffer };
    result: TrainResult;
    events: 'backend' | 'progress' | 'skipped';
  };
  /** Reads every row with a saved model; writes predictions.csv. */
  predict: { params: PredictOptions; result: PredictResult; events: 'backend' | 'skipped' };
  /** Makes the candidate model (.digitlens/candidate) current and rewrites predictions.csv with it. */
  useCandidate: { params: UseCandidateOptions; result: UseCandidateResult; events: 'backend' | 'skipped' };
  /** Refits the current model's heads to the labels as they are now, in seconds. */
  quickRetrain: { params: QuickRetrainOptions; result: QuickRetrainResult; events: 'backend' };
  /** Writes synthetic street-number crops and their labels.csv. */
  synth: { params: SynthOptions; result: SynthResult; events: 'synthProgress' };
}
export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M]['params'];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]['result'];
export type EventsOf<M extends EngineMethod> = EngineMethods[M]['events'];

/** Host -> worker. */
export type EngineRequest = { [M in EngineMethod]: { id: number; method: M; params: ParamsOf<M> } }[EngineMethod];

/** Worker -> host: events while a request runs, then its result or an error. */
export type EngineMessage =
  | { [E in EngineEventName]: { id: number; kind: 'event'; event: E; data: EngineEvents[E] } }[EngineEventName]
  | { [M in EngineMethod]: { id: number; kind: 'result'; method: M; result: ResultOf<M> } }[EngineMethod]
  | { id: number; kind: 'error'; message: string };

// ---- Boundary checks ----

const isBackendName = oneOf(BACKEND_NAMES);
const isBackendChoice = oneOf(BACKEND_CHOICES);
const isPositiveInteger = (v: unknown): v is number => isInteger(v) && v >= 1;
const isPositiveNumber = (v: unknown): v is number => isFiniteNumber(v) && v > 0;

const isEvalMetrics = shape<EvalMetrics>({
  count: isNonNegativeInteger,
  sequenceAccuracy: isFiniteNumber,
  digitAccuracy: isFiniteNumber,
  lengthAccuracy: isFiniteNumber,
  coverageAt98: isFiniteNumber,
  backend: isBackendName,
});

const isPredictResult = shape<PredictResult>({
  predictionsPath: isString,
  count: isNonNegativeInteger,
  backend: isBackendName,
  metrics: optional(isEvalMetrics),
});

const paramChecks: { [M in EngineMethod]: Check<ParamsOf<M>> } = {
  train: shape<ParamsOf<'train'>>({
    labelsPath: isString,
    preset: optional(oneOf(PRESET_NAMES)),
    backend: isBackendChoice,
    epochs: optional(isPositiveInteger),
    timeBudgetSeconds: optional(isPositiveNumber),
    seed: optional(isInteger),
    resume: optional(isBoolean),
    replace: optional(isBoolean),
    cancelFlag: (v: unknown): v is SharedArrayBuffer => v instanceof SharedArrayBuffer && v.byteLength >= Int32Array.BYTES_PER_ELEMENT,
  }),
  predict: shape<PredictOptions>({ labelsPath: isString, modelDir: optional(isString), backend: isBackendChoice }),
  useCandidate: shape<UseCandidateOptions>({ labelsPath: isString, backend: isBackendChoice }),
  quickRetrain: shape<QuickRetrainOptions>({ labelsPath: isString, backend: isBackendChoice }),
  synth: shape<SynthOptions>({ dir: isString, count: isPositiveInteger, seed: isNonNegativeInteger }),
};

const resultChecks: { [M in EngineMethod]: Check<ResultOf<M>> } = {
  train: shape<TrainResult>({
    outcome: oneOf(TRAIN_OUTCOMES),
    outcomeMessage: isString,
    modelDir: optional(isString),
    backend: isBackendName,
    seconds: isFiniteNumber,
    steps: isNonNegativeInteger,
    examples: isNonNegativeInteger,
    cancelled: isBoolean,
    validation: isEvalMetrics,
    previousValidation: optional(isEvalMetrics),
    predictionsPath: optional(isString),
  }),
  predict: isPredictResult,
  quickRetrain: shape<QuickRetrainResult>({ seconds: isFiniteNumber, examples: isNonNegativeInteger, changed: isNonNegativeInteger, predictionsPath: isString }),
  useCandidate: (v: unknown): v is UseCandidateResult => isPredictResult(v) && isString((v as { modelDir?: unknown }).modelDir),
  synth: shape<SynthResult>({ labelsPath: isString, count: isNonNegativeInteger }),
};

const eventChecks: { [E in EngineEventName]: Check<EngineEvents[E]> } = {
  backend: shape<EngineEvents['backend']>({ backend: isBackendName, threads: isNonNegativeInteger, note: optional(isString) }),
  progress: shape<TrainProgress>({
    epoch: isNonNegativeInteger,
    step: isNonNegativeInteger,
    totalSteps: optional(isNonNegativeInteger),
    loss: isFiniteNumber,
    sequenceAccuracy: isFiniteNumber,
    elapsedSeconds: isFiniteNumber,
    imagesPerSecond: isFiniteNumber,
    fraction: isFiniteNumber,
  }),
  skipped: arrayOf(shape<SkippedCrop>({ file: isString, reason: isString })),
  synthProgress: shape<EngineEvents['synthProgress']>({ done: isNonNegativeInteger, total: isNonNegativeInteger }),
};

const hasKey = <T extends object>(table: T, key: unknown): key is keyof T => typeof key === 'string' && Object.hasOwn(table, key);

/** Worker-side check of what the host sent. */
export function isEngineRequest(value: unknown): value is EngineRequest {
  if (!isRecord(value) || !isNonNegativeInteger(value.id) || !hasKey(paramChecks, value.method)) return false;
  return (paramChecks[value.method] as Check<unknown>)(value.params);
}

/** Host-side check of what the worker sent. */
export function isEngineMessage(value: unknown): value is EngineMessage {
  if (!isRecord(value) || !isNonNegativeInteger(value.id)) return false;
  switch (value.kind) {
    case 'event':
      return hasKey(eventChecks, value.event) && (eventChecks[value.event] as Check<unknown>)(value.data);
    case 'result':
      return hasKey(resultChecks, value.method) && (resultChecks[value.method] as Check<unknown>)(value.result);
    case 'error':
      return isString(value.message);
    default:
      return false;
  }
}
