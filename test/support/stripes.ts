// A dataset a fresh model learns in a few dozen steps, for tests of what training leaves behind.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeRgbPng } from '../../extension/src/dataset/pngEncode';

/**
 * 200 crops of stripes, labeled '1' when vertical and '22' when horizontal (the preset's
 * augmentation, polarity and scale, keeps both): a fresh model learns it in a few dozen steps, so
 * one trained that long reads every validation crop right and one stopped after a step does not.
 * In `into` when given (made if need be), else in a new temporary folder; returns the labels file.
 */
export async function stripes(into?: string): Promise<string> {
  const dir = into ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'dl-run-')));
  await fs.mkdir(path.join(dir, 'img'), { recursive: true });
  const rows = ['file,label'];
  for (let i = 0; i < 200; i++) {
    const vertical = i % 2 === 0;
    const phase = (i * 5) % 8;
    const rgb = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) rgb.fill(((vertical ? x : y) + phase) % 8 < 4 ? 230 : 20, (y * 64 + x) * 3, (y * 64 + x + 1) * 3);
    await fs.writeFile(path.join(dir, 'img', `${i}.png`), encodeRgbPng(64, 64, rgb));
    rows.push(`img/${i}.png,${vertical ? '1' : '22'}`);
  }
  const labelsPath = path.join(dir, 'labels.csv');
  await fs.writeFile(labelsPath, rows.join('\n') + '\n');
  return labelsPath;
}

