// Messages between the extension host and the engine worker (worker_threads).
// Both sides import these types; nothing crosses the boundary untyped.

/** A TensorFlow.js backend the engine can run on, fastest first. */
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
export type PresetName = 'fast' | 'goodfellow2014';

export interface TrainOptions {
  /** Absolute path of the labels file; the dataset folder is its directory. */
  labelsPath: string;
  preset: PresetName;
  backend: BackendChoice;
  epochs?: number;
  /** Stop after this many seconds of training (the model is still saved). */
  timeBudgetSeconds?: number;
  seed?: number;
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

export interface EvalMetrics {
  count: number;
  sequenceAccuracy: number;
  digitAccuracy: number;
  lengthAccuracy: number;
  coverageAt98: number;
  backend: BackendName;
}

export interface TrainResult {
  modelDir: string;
  backend: BackendName;
  seconds: number;
  steps: number;
  examples: number;
  cancelled: boolean;
  /** Metrics on the held-out validation split. */
  validation: EvalMetrics;
  predictionsPath: string;
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
  metrics?: EvalMetrics;
}

export interface SynthOptions {
  /** Folder to create or fill; labels.csv and the images go here. */
  dir: string;
  count: number;
  seed: number;
}

/** A crop that could not be used (corrupt image, missing file...). Reported, never fatal. */
export interface SkippedCrop {
  file: string;
  reason: string;
}

/** Host -> worker. */
export type EngineRequest =
  | { kind: 'train'; id: number; options: TrainOptions; /** Int32Array(1) over it; 1 = cancel */ cancelFlag: SharedArrayBuffer }
  | { kind: 'predict'; id: number; options: PredictOptions }
  | { kind: 'synth'; id: number; options: SynthOptions };

/** Worker -> host. */
export type EngineEvent =
  | { kind: 'backend'; id: number; backend: BackendName; threads: number; /** why the engine fell back to this backend or thread count */ note?: string }
  | { kind: 'progress'; id: number; progress: TrainProgress }
  | { kind: 'skipped'; id: number; skipped: SkippedCrop[] }
  | { kind: 'trainDone'; id: number; result: TrainResult }
  | { kind: 'predictDone'; id: number; result: PredictResult }
  | { kind: 'synthProgress'; id: number; done: number; total: number }
  | { kind: 'synthDone'; id: number; labelsPath: string; count: number }
  | { kind: 'error'; id: number; message: string };
