// The real digit crops `synth --digits-from <labels.csv>` composes numbers from: every row of
// that labels file whose label is one digit, its image decoded and resampled to the composing
// height. Rows with other labels, and images that cannot be read, are counted and left out.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LabelsDocument } from '../../../../common/labels';
import { loadImage } from '../images';
import { resolveDatasetPath } from '../paths';
import { DIGIT_CROP_HEIGHT, type DigitCrop, resampleToHeight } from './composite';

export interface DigitPool {
  crops: DigitCrop[];
  /** Rows that are not one digit (several digits, no number, unlabeled). */
  notOneDigit: number;
  /** Rows whose image could not be read, with the first reason. */
  unreadable: number;
  firstUnreadable?: string;
}

const PARALLEL_READS = 8;

export async function loadDigitPool(labelsPath: string): Promise<DigitPool> {
  let text: string;
  try {
    text = await fs.readFile(labelsPath, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the digit crops' labels file ${labelsPath}: ${(err as Error).message}`);
  }
  const doc = LabelsDocument.parse(text);
  const broken = doc.problems.find((p) => p.severity === 'error' && (p.record || doc.rows.length === 0));
  if (broken) throw new Error(`${path.basename(labelsPath)}:${broken.line + 1}: ${broken.message}`);
  const dir = path.dirname(labelsPath);
  const rows = doc.rows.filter((r) => /^[0-9]$/.test(r.label));
  const pool: DigitPool = { crops: [], notOneDigit: doc.rows.length - rows.length, unreadable: 0 };
  const slots = new Array<DigitCrop | undefined>(rows.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const i = next++;
      try {
        const image = await loadImage(resolveDatasetPath(dir, rows[i].file), rows[i].file);
        const rgb = new Uint8Array(image.width * image.height * 3);
        for (let p = 0; p < image.width * image.height; p++) rgb.set(image.data.subarray(4 * p, 4 * p + 3), 3 * p);
        slots[i] = resampleToHeight({ digit: Number(rows[i].label), width: image.width, height: image.height, rgb }, DIGIT_CROP_HEIGHT);
      } catch (err) {
        pool.unreadable++;
        pool.firstUnreadable ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_READS }, worker));
  // File order, whatever order the reads finished in: the same pool gives the same composites.
  for (const crop of slots) if (crop) pool.crops.push(crop);
  if (pool.crops.length === 0) {
    throw new Error(`${labelsPath} has no readable one-digit rows to compose numbers from (${pool.notOneDigit} rows of other labels, ${pool.unreadable} unreadable${pool.firstUnreadable ? `: ${pool.firstUnreadable}` : ''})`);
  }
  return pool;
}
