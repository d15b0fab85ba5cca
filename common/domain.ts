// The domain's names and figures, shared by every process: model presets, TensorFlow.js backends,
// and the held-out metrics (DESIGN §1, §4). Each list is written once, `as const`, and its type
// derives from it; package.json's setting enums are checked against these lists by a test.

/** Model presets (DESIGN §1); the first is the default. */
export const PRESET_NAMES = ['fast', 'goodfellow2014'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export const DEFAULT_PRESET: PresetName = PRESET_NAMES[0];

/** TensorFlow.js backends the engine can run on, fastest first (the order 'auto' tries them in). */
export const BACKEND_NAMES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a user may ask for: a backend by name, or 'auto' for the fastest that loads. */
export const BACKEND_CHOICES = ['auto', ...BACKEND_NAMES] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export const DEFAULT_BACKEND: BackendChoice = BACKEND_CHOICES[0];

export function isPresetName(value: unknown): value is PresetName {
  return (PRESET_NAMES as readonly unknown[]).includes(value);
}

export function isBackendChoice(value: unknown): value is BackendChoice {
  return (BACKEND_CHOICES as readonly unknown[]).includes(value);
}

/** Held-out metrics (DESIGN §1), each a fraction in 0..1 over `count` labeled crops. */
export interface Metrics {
  count: number;
  /** The whole predicted string equals the label (no partial credit). */
  sequenceAccuracy: number;
  /** Over every true digit position i <= min(n, 5). */
  digitAccuracy: number;
  lengthAccuracy: number;
  /** The largest fraction, most confident first, that is at least 98% right. */
  coverageAt98: number;
}

/** Metrics and the backend that computed them. */
export interface EvalMetrics extends Metrics {
  backend: BackendName;
}

/** A crop that could not be used (corrupt image, missing file...): reported, never fatal. */
export interface SkippedCrop {
  file: string;
  reason: string;
}
