// Acceptance for hostile images, at the command line: `digit-lens predict <dir>` on a folder
// where decompression bombs, a 50000x50000 header, a cut PNG and a text file posing as a PNG sit
// among good crops names each bad file, predicts the good ones, and stays under 1.2 GiB of RSS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelsDocument } from '../../../common/labels';
import { addHostileFiles } from '../../../test/support/hostileImages';
import { defaultModelDir, predictionsPath } from '../dataset/paths';
import { synthesize } from '../dataset/synth';
import { initBackend } from '../engine/backend';
import { saveCheckpoint } from '../engine/checkpoint';
import { buildModel } from '../engine/model';
import { PRESETS } from '../engine/presets';

const root = path.resolve(__dirname, '../../..');
const PEAK_LIMIT_KB = 1.2 * 1024 * 1024;
/** Preloaded into the CLI: its peak resident set (kB) on stderr as it exits. */
const REPORT_PEAK = `data:text/javascript,process.on('exit', () => process.stderr.write('peak-rss-kb ' + process.resourceUsage().maxRSS + '\\n'))`;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('predict names every hostile file on stderr, predicts the good crops and peaks under 1.2 GiB', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-hostile-'));
  const { labelsPath } = await synthesize({ dir, count: 6, seed: 3 });
  const good = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8')).rows.map((r) => r.file);
  // 640 MB behind the interlaced bomb: pngjs held it twice over (1.3 GB), past the limit on its own.
  const bad = await addHostileFiles(dir, labelsPath, await fs.readFile(path.join(dir, good[0])), 640);
  // An untrained model is enough to predict with; its meta is what runTraining writes.
  await initBackend('wasm');
  await saveCheckpoint(buildModel(PRESETS.fast), defaultModelDir(labelsPath), {
    format: 'digitlens-model-1',
    spec: PRESETS.fast,
    normalisation: 'per-image-standardise',
    backend: 'wasm',
    date: new Date().toISOString(),
    steps: 0,
    seconds: 0,
    examples: 0,
  });

  const cli = ['--import', 'tsx', `--import=${REPORT_PEAK}`, path.join(root, 'extension', 'src', 'cli.ts')];
  const r = spawnSync(process.execPath, [...cli, 'predict', dir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const peakKb = Number(/^peak-rss-kb (\d+)$/m.exec(r.stderr)?.[1]);
  assert.ok(peakKb > 0, `no peak reported:\n${r.stderr}`);
  assert.ok(peakKb < PEAK_LIMIT_KB, `peak RSS ${(peakKb / 1024).toFixed(0)} MB`);
  assert.match(r.stderr, new RegExp(`skipped ${bad.length} crop\\(s\\)`));
  for (const b of bad) assert.match(r.stderr, new RegExp(`^  ${escaped(b.file)}: .*${b.reason.source}`, 'm'), b.file);
  const predicted = (await fs.readFile(predictionsPath(labelsPath), 'utf8')).trim().split('\n').slice(1).map((line) => line.split(',')[0]);
  assert.deepEqual(predicted, good);
  assert.match(r.stdout, new RegExp(`\\(${good.length} crops, backend `));
  console.log(`predict on ${good.length} good and ${bad.length} hostile files: peak RSS ${(peakKb / 1024).toFixed(0)} MB`);
});
