import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIGIT_HEADS, HEADS, LOGITS, digitOffset, logSoftmaxHeads } from './heads';
import { mulberry32 } from './mulberry32';

test('the head layout of DESIGN §1: L with 7 classes, S1..S5 with 10, side by side', () => {
  assert.deepEqual(
    HEADS.map((h) => [h.name, h.size, h.offset]),
    [['L', 7, 0], ['S1', 10, 7], ['S2', 10, 17], ['S3', 10, 27], ['S4', 10, 37], ['S5', 10, 47]],
  );
  assert.equal(LOGITS, 57);
  assert.equal(DIGIT_HEADS, 5);
  assert.equal(digitOffset(0), 7);
  assert.equal(digitOffset(4), 47);
});

test('logSoftmaxHeads normalises each head of each row and keeps each head\'s order', () => {
  const rand = mulberry32(7);
  const logits = Float32Array.from({ length: 3 * LOGITS }, () => rand() * 8 - 4);
  const raw = Float32Array.from(logits);
  const lp = logSoftmaxHeads(logits);
  assert.equal(lp, logits, 'in place');
  for (let r = 0; r < 3; r++) {
    for (const h of HEADS) {
      let total = 0;
      for (let i = 0; i < h.size; i++) total += Math.exp(lp[r * LOGITS + h.offset + i]);
      assert.ok(Math.abs(total - 1) < 1e-5, `row ${r} head ${h.name} sums to ${total}`);
      // A shift per head: differences inside a head are kept.
      const o = r * LOGITS + h.offset;
      for (let i = 1; i < h.size; i++) assert.ok(Math.abs(lp[o + i] - lp[o] - (raw[o + i] - raw[o])) < 1e-4);
    }
  }
  assert.throws(() => logSoftmaxHeads(new Float32Array(LOGITS + 1)), RangeError);
});
