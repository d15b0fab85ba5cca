// What the heads read, for every row, saved beside the model (features.json + features.bin): the
// last dense layer's activations averaged over the inference views, quantised to a byte per value
// with a scale per row (they are ReLU outputs, so 0..max). The quick retrain refits the heads on
// them in seconds instead of running the network again. Tied to one model by its meta.json date.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isNonNegativeInteger, isRecord, isString } from '../../../common/guards';
import { writeFileAtomic } from '../dataset/atomicWrite';

export const FEATURES_JSON = 'features.json';
export const FEATURES_BIN = 'features.bin';

export interface FeatureCache {
  /** The model they were computed with (its meta.json `date`). */
  modelDate: string;
  /** Files, as the labels file wrote them when the features were computed. */
  files: string[];
  width: number;
  /** files.length x width, dequantised. */
  values: Float32Array;
}

/** Quantises and writes the cache into `modelDir` (each file atomically; the json last, as the index). */
export async function writeFeatureCache(modelDir: string, cache: FeatureCache): Promise<void> {
  const n = cache.files.length;
  const { width, values } = cache;
  const bytes = new Uint8Array(n * 4 + n * width);
  const scales = new Float32Array(bytes.buffer, 0, n);
  const q = bytes.subarray(n * 4);
  for (let r = 0; r < n; r++) {
    let max = 0;
    for (let i = 0; i < width; i++) max = Math.max(max, values[r * width + i]);
    const scale = max > 0 ? max / 255 : 1;
    scales[r] = scale;
    for (let i = 0; i < width; i++) q[r * width + i] = Math.min(255, Math.max(0, Math.round(values[r * width + i] / scale)));
  }
  await writeFileAtomic(path.join(modelDir, FEATURES_BIN), bytes);
  await writeFileAtomic(path.join(modelDir, FEATURES_JSON), JSON.stringify({ format: 'digitlens-features-1', modelDate: cache.modelDate, width, files: cache.files, bytes: bytes.byteLength }));
}

/** The cache in `modelDir`, or undefined when there is none or it does not hold together. */
export async function readFeatureCache(modelDir: string): Promise<FeatureCache | undefined> {
  let meta: unknown;
  let bytes: Buffer;
  try {
    meta = JSON.parse(await fs.readFile(path.join(modelDir, FEATURES_JSON), 'utf8'));
    bytes = await fs.readFile(path.join(modelDir, FEATURES_BIN));
  } catch {
    return undefined;
  }
  if (!isRecord(meta) || meta.format !== 'digitlens-features-1' || !isString(meta.modelDate) || !isNonNegativeInteger(meta.width) || meta.width === 0) return undefined;
  if (!Array.isArray(meta.files) || !meta.files.every(isString) || meta.bytes !== bytes.byteLength) return undefined;
  const files = meta.files;
  const width = meta.width;
  const n = files.length;
  if (bytes.byteLength !== n * 4 + n * width) return undefined;
  const copy = new Uint8Array(bytes);
  const scales = new Float32Array(copy.buffer, 0, n);
  const q = copy.subarray(n * 4);
  const values = new Float32Array(n * width);
  for (let r = 0; r < n; r++) for (let i = 0; i < width; i++) values[r * width + i] = q[r * width + i] * scales[r];
  return { modelDate: meta.modelDate, files, width, values };
}
