// Where derived state lives (DESIGN §3): `.digitlens/` beside the labels file. Every part that
// reads, writes or watches it takes the layout from here, as '/'-separated paths relative to the
// dataset folder (extension/src/dataset/paths.ts joins them onto a folder).

export const DERIVED_DIR = '.digitlens';

export const DERIVED = {
  /** Per-crop predictions, written by the engine and read by the gallery. */
  predictions: `${DERIVED_DIR}/predictions.csv`,
  /** The current model checkpoint (model.json, weights.bin, meta.json, optimizer.bin). */
  model: `${DERIVED_DIR}/model`,
  /** A trained model that did not become current (it read fewer validation crops right), kept for the user to take. */
  candidate: `${DERIVED_DIR}/candidate`,
  /** The run history: one record per training run (common/trainingRun.ts). */
  runs: `${DERIVED_DIR}/runs`,
  /** The description (meta.json) of the model that wrote predictions.csv: trained here, or the one the extension ships. */
  predictionsModel: `${DERIVED_DIR}/predictions-model.json`,
  /** The preprocessed-crop cache. */
  cache: `${DERIVED_DIR}/cache`,
} as const;
