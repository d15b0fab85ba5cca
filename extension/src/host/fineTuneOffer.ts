// When to offer a fine-tune after a quick retrain, and what the offer says. The quick retrain
// refits the output heads and a low-rank change of the last dense layer; after a relabelling it
// follows the new labels only in part (every 7 typed as 1, then fixed: 72% of numbers with a 7
// read right, but -4.2 points on numbers without one, against -3.0 after two more epochs of
// fine-tuning the whole network in the same run; BENCHMARKS.md, issue 8). A few scattered fixes
// need no more: one changed row flips its reading after the refit.

/** Fewer changed rows than this never ask for a fine-tune, whatever the dataset's size. */
export const FINE_TUNE_MIN_CHANGED = 50;
/** ... nor a smaller share of the rows than this. */
export const FINE_TUNE_MIN_SHARE = 0.02;

/** True when so many rows changed since training that the quick retrain will not follow them closely. */
export function needsFineTune(changed: number, examples: number): boolean {
  return changed >= FINE_TUNE_MIN_CHANGED && changed >= FINE_TUNE_MIN_SHARE * examples;
}

/** The offer's words. */
export function fineTuneOfferText(changed: number): string {
  return (
    `Digit Lens: ${changed.toLocaleString('en-US')} labels changed since the model was trained. The quick update refits only the network's last layers, ` +
    'which unlearn a confusion (say every 7 typed as 1) only in part; two epochs of fine-tuning the whole network follow the new labels more closely.'
  );
}
