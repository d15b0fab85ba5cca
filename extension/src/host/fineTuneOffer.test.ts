import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fineTuneOfferText, needsFineTune } from './fineTuneOffer';

test('a fine-tune is offered for a relabelling, not for a few fixes', () => {
  // The 7 -> 1 study of BENCHMARKS.md: 1,005 of 4,000 rows relabelled.
  assert.equal(needsFineTune(1005, 4000), true);
  // A handful of fixes from the label-error finder: the refit follows them.
  assert.equal(needsFineTune(5, 3000), false);
  assert.equal(needsFineTune(49, 1000), false, 'under 50 rows, never');
  assert.equal(needsFineTune(50, 1000), true);
  assert.equal(needsFineTune(59, 3000), false, 'under 2% of the rows, never');
  assert.equal(needsFineTune(60, 3000), true);
  assert.equal(needsFineTune(600, 33000), false);
  assert.equal(needsFineTune(660, 33000), true);
  assert.equal(needsFineTune(0, 0), false);
});

test('the offer says how many labels changed and why the quick update is not enough', () => {
  const text = fineTuneOfferText(1005);
  assert.match(text, /^Digit Lens: 1,005 labels changed since the model was trained\./);
  assert.match(text, /refits only the network's last layers/);
  assert.match(text, /two epochs of fine-tuning/);
});
