// Where derived state lives (DESIGN §3): `.digitlens/` beside the labels file. Every part that
// reads, writes or watches it takes the layout from here, as '/'-separated paths relative to the
// dataset folder (extension/src/dataset/paths.ts joins them onto a folder).

export const DERIVED_DIR = '.digitlens';

export const DERIVED = {
  /** Per-crop predictions, written by the engine and read by the gallery. */
  predictions: `${DERIVED_DIR}/predictions.csv`,
  /** The current model checkpoint (model.json, weights.bin, meta.json). */
  model: `${DERIVED_DIR}/model`,
  /** The preprocessed-crop cache. */
  cache: `${DERIVED_DIR}/cache`,
} as const;
