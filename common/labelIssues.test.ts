import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOGITS, logSoftmaxHeads } from './heads';
import { decodeEvidence, encodeEvidence, findLabelIssues } from './labelEvidence';
import { labelIssue, SLIP_ODDS } from './labelIssues';

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

test('a reading one slip of the hand from the label is the likelier truth; another number must be read far likelier to count the same', () => {
  const lp = means(2, [9, 6]);
  // '69' and '15' are equally unlikely under these means, and the best other reading of both is 96.
  const swapped = labelIssue(lp, 0, '69');
  const farOff = labelIssue(lp, 0, '15');
  assert.deepEqual([swapped.suggestion, swapped.position, farOff.suggestion], ['96', 'S1', '96']);
  assert.ok(Math.abs(swapped.margin - farOff.margin - SLIP_ODDS) < 1e-4, `${swapped.margin} - ${farOff.margin}`);
  // A model sure of another number still flags a label no slip explains.
  assert.ok(farOff.score > 0.99, String(farOff.score));
  // Where a slip's reading is within SLIP_ODDS of the best other one, it is the suggestion: '17'
  // read weakly as 96 was more likely meant as 16 (one digit wrong) than as 96.
  const weak = means(2, [9, 6], 3);
  const meant = labelIssue(weak, 0, '17');
  assert.equal(meant.suggestion, '16');
  assert.equal(meant.position, 'S2');
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
  // Evidence blended with a start model's reading says its share, and keeps it.
  assert.equal(evidence.startWeight, undefined);
  const blended = encodeEvidence({ ...evidence, startWeight: 0.4 });
  assert.equal(decodeEvidence(blended.json, Uint8Array.from(blended.bin)).startWeight, 0.4);
  assert.throws(() => decodeEvidence(blended.json.replace('"startWeight":0.4', '"startWeight":1.5'), Uint8Array.from(blended.bin)), /not a share/);
});

test('margins are compared among rows of the same length: a long label the model half-doubts is not ranked above a short one it reads otherwise', () => {
  // Twelve right 6-digit labels on hard crops: S3 leans slightly to 8 (log-odds 0.05..0.6 against
  // the label's 3). Twelve right 1-digit labels the model is sure of (-12). One mistyped 1-digit
  // label: the model leans to 7, not the typed 1, by 0.3.
  const rows: { file: string; label: string; heldOut: boolean }[] = [];
  const logits: Float32Array[] = [];
  const reading = (lengthClass: number, digits: number[], strength: number): Float32Array => {
    const z = new Float32Array(LOGITS);
    z[lengthClass] = 12;
    digits.forEach((d, i) => (z[7 + 10 * i + d] = strength));
    return z;
  };
  for (let k = 0; k < 12; k++) {
    const z = reading(6, [1, 2, 3, 4, 5], 12);
    z[7 + 20 + 3] = 1;
    z[7 + 20 + 8] = 1 + 0.05 * (k + 1);
    rows.push({ file: `long${k}.png`, label: '123456', heldOut: false });
    logits.push(z);
    rows.push({ file: `short${k}.png`, label: '4', heldOut: false });
    logits.push(reading(1, [4], 12));
  }
  const typo = reading(1, [7], 0.3);
  rows.push({ file: 'typo.png', label: '1', heldOut: false });
  logits.push(typo);
  const meanLogProbs = new Float32Array(logits.length * LOGITS);
  logits.forEach((z, i) => meanLogProbs.set(logSoftmaxHeads(z), i * LOGITS));
  const raw = rows.map((r, i) => labelIssue(meanLogProbs, i * LOGITS, r.label));
  const typoRaw = raw[raw.length - 1];
  assert.ok(Math.abs(typoRaw.margin - 0.3) < 1e-4, String(typoRaw.margin));
  assert.ok(raw.filter((x, i) => rows[i].label === '123456' && x.margin > typoRaw.margin).length >= 5, 'uncalibrated, right long labels outrank the typo');
  const issues = findLabelIssues({ rows, meanLogProbs }, rows);
  assert.equal(issues[0].file, 'typo.png');
  assert.equal(issues[0].suggestion, '7');
  assert.ok(issues[0].score > 0.99);
  // Scores follow the calibrated margins, and the long rows' typical margin comes down to all rows' typical one.
  assert.ok(issues.every((x, i) => i === 0 || x.margin <= issues[i - 1].margin));
  const middle = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
  };
  const longRaw = middle(raw.filter((_, i) => rows[i].label === '123456').map((x) => x.margin));
  const longCalibrated = middle(issues.filter((x) => x.label === '123456').map((x) => x.margin));
  assert.ok(longCalibrated < longRaw, `${longCalibrated} < ${longRaw}`);
});
