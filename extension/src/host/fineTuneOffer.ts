// When to offer a fine-tune after a quick retrain, and what the offer says. The quick retrain
// refits only the output heads; they cannot undo a confusion the network learned (every 7 typed
// as 1, then fixed: -25 points on numbers without a 7 after the refit, +-2 after two epochs of
// fine-tuning; BENCHMARKS.md, issue 8), so a large relabelling needs the whole network to move.
// A few scattered fixes do not: one changed row flips its reading after the refit.

/** Fewer changed rows than this never ask for a fine-tune, whatever the dataset's size. */
export const FINE_TUNE_MIN_CHANGED = 50;
/** ... nor a smaller share of the rows than this. */
export const FINE_TUNE_MIN_SHARE = 0.02;

/** True when so many rows changed since training that the heads alone will not follow them. */
export function needsFineTune(changed: number, examples: number): boolean {
  return changed >= FINE_TUNE_MIN_CHANGED && changed >= FINE_TUNE_MIN_SHARE * examples;
}

/** The offer's words. */
export function fineTuneOfferText(changed: number): string {
  return (
    `Digit Lens: ${changed.toLocaleString('en-US')} labels changed since the model was trained. The quick update refits only its output heads, ` +
    'which cannot unlearn a confusion (say every 7 typed as 1); two epochs of fine-tuning can.'
  );
}
