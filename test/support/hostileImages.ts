// Hostile image files for the tests, made in code (no fixtures): decompression bombs, headers
// that claim huge sizes, cut files, text posing as a PNG. Each carries a pattern its refusal
// reason must match, so every test names the same why.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { pngChunk } from '../../extension/src/dataset/pngEncode';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG from its IHDR fields and the compressed image data, with valid CRCs. */
export function pngWith(width: number, height: number, compressed: Uint8Array, options: { colorType?: number; bitDepth?: number; interlaced?: boolean } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([options.bitDepth ?? 8, options.colorType ?? 2, 0, 0, options.interlaced ? 1 : 0], 8);
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', compressed), pngChunk('IEND', new Uint8Array(0))]);
}

/**
 * A 16x16 RGB PNG whose image data inflates to `megabytes` MB of zeros (16x16 needs 784 bytes,
 * 798 interlaced): ~1 KB of file per MB it expands to.
 */
export function pngBomb(interlaced: boolean, megabytes = 64): Buffer {
  return pngWith(16, 16, deflateSync(Buffer.alloc(megabytes << 20), { level: 9 }), { interlaced });
}

/** A well-formed PNG whose IHDR claims width x height, with a tiny IDAT. */
export function pngClaiming(width: number, height: number): Buffer {
  return pngWith(width, height, deflateSync(Buffer.alloc(16)));
}

export interface HostileFile {
  /** Path relative to the dataset folder. */
  file: string;
  bytes: Uint8Array;
  /** What the refusal reason must say. */
  reason: RegExp;
}

/** The bad files of an acceptance dataset; `good` is the bytes of a valid PNG to cut short. */
export function hostileFiles(good: Uint8Array): HostileFile[] {
  return [
    { file: 'img/bomb-interlaced.png', bytes: pngBomb(true), reason: /compressed data expands beyond what its 16x16 header allows/ },
    { file: 'img/huge.png', bytes: pngClaiming(50000, 50000), reason: /too large \(50000x50000/ },
    { file: 'img/truncated.png', bytes: good.subarray(0, good.length >> 1), reason: /truncated/ },
    { file: 'img/notes.png', bytes: Buffer.from('file,label\nthis is a text file, not an image\n'), reason: /not a PNG or JPEG file/ },
    { file: 'img/bomb.png', bytes: pngBomb(false), reason: /compressed data expands beyond what its 16x16 header allows/ },
  ];
}

/** Writes the hostile files into `dir` and appends a labelled row for each to its labels file. */
export async function addHostileFiles(dir: string, labelsPath: string, good: Uint8Array): Promise<HostileFile[]> {
  const files = hostileFiles(good);
  for (const f of files) {
    await fs.mkdir(path.dirname(path.join(dir, f.file)), { recursive: true });
    await fs.writeFile(path.join(dir, f.file), f.bytes);
  }
  await fs.appendFile(labelsPath, files.map((f, i) => `${f.file},${i + 1},,\n`).join(''));
  return files;
}
