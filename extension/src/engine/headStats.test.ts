import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEADS, LOGITS } from '../../../common/heads';
import { initBackend } from './backend';
import { encodeTarget, sequenceLoss } from './loss';
import { headBatchStats } from './headStats';
import { tf } from './tf';

test('the per-head losses add up to the batch loss, and count only heads with a target', async () => {
  await initBackend('wasm');
  const labels = ['19', '-', '4205', '7'];
  const rows = labels.length;
  const logits = Float32Array.from({ length: rows * LOGITS }, (_, i) => Math.sin(i * 1.7) * 3);
  const targets = new Float32Array(rows * LOGITS);
  labels.forEach((l, r) => encodeTarget(l, targets, r * LOGITS));
  const stats = headBatchStats(logits, targets, rows);
  const total = tf.tidy(() => sequenceLoss(tf.tensor2d(targets, [rows, LOGITS]), tf.tensor2d(logits, [rows, LOGITS])).dataSync()[0]);
  assert.ok(Math.abs(stats.loss.reduce((a, b) => a + b, 0) - total) < 1e-4, `${stats.loss.join('+')} vs ${total}`);
  // L has a target in every row; S1 in three ('-' has no digits); S4 only in '4205'; S5 in none.
  assert.deepEqual(stats.counted, [4, 3, 2, 1, 1, 0]);
  assert.equal(stats.loss[HEADS.length - 1], 0);
});

test('a head is right where its argmax is the target class', () => {
  const logits = new Float32Array(LOGITS);
  const targets = new Float32Array(LOGITS);
  encodeTarget('3', targets);
  logits[1] = 5; // L says one digit: right
  logits[HEADS[1].offset + 8] = 5; // S1 says 8: wrong
  const stats = headBatchStats(logits, targets, 1);
  assert.deepEqual(stats.right.slice(0, 2), [1, 0]);
  assert.deepEqual(stats.counted.slice(0, 2), [1, 1]);
});
