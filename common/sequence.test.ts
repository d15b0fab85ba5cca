import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedText, isReadingText, parseTargetLabel, predictedLength, predictionMatchesLabel, sequenceText } from './sequence';

test('a label becomes a length class and its first five digits', () => {
  assert.deepEqual(parseTargetLabel('0432'), { lengthClass: 4, digits: [0, 4, 3, 2] });
  assert.deepEqual(parseTargetLabel('-'), { lengthClass: 0, digits: [] });
  assert.deepEqual(parseTargetLabel('12345678'), { lengthClass: 6, digits: [1, 2, 3, 4, 5] });
  assert.throws(() => parseTargetLabel(''), /not a trainable label/);
  assert.throws(() => parseTargetLabel('1a'), /not a trainable label/);
});

test('reading texts: digits, "-" for none, ">5:" and five digits for more than five', () => {
  assert.equal(sequenceText(2, [1, 9]), '19');
  assert.equal(sequenceText(0, []), '-');
  assert.equal(sequenceText(6, [1, 2, 3, 4, 5]), '>5:12345');
  assert.equal(expectedText('0432'), '0432');
  assert.equal(expectedText('-'), '-');
  assert.equal(expectedText('1234567'), '>5:12345');
  for (const ok of ['-', '0', '0432', '12345', '>5:12345']) assert.ok(isReadingText(ok), ok);
  for (const bad of ['', '123456', '>5:1234', '1x', '>6:12345']) assert.ok(!isReadingText(bad), bad);
});

test('length and match rules follow the sequence metric', () => {
  assert.equal(predictedLength('-'), 0);
  assert.equal(predictedLength('407'), 3);
  assert.equal(predictedLength('>5:12345'), '>5');
  assert.equal(predictionMatchesLabel('407', '407'), true);
  assert.equal(predictionMatchesLabel('407', '0407'), false);
  assert.equal(predictionMatchesLabel('-', '-'), true);
  assert.equal(predictionMatchesLabel('-', ''), false);
  assert.equal(predictionMatchesLabel('', ''), false, 'an unlabeled crop has no right reading');
  assert.equal(predictionMatchesLabel('>5:12345', '1234567'), true);
  assert.equal(predictionMatchesLabel('>5:12345', '12345'), false);
  assert.equal(predictionMatchesLabel('>5:12345', '1234599'), true);
  assert.equal(predictionMatchesLabel('>5:12345', '1234'), false);
});
