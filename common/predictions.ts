// One row of .digitlens/predictions.csv, written by the engine and read by the gallery.
export interface PredictionRow {
  file: string;
  /** The label at prediction time ('' = unlabeled, '-' = no number). */
  label: string;
  /** Predicted digits, '-' for length 0, and '>5:' + first five digits for "more than 5". */
  prediction: string;
  /** exp(score) of the most likely sequence, 0..1. */
  confidence: number;
}
