import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePredictionsCsv, type PredictionRow } from '../../../common/predictionsCsv';
import type { CheckpointMeta } from './checkpoint';
import { writePredictions } from './predictionsFile';
import { PRESETS } from './presets';

test('predictions land in .digitlens/predictions.csv beside the labels file and read back, with the description of the model that made them', async () => {
  const rows: PredictionRow[] = [
    { file: 'img/1.png', label: '19', prediction: '19', confidence: 0.987654 },
    { file: 'odd, "name".png', label: '', prediction: '-', confidence: 0.5 },
  ];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-pred-'));
  try {
    const meta: CheckpointMeta = {
      format: 'digitlens-model-1', spec: PRESETS.fast, normalisation: 'per-image-standardise', backend: 'wasm',
      date: '2026-11-29T10:00:00.000Z', steps: 12, seconds: 3, examples: 100,
      optimizer: { kind: 'adam', tensors: [{ name: 'iter', shape: [] }] },
    };
    const written = await writePredictions(path.join(dir, 'labels.csv'), rows, meta);
    assert.equal(written, path.join(dir, '.digitlens', 'predictions.csv'));
    assert.deepEqual(parsePredictionsCsv(await fs.readFile(written, 'utf8')).rows, rows);
    const { optimizer: _left, ...described } = meta;
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(dir, '.digitlens', 'predictions-model.json'), 'utf8')), described, 'the model\'s description, without its optimizer layout');
    assert.deepEqual((await fs.readdir(path.dirname(written))).sort(), ['predictions-model.json', 'predictions.csv'], 'no temporary file left behind');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
