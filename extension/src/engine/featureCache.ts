// What the quick retrain refits on, for every row, saved beside the model (features.json +
// features.bin). The last dense layer's input x (6,720 values a crop for `fast`) is averaged over
// the inference views and kept in two forms small enough to store for every row:
//   pre = x·W + b, the layer's pre-activation (what the heads read, after its ReLU);
//   projected = x·P, x seen through `rank` fixed random directions (P = projection()).
// A refit of the heads alone cannot undo a confusion the dense layer learned (every 7 typed as 1
// makes it give both the same activations); a low-rank change of W within P's span can, and it
// folds back into W exactly: x·(W + P·A·C) + b = pre + projected·A·C. Each block is quantised to
// a signed byte per value with a scale per row, and stays so in memory (FeatureRows): 33,000 rows
// are 50 MB of bytes against 200 MB of floats, and on these machines a fresh 200 MB array costs
// about a second in page faults alone. Tied to one model by its meta.json date.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isNonNegativeInteger, isRecord, isString } from '../../../common/guards';
import { mulberry32 } from '../../../common/mulberry32';
import { writeFileAtomic } from '../dataset/atomicWrite';

export const FEATURES_JSON = 'features.json';
export const FEATURES_BIN = 'features.bin';
const FORMAT = 'digitlens-features-2';

/**
 * Directions the dense layer's input is projected on: 1,024 of `fast`'s 6,720. On every 7 typed
 * as 1, then fixed, a refit within 256 random directions read 63% of test numbers with a 7 right,
 * within 1,024 about 75%, as many as a refit of the whole kernel (BENCHMARKS.md, issue 8).
 */
export const PROJECTION_RANK = 1024;
const PROJECTION_SEED = 0x5eed;

export interface FeatureCache {
  /** The model they were computed with (its meta.json `date`). */
  modelDate: string;
  /** Files, as the labels file wrote them when the features were computed. */
  files: string[];
  /** Width of the last dense layer's input. */
  inputWidth: number;
  rows: FeatureRows;
}

/** P, [inputWidth, rank] row-major: +-1/sqrt(inputWidth), the same on every machine and in every process. */
export function projection(inputWidth: number, rank: number): Float32Array {
  const rand = mulberry32(PROJECTION_SEED);
  const p = new Float32Array(inputWidth * rank);
  const v = 1 / Math.sqrt(inputWidth);
  for (let i = 0; i < p.length; i++) p[i] = rand() < 0.5 ? -v : v;
  return p;
}

/**
 * Each row's pre-activation (`width` values) and projected input (`rank` values), as stored: two
 * float32 scales, then a signed byte per value.
 */
export class FeatureRows {
  readonly per: number;
  private readonly q: Int8Array;
  private readonly scales: DataView;

  constructor(readonly count: number, readonly width: number, readonly rank: number, readonly bytes: Uint8Array = new Uint8Array(count * (8 + width + rank))) {
    this.per = 8 + width + rank;
    if (bytes.byteLength !== count * this.per) throw new Error(`feature cache: ${bytes.byteLength} bytes for ${count} rows of ${this.per}`);
    this.q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.scales = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Stores row r's pre-activation from values[at, at + width). */
  setPre(r: number, values: Float32Array, at: number): void {
    this.scales.setFloat32(r * this.per, quantise(values, at, this.width, this.q, r * this.per + 8), true);
  }

  /** Stores row r's projected input from values[at, at + rank). */
  setProjected(r: number, values: Float32Array, at: number): void {
    this.scales.setFloat32(r * this.per + 4, quantise(values, at, this.rank, this.q, r * this.per + 8 + this.width), true);
  }

  /** Row r's pre-activation into out[at, at + width). */
  pre(r: number, out: Float32Array, at: number): void {
    dequantise(this.q, r * this.per + 8, this.width, this.scales.getFloat32(r * this.per, true), out, at);
  }

  /** Row r's projected input into out[at, at + rank). */
  projected(r: number, out: Float32Array, at: number): void {
    dequantise(this.q, r * this.per + 8 + this.width, this.rank, this.scales.getFloat32(r * this.per + 4, true), out, at);
  }
}

/** Quantises values[from, from + count) into out at `at`, returning the scale. */
function quantise(values: Float32Array, from: number, count: number, out: Int8Array, at: number): number {
  let max = 0;
  for (let i = from; i < from + count; i++) {
    const a = values[i] < 0 ? -values[i] : values[i];
    if (a > max) max = a;
  }
  const scale = max > 0 ? max / 127 : 1;
  const inv = 1 / scale;
  // Rounds half up through a positive truncation (x * inv lies in [-127, 127]): Math.round is 20x slower here.
  for (let i = 0; i < count; i++) out[at + i] = ((values[from + i] * inv + 128.5) | 0) - 128;
  return scale;
}

function dequantise(q: Int8Array, from: number, count: number, scale: number, out: Float32Array, at: number): void {
  for (let i = 0; i < count; i++) out[at + i] = q[from + i] * scale;
}

/** Writes the cache into `modelDir`, each file atomically (the json last, as the index); `atomic: false` inside a folder that is swapped in whole. */
export async function writeFeatureCache(modelDir: string, cache: FeatureCache, options: { atomic?: boolean } = {}): Promise<void> {
  const { rows } = cache;
  if (cache.files.length !== rows.count) throw new Error('feature cache: the blocks do not match the rows');
  const index = { format: FORMAT, modelDate: cache.modelDate, width: rows.width, inputWidth: cache.inputWidth, rank: rows.rank, files: cache.files, bytes: rows.bytes.byteLength };
  const write = options.atomic === false ? fs.writeFile : writeFileAtomic;
  await write(path.join(modelDir, FEATURES_BIN), rows.bytes);
  await write(path.join(modelDir, FEATURES_JSON), JSON.stringify(index));
}

/** The cache in `modelDir`, or undefined when there is none, it is of an older format, or it does not hold together. */
export async function readFeatureCache(modelDir: string): Promise<FeatureCache | undefined> {
  let meta: unknown;
  let bytes: Buffer;
  try {
    meta = JSON.parse(await fs.readFile(path.join(modelDir, FEATURES_JSON), 'utf8'));
    bytes = await fs.readFile(path.join(modelDir, FEATURES_BIN));
  } catch {
    return undefined;
  }
  if (!isRecord(meta) || meta.format !== FORMAT || !isString(meta.modelDate)) return undefined;
  const { width, inputWidth, rank, files } = meta;
  if (!isNonNegativeInteger(width) || !isNonNegativeInteger(inputWidth) || !isNonNegativeInteger(rank) || width === 0 || rank === 0) return undefined;
  if (!Array.isArray(files) || !files.every(isString) || meta.bytes !== bytes.byteLength) return undefined;
  if (bytes.byteLength !== files.length * (8 + width + rank)) return undefined;
  return { modelDate: meta.modelDate, files, inputWidth, rows: new FeatureRows(files.length, width, rank, bytes) };
}
