import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSequence } from './decode';
import { HEAD_SIZES, LOGITS, headOffset } from './model';
import { logSoftmaxHeads, TEST_VIEWS } from './predict';

test('logSoftmaxHeads normalises each head and keeps what decodeSequence reads', () => {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 8 - 4;
  const logits = Float32Array.from({ length: 3 * LOGITS }, rand);
  const raw = Float32Array.from(logits);
  const lp = logSoftmaxHeads(logits);
  for (let r = 0; r < 3; r++) {
    HEAD_SIZES.forEach((size, h) => {
      let total = 0;
      for (let i = 0; i < size; i++) total += Math.exp(lp[r * LOGITS + headOffset(h) + i]);
      assert.ok(Math.abs(total - 1) < 1e-5, `row ${r} head ${h} sums to ${total}`);
    });
    const a = decodeSequence(raw, r * LOGITS);
    const b = decodeSequence(lp, r * LOGITS);
    assert.equal(b.text, a.text);
    assert.ok(Math.abs(b.confidence - a.confidence) < 1e-5);
  }
});

test('the test views start with the plain centre crop and stay inside the cache', () => {
  assert.deepEqual(TEST_VIEWS[0], { scale: 1, dx: 0, invert: false });
  for (const v of TEST_VIEWS) assert.ok(54 * v.scale <= 64 && Math.abs(v.dx) <= (64 - 54 * v.scale) / 2, JSON.stringify(v));
});
