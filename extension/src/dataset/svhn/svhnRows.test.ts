import { test } from 'node:test';
import assert from 'node:assert/strict';
import { svhnLabel, svhnRow, unionBox, wholePixelBox } from './svhnRows';

const digit = (label: number, left: number, top: number, width: number, height: number) => ({ label, left, top, width, height });

test('label 10 is the digit 0, digits keep SVHN order (the reading order), not their position', () => {
  assert.equal(svhnLabel([digit(2, 99, 5, 14, 23), digit(1, 114, 8, 8, 23), digit(10, 121, 6, 12, 23)]), '210');
  assert.equal(svhnLabel([digit(10, 0, 0, 5, 5)]), '0');
  // A number written top to bottom (or with a box out of place) keeps the order SVHN spells it in.
  assert.equal(svhnLabel([digit(4, 50, 0, 5, 5), digit(7, 10, 0, 5, 5)]), '47');
});

test('labels outside 1..10 and empty digit lists are refused with why', () => {
  for (const [digits, message] of [
    [[digit(0, 0, 0, 5, 5)], /digit 1 has label 0/],
    [[digit(3, 0, 0, 5, 5), digit(11, 0, 0, 5, 5)], /digit 2 has label 11/],
    [[digit(2.5, 0, 0, 5, 5)], /label 2.5/],
    [[digit(Number.NaN, 0, 0, 5, 5)], /label NaN/],
    [[], /no digits/],
  ] as const) assert.throws(() => svhnLabel(digits), message);
});

test('the union box holds every digit box; train/1.png gives the DESIGN example', () => {
  const row = svhnRow([digit(1, 246, 77, 81, 219), digit(9, 323, 81, 96, 219)]);
  assert.deepEqual(row, {
    label: '19',
    box: { left: 246, top: 77, width: 173, height: 223 },
    digitBoxes: [
      { left: 246, top: 77, width: 81, height: 219 },
      { left: 323, top: 81, width: 96, height: 219 },
    ],
    rounded: false,
  });
  assert.deepEqual(unionBox([{ left: 5, top: 9, width: 2, height: 2 }, { left: 1, top: 10, width: 1, height: 5 }]), { left: 1, top: 9, width: 6, height: 6 });
});

test('fractional values round outwards to whole pixels; boxes past the top or left edge are clipped', () => {
  assert.deepEqual(wholePixelBox(digit(1, 10.5, 3.2, 4.4, 7.9)), { left: 10, top: 3, width: 5, height: 9 });
  assert.deepEqual(wholePixelBox(digit(1, -1, -2, 10, 10)), { left: 0, top: 0, width: 9, height: 8 });
  assert.equal(svhnRow([digit(1, 10.5, 3, 4, 7)]).rounded, true);
  assert.equal(svhnRow([digit(1, 10, 3, 4, 7)]).rounded, false);
});

test('a digit box with nothing inside the image leaves the row with its label only', () => {
  for (const bad of [digit(1, -20, 0, 10, 10), digit(1, 0, 0, 0, 10), digit(1, 0, 0, 10, -3), digit(1, Number.NaN, 0, 10, 10), digit(1, 0, Infinity, 10, 10)]) {
    assert.equal(wholePixelBox(bad), undefined, JSON.stringify(bad));
    assert.deepEqual(svhnRow([digit(3, 0, 0, 5, 5), bad]), { label: '31', rounded: false });
  }
});
