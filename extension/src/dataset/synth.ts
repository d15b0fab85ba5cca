// The synthetic street-number generator: `count` house-number-like crops as PNGs in <dir>/img/
// and <dir>/labels.csv with the union box and per-digit boxes. The same seed gives the same
// bytes (given the same fonts), so a synthetic data set can be named by its seed. With
// `digitsFrom`, a share of the crops are numbers composed from real one-digit crops instead.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { formatLabelsCsv, type Box } from '../../../common/labels';
import { writeFileAtomic } from './atomicWrite';
import { encodeRgbPng } from './pngEncode';
import { findFontFiles, loadDigitFont } from './synth/fonts';
import { Random } from './synth/random';
import { composeScene } from './synth/composite';
import { loadDigitPool, type DigitPool } from './synth/digitPool';
import { renderScene } from './synth/scene';

export interface SynthesizeOptions {
  /** Folder to create or fill; it must not hold a labels.csv or images from before. */
  dir: string;
  count: number;
  seed: number;
  /** A folder of .ttf/.otf/.woff fonts to use instead of the bundled ones. */
  fontsDir?: string;
  /** A labels file of one-digit crops (such as SVHN's format 2) to compose numbers from. */
  digitsFrom?: string;
  /** The share of crops composed from `digitsFrom` (0..1, default 1); the rest are rendered. */
  composedShare?: number;
  onProgress?(done: number, total: number): void;
}

export interface SynthesizeResult {
  labelsPath: string;
  count: number;
  /** How many of the crops were composed from real digits. */
  composed: number;
  /** The digit pool's counts, when `digitsFrom` was given. */
  pool?: Omit<DigitPool, 'crops'> & { crops: number };
}

export const MAX_SYNTH_COUNT = 1_000_000;

/** The image path (relative to the labels file) of crop `index` (0-based) out of `count`. */
export function synthImagePath(index: number, count: number): string {
  return `img/${String(index + 1).padStart(Math.max(5, String(count).length), '0')}.png`;
}

export async function synthesize(options: SynthesizeOptions): Promise<SynthesizeResult> {
  const { dir, count, seed } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SYNTH_COUNT) throw new RangeError(`count must be a whole number from 1 to ${MAX_SYNTH_COUNT}, got ${count}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`);
  const labelsPath = path.join(dir, 'labels.csv');
  // Never overwrite someone's labels or images: synthesize into a new or empty folder.
  if (existsSync(labelsPath)) throw new Error(`${labelsPath} already exists; synthesize into a new or empty folder`);
  const imageDir = path.join(dir, 'img');
  if (existsSync(imageDir) && (await fs.readdir(imageDir)).length > 0) throw new Error(`${imageDir} already holds files; synthesize into a new or empty folder`);
  const composedShare = options.composedShare ?? 1;
  if (!(composedShare >= 0 && composedShare <= 1)) throw new RangeError(`the composed share must be from 0 to 1, got ${composedShare}`);
  const pool = options.digitsFrom === undefined ? undefined : await loadDigitPool(options.digitsFrom);
  const fonts = await Promise.all((await findFontFiles(options.fontsDir)).map(loadDigitFont));
  await fs.mkdir(imageDir, { recursive: true });

  const rows: { file: string; label: string; box: Box; digitBoxes: Box[] }[] = [];
  const pending: Promise<void>[] = [];
  let composed = 0;
  for (let i = 0; i < count; i++) {
    // One random stream per image: image i is the same whatever the count.
    const random = new Random(seed, i);
    const compose = pool !== undefined && random.next() < composedShare;
    if (compose) composed++;
    const scene = compose ? composeScene(random, pool.crops) : renderScene(random, fonts);
    const file = synthImagePath(i, count);
    rows.push({ file, label: scene.label, box: scene.box, digitBoxes: scene.digitBoxes });
    pending.push(fs.writeFile(path.join(dir, ...file.split('/')), encodeRgbPng(scene.width, scene.height, scene.rgb)));
    if (pending.length >= 32) await Promise.all(pending.splice(0));
    if ((i + 1) % 50 === 0 || i + 1 === count) options.onProgress?.(i + 1, count);
  }
  await Promise.all(pending);
  // The labels file comes last: it exists only when every image it names does.
  await writeFileAtomic(labelsPath, formatLabelsCsv(rows));
  return { labelsPath, count, composed, pool: pool && { ...pool, crops: pool.crops.length } };
}
