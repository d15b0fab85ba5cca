import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from './mulberry32';
import { mistype, mistypeLabels, possibleMistakes } from './mistype';

test('each kind of mistake changes the label the way its name says', () => {
  const rand = mulberry32(1);
  for (let k = 0; k < 200; k++) {
    const swapped = mistype('1233', 'swap', rand);
    assert.ok(['2133', '1323'].includes(swapped), swapped);
    const dropped = mistype('1234', 'drop', rand);
    assert.equal(dropped.length, 3);
    assert.ok(['234', '134', '124', '123'].includes(dropped), dropped);
    const doubled = mistype('123', 'double', rand);
    assert.ok(['1123', '1223', '1233'].includes(doubled), doubled);
    const wrong = mistype('55', 'wrong', rand);
    assert.ok(wrong.length === 2 && wrong !== '55' && (wrong[0] === '5' || wrong[1] === '5'), wrong);
  }
  assert.deepEqual(possibleMistakes('7'), ['double', 'wrong']);
  assert.deepEqual(possibleMistakes('77'), ['double', 'wrong', 'drop']);
  assert.deepEqual(possibleMistakes('-'), []);
});

test('mistypeLabels changes the asked fraction, each label really changed, repeatably', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? '-' : String(i * 37)));
  const a = mistypeLabels(labels, 0.05, 3);
  assert.equal(a.mistakes.length, 50);
  for (const m of a.mistakes) {
    assert.notEqual(m.typed, m.truth);
    assert.equal(a.labels[m.index], m.typed);
    assert.equal(labels[m.index], m.truth);
  }
  assert.equal(a.labels.filter((l, i) => l !== labels[i]).length, 50);
  assert.deepEqual(mistypeLabels(labels, 0.05, 3), a);
  assert.ok(new Set(a.mistakes.map((m) => m.kind)).size === 4, 'every kind occurs');
});
