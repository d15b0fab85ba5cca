import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeadExplanation } from '../../../common/engineProtocol';
import { DEFAULT_INSPECTOR_VIEW } from '../../../common/inspectorProtocol';
import { LatestRequest, barLabel, chooseTarget, classNames, headSummary, maskCaption, percent, targetOf } from './inspectorModel';

const head = (over: Partial<HeadExplanation>): HeadExplanation => ({
  head: 'S2',
  probs: [0.28, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.05, 0.01, 0.6],
  predicted: 9,
  target: 9,
  relevant: true,
  mask: [],
  peak: [0, 0],
  ...over,
});

test("the heads' classes: L counts digits up to 'more than 5', the digit heads 0..9", () => {
  assert.deepEqual(classNames(0), ['0', '1', '2', '3', '4', '5', '>5']);
  assert.deepEqual(classNames(3), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
});

test('a head is described in words: its reading, the label, whether it is read at all', () => {
  assert.equal(headSummary(2, head({ labeled: 0 })), 'reads 9 (60%) · label 0 (28%)');
  assert.equal(headSummary(2, head({ labeled: 9 })), 'reads 9 (60%) · as labeled');
  assert.equal(headSummary(2, head({})), 'reads 9 (60%)');
  assert.equal(headSummary(2, head({ relevant: false })), 'not read (past the length)');
  assert.equal(headSummary(2, head({ relevant: false, labeled: 0 })), 'not read (past the length) · label 0 (28%)');
  assert.equal(headSummary(0, { ...head({}), head: 'L', probs: [0, 0, 0, 0, 0, 0.1, 0.9], predicted: 6 }), 'reads >5 (90%)');
  assert.equal(maskCaption(2, head({ target: 0 })), 'mask for 0 (reads 9)');
  assert.equal(maskCaption(2, head({})), 'mask for 9 (its reading)');
  // The marks in words, for screen readers and anyone who does not tell the colours apart.
  assert.equal(barLabel(2, 9, head({ labeled: 0 })), "S2 digit 9: 60% (the model's reading, mask shown)");
  assert.equal(barLabel(2, 0, head({ labeled: 0 })), "S2 digit 0: 28% (the label's)");
  assert.equal(barLabel(0, 6, undefined), 'L more than 5 digits');
  assert.deepEqual([percent(0.0004), percent(0.05), percent(0.5), percent(0.999)], ['<0.1%', '5.0%', '50%', '100%']);
});

test("choosing a class targets it; choosing the head's reading follows the reading again", () => {
  const why = chooseTarget(DEFAULT_INSPECTOR_VIEW, 2, 0, 9);
  assert.deepEqual(why.targets, [null, null, 0, null, null, null]);
  assert.deepEqual(DEFAULT_INSPECTOR_VIEW.targets, [null, null, null, null, null, null], 'the view is not changed in place');
  assert.equal(targetOf(why, 2, head({})), 0);
  const back = chooseTarget(why, 2, 9, 9);
  assert.deepEqual(back.targets, [null, null, null, null, null, null]);
  assert.equal(targetOf(back, 2, head({})), 9);
  // Before any explanation (no reading known), a choice is a target.
  assert.deepEqual(chooseTarget(DEFAULT_INSPECTOR_VIEW, 0, 3, undefined).targets, [3, null, null, null, null, null]);
});

test('only the latest request is answered on the page', () => {
  const requests = new LatestRequest();
  const a = requests.next();
  const b = requests.next();
  assert.ok(b > a);
  assert.equal(requests.isLatest(a), false);
  assert.equal(requests.isLatest(b), true);
});
