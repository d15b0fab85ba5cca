import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeImage } from './images';
import { encodeRgbPng } from './pngEncode';

test('encoded PNGs decode (through jimp) to the same pixels', async () => {
  const width = 37;
  const height = 11;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 97 + (i >> 5) * 13) & 0xff;
  const png = encodeRgbPng(width, height, rgb);
  const image = await decodeImage(png, 'x.png');
  assert.equal(image.width, width);
  assert.equal(image.height, height);
  for (let p = 0; p < width * height; p++) {
    assert.deepEqual([...image.data.subarray(4 * p, 4 * p + 3)], [...rgb.subarray(3 * p, 3 * p + 3)], `pixel ${p}`);
    assert.equal(image.data[4 * p + 3], 255);
  }
  assert.deepEqual(encodeRgbPng(width, height, rgb), png, 'same pixels, same bytes');
  assert.throws(() => encodeRgbPng(2, 2, new Uint8Array(11)), /expected 12 RGB bytes/);
});
