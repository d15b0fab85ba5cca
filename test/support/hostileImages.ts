// Hostile image files for the tests, made in code (no fixtures): decompression bombs, headers
// that claim huge sizes, cut files, text posing as a PNG. Each carries a pattern its refusal
// reason must match, so every test names the same why.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { constants, createDeflate, deflateSync } from 'node:zlib';
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
 * 798 interlaced): ~1 KB of file per MB it expands to. Streamed through run-length deflate, so
 * making a 1 GB bomb takes under a second and never holds the gigabyte.
 */
export async function pngBomb(interlaced: boolean, megabytes = 64): Promise<Buffer> {
  const deflate = createDeflate({ level: 9, strategy: constants.Z_RLE });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const ended = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < megabytes; i++) if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  deflate.end();
  await ended;
  return pngWith(16, 16, Buffer.concat(parts), { interlaced });
}

/**
 * A valid 16x16 grey PNG whose image data is split into one-byte IDAT chunks and followed by
 * `emptyChunks` empty ones (12 bytes each, all allowed): memory per chunk must not add up.
 */
export function pngChunkFlood(emptyChunks: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(16, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const data = deflateSync(Buffer.alloc(16 * 17, 0));
  return Buffer.concat([
    SIGNATURE,
    pngChunk('IHDR', ihdr),
    ...[...data].map((b) => pngChunk('IDAT', Buffer.from([b]))),
    Buffer.alloc(12 * emptyChunks, pngChunk('IDAT', new Uint8Array(0))),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
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

/**
 * The bad files of an acceptance dataset; `good` is the bytes of a valid PNG to cut short. The
 * interlaced bomb expands to `bombMegabytes` (what pngjs inflated without a limit, twice over).
 */
export async function hostileFiles(good: Uint8Array, bombMegabytes = 64): Promise<HostileFile[]> {
  const expands = /compressed data expands beyond what its 16x16 header allows/;
  return [
    { file: 'img/bomb-interlaced.png', bytes: await pngBomb(true, bombMegabytes), reason: expands },
    { file: 'img/huge.png', bytes: pngClaiming(50000, 50000), reason: /too large \(50000x50000/ },
    { file: 'img/truncated.png', bytes: good.subarray(0, good.length >> 1), reason: /truncated/ },
    { file: 'img/notes.png', bytes: Buffer.from('file,label\nthis is a text file, not an image\n'), reason: /not a PNG or JPEG file/ },
    { file: 'img/bomb.png', bytes: await pngBomb(false), reason: expands },
  ];
}

/** Writes the hostile files into `dir` and appends a labelled row for each to its labels file. */
export async function addHostileFiles(dir: string, labelsPath: string, good: Uint8Array, bombMegabytes?: number): Promise<HostileFile[]> {
  const files = await hostileFiles(good, bombMegabytes);
  for (const f of files) {
    await fs.mkdir(path.dirname(path.join(dir, f.file)), { recursive: true });
    await fs.writeFile(path.join(dir, f.file), f.bytes);
  }
  await fs.appendFile(labelsPath, files.map((f, i) => `${f.file},${i + 1},,\n`).join(''));
  return files;
}
