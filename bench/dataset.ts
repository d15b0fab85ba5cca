// Dataset speed, reproducibly: synthesize N crops, then load them twice (decode + preprocess,
// then from the cache). Optionally writes a contact sheet of the first 40 crops with their
// digit boxes (green) and union box (red), to look at what the generator makes.
//   node --import tsx bench/dataset.ts [--count 4000] [--seed 1] [--sheet sheet.png]
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelsDocument, type Box } from '../common/labels';
import { parseArgs, numberFlag, stringFlag, checkKnownFlags } from '../extension/src/cli/args';
import { loadCrops } from '../extension/src/dataset/crops';
import { loadImage } from '../extension/src/dataset/images';
import { encodeRgbPng } from '../extension/src/dataset/pngEncode';
import { synthesize } from '../extension/src/dataset/synth';

async function contactSheet(dir: string, labelsPath: string, out: string): Promise<void> {
  const rows = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows.slice(0, 40);
  const [cols, cellW, cellH] = [5, 230, 150];
  const width = cols * cellW;
  const height = Math.ceil(rows.length / cols) * cellH;
  const sheet = new Uint8Array(width * height * 3).fill(40);
  for (const [k, row] of rows.entries()) {
    const image = await loadImage(path.join(dir, row.file));
    const s = Math.min(2, (cellW - 10) / image.width, (cellH - 10) / image.height);
    const [ox, oy] = [(k % cols) * cellW + 5, Math.floor(k / cols) * cellH + 5];
    for (let y = 0; y < Math.floor(image.height * s); y++) {
      for (let x = 0; x < Math.floor(image.width * s); x++) {
        const src = (Math.min(image.height - 1, Math.floor(y / s)) * image.width + Math.min(image.width - 1, Math.floor(x / s))) * 4;
        sheet.set(image.data.subarray(src, src + 3), ((oy + y) * width + ox + x) * 3);
      }
    }
    const outline = (b: Box, colour: number[]) => {
      const [x0, y0] = [ox + Math.round(b.left * s), oy + Math.round(b.top * s)];
      const [x1, y1] = [ox + Math.round((b.left + b.width) * s) - 1, oy + Math.round((b.top + b.height) * s) - 1];
      for (let x = x0; x <= x1; x++) for (const y of [y0, y1]) sheet.set(colour, (y * width + x) * 3);
      for (let y = y0; y <= y1; y++) for (const x of [x0, x1]) sheet.set(colour, (y * width + x) * 3);
    };
    for (const b of row.digitBoxes ?? []) outline(b, [0, 255, 0]);
    if (row.box) outline(row.box, [255, 0, 0]);
  }
  await fs.writeFile(out, encodeRgbPng(width, height, sheet));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  checkKnownFlags(args, ['count', 'seed', 'sheet']);
  const count = numberFlag(args, 'count', { min: 1, integer: true }) ?? 4000;
  const seed = numberFlag(args, 'seed', { min: 0, integer: true }) ?? 1;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-dataset-'));
  const seconds = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return Number(((performance.now() - started) / 1000).toFixed(3));
  };
  const synth = await seconds(() => synthesize({ dir, count, seed }));
  const labelsPath = path.join(dir, 'labels.csv');
  const coldLoad = await seconds(() => loadCrops(labelsPath, { onlyLabeled: true }));
  const cachedLoad = await seconds(() => loadCrops(labelsPath, { onlyLabeled: true }));
  const sheet = stringFlag(args, 'sheet');
  if (sheet) await contactSheet(dir, labelsPath, sheet);
  await fs.rm(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ count, synthSeconds: synth, coldLoadSeconds: coldLoad, cachedLoadSeconds: cachedLoad, cropsPerSecondCold: Math.round(count / coldLoad) }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
