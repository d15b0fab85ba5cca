// The preprocessing cache: 64x64x3 crops in <dataset>/.digitlens/cache/, keyed per crop by the
// image path, a stamp of the file (inode, size, modification and change times) and the box, so a
// changed image or box is preprocessed again and everything else loads in one read. Crops are
// spread over a few shard files by image path, so a new image rewrites one shard, not the whole cache. A shard that fails any check (size,
// index, checksum) is treated as empty and rebuilt: the cache can cost time, never data.
import { fnv1a } from '../../../common/fnv1a';
import { promises as fs, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { cacheDir } from './paths';
import { CROP_BYTES } from './preprocess';

export const SHARD_COUNT = 16;
const MAGIC = 'DLCROPS1';
/**
 * Changes whenever preprocessing or the key changes, so old crops are never reused.
 * p2: keys carry the inode and change time (p1 ones could be fooled by a restored mtime), and PNGs
 * decode through pngDecode.ts.
 */
const PREPROCESS_VERSION = 'p2';

export function shardOf(file: string): number {
  return fnv1a(file) % SHARD_COUNT;
}

export function shardPath(datasetDir: string, shard: number): string {
  return path.join(cacheDir(datasetDir), `crops-${String(shard).padStart(2, '0')}.bin`);
}

/**
 * What tells one version of an image file from another without reading it (a bigint stat, for
 * whole nanoseconds and 64-bit inodes). Size and mtime alone can be faked: cp -p, rsync -a and
 * archive tools put the old mtime on new content. The change time cannot be set from user space
 * and moves with every write, utimes and rename; the inode changes when a new file is renamed over
 * the old one (rsync). What is left: two rewrites to the same size and mtime within one tick of
 * the file system's clock, with a load reading in between. Hashing every image on every load
 * would close that, at the cost of reading every file each time (+60% on a warm 4,000-crop load).
 */
export type FileStamp = Pick<BigIntStats, 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;

/** A row's box as its crops' keys spell it ('' for none: the whole image). */
export function boxText(box: { left: number; top: number; width: number; height: number } | undefined): string {
  return box ? `${box.left} ${box.top} ${box.width} ${box.height}` : '';
}

/** The cache key of one crop: any change to the image file or the box gives another key. */
export function cropKey(file: string, stamp: FileStamp, box: string): string {
  return JSON.stringify([PREPROCESS_VERSION, file, `${stamp.ino}`, `${stamp.size}`, `${stamp.mtimeNs}`, `${stamp.ctimeNs}`, box]);
}

/** The image path a key was made for ('' for a key this version did not write). */
export function fileOfKey(key: string): string {
  try {
    const parts: unknown = JSON.parse(key);
    return Array.isArray(parts) && parts[0] === PREPROCESS_VERSION && typeof parts[1] === 'string' ? parts[1] : '';
  } catch {
    return '';
  }
}

export interface Shard {
  keys: string[];
  /** keys.length * CROP_BYTES; crop k at k * CROP_BYTES. */
  pixels: Uint8Array;
}

/** A cheap 32-bit checksum over the pixel bytes (FNV-1a on words): catches a torn or altered file. */
function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  const words = bytes.length >>> 2;
  if ((bytes.byteOffset & 3) === 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset, words);
    for (let i = 0; i < words; i++) h = Math.imul(h ^ view[i], 0x01000193);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < words; i++) h = Math.imul(h ^ view.getUint32(4 * i, true), 0x01000193);
  }
  for (let i = words * 4; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** Layout: MAGIC, u32 count, u32 index bytes, index (JSON array of keys, space-padded to 4), u32 checksum, pixels. */
export function encodeShard(shard: Shard): Uint8Array {
  let index = Buffer.from(JSON.stringify(shard.keys), 'utf8');
  const pad = (4 - (index.length % 4)) % 4;
  if (pad) index = Buffer.concat([index, Buffer.alloc(pad, 0x20)]);
  const head = Buffer.alloc(16);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(shard.keys.length, 8);
  head.writeUInt32LE(index.length, 12);
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(checksum(shard.pixels), 0);
  return Buffer.concat([head, index, sum, shard.pixels]);
}

/** The shard in `bytes`, or undefined when they are not a whole, intact shard. */
export function decodeShard(bytes: Uint8Array): Shard | undefined {
  if (bytes.length < 20) return undefined;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.toString('latin1', 0, 8) !== MAGIC) return undefined;
  const count = buf.readUInt32LE(8);
  const indexBytes = buf.readUInt32LE(12);
  const pixelsAt = 16 + indexBytes + 4;
  if (pixelsAt > buf.length || buf.length - pixelsAt !== count * CROP_BYTES) return undefined;
  let keys: unknown;
  try {
    keys = JSON.parse(buf.toString('utf8', 16, 16 + indexBytes));
  } catch {
    return undefined;
  }
  if (!Array.isArray(keys) || keys.length !== count || !keys.every((k) => typeof k === 'string')) return undefined;
  const pixels = new Uint8Array(bytes.buffer, bytes.byteOffset + pixelsAt, count * CROP_BYTES);
  if (checksum(pixels) !== buf.readUInt32LE(16 + indexBytes)) return undefined;
  return { keys: keys, pixels };
}

/** Reads a shard; a missing, unreadable or corrupt file reads as an empty shard. */
export async function readShard(file: string): Promise<Shard> {
  try {
    const shard = decodeShard(await fs.readFile(file));
    if (shard) return shard;
  } catch {
    // Missing or unreadable: same as empty.
  }
  return { keys: [], pixels: new Uint8Array(0) };
}

export async function writeShard(file: string, shard: Shard): Promise<void> {
  await writeFileAtomic(file, encodeShard(shard));
}

/** Where a shard's crops are, without its pixels: what a reader of a few crops needs. */
interface ShardIndex {
  /** The shard file as read (size and change time): another one is read anew. */
  stamp: string;
  /** Key -> the byte offset of its crop in the file. */
  offsets: Map<string, number>;
}

/**
 * Reads single crops from the cache, for the gallery's thumbnails: a crop is found by the key of
 * its image as it is now (a stat) and read by itself, so a thumbnail costs one stat, the shard's
 * index (once per shard version) and 12 KB; never the shard's whole pixels, which at SVHN scale
 * are 190 MB each. The checksum covers a whole shard and is not checked here: shards are written
 * atomically, and a wrong thumbnail costs a look, never data (the engine checks what it trains on).
 */
export class CachedCropReader {
  private readonly indexes = new Map<number, Promise<ShardIndex | undefined>>();

  constructor(private readonly datasetDir: string) {}

  /** The crop of `file` (a path inside the dataset folder, `absolute`) with `box`, if the cache holds it for the image as it is now. */
  async read(file: string, absolute: string, box: string): Promise<Uint8Array | undefined> {
    let key: string;
    try {
      key = cropKey(file, await fs.stat(absolute, { bigint: true }), box);
    } catch {
      return undefined;
    }
    const shardFile = shardPath(this.datasetDir, shardOf(file));
    const index = await this.index(shardOf(file), shardFile);
    const offset = index?.offsets.get(key);
    if (offset === undefined) return undefined;
    const crop = new Uint8Array(CROP_BYTES);
    try {
      const handle = await fs.open(shardFile, 'r');
      try {
        const { bytesRead } = await handle.read(crop, 0, CROP_BYTES, offset);
        return bytesRead === CROP_BYTES ? crop : undefined;
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
  }

  private async index(shard: number, shardFile: string): Promise<ShardIndex | undefined> {
    let stamp: string;
    try {
      const stat = await fs.stat(shardFile, { bigint: true });
      stamp = `${stat.ino}:${stat.size}:${stat.ctimeNs}`;
    } catch {
      return undefined;
    }
    const known = await this.indexes.get(shard);
    if (known?.stamp === stamp) return known;
    const reading = readShardIndex(shardFile, stamp);
    this.indexes.set(shard, reading);
    return reading;
  }
}

/** The keys of a shard and where their crops are, from its head and index only; undefined when they are not a shard's. */
async function readShardIndex(file: string, stamp: string): Promise<ShardIndex | undefined> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const head = Buffer.alloc(16);
      if ((await handle.read(head, 0, 16, 0)).bytesRead !== 16 || head.toString('latin1', 0, 8) !== MAGIC) return undefined;
      const count = head.readUInt32LE(8);
      const indexBytes = head.readUInt32LE(12);
      const size = (await handle.stat()).size;
      const pixelsAt = 16 + indexBytes + 4;
      if (size !== pixelsAt + count * CROP_BYTES) return undefined;
      const index = Buffer.alloc(indexBytes);
      if ((await handle.read(index, 0, indexBytes, 16)).bytesRead !== indexBytes) return undefined;
      const keys: unknown = JSON.parse(index.toString('utf8'));
      if (!Array.isArray(keys) || keys.length !== count) return undefined;
      const offsets = new Map<string, number>();
      keys.forEach((key, k) => typeof key === 'string' && offsets.set(key, pixelsAt + k * CROP_BYTES));
      return { stamp, offsets };
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
