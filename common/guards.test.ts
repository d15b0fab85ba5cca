import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrayOf, isFiniteNumber, isInteger, isString, oneOf, optional, shape } from './guards';

test('shape checks each listed field and nothing else', () => {
  const isPoint = shape<{ x: number; label?: string; tags: string[]; kind: 'a' | 'b' }>({
    x: isFiniteNumber,
    label: optional(isString),
    tags: arrayOf(isString),
    kind: oneOf(['a', 'b'] as const),
  });
  assert.ok(isPoint({ x: 1, tags: [], kind: 'a' }));
  assert.ok(isPoint({ x: 1, label: 'p', tags: ['t'], kind: 'b', extra: true }));
  for (const bad of [null, [], 'x', { x: NaN, tags: [], kind: 'a' }, { x: 1, tags: [1], kind: 'a' }, { x: 1, tags: [], kind: 'c' }, { x: 1, label: 2, tags: [], kind: 'a' }, { tags: [], kind: 'a' }]) {
    assert.equal(isPoint(bad), false, JSON.stringify(bad));
  }
  assert.ok(isInteger(3) && !isInteger(3.5) && !isInteger('3'));
});
