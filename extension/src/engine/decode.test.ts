import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSequence } from './decode';

/** Logits that put probability ~p on the chosen class of each head (uniform elsewhere). */
function logitsFor(lengthClass: number, digits: number[], strength = 10): Float32Array {
  const z = new Float32Array(57);
  z[lengthClass] = strength;
  digits.forEach((d, i) => {
    z[7 + 10 * i + d] = strength;
  });
  return z;
}

test('decodes a confident two-digit number', () => {
  const d = decodeSequence(logitsFor(2, [1, 9, 4, 4, 4]));
  assert.equal(d.length, 2);
  assert.deepEqual(d.digits, [1, 9]);
  assert.equal(d.text, '19');
  assert.ok(d.confidence > 0.99 && d.confidence <= 1);
});

test('length 0 decodes to "-" and "more than 5" to ">5:" with five digits', () => {
  assert.equal(decodeSequence(logitsFor(0, [3, 3, 3, 3, 3])).text, '-');
  const more = decodeSequence(logitsFor(6, [1, 2, 3, 4, 5]));
  assert.equal(more.length, 6);
  assert.equal(more.text, '>5:12345');
});

test('the most likely sequence can differ from the argmax of the length head', () => {
  // P(L=3) slightly above P(L=2), but the third digit head is very unsure: the sequence of length
  // 2 is more likely overall. Hand computation: L logits 0 (l=2) and 0.1 (l=3), others -20;
  // log P(L=2) = -0.744, log P(L=3) = -0.644. Digit heads 1, 2 confident (log p ~ 0); head 3 uniform
  // (log p = log 0.1 = -2.303). score(2) = -0.744, score(3) = -0.644 - 2.303 = -2.947.
  const z = new Float32Array(57).fill(-20);
  z[2] = 0;
  z[3] = 0.1;
  for (let i = 0; i < 5; i++) for (let d = 0; d < 10; d++) z[7 + 10 * i + d] = 0;
  z[7 + 5] = 30;
  z[17 + 7] = 30;
  const d = decodeSequence(z);
  assert.equal(d.text, '57');
  assert.ok(Math.abs(d.confidence - Math.exp(-0.7444)) < 1e-3, String(d.confidence));
});

test('reads the example at an offset in a batch', () => {
  const batch = new Float32Array(57 * 2);
  batch.set(logitsFor(1, [0, 0, 0, 0, 0]), 0);
  batch.set(logitsFor(4, [0, 4, 3, 2, 9]), 57);
  assert.equal(decodeSequence(batch, 57).text, '0432');
});
