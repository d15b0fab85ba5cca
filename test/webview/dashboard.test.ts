// The training dashboard bundle (dist/dashboard.js) in a real Chromium, under the same page and CSP
// the extension gives VS Code (test/support/webviewPages.ts). The test plays the host: it lists a
// run, answers the page's request for it with a record shaped like the engine's (curves per head,
// an evaluation with confusion matrices and the coverage curve), sends live progress, and checks
// that uPlot drew the charts, the paper's 98% point is marked, and a confusion cell asks for exactly
// its crops.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DashboardToHostMessage, HostToDashboardMessage, OpenCellMessage } from '../../common/dashboardProtocol';
import type { TrainProgress } from '../../common/engineProtocol';
import { HEADS } from '../../common/heads';
import { RUN_FORMAT, appendProgress, confusionClasses, emptyCurves, summarizeRun, type RunRecord } from '../../common/trainingRun';
import { chromiumLaunch, chromiumNeed, missingPrerequisite } from '../support/environment';
import { WebviewServer, artifacts, openWebview, post as postTo, recorded, waitForPosted } from '../support/webviewPages';

const skip = missingPrerequisite([chromiumNeed]);
const LABELS_PATH = '/data/street/labels.csv';
const RUN_ID = '20261129-140322123-abcd';

let server: WebviewServer;
let browser: Browser;

before(async () => {
  if (skip) return;
  server = await WebviewServer.start(new Map());
  browser = await chromium.launch(chromiumLaunch);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function progress(step: number): TrainProgress {
  const f = step / 200;
  return {
    epoch: Math.floor(step / 50),
    step,
    loss: 9 * Math.exp(-3 * f) + 0.3,
    sequenceAccuracy: Math.min(0.95, f),
    elapsedSeconds: step / 2,
    imagesPerSecond: 60 + (step % 7),
    fraction: f,
    headLoss: HEADS.map((_, h) => (h === 5 ? 0.01 : (9 * Math.exp(-3 * f)) / (h + 2))),
    headAccuracy: HEADS.map((_, h) => (h === 5 && step < 40 ? null : Math.min(0.99, f + 0.1 * (5 - h)))),
  };
}

/** 40 validation crops: S2 reads two crops labeled "17" as "11" (rows 3 and 8), the rest right. */
function runRecord(): RunRecord {
  const curves = emptyCurves();
  for (let s = 1; s <= 150; s++) appendProgress(curves, progress(s));
  const files = Array.from({ length: 40 }, (_, i) => `img/${String(i).padStart(5, '0')}.png`);
  const confusion = HEADS.map((head, h) => {
    const classes = confusionClasses(h);
    const cells = classes.map(() => classes.map((): number[] => []));
    const all = files.map((_, i) => i);
    if (h === 0) cells[2][2] = all;
    else if (h === 1) cells[1][1] = all;
    else if (h === 2) {
      cells[7][7] = all.filter((i) => i !== 3 && i !== 8);
      cells[7][1] = [3, 8];
    } else cells[10][10] = all;
    return { head: head.name, classes, cells };
  });
  const coverage = Array.from({ length: 40 }, (_, i) => (i + 1) / 40);
  return {
    format: RUN_FORMAT,
    id: RUN_ID,
    labelsPath: LABELS_PATH,
    started: '2026-11-29T14:03:22.123Z',
    status: 'finished',
    settings: { preset: 'fast', timeBudgetSeconds: 75, seed: 1, backend: 'wasm', threads: 2, trainRows: 360, validationRows: 40, resumed: false, batchSize: 32 },
    curves,
    validations: [{ step: 150, sequenceAccuracy: 0.95 }],
    final: { outcome: 'current', outcomeMessage: 'the new model is current (there was no current model).', steps: 150, seconds: 75, cancelled: false, imagesPerSecond: 64 },
    evaluations: [
      {
        source: 'train',
        date: '2026-11-29T14:04:40.000Z',
        labelsPath: LABELS_PATH,
        files,
        metrics: { count: 40, sequenceAccuracy: 0.95, digitAccuracy: 0.97, lengthAccuracy: 1, coverageAt98: 0.8, backend: 'wasm' },
        confusion,
        // Right down to 80% coverage, then the two wrong ones.
        coverage: { coverage, accuracy: coverage.map((c, i) => (c <= 0.8 ? 1 : 32 / (i + 1))), coverageAtPaperAccuracy: 0.8 },
      },
    ],
  };
}

async function openDashboard(errors: string[], run: RunRecord, theme: 'dark' | 'light' = 'dark'): Promise<Page> {
  const page = await openWebview(browser, server, 'dashboard', errors, { width: 1100, height: 1400, theme });
  await waitForPosted<DashboardToHostMessage>(page, 'ready');
  await postTo<HostToDashboardMessage>(page, { kind: 'runs', labelsPath: LABELS_PATH, title: 'street', runs: [summarizeRun(run)], problems: [{ file: '/data/street/.digitlens/runs/bad.json', message: 'bad.json is not JSON' }] });
  const asked = await waitForPosted<DashboardToHostMessage>(page, 'selectRun');
  assert.deepEqual(asked, { kind: 'selectRun', runId: run.id });
  await postTo<HostToDashboardMessage>(page, { kind: 'run', run });
  await page.waitForSelector('#loss-chart canvas');
  return page;
}

/** How many pixels of a chart's canvas uPlot painted (not transparent). */
function paintedPixels(page: Page, chart: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`#${id} canvas`);
    if (!canvas) return 0;
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < (data?.length ?? 0); i += 4) if ((data?.[i] ?? 0) > 0) painted++;
    return painted;
  }, chart);
}

test('the dashboard draws a run: curves per head, the coverage curve with the 98% point, six confusion matrices, under the strict CSP', { skip }, async () => {
  const errors: string[] = [];
  const run = runRecord();
  const page = await openDashboard(errors, run);
  await page.waitForSelector('#coverage-chart canvas');
  for (const chart of ['loss-chart', 'accuracy-chart', 'coverage-chart']) {
    assert.ok((await paintedPixels(page, chart)) > 2000, `${chart} is drawn`);
  }
  assert.equal(await page.getAttribute('#loss-chart', 'data-points'), '150');
  // The validation point has its own step (150 is also a curve step): 150 x values.
  assert.equal(await page.getAttribute('#accuracy-chart', 'data-points'), '150');
  // uPlot's legend names every head on the loss chart.
  const legend = await page.locator('#loss-chart .u-legend .u-label').allTextContents();
  assert.deepEqual(legend, ['step', 'total', ...HEADS.map((h) => h.name)]);
  // The paper's point: marked on the curve, named in the legend and in words.
  assert.equal(await page.getAttribute('#coverage-chart', 'data-coverage-at-paper-accuracy'), '0.8');
  assert.ok((await page.locator('#coverage-chart .u-legend .u-label').allTextContents()).includes('coverage at 98% (the paper\u2019s point)'));
  assert.match((await page.textContent('#evaluation-figures')) ?? '', /coverage at 98% accuracy 80\.0% \(the paper: 95\.64% on SVHN\)/);
  assert.match((await page.getAttribute('#coverage-chart', 'aria-label')) ?? '', /98% sequence accuracy up to 80\.0% coverage/);
  // The marked point is drawn in the theme's red on the canvas (dark theme: #f14c4c).
  const red = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#coverage-chart canvas');
    const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 220 && data[i + 1] < 110 && data[i + 2] < 110 && data[i + 3] > 200) n++;
    return n;
  });
  assert.ok(red > 10, `the 98% point in red: ${red} pixels`);
  assert.equal(await page.locator('.confusion').count(), 6);
  assert.equal(await page.locator('.confusion[data-head="S2"] button.cell.wrong').count(), 1);
  assert.match((await page.textContent('#problems')) ?? '', /bad\.json is not JSON/);
  assert.match((await page.textContent('#runs tbody')) ?? '', /fast · 75 s · seed 1 · wasm ×2 · 360\+40 rows/);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
  assert.deepEqual((await recorded(page)).cspViolations, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a confusion cell, by click or by keyboard, asks for exactly the crops behind it', { skip }, async () => {
  const errors: string[] = [];
  const run = runRecord();
  const page = await openDashboard(errors, run, 'light');
  const cell = page.locator('.confusion[data-head="S2"] button.cell[data-truth="7"][data-read="1"]');
  assert.equal(await cell.textContent(), '2');
  assert.match((await cell.getAttribute('aria-label')) ?? '', /^S2: label 7, read 1 \(run .*\): 2 crops; open them in the gallery$/);
  await cell.click();
  const opened = await waitForPosted<OpenCellMessage>(page, 'openCell');
  assert.equal(opened.labelsPath, LABELS_PATH);
  assert.deepEqual(opened.files, ['img/00003.png', 'img/00008.png']);
  assert.match(opened.title, /^S2: label 7, read 1/);
  // The diagonal cell of S2 by keyboard: focus it and press Enter.
  await page.locator('.confusion[data-head="S2"] button.cell[data-truth="7"][data-read="7"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (window as unknown as { __recorded: { posted: { kind: string }[] } }).__recorded.posted.filter((m) => m.kind === 'openCell').length === 2);
  const posted = (await recorded<OpenCellMessage>(page)).posted.filter((m) => m.kind === 'openCell');
  assert.equal(posted[1].files.length, 38);
  assert.deepEqual(errors, []);
  await page.close();
});

test('live progress of the shown run extends its curves at once', { skip }, async () => {
  const errors: string[] = [];
  const run = { ...runRecord(), status: 'running' as const, final: undefined, evaluations: [], validations: [] };
  const page = await openDashboard(errors, run);
  assert.equal(await page.getAttribute('#loss-chart', 'data-points'), '150');
  for (const step of [151, 152, 153]) await postTo<HostToDashboardMessage>(page, { kind: 'progress', runId: RUN_ID, progress: progress(step) });
  await page.waitForFunction(() => document.querySelector('#loss-chart')?.getAttribute('data-points') === '153');
  assert.match((await page.textContent('#run-figures')) ?? '', /step 153/);
  // Another run's progress is not this run's.
  await postTo<HostToDashboardMessage>(page, { kind: 'progress', runId: '20261129-150000000-wxyz', progress: progress(154) });
  await page.waitForTimeout(100);
  assert.equal(await page.getAttribute('#loss-chart', 'data-points'), '153');
  assert.match((await page.textContent('#no-evaluation')) ?? '', /Measured when the run ends/);
  assert.deepEqual(errors, []);
  await page.close();
});
