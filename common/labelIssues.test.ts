import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOGITS, logSoftmaxHeads } from './heads';
import { decodeEvidence, encodeEvidence, findLabelIssues } from './labelEvidence';
import { labelIssue } from './labelIssues';

/** Head log-probabilities that put most weight on `reading` (length class, then digits), `strength` nats above the rest. */
function means(lengthClass: number, digits: number[], strength = 6): Float32Array {
  const z = new Float32Array(LOGITS);
  z[lengthClass] = strength;
  digits.forEach((d, i) => (z[7 + 10 * i + d] = strength));
  return logSoftmaxHeads(z);
}

test('a label the evidence agrees with scores low; a mistyped one high, with the reading and the position', () => {
  const lp = means(3, [4, 0, 7, 0, 0]);
  const right = labelIssue(lp, 0, '407');
  assert.ok(right.score < 0.01, String(right.score));
  const swapped = labelIssue(lp, 0, '470');
  assert.ok(swapped.score > 0.99, String(swapped.score));
  assert.equal(swapped.suggestion, '407');
  assert.equal(swapped.position, 'S2');
  const dropped = labelIssue(lp, 0, '47');
  assert.equal(dropped.suggestion, '407');
  assert.equal(dropped.position, 'L');
  assert.ok(dropped.suggestionProbability > 0.9 && dropped.suggestionProbability <= 1);
  // The right label's best other reading is a near miss, far less likely.
  assert.notEqual(right.suggestion, '407');
});

test('"no number" and more than five digits are labels like any other', () => {
  const none = means(0, [1, 1, 1, 1, 1]);
  assert.ok(labelIssue(none, 0, '-').score < 0.01);
  assert.equal(labelIssue(none, 0, '1').suggestion, '-');
  const long = means(6, [1, 2, 3, 4, 5]);
  assert.ok(labelIssue(long, 0, '1234567').score < 0.01);
  assert.equal(labelIssue(long, 0, '12345').suggestion, '>5:12345');
});

test('evidence round-trips and scores rows as they are labeled now, by normalised path', () => {
  const meanLogProbs = new Float32Array(3 * LOGITS);
  meanLogProbs.set(means(2, [1, 9]), 0);
  meanLogProbs.set(means(1, [7]), LOGITS);
  meanLogProbs.set(means(1, [3]), 2 * LOGITS);
  const { json, bin } = encodeEvidence({ rows: [{ file: 'a.png', label: '19', heldOut: false }, { file: 'b.png', label: '1', heldOut: false }, { file: 'c.png', label: '3', heldOut: true }], meanLogProbs });
  const evidence = decodeEvidence(json, Uint8Array.from(bin));
  const issues = findLabelIssues(evidence, [
    { file: './a.png', label: '19', line: 1 },
    { file: 'b.png', label: '1', line: 2 },
    { file: 'c.png', label: '', line: 3 },
    { file: 'new.png', label: '5', line: 4 },
  ]);
  assert.deepEqual(issues.map((i) => [i.file, i.suggestion, i.line]), [['b.png', '7', 2], ['./a.png', issues[1].suggestion, 1]]);
  assert.ok(issues[0].score > 0.99 && issues[1].score < 0.01);
  // The user fixes b.png: the same evidence now agrees.
  assert.ok(findLabelIssues(evidence, [{ file: 'b.png', label: '7' }])[0].score < 0.01);
  assert.throws(() => decodeEvidence(json, bin.subarray(4)), /bytes/);
  assert.throws(() => decodeEvidence('{"format":"x"}', bin), /not label-error evidence/);
});
