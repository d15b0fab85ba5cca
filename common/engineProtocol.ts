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
import { HEADS } from './heads';
import { arrayOf, isBoolean, isFiniteNumber, isInteger, isNonNegativeInteger, isPositiveNumber, isRecord, isString, oneOf, optional, shape, type Check } from './guards';

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
  /**
   * A new model that starts from the weights of the model in this folder (the shipped one, say)
   * with a fresh optimizer, instead of from random ones: a small dataset learns from what that
   * model knows. Its preset is the start model's. Not with `resume`.
   */
  startFrom?: string;
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
  /**
   * Each head's share of `loss` (HEADS order; they add up to it): its cross-entropy summed over
   * the batch's rows and divided by the batch size, smoothed like `loss`.
   */
  headLoss: (number | null)[];
  /** Each head's accuracy on the recent batches (its argmax is the label's class, over rows where the head has a target); null before it had one. */
  headAccuracy: (number | null)[];
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
  /**
   * Read nothing when the dataset has a model or predictions of its own (the shipped model's
   * readings for a new folder must not replace what a training run, queued before, wrote).
   */
  unlessReadings?: boolean;
}

export interface PredictResult {
  predictionsPath: string;
  /** Rows read; 0 and `kept` when `unlessReadings` found readings of the dataset's own. */
  count: number;
  kept?: boolean;
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

/** A rectangle in image pixels (the labels file's box). */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * How a gradient mask is made (engine/saliency.ts): plain gradients, SmoothGrad (the mean over
 * `smoothGrad` noisy copies of the input), and either of them multiplied by the input.
 */
export interface ExplainMethod {
  /** Noisy copies averaged (SmoothGrad); 0 = plain gradients. */
  smoothGrad: number;
  /** |gradient x input| instead of |gradient|. */
  gradTimesInput: boolean;
}

/**
 * The method the inspector and `digit-lens explain` use when none is asked for: SmoothGrad of 16
 * noisy copies, the one that points best.
 * In the pointing game (bench/pointing.ts: 300 unseen synthetic crops, 816 digit positions, three
 * fast models trained 480 s) every method clears the 80% bar: plain 94.0 / 93.3 / 93.9%, SmoothGrad
 * of 16 copies 94.4 / 95.0 / 95.1%, of 8 copies 94.2 / 93.9 / 95.0%, x input 93.1 / 92.0 / 93.8%.
 * SmoothGrad-16 points about a point better (over the three models 68 pairs against 41, exact
 * McNemar p = 0.012), but through the worker it takes 410 ms a crop on a quiet 2-core machine
 * against 58 ms, past the inspector's 300 ms: so the inspector shows the plain masks first (a
 * preview within the 300 ms) and replaces them with SmoothGrad's when they come (inspectorPanel.ts).
 * `digit-lens explain --smoothgrad 0` is the fast way through a whole dataset.
 */
export const DEFAULT_EXPLAIN_METHOD: Readonly<ExplainMethod> = { smoothGrad: 16, gradTimesInput: false };

/** More noisy copies than this cost seconds a crop and change nothing visible. */
export const MAX_SMOOTHGRAD = 256;

/** What every head of the current model sees in one crop (the inspector, `digit-lens explain`). */
export interface ExplainOptions {
  labelsPath: string;
  /** Defaults to <dataset>/.digitlens/model. */
  modelDir?: string;
  backend: BackendChoice;
  /** The row, as the caller read it from the labels file: its image (as written), box and label. */
  file: string;
  box?: PixelBox;
  /** The row's label ('' = unlabeled), to mark the label's class on each head. */
  label: string;
  /**
   * One class per head (HEADS order) whose gradient the mask shows; null, absent or past the
   * array's end = the head's own reading. A class outside the head's range is an error.
   */
  targets?: (number | null)[];
  /** Noisy copies averaged (SmoothGrad), 0..MAX_SMOOTHGRAD; 0 = plain gradients; absent = DEFAULT_EXPLAIN_METHOD's. */
  smoothGrad?: number;
  /** Gradient x input instead of the gradient alone; absent = DEFAULT_EXPLAIN_METHOD's. */
  gradTimesInput?: boolean;
  /** A conv block (1-based, conv1..) whose feature maps to return; absent = none. */
  activationBlock?: number;
}

export interface HeadExplanation {
  /** 'L', 'S1'..'S5' (common/heads.ts). */
  head: string;
  /** Softmax over the head's classes, from the same views the gallery's reading uses. */
  probs: number[];
  /** The class the decoded reading gives this head (L: its length class; S_i: its argmax digit). */
  predicted: number;
  /** The label's class for this head, when the row is labeled and the head reads a position of it. */
  labeled?: number;
  /** The class whose log-probability's gradient the mask shows. */
  target: number;
  /** False for digit heads past the decoded length: their digits are not part of the reading. */
  relevant: boolean;
  /** Non-negative saliency at network-input resolution (maskWidth x maskHeight, row-major), largest 1. */
  mask: number[];
  /**
   * Where the mask is largest, in the original image's pixels [x, y], in the box's coordinates
   * (pixel k spans k..k+1, so a pixel's centre is k + 0.5): the centre of the largest mask cell,
   * mapped through the input window and the 64x64 crop (engine/inputGeometry.ts).
   */
  peak: [number, number];
}

export interface ExplainResult {
  file: string;
  label: string;
  /** The reading (common/sequence.ts) and its confidence, as predictions.csv has them. */
  prediction: string;
  confidence: number;
  imageWidth: number;
  imageHeight: number;
  /**
   * The part of the image the network input shows, in image pixels (box coordinates): masks are
   * drawn stretched over it, cell (col, row) covering left + col * width / maskWidth .. + 1 cell.
   */
  inputRegion: PixelBox;
  maskWidth: number;
  maskHeight: number;
  method: ExplainMethod;
  heads: HeadExplanation[];
  /** How many conv blocks the model has (activationBlock ranges over 1..blocks). */
  blocks: number;
  activations?: {
    block: number;
    width: number;
    height: number;
    /** Strongest (largest mean activation) first; values scaled to 0..255 per channel, row-major. */
    channels: { index: number; mean: number; values: number[] }[];
  };
  /** Engine time for this crop, model loading excluded when the model was already loaded. */
  milliseconds: number;
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

/** The file an SVHN "format 1" folder keeps its annotations in, beside the images. */
export const SVHN_DIGIT_STRUCT_FILE_NAME = 'digitStruct.mat';

/** SVHN "format 1" import: <dir>/digitStruct.mat -> <dir>/labels.csv. */
export interface SvhnImportOptions {
  /** The folder that holds digitStruct.mat and the images; labels.csv is written there. */
  dir: string;
  /** Replace an existing labels.csv; without it an existing one is an error and stays as it is. */
  force?: boolean;
}

export interface SvhnImportResult {
  labelsPath: string;
  /** Images digitStruct.mat lists. */
  entries: number;
  /** Rows written: the listed images that are in the folder. */
  imported: number;
  /** Listed images that are not in the folder (not written). */
  missing: number;
  /** The first few of them, as the .mat names them. */
  missingExamples: string[];
  /** Rows written with their label only: a digit's box has nothing inside the image. */
  withoutBoxes: number;
  /** Rows whose boxes had fractional values, rounded outwards to whole pixels. */
  rounded: number;
}

/** Progress events, by name; a method lists the ones it may send. */
export interface EngineEvents {
  /** The backend the engine runs on, and why it is not the one asked for when it is not. */
  backend: { backend: BackendName; threads: number; note?: string };
  progress: TrainProgress;
  /** The run's record in the runs folder (common/trainingRun.ts), sent once it exists. */
  run: { runId: string; path: string };
  /** Crops that could not be used, and why. */
  skipped: SkippedCrop[];
  synthProgress: { done: number; total: number };
  /** Entries of digitStruct.mat read so far. */
  importProgress: { done: number; total: number };
}
export type EngineEventName = keyof EngineEvents;

export interface EngineMethods {
  /** Trains on the labeled rows; writes the model and predictions.csv. */
  train: {
    params: TrainOptions & { /** Int32Array(1) over it; the host stores 1 to cancel. */ cancelFlag: SharedArrayBuffer };
    result: TrainResult;
    events: 'backend' | 'progress' | 'skipped' | 'run';
  };
  /** Reads every row with a saved model; writes predictions.csv. */
  predict: { params: PredictOptions; result: PredictResult; events: 'backend' | 'skipped' };
  /** Makes the candidate model (.digitlens/candidate) current and rewrites predictions.csv with it. */
  useCandidate: { params: UseCandidateOptions; result: UseCandidateResult; events: 'backend' | 'skipped' };
  /** Refits the current model's heads to the labels as they are now, in seconds. */
  quickRetrain: { params: QuickRetrainOptions; result: QuickRetrainResult; events: 'backend' };
  /** What every head sees in one crop: probabilities, gradient masks, feature maps. */
  explain: { params: ExplainOptions; result: ExplainResult; events: 'backend' };
  /** Writes synthetic street-number crops and their labels.csv. */
  synth: { params: SynthOptions; result: SynthResult; events: 'synthProgress' };
  /** Reads an SVHN format 1 folder's digitStruct.mat and writes its labels.csv. */
  importSvhn: { params: SvhnImportOptions; result: SvhnImportResult; events: 'importProgress' };
  /** Starts the backend (if this worker has not yet) and says which one it is and why. */
  backendInfo: { params: { backend: BackendChoice }; result: EngineEvents['backend']; events: never };
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

const isEvalMetrics = shape<EvalMetrics>({
  count: isNonNegativeInteger,
  sequenceAccuracy: isFiniteNumber,
  digitAccuracy: isFiniteNumber,
  lengthAccuracy: isFiniteNumber,
  coverageAt98: isFiniteNumber,
  backend: isBackendName,
});

/** One figure per head, null where the head has none yet. */
const isHeadFigures = (v: unknown): v is (number | null)[] => Array.isArray(v) && v.length === HEADS.length && v.every((x) => x === null || isFiniteNumber(x));

const isPixelBox = shape<PixelBox>({ left: isFiniteNumber, top: isFiniteNumber, width: isPositiveNumber, height: isPositiveNumber });

const isTargetList = arrayOf((v: unknown): v is number | null => v === null || isNonNegativeInteger(v));

const isExplainShape = shape<ExplainResult>({
  file: isString,
  label: isString,
  prediction: isString,
  confidence: isFiniteNumber,
  imageWidth: isPositiveInteger,
  imageHeight: isPositiveInteger,
  inputRegion: isPixelBox,
  maskWidth: isPositiveInteger,
  maskHeight: isPositiveInteger,
  method: shape<ExplainMethod>({ smoothGrad: isNonNegativeInteger, gradTimesInput: isBoolean }),
  heads: arrayOf(
    shape<HeadExplanation>({
      head: isString,
      probs: arrayOf(isFiniteNumber),
      predicted: isNonNegativeInteger,
      labeled: optional(isNonNegativeInteger),
      target: isNonNegativeInteger,
      relevant: isBoolean,
      mask: arrayOf(isFiniteNumber),
      peak: (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every(isFiniteNumber),
    }),
  ),
  blocks: isNonNegativeInteger,
  activations: optional(
    shape<NonNullable<ExplainResult['activations']>>({
      block: isPositiveInteger,
      width: isPositiveInteger,
      height: isPositiveInteger,
      channels: arrayOf(shape<{ index: number; mean: number; values: number[] }>({ index: isNonNegativeInteger, mean: isFiniteNumber, values: arrayOf(isFiniteNumber) })),
    }),
  ),
  milliseconds: isFiniteNumber,
});

/** The fields, and that they fit together: one entry per head in HEADS order, each with its classes and a whole mask. */
function isExplainResult(v: unknown): v is ExplainResult {
  if (!isExplainShape(v)) return false;
  const cells = v.maskWidth * v.maskHeight;
  const headsFit =
    v.heads.length === HEADS.length &&
    v.heads.every((h, i) => h.head === HEADS[i].name && h.probs.length === HEADS[i].size && h.mask.length === cells && h.target < HEADS[i].size);
  const a = v.activations;
  return headsFit && (a === undefined || a.channels.every((c) => c.values.length === a.width * a.height));
}

const isPredictResult = shape<PredictResult>({
  predictionsPath: isString,
  count: isNonNegativeInteger,
  kept: optional(isBoolean),
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
    startFrom: optional(isString),
    replace: optional(isBoolean),
    cancelFlag: (v: unknown): v is SharedArrayBuffer => v instanceof SharedArrayBuffer && v.byteLength >= Int32Array.BYTES_PER_ELEMENT,
  }),
  predict: shape<PredictOptions>({ labelsPath: isString, modelDir: optional(isString), backend: isBackendChoice, unlessReadings: optional(isBoolean) }),
  useCandidate: shape<UseCandidateOptions>({ labelsPath: isString, backend: isBackendChoice }),
  quickRetrain: shape<QuickRetrainOptions>({ labelsPath: isString, backend: isBackendChoice }),
  explain: shape<ExplainOptions>({
    labelsPath: isString,
    modelDir: optional(isString),
    backend: isBackendChoice,
    file: isString,
    box: optional(isPixelBox),
    label: isString,
    targets: optional((v: unknown): v is (number | null)[] => isTargetList(v) && v.length <= HEADS.length),
    smoothGrad: optional((v: unknown): v is number => isNonNegativeInteger(v) && v <= MAX_SMOOTHGRAD),
    gradTimesInput: optional(isBoolean),
    activationBlock: optional(isPositiveInteger),
  }),
  synth: shape<SynthOptions>({ dir: isString, count: isPositiveInteger, seed: isNonNegativeInteger }),
  importSvhn: shape<SvhnImportOptions>({ dir: isString, force: optional(isBoolean) }),
  backendInfo: shape<ParamsOf<'backendInfo'>>({ backend: isBackendChoice }),
};

const isBackendEvent = shape<EngineEvents['backend']>({ backend: isBackendName, threads: isNonNegativeInteger, note: optional(isString) });

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
  explain: isExplainResult,
  synth: shape<SynthResult>({ labelsPath: isString, count: isNonNegativeInteger }),
  importSvhn: shape<SvhnImportResult>({
    labelsPath: isString,
    entries: isNonNegativeInteger,
    imported: isNonNegativeInteger,
    missing: isNonNegativeInteger,
    missingExamples: arrayOf(isString),
    withoutBoxes: isNonNegativeInteger,
    rounded: isNonNegativeInteger,
  }),
  backendInfo: isBackendEvent,
};

const eventChecks: { [E in EngineEventName]: Check<EngineEvents[E]> } = {
  backend: isBackendEvent,
  progress: shape<TrainProgress>({
    epoch: isNonNegativeInteger,
    step: isNonNegativeInteger,
    totalSteps: optional(isNonNegativeInteger),
    loss: isFiniteNumber,
    sequenceAccuracy: isFiniteNumber,
    elapsedSeconds: isFiniteNumber,
    imagesPerSecond: isFiniteNumber,
    fraction: isFiniteNumber,
    headLoss: isHeadFigures,
    headAccuracy: isHeadFigures,
  }),
  run: shape<EngineEvents['run']>({ runId: isString, path: isString }),
  skipped: arrayOf(shape<SkippedCrop>({ file: isString, reason: isString })),
  synthProgress: shape<EngineEvents['synthProgress']>({ done: isNonNegativeInteger, total: isNonNegativeInteger }),
  importProgress: shape<EngineEvents['importProgress']>({ done: isNonNegativeInteger, total: isNonNegativeInteger }),
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
