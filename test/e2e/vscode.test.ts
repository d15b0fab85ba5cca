// The extension end to end in a real VS Code: code-server 4.100.3 (VS Code 1.100) driven by
// playwright-core and Debian's Chromium. Packages the production build into a .vsix, installs it
// into a fresh profile, trains on a small synthetic dataset from the command palette, opens the
// gallery, fixes labels there (into the file's bytes, and into an editor with unsaved changes) and
// checks the Problems panel for a malformed labels row. Screenshots go to test-artifacts/e2e/.
// Needs code-server (bash scripts/install-code-server.sh) and Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { parsePredictionsCsv } from '../../common/predictionsCsv';
import { parseRunRecord } from '../../common/trainingRun';
import { chromiumArgs, chromiumNeed, chromiumPath, missingPrerequisite } from '../support/environment';
import { stripes } from '../support/stripes';

const root = path.join(import.meta.dirname, '..', '..');
const codeServer = path.join(root, '.tools', 'code-server', 'node_modules', '.bin', 'code-server');
const artifacts = path.join(root, 'test-artifacts', 'e2e');
const skip = missingPrerequisite([
  chromiumNeed,
  { what: 'code-server', path: codeServer, install: 'bash scripts/install-code-server.sh' },
]);

/** Seconds of training the test allows the extension (a setting in the workspace). */
const TRAIN_BUDGET_SECONDS = 20;

/** One line of the workspace's labels.csv in bytes: before its label field, the label, after it (line end included). */
interface CsvLine {
  /** The file field as written; '' for the header. */
  file: string;
  before: Buffer;
  label: string;
  after: Buffer;
}

/**
 * The synthetic labels.csv as a spreadsheet export leaves it: CRLF line ends but one LF row, an
 * extra column `note` with a cp1252 byte (0x92, ’: not UTF-8) and a quoted field, one image listed
 * a second time under another spelling (img/./00001.png), and a malformed row at the end. Saving
 * through a VS Code document rewrites the LF row's line end and the 0x92 byte; a label edit must not.
 */
function messyLabels(synthCsv: string): CsvLine[] {
  const rows = synthCsv
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => {
      const [file, label, ...rest] = l.split(',');
      return { file, label, rest: rest.join(',') };
    });
  const line = (file: string, label: string, rest: string, note: Buffer | string, end = '\r\n'): CsvLine => ({
    file,
    before: Buffer.from(`${file},`),
    label,
    after: Buffer.concat([Buffer.from(`,${rest},`), Buffer.from(note), Buffer.from(end)]),
  });
  const [first, second, third, fourth, ...others] = rows;
  return [
    { file: '', before: Buffer.from('file,label,box,digit_boxes,note\r\n'), label: '', after: Buffer.alloc(0) },
    line(first.file, first.label, first.rest, ''),
    line(second.file, second.label, second.rest, Buffer.from([...Buffer.from('shop'), 0x92, ...Buffer.from('s sign')])),
    line(first.file.replace('/', '/./'), first.label, first.rest, 'listed twice'),
    line(third.file, third.label, third.rest, '"faded, left"'),
    line(fourth.file, fourth.label, fourth.rest, '', '\n'),
    ...others.map((r) => line(r.file, r.label, r.rest, '')),
    // Malformed (a label that is not a number): its error must reach the Problems panel.
    line('img/bad.png', '12a', ',', ''),
  ];
}

/** The file's bytes, with the labels of some lines (0-based) replaced. */
function labelsBytes(lines: CsvLine[], labels: Record<number, string> = {}): Buffer {
  return Buffer.concat(lines.flatMap((l, k) => [l.before, Buffer.from(labels[k] ?? l.label), l.after]));
}

/** What the gallery shows for a label (webview/src/cropCell.ts). */
function shownLabel(label: string): string {
  return label === '' ? 'unlabeled' : label === '-' ? '– no number' : label;
}

/**
 * The webview (two iframes deep) whose page holds `selector`: with the gallery and the inspector
 * both open, `iframe.webview.ready` matches two, in no order the test should rely on.
 */
async function webviewWith(page: Page, selector: string, timeoutMs = 60_000): Promise<FrameLocator> {
  const frames = page.frameLocator('iframe.webview.ready');
  return waitFor(`a webview with ${selector}`, timeoutMs, async () => {
    const count = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < count; i++) {
      const inner = frames.nth(i).frameLocator('iframe#active-frame');
      if ((await inner.locator(selector).count()) > 0) return inner;
    }
    return undefined;
  });
}

/** Types a label into the gallery's edit field of the row on `line`, and waits for the gallery to show it. */
async function typeLabelInGallery(gallery: FrameLocator, line: number, file: string, label: string): Promise<void> {
  const cell = gallery.locator(`.crop[data-line="${line}"]`);
  assert.equal(await cell.getAttribute('data-file'), file);
  await cell.locator('.caption .label').click();
  const input = cell.locator('input.label-input');
  await input.fill(label);
  await input.press('Enter');
  await gallery.locator(`.crop[data-line="${line}"] .caption .label`).filter({ hasText: new RegExp(`^${shownLabel(label)}$`) }).waitFor({ timeout: 20_000 });
}

function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): string {
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeoutMs });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`.slice(-4000));
  }
  return r.stdout;
}

/**
 * `npm run package` in a staging folder: the same production build and vsce flags, without
 * replacing the repository's dist/ under the feet of other tests.
 */
function packageExtension(work: string): string {
  const stage = path.join(work, 'stage');
  mkdirSync(path.join(stage, 'scripts'), { recursive: true });
  for (const f of ['package.json', 'README.md', 'LICENSE', '.vscodeignore']) cpSync(path.join(root, f), path.join(stage, f));
  // The build script and what it loads beside it (scripts/importMetaUrl.mjs, ...).
  for (const f of readdirSync(path.join(root, 'scripts')).filter((name) => name.endsWith('.mjs'))) cpSync(path.join(root, 'scripts', f), path.join(stage, 'scripts', f));
  for (const d of ['node_modules', 'common', 'extension', 'language-server', 'webview']) symlinkSync(path.join(root, d), path.join(stage, d));
  run(process.execPath, ['scripts/build.mjs', '--production'], { cwd: stage, timeoutMs: 180_000 });
  const vsix = path.join(work, 'digit-lens.vsix');
  const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
  run(vsce, ['package', ...packageScriptVsceFlags(), '-o', vsix], { cwd: stage, timeoutMs: 180_000 });
  return stage;
}

/** The flags `npm run package` passes to `vsce package`, so the test packages exactly as it does. */
function packageScriptVsceFlags(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = manifest.scripts?.package ?? '';
  const match = /vsce package([^&|;]*)/.exec(script);
  assert.ok(match, `package.json scripts.package runs no "vsce package": ${JSON.stringify(script)}`);
  return match[1].split(/\s+/).filter((flag) => flag !== '' && flag !== '-o' && !flag.endsWith('.vsix'));
}

function findFiles(dir: string, name: string, found: string[] = []): string[] {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) found.push(p);
    else if (entry.isDirectory()) findFiles(p, name, found);
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs `steps` up to three times while it throws. A webview that takes the focus a moment late (a
 * gallery just clicked, or restored after a reload) closes a quick input opened meanwhile (seen in
 * CI: the input "not visible" for 30 s); callers retry only steps that have run nothing yet.
 */
async function againIfClosed(steps: () => Promise<void>, onRetry?: (attempt: number) => void | Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await steps();
    } catch (err) {
      if (attempt === 3) throw err;
      await onRetry?.(attempt);
    }
  }
}

async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  // Nothing has run before Enter.
  await againIfClosed(
    async () => {
      await page.keyboard.press('F1');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
      await input.press('Enter', { timeout: 5_000 });
    },
    // Pressing F1 again into the same focus failed the same way in CI (stop 20: three times,
    // after Close All Editors). Say where the focus is, and give it back to the workbench.
    () => reclaimFocus(page, `palette for "${title}" did not open`),
  );
}

/**
 * Logs where the keyboard focus is and whether a dialog is up, then moves the focus off whatever
 * holds it (a webview's frame, a disposed editor) onto the workbench, so that its key bindings
 * hear the next key. A modal dialog up there would be a finding, not a race: its text is logged
 * (Escape then cancels it), so the CI log says which it was.
 */
async function reclaimFocus(page: Page, why: string): Promise<void> {
  const state = await page
    .evaluate(() => {
      const active = document.activeElement;
      const describe = (e: Element | null): string => (e ? `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')}` : 'none');
      const dialog = document.querySelector('.monaco-dialog-box');
      return { active: describe(active), dialog: dialog ? (dialog.textContent ?? '').slice(0, 300) : '' };
    })
    .catch((err: unknown) => ({ active: `unknown (${String(err)})`, dialog: '' }));
  console.log(`e2e: ${why}; focus on ${state.active}${state.dialog ? `; dialog: ${state.dialog}` : ''}`);
  await page.keyboard.press('Escape');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur()).catch(() => undefined);
  await page.waitForTimeout(500);
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

test('Digit Lens in code-server: train from the palette, gallery with predictions, labels problems', { skip, timeout: 900_000 }, async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'digit-lens-e2e-'));
  mkdirSync(artifacts, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: path.join(work, 'tmp'),
    XDG_CONFIG_HOME: path.join(work, 'xdg-config'),
    XDG_DATA_HOME: path.join(work, 'xdg-data'),
  };
  for (const d of ['tmp', 'xdg-config', 'xdg-data']) mkdirSync(path.join(work, d));
  let server: ChildProcess | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const shot = async (name: string): Promise<void> => {
    await page?.screenshot({ path: path.join(artifacts, `${name}.png`) });
  };
  try {
    // 1. The .vsix, as `npm run package` makes it.
    const stage = packageExtension(work);
    const vsix = path.join(work, 'digit-lens.vsix');
    t.diagnostic(`packaged ${vsix}`);

    // 2. A small synthetic dataset with one malformed row, and settings for a short training run.
    const workspace = path.join(work, 'workspace');
    run(process.execPath, [path.join(stage, 'dist', 'cli.js'), 'synth', workspace, '--count', '120', '--seed', '3'], { timeoutMs: 180_000 });
    const labelsPath = path.join(workspace, 'labels.csv');
    const lines = messyLabels(readFileSync(labelsPath, 'utf8'));
    writeFileSync(labelsPath, labelsBytes(lines));
    const badLine = lines.findIndex((l) => l.file === 'img/bad.png') + 1;
    mkdirSync(path.join(workspace, '.vscode'));
    writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'digitLens.trainEpochs': 2, 'digitLens.timeBudgetSeconds': TRAIN_BUDGET_SECONDS, 'digitLens.seed': 3 }, null, 2),
    );

    // 3. A fresh code-server profile with the extension installed.
    const userData = path.join(work, 'user-data');
    const extensions = path.join(work, 'extensions');
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(
      path.join(userData, 'User', 'settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        // VS Code's default on the desktop; in a browser it saves 1 s after typing, so step 10
        // could not keep an editor with unsaved changes.
        'files.autoSave': 'off',
      }),
    );
    const installed = run(codeServer, ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], { env, timeoutMs: 120_000 });
    assert.match(installed, /digit-lens.*successfully installed/i);

    // 4. code-server in its own process group, so one signal stops the whole tree.
    const port = await freePort();
    const config = path.join(work, 'code-server.yaml');
    writeFileSync(config, 'auth: none\ncert: false\n');
    const serverLog = path.join(artifacts, 'code-server.log');
    writeFileSync(serverLog, '');
    server = spawn(
      codeServer,
      [
        '--config', config, '--user-data-dir', userData, '--extensions-dir', extensions,
        '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
        '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', workspace,
      ],
      { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Should the test be cut short (its timeout, Ctrl+C), code-server must not outlive it.
    const serverPid = server.pid;
    process.once('exit', () => {
      try {
        if (serverPid !== undefined) process.kill(-serverPid, 'SIGKILL');
      } catch {
        /* already stopped */
      }
    });
    server.stdout?.on('data', (d: Buffer) => appendFileSync(serverLog, d));
    server.stderr?.on('data', (d: Buffer) => appendFileSync(serverLog, d));
    const base = `http://127.0.0.1:${port}`;
    await waitFor('code-server /healthz', 60_000, async () => {
      if (server?.exitCode !== null) throw new Error(`code-server exited (${server?.exitCode}); see ${serverLog}`);
      return fetch(`${base}/healthz`).then((r) => r.ok || undefined, () => undefined);
    });

    // 5. The workbench in Chromium.
    context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    // workspaceContains:**/labels.csv activates the extension: its status bar item appears.
    const statusItem = page.locator('.statusbar-item', { hasText: 'Digit Lens' });
    await statusItem.first().waitFor({ timeout: 60_000 });

    // 6. The gallery before any training: crops load as images, and the model the .vsix ships
    //    reads them at once (issue 9: a new folder has readings to pre-label with), saying so.
    await runCommand(page, 'Digit Lens: Open Gallery');
    const opening = Date.now();
    const gallery: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await gallery.locator('.crop').first().waitFor({ timeout: 30_000 });
    // From the command's Enter to the first crop on screen, webview start included (a figure, not a bar: BENCHMARKS.md).
    const pageAge = await gallery.locator('body').evaluate(() => Math.round(performance.now()));
    t.diagnostic(`gallery: first crop seen ${Date.now() - opening} ms after the command; the page (webview) had started ${pageAge} ms before`);
    const firstImage = gallery.locator('.crop img').first();
    await waitFor('the first crop image to load', 20_000, () => firstImage.evaluate((img: HTMLImageElement) => (img.complete && img.naturalWidth > 0) || undefined));
    await gallery.locator('.crop .prediction .digits').first().waitFor({ timeout: 120_000 });
    const shippedBy = (await gallery.locator('#readings-by').textContent()) ?? '';
    t.diagnostic(shippedBy);
    assert.match(shippedBy, /^Readings by the shipped model \(fast · [\d,]+ steps · synthetic crops only/);
    const predictionsPath = path.join(workspace, '.digitlens', 'predictions.csv');
    const shippedReadings = parsePredictionsCsv(readFileSync(predictionsPath, 'utf8')).rows;
    assert.ok(shippedReadings.length > 5, `the shipped model read ${shippedReadings.length} crops`);
    assert.ok(!existsSync(path.join(workspace, '.digitlens', 'model')), 'the shipped model is read from the extension, not copied into the folder');
    await shot('1-gallery-before-training');

    // 7. Train from the command palette; wait for the message, the model and the predictions.
    await runCommand(page, 'Digit Lens: Train Model');
    const toasts = page.locator('.notifications-toasts');
    await toasts.locator('.notification-list-item', { hasText: 'Digit Lens: training' }).first().waitFor({ timeout: 60_000 });
    // A progress line with the loss, if training lasts long enough to show one.
    await waitFor('a training progress message', 120_000, async () => ((await toasts.textContent()) ?? '').match(/loss \d/) ?? undefined).catch(() => undefined);
    await shot('2-training');
    const finished = toasts.locator('.notification-list-item', { hasText: /Training (finished|stopped early)/ });
    await finished.first().waitFor({ timeout: (TRAIN_BUDGET_SECONDS + 240) * 1000 });
    const message = (await finished.first().textContent()) ?? '';
    t.diagnostic(`training message: ${message}`);
    assert.match(message, /Validation: sequence accuracy \d+(\.\d)?%/);
    // A new fast model starts from the shipped model's weights (digitLens.startFromShippedModel, on by default).
    assert.match(message, /\d+ steps from the shipped model's weights/);
    assert.ok(existsSync(predictionsPath), 'training wrote .digitlens/predictions.csv');
    assert.ok(existsSync(path.join(workspace, '.digitlens', 'model', 'model.json')), 'training wrote .digitlens/model/model.json');
    const backendText = (await statusItem.first().textContent()) ?? '';
    assert.match(backendText, /Digit Lens: (tfjs-node-gpu|tfjs-node|wasm|cpu)/, `status bar names the backend: ${backendText}`);
    assert.doesNotMatch(backendText, /training/, 'the status bar no longer shows a run once it is over');

    // 8. The open gallery picks up the new predictions.csv by itself (file watcher) and draws them.
    await gallery.locator('#readings-by', { hasText: 'Readings by the model trained here' }).waitFor({ timeout: 30_000 });
    const summary = (await gallery.locator('#summary').textContent()) ?? '';
    t.diagnostic(`gallery: ${summary}`);
    const rows = readFileSync(predictionsPath, 'utf8').trim().split('\n').length - 1;
    assert.match(summary, new RegExp(`^${rows} of ${rows} crops · \\d+ mismatch(es)? · \\d+ unlabeled · \\d+ likely label errors?$`));
    const overlays = await gallery.locator('.crop .prediction .digits').allTextContents();
    assert.ok(overlays.length > 5 && overlays.every((d) => /^(-|\d{1,5}|>5:\d{5})$/.test(d)), `prediction overlays: ${overlays.slice(0, 8).join(' ')}`);
    await shot('3-gallery-with-predictions');

    // 9. Label fixes typed in the gallery, labels.csv open in no editor, change exactly those
    //    label fields' bytes on disk: the LF row, the cp1252 byte and the quotes stay, and the
    //    second spelling of img/00001.png is edited as itself, not as the first.
    const original = labelsBytes(lines);
    assert.ok(readFileSync(labelsPath).equals(original), 'nothing rewrote labels.csv before the first edit');
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'labels.csv' }).count(), 0, 'labels.csv is open in no editor');
    const fixes: Record<number, string> = { 2: '90210', 3: '0432', 4: '-' };
    for (const [line, label] of Object.entries(fixes).map(([k, v]) => [Number(k), v] as const)) {
      assert.notEqual(lines[line].label, label);
      await typeLabelInGallery(gallery, line, lines[line].file, label);
    }
    const fixed = labelsBytes(lines, fixes);
    await waitFor('labels.csv with exactly the three label fields replaced', 20_000, () => readFileSync(labelsPath).equals(fixed) || undefined).catch(() => {
      assert.equal(readFileSync(labelsPath).toString('latin1'), fixed.toString('latin1'));
    });
    assert.equal(await gallery.locator('.crop[data-line="1"] .caption .label').textContent(), shownLabel(lines[1].label), 'img/00001.png keeps its label');
    await shot('4-labels-fixed-on-disk');

    // 10. labels.csv open in an editor with an unsaved change typed there: a gallery edit goes into
    //     that editor, unsaved, beside the typed change; the disk is not touched; Ctrl+Z in the
    //     editor undoes the gallery's edit only.
    const row = 6;
    const { file: rowFile, label: rowLabel } = lines[row];
    const rowRest = lines[row].after.toString('latin1').replace(/\r\n$/, '');
    assert.ok(rowRest.endsWith(','), `the row ends with an empty note: ${rowRest}`);
    // The crop's ":line" button shows its row in an editor beside the gallery (a click on the image opens the inspector).
    await gallery.locator(`.crop[data-line="${row}"] .reveal`).click();
    const editorLine = page.locator('.monaco-editor .view-lines .view-line', { hasText: `${rowFile},` }).first();
    await editorLine.waitFor({ timeout: 30_000 });
    const editorText = async (): Promise<string> => ((await editorLine.textContent()) ?? '').replace(/\u00a0/g, ' ');
    // By keyboard: to the row's line, to its end (the empty note), and type.
    await page.keyboard.press('F1');
    const goTo = page.locator('.quick-input-widget input.input');
    await goTo.fill(`:${row + 1}`);
    await goTo.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.type('checked by hand');
    // Back to the line's start, so the screenshots show the label column.
    await page.keyboard.press('Home');
    const dirtyTab = page.locator('.tabs-container .tab.dirty', { hasText: 'labels.csv' });
    await dirtyTab.waitFor({ timeout: 10_000 });
    // The editor draws the last keys a moment after the tab turns dirty (CI read "checked by han").
    const withNote = `${rowFile},${rowLabel}${rowRest}checked by hand`;
    await waitFor('the typed note in the editor', 10_000, async () => (await editorText()) === withNote || undefined).catch(async () => {
      assert.equal(await editorText(), withNote);
    });

    await typeLabelInGallery(gallery, row, rowFile, '777');
    await gallery.locator('#warnings', { hasText: 'unsaved changes' }).waitFor({ timeout: 10_000 });
    await waitFor('the gallery edit in the editor', 10_000, async () => (await editorText()) === `${rowFile},777${rowRest}checked by hand` || undefined);
    assert.equal(await dirtyTab.count(), 1, 'the editor is still unsaved');
    assert.ok(readFileSync(labelsPath).equals(fixed), 'the disk is not touched while the editor has unsaved changes');
    await shot('5-edit-in-unsaved-editor');

    await editorLine.click();
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Home');
    await waitFor('Ctrl+Z to undo the gallery edit in the editor', 10_000, async () => (await editorText()) === `${rowFile},${rowLabel}${rowRest}checked by hand` || undefined);
    // The gallery shows the editor's text: the old label is back there too.
    await gallery.locator(`.crop[data-line="${row}"] .caption .label`).filter({ hasText: new RegExp(`^${shownLabel(rowLabel)}$`) }).waitFor({ timeout: 10_000 });
    assert.equal(await dirtyTab.count(), 1, 'the typed change is still there, unsaved');
    assert.ok(readFileSync(labelsPath).equals(fixed));
    await shot('6-gallery-edit-undone');
    // Leave the file as on disk for what follows (a save here would rewrite its line ends).
    await runCommand(page, 'File: Revert File');
    await waitFor('the editor to be reverted', 10_000, async () => (await dirtyTab.count()) === 0 || undefined);
    assert.equal(await editorText(), `${rowFile},${rowLabel}${rowRest}`);
    assert.ok(readFileSync(labelsPath).equals(fixed));

    // 11. A window reload brings the gallery back (WebviewPanelSerializer + the webview's state).
    // (Through the command, not page.reload(): the workbench saves its editors on its own shutdown.)
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 60_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    await page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('.crop .prediction .digits').first().waitFor({ timeout: 60_000 });

    // 12. The malformed row's error reaches the Problems panel through the language server.
    const quickOpen = page.locator('.quick-input-widget input.input');
    // The restored gallery takes the focus once its page has loaded, which can close a quick
    // open made before: open it again then.
    // The page, for closures (the `let` above is not narrowed inside them).
    const workbench = page;
    await againIfClosed(async () => {
      await workbench.keyboard.press('Control+P');
      await quickOpen.fill('labels.csv', { timeout: 5_000 });
    });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'labels.csv' }).first().waitFor({ timeout: 15_000 });
    await quickOpen.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
    await runCommand(page, 'View: Focus Problems');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: '12a' });
    await problem.first().waitFor({ timeout: 30_000 });
    const problemText = (await problem.first().textContent()) ?? '';
    t.diagnostic(`problem: ${problemText}`);
    assert.match(problemText, new RegExp(`\\[Ln ${badLine}, Col \\d+\\]`));
    await shot('7-problems');

    // 13. Run Predictions (labels.csv is the active editor, so no pick) rewrites predictions.csv.
    const predictedBefore = statSync(predictionsPath).mtimeMs;
    await runCommand(page, 'Digit Lens: Run Predictions');
    const predicted = toasts.locator('.notification-list-item', { hasText: /Predicted \d+ crops on / });
    await predicted.first().waitFor({ timeout: 120_000 });
    t.diagnostic(`predict message: ${await predicted.first().textContent()}`);
    assert.ok(statSync(predictionsPath).mtimeMs > predictedBefore, 'predictions.csv was rewritten');

    // 14. The inspector, from a crop of the gallery: six heads' charts and masks; the next crop in
    //     the gallery's order; its label fixed from there, and exactly that row changed on disk.
    //     Then the quick retrain (on by default) brings the model in line with the fix, with no
    //     command run, and the gallery's overlay of that crop follows.
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Digit Lens: Open Gallery');
    const galleryView = await webviewWith(page, '.crop .prediction .digits');
    const startLine = 8;
    await galleryView.locator(`.crop[data-line="${startLine}"] .frame`).click();
    const inspector = await webviewWith(page, '#reveal');
    await inspector.locator('.head-chart[data-head="L"] .bar.predicted').waitFor({ timeout: 60_000 });
    await waitFor('the inspector to finish', 30_000, async () => (await inspector.locator('#busy').isHidden()) || undefined);
    assert.equal(await inspector.locator('.head-chart').count(), 6, 'six bar charts: L and S1..S5');
    assert.equal(await inspector.locator('canvas.heatmap').count(), 6, 'six heatmaps');
    for (const head of ['L', 'S1', 'S2', 'S3', 'S4', 'S5']) assert.ok(await inspector.locator(`canvas.heatmap[data-head="${head}"]`).isVisible(), head);
    assert.equal(await inspector.locator('.head-chart[data-head="L"] .bar').count(), 7);
    assert.equal(await inspector.locator('.head-chart[data-head="S3"] .bar').count(), 10);
    assert.match((await inspector.locator('#reveal').textContent()) ?? '', new RegExp(`labels\\.csv:${startLine + 1}$`));
    await shot('9-inspector');
    await inspector.locator('vscode-button#next').click();
    const nextLine = await waitFor('the next crop in the inspector', 30_000, async () => {
      const m = /labels\.csv:(\d+)$/.exec((await inspector.locator('#reveal').textContent()) ?? '');
      return m && Number(m[1]) !== startLine + 1 ? Number(m[1]) - 1 : undefined;
    });
    t.diagnostic(`inspector: next of line ${startLine + 1} is line ${nextLine + 1}`);
    assert.ok(lines[nextLine]?.file, `line ${nextLine + 1} is a row`);
    await waitFor('the inspector to finish', 30_000, async () => (await inspector.locator('#busy').isHidden()) || undefined);
    const inspectorFix = '31337';
    const labelInput = inspector.locator('#label-input');
    await labelInput.fill(inspectorFix);
    await labelInput.press('Enter');
    const fixedTwice = labelsBytes(lines, { ...fixes, [nextLine]: inspectorFix });
    await waitFor('the inspector fix on disk, and nothing else', 20_000, () => readFileSync(labelsPath).equals(fixedTwice) || undefined);
    await galleryView.locator(`.crop[data-line="${nextLine}"] .caption .label`, { hasText: inspectorFix }).waitFor({ timeout: 20_000 });
    // The quick retrain rewrites predictions.csv against the fixed label, and the gallery redraws
    // that crop's overlay from it. (Whether the refitted heads then read the fix depends on how well
    // the model was trained, six steps here; quickRetrain.test.ts checks that on a learnable set.)
    const retrained = await waitFor('predictions.csv rewritten by the quick retrain', 60_000, () => {
      const rows = parsePredictionsCsv(readFileSync(predictionsPath, 'utf8')).rows;
      return rows.find((r) => r.file === lines[nextLine]?.file && r.label === inspectorFix);
    });
    t.diagnostic(`quick retrain: ${retrained.file} now reads ${retrained.prediction} at ${(retrained.confidence * 100).toFixed(1)}%`);
    const overlay = galleryView.locator(`.crop[data-line="${nextLine}"] .prediction`);
    await overlay.locator('.digits', { hasText: retrained.prediction }).waitFor({ timeout: 20_000 });
    await overlay.locator('.confidence', { hasText: `${Math.round(retrained.confidence * 100)}%` }).waitFor({ timeout: 20_000 });
    await shot('10-inspector-fix-and-quick-retrain');

    // 15a. Keyboard only (issue 11): a click on the gallery's text gives the crops the focus; Home
    //      selects the first crop; '42' Enter sets it and selects the next; '7' Enter sets that
    //      one; nothing else changes on disk. Ctrl+Z in the gallery takes the 7 back.
    await galleryView.locator('#summary').click();
    await page.keyboard.press('Home');
    const selectedLine = async (): Promise<number> => Number(await galleryView.locator('.crop[aria-selected="true"]').first().getAttribute('data-line'));
    const firstLine = await waitFor('a selected crop', 10_000, async () => ((await galleryView.locator('.crop[aria-selected="true"]').count()) === 1 ? selectedLine() : undefined));
    await page.keyboard.type('42');
    await page.keyboard.press('Enter');
    const secondLine = await waitFor('the next crop selected', 10_000, async () => {
      const line = await selectedLine();
      return line !== firstLine ? line : undefined;
    });
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');
    const typed = labelsBytes(lines, { ...fixes, [nextLine]: inspectorFix, [firstLine]: '42', [secondLine]: '7' });
    await waitFor('42 and 7 on disk, and nothing else', 20_000, () => readFileSync(labelsPath).equals(typed) || undefined);
    t.diagnostic(`keyboard: lines ${firstLine + 1} and ${secondLine + 1} set to 42 and 7`);
    await shot('11-gallery-keyboard');
    await galleryView.locator('#summary').click();
    await page.keyboard.press('Control+z');
    const undone = labelsBytes(lines, { ...fixes, [nextLine]: inspectorFix, [firstLine]: '42' });
    await waitFor('the 7 undone on disk', 20_000, () => readFileSync(labelsPath).equals(undone) || undefined);

    // 15b. The training dashboard (issue 11), from the palette: the palette's run is listed with its
    //      curves; a confusion cell opens the gallery on exactly the crops behind it; its chip clears it.
    await runCommand(page, 'Digit Lens: Open Training Dashboard');
    const dashboard = await webviewWith(page, '#runs tbody tr');
    const runsFolder = path.join(workspace, '.digitlens', 'runs');
    const runFiles = readdirSync(runsFolder).filter((f) => f.endsWith('.json'));
    assert.equal(runFiles.length, 1, `one run recorded: ${runFiles.join(', ')}`);
    const record = parseRunRecord(readFileSync(path.join(runsFolder, runFiles[0]), 'utf8'));
    assert.equal(record.status, 'finished');
    assert.ok(record.curves.step.length > 0 && record.curves.headLoss.every((c) => c.length === record.curves.step.length));
    await dashboard.locator(`#loss-chart[data-points="${record.curves.step.length}"] canvas`).waitFor({ timeout: 30_000 });
    await dashboard.locator('#coverage-chart canvas').waitFor({ timeout: 30_000 });
    assert.equal(await dashboard.locator('.confusion').count(), 6);
    // Train Model started it from the shipped model's weights, and the run's row says so.
    assert.ok(record.settings.startedFrom && record.settings.startedFrom.steps > 0, JSON.stringify(record.settings));
    await dashboard.locator('#runs tbody tr', { hasText: `from a model of ${record.settings.startedFrom.steps.toLocaleString('en-US')} steps` }).waitFor({ timeout: 10_000 });
    const evaluation = record.evaluations[record.evaluations.length - 1];
    t.diagnostic(`dashboard: run ${record.id}, ${record.curves.step.length} points, coverage at 98% ${evaluation.metrics.coverageAt98}`);
    await shot('12-training-dashboard');
    // The parts below the fold, each on its own: the coverage curve and the confusion matrices.
    await dashboard.locator('#coverage-chart').screenshot({ path: path.join(artifacts, '12b-dashboard-coverage.png') });
    await dashboard.locator('.confusion[data-head="L"]').screenshot({ path: path.join(artifacts, '12c-dashboard-confusion-L.png') });
    // A confusion if there is one, else a right reading.
    const wrong = dashboard.locator('.confusion button.cell.wrong');
    const cell = (await wrong.count()) > 0 ? wrong.first() : dashboard.locator('.confusion button.cell').first();
    const head = await cell.evaluate((b) => b.closest<HTMLElement>('.confusion')?.dataset.head ?? '');
    const [truth, read] = [await cell.getAttribute('data-truth'), await cell.getAttribute('data-read')];
    const matrix = evaluation.confusion.find((m) => m.head === head);
    assert.ok(matrix && truth !== null && read !== null, `cell ${head} ${truth} ${read}`);
    const expected = matrix.cells[matrix.classes.indexOf(truth)][matrix.classes.indexOf(read)].map((i) => evaluation.files[i]).sort();
    await cell.click();
    const filtered = await webviewWith(page, '#file-set:not([hidden])');
    const shownFiles = await waitFor('the gallery on the cell\'s crops', 30_000, async () => {
      const files = (await filtered.locator('.crop').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.file ?? ''))).sort();
      return files.length === expected.length ? files : undefined;
    });
    assert.deepEqual(shownFiles, expected);
    t.diagnostic(`dashboard: ${head} label ${truth} read ${read} -> ${shownFiles.length} crop(s) in the gallery`);
    await shot('13-gallery-on-a-confusion-cell');
    await filtered.locator('#file-set-clear').click();
    await filtered.locator('#file-set').waitFor({ state: 'hidden', timeout: 10_000 });

    // 15. Generate Demo Dataset asks for a folder and a count, then the gallery command offers
    //     a pick between the two datasets.
    const input = page.locator('.quick-input-widget input.input');
    // The gallery's webview can take the focus late (after the crop set was cleared, seconds
    // later in CI) and close a prompt opened meanwhile. Nothing is generated before the second
    // Enter, so the command is run again then: what is tested is the command, not that race.
    await againIfClosed(
      async () => {
        await runCommand(workbench, 'Digit Lens: Generate Demo Dataset');
        await workbench.locator('.quick-input-widget', { hasText: 'Generate Demo Dataset (1/2)' }).waitFor({ timeout: 15_000 });
        await input.fill(path.join(workspace, 'demo'), { timeout: 5_000 });
        await input.press('Enter', { timeout: 5_000 });
        await workbench.locator('.quick-input-widget', { hasText: 'Generate Demo Dataset (2/2)' }).waitFor({ timeout: 10_000 });
        await input.fill('12', { timeout: 5_000 });
        await input.press('Enter', { timeout: 5_000 });
      },
      (attempt) => t.diagnostic(`Generate Demo Dataset: a prompt closed before it was answered (attempt ${attempt})`),
    );
    await toasts.locator('.notification-list-item', { hasText: 'generated 12 crops' }).first().waitFor({ timeout: 120_000 });
    assert.equal(readFileSync(path.join(workspace, 'demo', 'labels.csv'), 'utf8').trim().split('\n').length, 13);
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Digit Lens: Open Gallery');
    const demoChoice = page.locator('.quick-input-list .monaco-list-row', { hasText: 'demo/labels.csv' });
    await demoChoice.first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.quick-input-list .monaco-list-row').count(), 2);
    await demoChoice.first().click();
    const demoGallery = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await demoGallery.locator('#summary', { hasText: '12 of 12 crops' }).waitFor({ timeout: 30_000 });
    await shot('8-demo-gallery');

    // 15b. Tab accepts the model's reading (issue 11). The synthetic set's model, trained for
    //      seconds, reads every crop below even odds (about 2%), where Tab rightly offers nothing:
    //      no reading to accept. So a second dataset a model does learn in a minute: stripes, '1'
    //      vertical and '22' horizontal (test/support/stripes.ts), six of them labeled the other
    //      way, as a slip of the hand does. Trained from the palette, the model reads those six as
    //      what they show: real disagreements. By keys only: f f to the mismatches, Tab three
    //      times, Ctrl+Z; on disk exactly those rows change, and the last is back.
    const stripesLabels = await stripes(path.join(workspace, 'stripes'));
    const stripeLines = readFileSync(stripesLabels, 'utf8').split('\n');
    const slipped = [3, 10, 17, 24, 31, 38];
    for (const k of slipped) {
      const [file, label] = stripeLines[k].split(',');
      stripeLines[k] = `${file},${label === '1' ? '22' : '1'}`;
    }
    writeFileSync(stripesLabels, stripeLines.join('\n'));
    const stripesBytes = (labels: Record<number, string> = {}): Buffer =>
      Buffer.from(stripeLines.map((l, k) => (labels[k] === undefined ? l : `${l.split(',')[0]},${labels[k]}`)).join('\n'));
    writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'digitLens.trainEpochs': 6, 'digitLens.timeBudgetSeconds': 240, 'digitLens.seed': 3 }, null, 2),
    );
    // No labels editor active: the command asks which dataset.
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Digit Lens: Train Model');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'stripes/labels.csv' }).first().click();
    const stripesPredictions = path.join(workspace, 'stripes', '.digitlens', 'predictions.csv');
    await waitFor("the stripes model's predictions", 400_000, () => existsSync(stripesPredictions) || undefined);
    const readings = new Map(parsePredictionsCsv(readFileSync(stripesPredictions, 'utf8')).rows.map((r) => [r.file, r]));
    const slipsRead = slipped.map((k) => readings.get(stripeLines[k].split(',')[0]));
    t.diagnostic(`stripes: the six slips read as ${slipsRead.map((r) => `${r?.prediction} (${Math.round((r?.confidence ?? 0) * 100)}%)`).join(', ')}`);
    assert.ok(slipsRead.filter((r, i) => r && r.prediction !== stripeLines[slipped[i]].split(',')[1] && r.confidence >= 0.5).length >= 3, 'the model reads at least three slips as what they show, from even odds');

    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Digit Lens: Open Gallery');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'stripes/labels.csv' }).first().click();
    const stripesGallery = await webviewWith(page, '.crop .prediction .digits');
    await stripesGallery.locator('#summary', { hasText: /^200 of 200 crops/ }).waitFor({ timeout: 30_000 });
    await stripesGallery.locator('#summary').click();
    await page.keyboard.press('f');
    await page.keyboard.press('f');
    await stripesGallery.locator('#status', { hasText: 'Showing: Mismatches.' }).waitFor({ timeout: 10_000 });
    t.diagnostic(`stripes: ${await stripesGallery.locator('#count').textContent()} mismatches`);
    await page.keyboard.press('Home');
    const stripeSelected = async (): Promise<number | undefined> => {
      const selected = stripesGallery.locator('.crop[aria-selected="true"]');
      return (await selected.count()) === 1 ? Number(await selected.getAttribute('data-line')) : undefined;
    };
    const accepted: Record<number, string> = {};
    for (let n = 1; n <= 3; n++) {
      const line = await waitFor('a selected mismatch', 10_000, stripeSelected);
      const reading = readings.get(stripeLines[line].split(',')[0])?.prediction ?? '';
      await page.keyboard.press('Tab');
      accepted[line] = reading;
      await waitFor(`Tab ${n}: line ${line + 1} set to ${reading} on disk, and nothing else`, 20_000, () => readFileSync(stripesLabels).equals(stripesBytes(accepted)) || undefined).catch(async (err: unknown) => {
        throw new Error(`${String(err)}; the gallery says: ${await stripesGallery.locator('#status').textContent()}`);
      });
      await waitFor('the next mismatch selected', 10_000, async () => ((await stripeSelected()) ?? line) !== line || undefined);
    }
    const acceptedLines = Object.keys(accepted).map(Number);
    assert.equal(acceptedLines.length, 3);
    assert.ok(acceptedLines.every((line) => slipped.includes(line)), `Tab took the model's reading of slips only: lines ${acceptedLines.map((l) => l + 1).join(', ')}`);
    t.diagnostic(`stripes: Tab accepted ${acceptedLines.map((l) => `line ${l + 1} -> ${accepted[l]}`).join(', ')}`);
    await page.keyboard.press('Control+z');
    const lastAccepted = acceptedLines[acceptedLines.length - 1];
    const { [lastAccepted]: _undone, ...kept } = accepted;
    await waitFor('the third accept undone on disk', 20_000, () => readFileSync(stripesLabels).equals(stripesBytes(kept)) || undefined);
    await stripesGallery.locator(`.crop[data-line="${lastAccepted}"] .caption .label`, { hasText: stripeLines[lastAccepted].split(',')[1] }).waitFor({ timeout: 20_000 });
    await shot('12-gallery-tab-accept-and-undo');

    // 15c. A relabelling of a whole class, by a script outside VS Code: vertical stripes are '11'
    //      from now on. The quick retrain refits the last layers (file watcher), and since that many
    //      rows changed since training (fineTuneOffer.ts) it offers a fine-tune of the whole
    //      network, which, taken, continues the model for two epochs in the background.
    const digitLensLog = (): string => findFiles(path.join(userData, 'logs'), 'Digit Lens.log').map((f) => readFileSync(f, 'utf8')).join('\n');
    const runsFinished = (): number => digitLensLog().match(/train: Training (finished|stopped early)/g)?.length ?? 0;
    const runsBefore = runsFinished();
    const relabelled = readFileSync(stripesLabels, 'utf8').split('\n').map((l) => l.replace(/,1$/, ',11'));
    const relabelledRows = relabelled.filter((l) => l.endsWith(',11')).length;
    assert.ok(relabelledRows >= 50, `${relabelledRows} rows relabelled`);
    writeFileSync(stripesLabels, relabelled.join('\n'));
    const offer = toasts.locator('.notification-list-item', { hasText: /labels changed since the model was trained/ }).first();
    await offer.waitFor({ timeout: 90_000 });
    const offered = Number(/([\d,]+) labels changed/.exec((await offer.textContent()) ?? '')?.[1].replace(/,/g, ''));
    assert.ok(offered >= relabelledRows, `the offer counts the ${relabelledRows} relabelled rows at least: ${offered}`);
    await shot('13-fine-tune-offer');
    await offer.locator('.monaco-button', { hasText: 'Fine-Tune Model' }).click();
    await waitFor('the fine-tune to finish', 300_000, () => runsFinished() > runsBefore || undefined);
    const fineTuneRun = digitLensLog().split('\n').find((l) => /train: \{.*stripes.*"resume":true/.test(l)) ?? '';
    assert.match(fineTuneRun, /"epochs":2[,}]/, `the fine-tune continued the model for two epochs: ${fineTuneRun}`);
    t.diagnostic(`fine-tune offered for ${offered} changed labels of 200, taken, finished`);

    // 16. The extension's log: the run and the gallery are there, and no CSP refusal.
    // One log per extension host: the window reload started a second one.
    const logFiles = findFiles(path.join(userData, 'logs'), 'Digit Lens.log');
    assert.ok(logFiles.length >= 2, `the Digit Lens output channel logs (${logFiles.length})`);
    const log = digitLensLog();
    assert.match(log, /train: Training finished/);
    assert.match(log, /gallery: \d+ crops from /);
    assert.match(log, /gallery: label of img\/\.\/00001\.png \(line 4\) set to "0432" \(written\)/);
    assert.match(log, new RegExp(`gallery: label of ${rowFile} \\(line ${row + 1}\\) set to "777" \\(inUnsavedEditor\\)`));
    assert.match(log, /quick retrain: labels\.csv: last layers refitted on \d+ rows \(\d+ changed since training\)/);
    // Training, predictions, reloads and a demo dataset later, labels.csv holds the four fixes only.
    assert.ok(readFileSync(labelsPath).equals(undone), 'labels.csv changed after the label edits');
    assert.match(log, /gallery: undo of 1 label/);
    assert.match(log, /dashboard: the gallery of .*labels\.csv on \d+ crop\(s\)/);
    assert.doesNotMatch(log, /Content Security Policy/);
    // The gallery's refreshes (new predictions, fixed labels) read the whole file in its worker thread.
    assert.match(log, /gallery: \d+ crops from .* read in \d+ ms \(whole, in the reader thread\)/);
    assert.doesNotMatch(log, /the reader thread failed/);
  } catch (err) {
    await shot('failure').catch(() => undefined);
    // The extension's own logs say what it did; keep them beside the screenshot.
    findFiles(path.join(work, 'user-data', 'logs'), 'Digit Lens.log').forEach((f, i) => cpSync(f, path.join(artifacts, `digit-lens-${i + 1}.log`)));
    throw err;
  } finally {
    await context?.close().catch(() => undefined);
    if (server) await stopProcessGroup(server);
    rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  }
});
