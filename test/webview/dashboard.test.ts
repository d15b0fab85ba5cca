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
import { HEADS } from '../../common/heads';
import { summarizeRun, type RunRecord } from '../../common/trainingRun';
import { chromiumLaunch, chromiumNeed, missingPrerequisite } from '../support/environment';
import { RUN_ID, evaluationOf, progressAt as progress, runRecordOf } from '../support/runRecords';
import { WebviewServer, artifacts, openWebview, post as postTo, recorded, waitForPosted } from '../support/webviewPages';

const skip = missingPrerequisite([chromiumNeed]);
const LABELS_PATH = '/data/street/labels.csv';

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

/** 40 validation crops labeled 17: S2 reads two of them (rows 3 and 8) as 1, the rest right; 98% up to 80% coverage. */
function runRecord(): RunRecord {
  const files = Array.from({ length: 40 }, (_, i) => `img/${String(i).padStart(5, '0')}.png`);
  const coverage = files.map((_, i) => (i + 1) / 40);
  const curve = { coverage, accuracy: coverage.map((c, i) => (c <= 0.8 ? 1 : 32 / (i + 1))), coverageAtPaperAccuracy: 0.8 };
  return runRecordOf(150, [evaluationOf(files, '17', curve, (h, row) => (h === 2 && (row === 3 || row === 8) ? [7, 1] : undefined))]);
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
