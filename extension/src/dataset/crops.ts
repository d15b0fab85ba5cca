// Loads the crops a labels file names as one block of 64x64x3 pixels for the engine: rows read
// with LabelsDocument, paths resolved inside the dataset folder, images decoded and preprocessed
// (or taken from the cache). A crop that cannot be used is reported in `skipped`, never fatal.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SkippedCrop } from '../../../common/domain';
import { isValidLabel, LabelsDocument, type LabelProblem, type LabelRow } from '../../../common/labels';
import { boxText, cropKey, fileOfKey, readShard, shardOf, shardPath, writeShard, type Shard } from './cropCache';
import { ImageError, loadImage } from './images';
import { resolveDatasetPath } from './paths';
import { CROP_BYTES, cropRegion, PreprocessError, resizeRegionInto } from './preprocess';

export interface CropRow {
  file: string;
  label: string;
}

export interface CropSet {
  /** The crops that loaded, in labels-file order. */
  rows: CropRow[];
  /** rows.length * 64 * 64 * 3 bytes, RGB, crop i at i * 12288 (HWC). */
  pixels: Uint8Array;
  /** Rows that could not be used, and why. */
  skipped: SkippedCrop[];
}

export interface LoadCropsOptions {
  /** Only rows with a label (digits or '-'); otherwise unlabeled rows too. */
  onlyLabeled: boolean;
  /**
   * One row per image (for training and evaluation): rows that name the same file (`a.png` and
   * `./a.png`, or `A.png` and `a.png` where the file system ignores case) count once when their
   * labels agree, and not at all when they differ; both cases are reported in `skipped`.
   */
  uniqueImages?: boolean;
  onProgress?(done: number, total: number): void;
}

/** A labels file the engine must not use as it is; the message names the file and line. */
export class LabelsFileError extends Error {}

/** At most this many images are read at once. */
const PARALLEL_READS = 8;

interface Pending {
  row: LabelRow;
  /** Slot in the output before skipped rows are removed. */
  slot: number;
  key?: string;
}

export async function loadCrops(labelsPath: string, options: LoadCropsOptions): Promise<CropSet> {
  let text: string;
  try {
    text = await fs.readFile(labelsPath, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the labels file ${labelsPath}: ${(err as Error).message}`);
  }
  const datasetDir = path.dirname(labelsPath);
  const labelsName = path.basename(labelsPath);
  const doc = LabelsDocument.parse(text);
  const skipped: SkippedCrop[] = [];
  const wanted = rowsToLoad(doc, text, labelsName, options.onlyLabeled, skipped);

  const pixels = new Uint8Array(wanted.length * CROP_BYTES);
  const ok = new Uint8Array(wanted.length);
  const reasons = new Map<number, string>();
  const pending: Pending[] = wanted.map((row, slot) => ({ row, slot }));
  const total = pending.length;
  let done = 0;
  const progressEvery = Math.max(1, Math.floor(total / 200));
  const progress = () => {
    done++;
    if (done === total || done % progressEvery === 0) options.onProgress?.(done, total);
  };

  // 1. Stat every image: its key, or why it cannot be used. The stat comes before the read, so an
  // image changed in between is cached under a key it no longer has: decoded again next time, never stale.
  const identity = new Map<number, string>();
  await forEachLimited(pending, 32, async (p) => {
    try {
      const stat = await fs.stat(resolveDatasetPath(datasetDir, p.row.file), { bigint: true });
      if (!stat.isFile()) reasons.set(p.slot, 'not a file');
      else p.key = cropKey(p.row.file, stat, boxText(p.row.box));
      identity.set(p.slot, `${stat.dev}:${stat.ino}`);
    } catch (err) {
      reasons.set(p.slot, readProblem(err));
    }
  });

  if (options.uniqueImages) collapseDuplicates(pending, identity, reasons);

  // 2. Hits from the cache.
  const shardIds = [...new Set(pending.filter((p) => p.key).map((p) => shardOf(p.row.file)))];
  const shards = new Map<number, Shard>();
  await Promise.all(shardIds.map(async (s) => shards.set(s, await readShard(shardPath(datasetDir, s)))));
  const cached = new Map<string, { shard: Shard; index: number }>();
  for (const shard of shards.values()) shard.keys.forEach((key, index) => cached.set(key, { shard, index }));
  const misses: Pending[] = [];
  for (const p of pending) {
    if (!p.key) {
      progress();
      continue;
    }
    const hit = cached.get(p.key);
    if (hit) {
      pixels.set(hit.shard.pixels.subarray(hit.index * CROP_BYTES, (hit.index + 1) * CROP_BYTES), p.slot * CROP_BYTES);
      ok[p.slot] = 1;
      progress();
    } else misses.push(p);
  }

  // 3. Decode and preprocess the rest.
  await forEachLimited(misses, PARALLEL_READS, async (p) => {
    try {
      const image = await loadImage(resolveDatasetPath(datasetDir, p.row.file), p.row.file);
      resizeRegionInto(image, cropRegion(p.row.box, image.width, image.height), pixels, p.slot * CROP_BYTES);
      ok[p.slot] = 1;
    } catch (err) {
      reasons.set(p.slot, err instanceof ImageError ? err.reason : err instanceof PreprocessError ? err.message : String(err));
    }
    progress();
  });

  if (misses.some((p) => ok[p.slot])) await updateCache(datasetDir, pending, ok, pixels, shards);

  // 4. Keep the rows that loaded, in order.
  const rows: CropRow[] = [];
  for (const p of pending) {
    const reason = reasons.get(p.slot);
    if (!ok[p.slot]) {
      skipped.push({ file: p.row.file, reason: reason ?? 'not loaded' });
      continue;
    }
    if (rows.length !== p.slot) pixels.copyWithin(rows.length * CROP_BYTES, p.slot * CROP_BYTES, (p.slot + 1) * CROP_BYTES);
    rows.push({ file: p.row.file, label: p.row.label });
  }
  return { rows, pixels: rows.length === wanted.length ? pixels : pixels.subarray(0, rows.length * CROP_BYTES), skipped };
}

/**
 * The rows to load. A record that is not readable CSV (a stray quote, a wrong field count) stops
 * everything: what the rows after it say is uncertain, so nothing is trained, evaluated or
 * predicted from the file. Rows the labels file reads but cannot use (unsafe path, bad label) and
 * rows whose box or digit boxes are malformed are reported as skipped, so nobody trains on a crop
 * taken from the wrong place.
 */
function rowsToLoad(doc: LabelsDocument, text: string, labelsName: string, onlyLabeled: boolean, skipped: SkippedCrop[]): LabelRow[] {
  const headerLine = Math.max(0, text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).findIndex((l) => l.trim() !== ''));
  const errors = doc.problems.filter((p) => p.severity === 'error');
  const headerError = errors.find((p) => p.line === headerLine);
  if (doc.rows.length === 0 && headerError) throw new LabelsFileError(`${labelsName}:${headerLine + 1}: ${headerError.message}`);
  const broken = errors.filter((p) => p.record);
  if (broken.length > 0) {
    const more = broken.length > 1 ? ` (and ${broken.length - 1} more record${broken.length > 2 ? 's' : ''})` : '';
    throw new LabelsFileError(
      `${labelsName}:${broken[0].line + 1}: ${broken[0].message}${more}. The rows after a broken record cannot be trusted: ` +
        'fix it (the Problems panel shows it) and run again. Nothing was written.',
    );
  }
  const id = (p: LabelProblem) => `${p.line}:${p.startChar}:${p.message}`;
  const rowErrors = doc.rows.map((_, i) => doc.problemsOfRow(i).filter((p) => p.severity === 'error'));
  const ofRows = new Set(rowErrors.flat().map(id));
  // Records the document left out (unsafe path, bad label): one entry per line.
  const reported = new Set<number>();
  for (const p of errors) {
    if (p.line === headerLine || ofRows.has(id(p)) || reported.has(p.line)) continue;
    reported.add(p.line);
    skipped.push({ file: `${labelsName} line ${p.line + 1}`, reason: p.message });
  }
  const out: LabelRow[] = [];
  doc.rows.forEach((row, i) => {
    if (onlyLabeled && row.label === '') return;
    const problem = rowErrors[i][0]?.message ?? (isValidLabel(row.label) ? undefined : `label ${JSON.stringify(row.label)} is not a number`);
    if (problem) skipped.push({ file: row.file, reason: problem });
    else out.push(row);
  });
  return out;
}

/**
 * Rows whose files are one file on disk (same device and inode: however the path is spelled, and
 * whatever case a case-insensitive file system ignores) become one training example: the first
 * row when the labels agree; none when they differ, since one of them is wrong. The others lose
 * their key, so they are neither decoded nor used, and say why.
 */
function collapseDuplicates(pending: Pending[], identity: Map<number, string>, reasons: Map<number, string>): void {
  const groups = new Map<string, Pending[]>();
  for (const p of pending) {
    const id = identity.get(p.slot);
    if (id === undefined || !p.key) continue;
    const group = groups.get(id);
    if (group) group.push(p);
    else groups.set(id, [p]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [first] = group;
    if (new Set(group.map((p) => p.row.label)).size > 1) {
      const listing = group.map((p) => `${JSON.stringify(p.row.label)} on line ${p.row.line + 1}`).join(', ');
      for (const p of group) {
        reasons.set(p.slot, `one image labeled differently on ${group.length} rows (${listing}): neither is used until the wrong one is fixed`);
        p.key = undefined;
      }
    } else {
      for (const p of group.slice(1)) {
        reasons.set(p.slot, `the same image as ${first.row.file} on line ${first.row.line + 1}, with the same label: used once`);
        p.key = undefined;
      }
    }
  }
}


function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file does not exist';
  return err instanceof Error ? err.message : String(err);
}

/**
 * Rewrites the shards that gained crops: each keeps its entries for existing images this load did
 * not ask about (another labels file may use them) and takes this load's crop for every image it did.
 * A cache that cannot be written (read-only folder, full disk) only costs time next load.
 */
async function updateCache(datasetDir: string, pending: Pending[], ok: Uint8Array, pixels: Uint8Array, shards: Map<number, Shard>): Promise<void> {
  const bySlot = new Map<number, Pending[]>();
  for (const p of pending) {
    if (!p.key || !ok[p.slot]) continue;
    const s = shardOf(p.row.file);
    bySlot.set(s, [...(bySlot.get(s) ?? []), p]);
  }
  await Promise.all(
    [...bySlot].map(async ([s, current]) => {
      const old = shards.get(s) ?? { keys: [], pixels: new Uint8Array(0) };
      const oldKeys = new Set(old.keys);
      if (current.every((p) => oldKeys.has(p.key!))) return;
      const asked = new Set(current.map((p) => p.row.file));
      const keys: string[] = [];
      const parts: Uint8Array[] = [];
      // Entries of images this load did not ask about stay while their image exists.
      for (const [index, key] of old.keys.entries()) {
        const file = fileOfKey(key);
        if (asked.has(file) || !(await imageExists(datasetDir, file))) continue;
        keys.push(key);
        parts.push(old.pixels.subarray(index * CROP_BYTES, (index + 1) * CROP_BYTES));
      }
      const seen = new Set<string>();
      for (const p of current) {
        if (seen.has(p.key!)) continue;
        seen.add(p.key!);
        keys.push(p.key!);
        parts.push(pixels.subarray(p.slot * CROP_BYTES, (p.slot + 1) * CROP_BYTES));
      }
      const merged = new Uint8Array(keys.length * CROP_BYTES);
      parts.forEach((part, k) => merged.set(part, k * CROP_BYTES));
      try {
        await writeShard(shardPath(datasetDir, s), { keys, pixels: merged });
      } catch {
        // Only a speed-up is lost.
      }
    }),
  );
}

async function imageExists(datasetDir: string, file: string): Promise<boolean> {
  try {
    return (await fs.stat(resolveDatasetPath(datasetDir, file))).isFile();
  } catch {
    return false;
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

