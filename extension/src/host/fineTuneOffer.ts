// When to offer a fine-tune after a quick retrain, and what the offer says. The quick retrain
// refits the output heads and a low-rank change of the last dense layer on features the rest of
// the network made for the old labels. After a relabelling that leaves a gap (every 7 typed as 1,
// then fixed: 75.3% of numbers with a 7 read right after the quick retrain, 76.9% after two more
// epochs of fine-tuning the whole network, 80.0% for a model of the same recipe trained on the
// right labels; BENCHMARKS.md, issue 8). A few scattered fixes need no fine-tune: the refit draws
// them into every batch (in the code-server e2e, a fixed crop's reading follows its new label).

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
    'on features learnt from the old labels; two epochs of fine-tuning the whole network let the layers below learn the new labels too.'
  );
}
