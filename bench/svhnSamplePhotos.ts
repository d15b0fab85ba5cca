// The nine real SVHN photos of ../shared/data/svhn-format1-sample with a model's readings drawn
// over them (issue 9: they appear in the README). Each split (train, test, extra) is imported with
// `import-svhn` and read with `predict --model`, through the built command line, as a user would;
// then one page lays out the photos with each number's box and the reading over it (green when it
// is the label, red when not), and Chromium takes its picture. Prints how many it read right.
//   npm run build && node --import tsx bench/svhnSamplePhotos.ts [--model extension/model] [--out docs/svhn-sample-readings.png] [--title T]
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { LabelsDocument } from '../common/labels';
import { parsePredictionsCsv } from '../common/predictionsCsv';
import { checkKnownFlags, parseArgs, stringFlag } from '../extension/src/cli/args';
import { predictionsPath } from '../extension/src/dataset/paths';
import { chromiumLaunch } from '../test/support/environment';

const root = path.join(import.meta.dirname, '..');
const sample = path.join(root, '..', 'shared', 'data', 'svhn-format1-sample');
const SPLITS = ['train', 'test', 'extra'];

interface Photo {
  name: string;
  png: Buffer;
  label: string;
  reading: string;
  confidence: number;
  box?: { left: number; top: number; width: number; height: number };
}

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`digit-lens ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function readPhotos(work: string, model: string): Promise<Photo[]> {
  const photos: Photo[] = [];
  for (const split of SPLITS) {
    const dir = path.join(work, split);
    await fs.cp(path.join(sample, split), dir, { recursive: true });
    cli(['import-svhn', dir]);
    cli(['predict', dir, '--model', model]);
    const labels = LabelsDocument.parse(await fs.readFile(path.join(dir, 'labels.csv'), 'utf8')).rows;
    const readings = new Map(parsePredictionsCsv(await fs.readFile(predictionsPath(path.join(dir, 'labels.csv')), 'utf8')).rows.map((r) => [r.file, r]));
    for (const row of labels) {
      const read = readings.get(row.file);
      if (!read) throw new Error(`${split}/${row.file}: no reading`);
      photos.push({ name: `${split}/${row.file}`, png: await fs.readFile(path.join(dir, row.file)), label: row.label, reading: read.prediction, confidence: read.confidence, box: row.box });
    }
  }
  return photos;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** One page: the photos at a common height, the box and reading over each. */
function page(photos: Photo[], title: string): string {
  const HEIGHT = 170;
  const WIDTH = 292;
  const cells = photos.map((p) => {
    const right = p.reading === p.label;
    const size = pngSize(p.png);
    // The whole photo, as large as its cell allows.
    const k = Math.min(HEIGHT / size.height, WIDTH / size.width);
    const box = p.box
      ? `<div class="box ${right ? 'right' : 'wrong'}" style="left:${p.box.left * k}px;top:${p.box.top * k}px;width:${p.box.width * k}px;height:${p.box.height * k}px"></div>`
      : '';
    return `<figure>
      <div class="photo"><img width="${Math.round(size.width * k)}" height="${Math.round(size.height * k)}" src="data:image/png;base64,${p.png.toString('base64')}">${box}</div>
      <figcaption><b class="${right ? 'right' : 'wrong'}">${escape(p.reading)}</b> ${Math.round(100 * p.confidence)}% <span>label ${escape(p.label)} · ${escape(p.name)}</span></figcaption>
    </figure>`;
  });
  return `<!doctype html><html><head><style>
    body { margin: 0; padding: 12px; background: #1e1e1e; color: #ccc; font: 13px sans-serif; width: 900px; }
    h1 { font-size: 15px; margin: 0 0 10px; color: #eee; font-weight: normal; }
    main { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
    figure { margin: 0; }
    figure > .photo { min-height: ${HEIGHT}px; }
    .photo { position: relative; display: inline-block; }
    .photo img { display: block; max-width: none; }
    .box { position: absolute; border: 2px solid; box-sizing: border-box; }
    .right { color: #4ec94e; border-color: #4ec94e; }
    .wrong { color: #f14c4c; border-color: #f14c4c; }
    figcaption b { font-size: 22px; }
    figcaption span { display: block; color: #999; }
  </style></head><body><h1>${escape(title)}</h1><main>${cells.join('')}</main></body></html>`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  checkKnownFlags(args, ['model', 'out', 'title']);
  const shipped = path.join(root, 'extension', 'model');
  const model = path.resolve(stringFlag(args, 'model') ?? shipped);
  const out = path.resolve(stringFlag(args, 'out') ?? path.join(root, 'docs', 'svhn-sample-readings.png'));
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'svhn-photos-'));
  try {
    const photos = await readPhotos(work, model);
    const right = photos.filter((p) => p.reading === p.label).length;
    const title = stringFlag(args, 'title') ?? `The nine SVHN sample photos, read by ${model === shipped ? 'the shipped model (trained on synthetic crops only)' : path.relative(root, model)}: ${right} of ${photos.length} right`;
    const browser = await chromium.launch(chromiumLaunch);
    try {
      const tab = await browser.newPage({ viewport: { width: 924, height: 600 } });
      await tab.setContent(page(photos, title), { waitUntil: 'load' });
      await fs.mkdir(path.dirname(out), { recursive: true });
      await tab.screenshot({ path: out, fullPage: true });
    } finally {
      await browser.close();
    }
    for (const p of photos) console.log(`${p.name}: label ${p.label}, read ${p.reading} (${Math.round(100 * p.confidence)}%)`);
    console.log(`${right} of ${photos.length} read right; ${path.relative(root, out)}`);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
