// The gallery at SVHN scale (issue 11): a generated dataset of N rows (250,000 by default), the
// host's data preparation (loadGalleryDataset, the message as VS Code serializes it), and the
// gallery page in a real Chromium under its CSP: first paint after the dataset arrives, frame times
// over a scripted scroll, a filter and a sort with their counts, the page's JS heap.
//   node --import tsx bench/galleryScale.ts [--count 250000] [--keep DIR]
//
// What is generated, cheaply: 64 small PNGs, hard-linked under N file names (so every row names
// its own file, as in SVHN, at the cost of 64 inodes); labels.csv; .digitlens/predictions.csv (one
// reading in seven disagrees, one row in seventeen unlabeled, confidences spread over 0..1); and the
// preprocessing cache (.digitlens/cache, the shard format of dataset/cropCache.ts, keyed by each
// file's real stat) holding one 64x64 crop per row, drawn from 64 distinct patterns.
// N = 250,000 makes about 3 GB of cache: what the engine would leave after preprocessing that many.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { formatPredictionsCsv, type PredictionRow } from '../common/predictionsCsv';
import type { HostToGalleryMessage, ThumbnailsRequest } from '../common/webviewProtocol';
import { checkKnownFlags, numberFlag, parseArgs, stringFlag } from '../extension/src/cli/args';
import { cropKey, encodeShard, SHARD_COUNT, shardOf, shardPath } from '../extension/src/dataset/cropCache';
import { cacheDir, predictionsPath } from '../extension/src/dataset/paths';
import { encodeRgbPng } from '../extension/src/dataset/pngEncode';
import { CROP_BYTES, CROP_SIZE } from '../extension/src/dataset/preprocess';
import { GALLERY_FIRST_ROWS, loadGalleryDataset, type RowsByLine } from '../extension/src/host/gallery/galleryData';
import { GALLERY_WORKER, GalleryReader } from '../extension/src/host/gallery/galleryReader';
import { GalleryThumbnails } from '../extension/src/host/gallery/galleryThumbnails';
import { chromiumLaunch } from '../test/support/environment';
import { openWebview, WebviewServer } from '../test/support/webviewPages';

/** The repository's root (the bench reads the built bundles in dist/). */
const root = path.join(import.meta.dirname, '..');

const PATTERNS = 64;

function rowLabel(i: number): string {
  return i % 17 === 5 ? '' : String(10 + ((i * 7919) % 99990));
}

async function generate(dir: string, count: number): Promise<void> {
  const imgDir = path.join(dir, 'img');
  await fs.mkdir(imgDir, { recursive: true });
  // One image per pattern (a file system allows some 65,000 links to one inode); row i links image i % PATTERNS.
  const masters = Array.from({ length: PATTERNS }, (_, p) => path.join(dir, `master-${p}.png`));
  for (const [p, master] of masters.entries()) await fs.writeFile(master, encodeRgbPng(96, 48, new Uint8Array(96 * 48 * 3).map((_, k) => (k * 37 + p * 11) % 256)));
  const files = Array.from({ length: count }, (_, i) => `img/${String(i).padStart(6, '0')}.png`);
  for (let i = 0; i < count; i += 500) await Promise.all(files.slice(i, i + 500).map((f, k) => fs.link(masters[(i + k) % PATTERNS], path.join(dir, f))));

  const labels = ['file,label'];
  const predictions: PredictionRow[] = [];
  for (let i = 0; i < count; i++) {
    const label = rowLabel(i);
    labels.push(`${files[i]},${label}`);
    const reading = i % 7 === 3 ? String(1 + ((i * 31) % 9999)) : label === '' ? String(i % 1000) : label;
    predictions.push({ file: files[i], label, prediction: reading, confidence: ((i * 37) % 1000) / 1000 });
  }
  await fs.writeFile(path.join(dir, 'labels.csv'), labels.join('\n') + '\n');
  const labelsPath = path.join(dir, 'labels.csv');
  await fs.mkdir(path.dirname(predictionsPath(labelsPath)), { recursive: true });
  await fs.writeFile(predictionsPath(labelsPath), formatPredictionsCsv(predictions));

  // The cache, keyed by the files' stat as it is now (all links made: the shared inode's ctime is final).
  const stamps = await Promise.all(masters.map((m) => fs.stat(m, { bigint: true })));
  const patterns = new Uint8Array(PATTERNS * CROP_BYTES);
  for (let p = 0; p < PATTERNS; p++) {
    for (let y = 0; y < CROP_SIZE; y++) {
      for (let x = 0; x < CROP_SIZE; x++) {
        const at = p * CROP_BYTES + (y * CROP_SIZE + x) * 3;
        patterns[at] = (x * 4 + p * 16) % 256;
        patterns[at + 1] = (y * 4) % 256;
        patterns[at + 2] = ((x ^ y) * 8 + p * 4) % 256;
      }
    }
  }
  const byShard: number[][] = Array.from({ length: SHARD_COUNT }, () => []);
  for (let i = 0; i < count; i++) byShard[shardOf(files[i])].push(i);
  await fs.mkdir(cacheDir(dir), { recursive: true });
  for (let s = 0; s < SHARD_COUNT; s++) {
    const rows = byShard[s];
    const pixels = new Uint8Array(rows.length * CROP_BYTES);
    rows.forEach((i, k) => pixels.set(patterns.subarray((i % PATTERNS) * CROP_BYTES, (i % PATTERNS + 1) * CROP_BYTES), k * CROP_BYTES));
    await fs.writeFile(shardPath(dir, s), encodeShard({ keys: rows.map((i) => cropKey(files[i], stamps[i % PATTERNS], '')), pixels }));
  }
}

function mb(bytes: number): number {
  return Math.round((bytes / 1048576) * 10) / 10;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return mb(usedSize);
}

// Page code as strings: tsx's transform would add helpers (__name) the page does not have.

/**
 * Answers the page's thumbnail requests as GalleryPanel does, with the host's GalleryThumbnails,
 * while the bench runs. (The pictures then cross CDP as base64, which VS Code does not do: the time
 * to the first thumbnails is the host's and the bench's, an upper bound.)
 */
function serveThumbnails(page: Page, thumbnails: GalleryThumbnails, rows: RowsByLine): { requests: number; served: number; hostMs: number; stop(): void } {
  const stats = { requests: 0, served: 0, hostMs: 0, stop: () => (stopped = true) };
  let stopped = false;
  let seen = 0;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const posted = (await page.evaluate(`window.__recorded.posted.slice(${seen})`).catch(() => [])) as ThumbnailsRequest[];
      seen += posted.length;
      for (const request of posted.filter((m) => m.kind === 'thumbnails')) {
        const started = performance.now();
        const answer = await thumbnails.answer(request.rows, rows);
        stats.hostMs += performance.now() - started;
        stats.requests++;
        stats.served += answer.items.filter((t) => t.at !== undefined).length;
        await page.evaluate((m) => window.postMessage(m, '*'), answer).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  void loop();
  return stats;
}

/**
 * CPU time (user + system) of Chromium's renderer processes so far, ms, from /proc: on a loaded
 * machine wall times mostly measure waiting for a core, CPU time what the page costs.
 */
async function rendererCpuMs(browserPid: number): Promise<number> {
  const children = async (pid: number): Promise<number[]> => {
    const listed = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    const direct = listed.split(' ').filter(Boolean).map(Number);
    return [...direct, ...(await Promise.all(direct.map(children))).flat()];
  };
  let ticks = 0;
  for (const pid of await children(browserPid)) {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes('--type=renderer')) continue;
    const stat = (await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(') ').pop()?.split(' ') ?? [];
    // Fields 14 and 15 (utime, stime), counted from after the command name.
    ticks += Number(stat[11] ?? 0) + Number(stat[12] ?? 0);
  }
  return ticks * 10;
}

/** Page code that makes a view change (`act`) and resolves with the ms to the frame after the grid was rebuilt. */
function viewChange(act: string): string {
  return `new Promise((resolve) => {
    const grid = document.getElementById('grid');
    const t0 = performance.now();
    const seen = new MutationObserver(() => {
      seen.disconnect();
      requestAnimationFrame(() => resolve(Math.round(performance.now() - t0)));
    });
    seen.observe(grid, { childList: true });
    ${act}
  })`;
}

/** The functions that took the most time themselves in a CPU profile (BENCH_PROFILE=1), ms. */
function topSelfTimes(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] }): string[] {
  const self = new Map<number, number>();
  (profile.samples ?? []).forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas?.[k] ?? 0) / 1000));
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`;
    byName.set(name, (byName.get(name) ?? 0) + (self.get(node.id) ?? 0));
  }
  return [...byName].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, ms]) => `${Math.round(ms)} ms ${name}`);
}

/** Scrolls the grid by `step` px per frame for `frames` frames; the frame-to-frame times, ms. */
function scrollFrames(page: Page, step: number, frames: number): Promise<number[]> {
  return page.evaluate(`new Promise((resolve) => {
    const scroller = document.getElementById('scroller');
    const times = [];
    let last = performance.now();
    let n = 0;
    function frame(now) {
      times.push(now - last);
      last = now;
      scroller.scrollTop += ${step};
      if (++n < ${frames}) requestAnimationFrame(frame);
      else resolve(times.slice(1));
    }
    requestAnimationFrame(frame);
  })`);
}

/** From the staged message's arrival (its text parsed, as the webview's host does) to the frame after the first cells exist, ms. */
const FIRST_PAINT = `new Promise((resolve) => {
  const t0 = window.__t0 = performance.now();
  const { text, binary } = window.__staged;
  window.postMessage(JSON.parse(text, (key, value) => value !== null && typeof value === 'object' && typeof value.$buffer === 'number' ? binary[value.$buffer] : value), '*');
  window.__staged = undefined;
  function poll() {
    if (document.querySelector('.crop')) requestAnimationFrame(() => resolve(Math.round(performance.now() - t0)));
    else requestAnimationFrame(poll);
  }
  requestAnimationFrame(poll);
})`;

/** From the staged whole dataset's arrival to the frame after the summary counts all `count` crops, ms. */
const WHOLE_SHOWN = (count: number): string => `new Promise((resolve) => {
  const t0 = performance.now();
  const { text, binary } = window.__stagedWhole;
  window.postMessage(JSON.parse(text, (key, value) => value !== null && typeof value === 'object' && typeof value.$buffer === 'number' ? binary[value.$buffer] : value), '*');
  window.__stagedWhole = undefined;
  function poll() {
    if (document.getElementById('summary').textContent.startsWith('${count} of ${count} crops')) requestAnimationFrame(() => resolve(Math.round(performance.now() - t0)));
    else requestAnimationFrame(poll);
  }
  requestAnimationFrame(poll);
})`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  checkKnownFlags(args, ['count', 'keep']);
  const count = numberFlag(args, 'count', { min: 1, integer: true }) ?? 250_000;
  const keep = stringFlag(args, 'keep');
  const dir = keep ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'bench-gallery-')));
  const labelsPath = path.join(dir, 'labels.csv');
  const figures: Record<string, unknown> = { count, loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '), cpus: os.cpus().length };
  try {
    let started = performance.now();
    if (!(await fs.stat(labelsPath).catch(() => undefined))) {
      await generate(dir, count);
      figures.generateSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
    }

    // The host: what GalleryPanel does on opening, then VS Code's serialization of each message
    // (JSON, with typed arrays taken out and carried as binary): the first rows, then all of them.
    const serialize = (message: HostToGalleryMessage): { json: string; buffers: ArrayBufferView[]; ms: number } => {
      const at = performance.now();
      const buffers: ArrayBufferView[] = [];
      const json = JSON.stringify(message, (_key, value: unknown) => (ArrayBuffer.isView(value) ? { $buffer: buffers.push(value) - 1 } : value));
      return { json, buffers, ms: Math.round(performance.now() - at) };
    };
    started = performance.now();
    const first = serialize({ kind: 'dataset', dataset: (await loadGalleryDataset(labelsPath, undefined, { firstRows: GALLERY_FIRST_ROWS })).dataset });
    figures.hostFirstRowsMs = Math.round(performance.now() - started) - first.ms;
    figures.hostFirstRowsSerializeMs = first.ms;
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    started = performance.now();
    const cpuBefore = process.cpuUsage();
    const { dataset, rows } = await loadGalleryDataset(labelsPath);
    figures.hostPrepareMs = Math.round(performance.now() - started);
    const cpu = process.cpuUsage(cpuBefore);
    figures.hostPrepareCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    figures.hostHeapMb = mb(process.memoryUsage().heapUsed - heapBefore);
    // The same whole read as the panel does it, in its worker thread (dist/galleryWorker.js):
    // the wall time, and the longest this thread's event loop waited meanwhile (a 5 ms ticker).
    {
      global.gc?.(); // not the garbage of the read above
      let last = performance.now();
      let longest = 0;
      const ticker = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }, 5);
      const reader = new GalleryReader(path.join(root, 'dist', GALLERY_WORKER));
      const at = performance.now();
      await reader.read(labelsPath);
      figures.hostWorkerReadMs = Math.round(performance.now() - at);
      reader.dispose();
      clearInterval(ticker);
      figures.hostWorkerReadLongestLoopWaitMs = Math.round(Math.max(longest, performance.now() - last));
    }
    const whole = serialize({ kind: 'dataset', dataset });
    figures.hostSerializeMs = whole.ms;
    figures.messageJsonMb = mb(whole.json.length);
    figures.messageBinaryMb = mb(whole.buffers.reduce((sum, b) => sum + b.byteLength, 0));
    const thumbnails = new GalleryThumbnails(labelsPath, (p) => `https://file+.vscode-resource.vscode-cdn.net${p}`);

    // The page, in Chromium, as the tests serve it.
    const server = await WebviewServer.start(new Map());
    // A browser server, for its process id: the renderers' CPU time is read from /proc.
    const browserServer = await chromium.launchServer(chromiumLaunch);
    const browser = await chromium.connect(browserServer.wsEndpoint());
    const browserPid = browserServer.process().pid;
    const cpuMs = (): Promise<number> => (browserPid === undefined ? Promise.resolve(NaN) : rendererCpuMs(browserPid));
    try {
      const errors: string[] = [];
      const booting = performance.now();
      const page = await openWebview(browser, server, 'gallery', errors, { width: 1200, height: 900 });
      await page.waitForFunction(() => (window as unknown as { __recorded: { posted: { kind: string }[] } }).__recorded.posted.some((m) => m.kind === 'ready'));
      figures.pageBootMs = Math.round(performance.now() - booting);
      figures.pageHeapEmptyMb = await heapMb(page);
      // Both messages staged in the page before any timing: carrying 13 MB over CDP takes the harness seconds.
      await page.evaluate(([text, binary]) => ((window as unknown as { __staged: unknown }).__staged = { text, binary }), [first.json, first.buffers] as const);
      await page.evaluate(([text, binary]) => ((window as unknown as { __stagedWhole: unknown }).__stagedWhole = { text, binary }), [whole.json, whole.buffers] as const);
      const serving = serveThumbnails(page, thumbnails, rows);
      const profiler = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : undefined;
      await profiler?.send('Profiler.enable');
      await profiler?.send('Profiler.start');
      let cpuAt = await cpuMs();
      figures.firstPaintMs = await page.evaluate(FIRST_PAINT);
      figures.firstPaintRendererCpuMs = (await cpuMs()) - cpuAt;
      // Opening = the host's read of the first rows and their message, then the page's first paint;
      // the page boots while the host reads (GalleryPanel prefetches), adding nothing unless slower.
      figures.openToFirstPaintMs = Number(figures.hostFirstRowsMs) + Number(figures.hostFirstRowsSerializeMs) + Number(figures.firstPaintMs);
      if (profiler) figures.firstPaintProfile = topSelfTimes((await profiler.send('Profiler.stop')).profile);
      figures.firstSummary = await page.locator('#summary').textContent();
      // Then the whole dataset, which the host reads after posting the first rows.
      figures.wholeShownMs = await page.evaluate(WHOLE_SHOWN(count));
      figures.openToWholeMs = Number(figures.openToFirstPaintMs) + Number(figures.hostPrepareMs) + whole.ms + Number(figures.wholeShownMs);
      await page.locator('.frame .thumb').first().waitFor({ timeout: 60_000 });
      figures.firstThumbnailsMs = await page.evaluate('Math.round(performance.now() - window.__t0)');
      figures.summary = await page.locator('#summary').textContent();
      figures.pageHeapLoadedMb = await heapMb(page);

      cpuAt = await cpuMs();
      await profiler?.send('Profiler.start');
      const reading = (await scrollFrames(page, 120, 300)).sort((a, b) => a - b);
      if (profiler) figures.scrollReadingProfile = topSelfTimes((await profiler.send('Profiler.stop')).profile);
      const fling = (await scrollFrames(page, 2400, 120)).sort((a, b) => a - b);
      const frames = [...reading, ...fling].sort((a, b) => a - b);
      figures.scrollRendererCpuMsPerFrame = Number((((await cpuMs()) - cpuAt) / frames.length).toFixed(1));
      figures.scrollFrames = frames.length;
      figures.scrollFrameP50Ms = Number(percentile(frames, 50).toFixed(1));
      figures.scrollFrameP95Ms = Number(percentile(frames, 95).toFixed(1));
      figures.scrollFrameMaxMs = Number(frames[frames.length - 1].toFixed(1));
      // Each part alone: 120 px a frame (reading) and 2,400 px a frame (a scroll bar dragged).
      figures.scrollReadingP50P95MaxMs = [50, 95].map((q) => percentile(reading, q).toFixed(1)).concat(reading[reading.length - 1].toFixed(1)).join(' / ');
      figures.scrollFlingP50P95MaxMs = [50, 95].map((q) => percentile(fling, q).toFixed(1)).concat(fling[fling.length - 1].toFixed(1)).join(' / ');
      // A fling shows placeholders until the view rests (galleryGrid.ts renderScrolled).
      await page.waitForFunction(() => document.querySelectorAll('.crop-placeholder').length === 0, null, { timeout: 10_000 });
      figures.cellsInDom = await page.locator('.crop').count();
      figures.pageHeapScrolledMb = await heapMb(page);

      // A filter, a sort, a text: from the control's change to the frame after the grid shows it,
      // timed in the page (the controls' own events, as a click or a choice fires them).
      await profiler?.send('Profiler.start');
      figures.filterMismatchesMs = await page.evaluate(viewChange(`const g = document.getElementById('filter'); g.value = 'mismatches'; g.dispatchEvent(new Event('change'));`));
      if (profiler) figures.filterProfile = topSelfTimes((await profiler.send('Profiler.stop')).profile);
      figures.mismatchesShown = await page.locator('#count').textContent();
      figures.sortConfidenceMs = await page.evaluate(viewChange(`const d = document.getElementById('sort'); d.value = 'confidenceAscending'; d.dispatchEvent(new Event('change'));`));
      figures.firstAfterSort = await page.locator('.crop').first().getAttribute('data-file');
      figures.filterAllMs = await page.evaluate(viewChange(`const g = document.getElementById('filter'); g.value = 'all'; g.dispatchEvent(new Event('change'));`));
      figures.allShown = await page.locator('#count').textContent();
      const text = page.locator('#text-filter');
      await text.focus();
      const typed = Date.now();
      await text.fill('0123');
      await page.waitForFunction((all) => document.getElementById('count')?.textContent !== all, String(count));
      figures.textFilterMsWithHarness = Date.now() - typed;
      figures.textShown = await page.locator('#count').textContent();
      figures.pageHeapEndMb = await heapMb(page);
      figures.thumbnailRequests = serving.requests;
      figures.thumbnailsServed = serving.served;
      figures.hostThumbnailMsPerRequest = Math.round(serving.hostMs / Math.max(1, serving.requests));
      serving.stop();
      figures.pageErrors = errors.length;
      if (errors.length > 0) figures.firstPageError = errors[0].slice(0, 300);
    } finally {
      await browser.close();
      await browserServer.close();
      await server.close();
    }
  } finally {
    if (!keep) await fs.rm(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(figures, null, 1));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
