// Decode speed, reproducibly: the bounded decoders (images.ts: pngDecode.ts, jpegDecode.ts) against
// jimp (pngjs, jpeg-js with defaults), which decoded dataset images before. Files are read into
// memory first, so only decoding is timed; each decoder runs the whole set several times,
// alternating, and the fastest round counts (the least disturbed by GC and the other core's load).
//   node --import tsx bench/decode.ts [--count 2000] [--seed 1] [--rounds 3]
// Sets: synthetic crops (synth.ts, 8-bit RGB PNGs), the same crops as JPEGs, and the first
// `count` SVHN digit crops (32x32 PNGs) when /work/shared/data/svhn-digits is there.
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Jimp } from 'jimp';
import { LabelsDocument } from '../common/labels';
import { checkKnownFlags, numberFlag, parseArgs } from '../extension/src/cli/args';
import { decodeImage } from '../extension/src/dataset/images';
import { synthesize } from '../extension/src/dataset/synth';

const SVHN_DIGITS = path.resolve(__dirname, '../../shared/data/svhn-digits');

async function filesOf(dir: string, labelsPath: string, count: number): Promise<Buffer[]> {
  const rows = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows.slice(0, count);
  return Promise.all(rows.map((r) => fs.readFile(path.join(dir, r.file))));
}

/** Milliseconds per image of one pass over `files`. */
async function msPerImage(files: readonly Buffer[], decode: (bytes: Buffer) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (const bytes of files) await decode(bytes);
  return (performance.now() - started) / files.length;
}

async function compare(set: string, files: Buffer[], rounds: number): Promise<Record<string, string | number>> {
  const bounded = (bytes: Buffer) => decodeImage(bytes, set);
  const jimp = (bytes: Buffer) => Jimp.fromBuffer(bytes);
  // One warm-up pass each, so neither pays for compiling the other's code paths.
  for (const bytes of files.slice(0, 50)) await Promise.all([bounded(bytes), jimp(bytes)]);
  let boundedMs = Infinity;
  let jimpMs = Infinity;
  for (let r = 0; r < rounds; r++) {
    boundedMs = Math.min(boundedMs, await msPerImage(files, bounded));
    jimpMs = Math.min(jimpMs, await msPerImage(files, jimp));
  }
  const bytes = files.reduce((n, f) => n + f.length, 0);
  return { set, count: files.length, avgFileBytes: Math.round(bytes / files.length), boundedMsPerImage: Number(boundedMs.toFixed(4)), jimpMsPerImage: Number(jimpMs.toFixed(4)), speedup: Number((jimpMs / boundedMs).toFixed(2)) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  checkKnownFlags(args, ['count', 'seed', 'rounds']);
  const count = numberFlag(args, 'count', { min: 1, integer: true }) ?? 2000;
  const seed = numberFlag(args, 'seed', { min: 0, integer: true }) ?? 1;
  const rounds = numberFlag(args, 'rounds', { min: 1, integer: true }) ?? 3;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-decode-'));
  try {
    const { labelsPath } = await synthesize({ dir, count, seed });
    const pngs = await filesOf(dir, labelsPath, count);
    console.log(JSON.stringify(await compare('synthetic PNG crops', pngs, rounds)));
    const jpegs = await Promise.all(pngs.map(async (png) => Buffer.from(await (await Jimp.fromBuffer(png)).getBuffer('image/jpeg', { quality: 90 }))));
    console.log(JSON.stringify(await compare('synthetic crops as JPEG (quality 90)', jpegs, rounds)));
    const svhnLabels = path.join(SVHN_DIGITS, 'labels.csv');
    if (existsSync(svhnLabels)) console.log(JSON.stringify(await compare('SVHN digit crops (32x32 PNG)', await filesOf(SVHN_DIGITS, svhnLabels, count), rounds)));
    else console.log(JSON.stringify({ set: 'SVHN digit crops', skipped: `${SVHN_DIGITS} is missing` }));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
