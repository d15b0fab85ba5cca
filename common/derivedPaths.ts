// Where derived state lives (DESIGN §3): `.digitlens/` beside the labels file. Every part that
// reads or writes it asks here, so the layout is stated once.
import * as path from 'node:path';

export const DERIVED_DIR = '.digitlens';

export function derivedDir(labelsPath: string): string {
  return path.join(path.dirname(labelsPath), DERIVED_DIR);
}

/** Per-crop predictions, written by the engine and read by the gallery. */
export function predictionsPath(labelsPath: string): string {
  return path.join(derivedDir(labelsPath), 'predictions.csv');
}

/** The default model checkpoint (model.json, weights.bin, meta.json). */
export function defaultModelDir(labelsPath: string): string {
  return path.join(derivedDir(labelsPath), 'model');
}

/** The preprocessed-crop cache of a dataset folder. */
export function cacheDir(datasetDir: string): string {
  return path.join(datasetDir, DERIVED_DIR, 'cache');
}
