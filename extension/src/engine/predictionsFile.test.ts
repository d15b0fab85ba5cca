import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePredictionsCsv, type PredictionRow } from '../../../common/predictionsCsv';
import { writePredictions } from './predictionsFile';

test('predictions land in .digitlens/predictions.csv beside the labels file and read back', async () => {
  const rows: PredictionRow[] = [
    { file: 'img/1.png', label: '19', prediction: '19', confidence: 0.987654 },
    { file: 'odd, "name".png', label: '', prediction: '-', confidence: 0.5 },
  ];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-pred-'));
  try {
    const written = await writePredictions(path.join(dir, 'labels.csv'), rows);
    assert.equal(written, path.join(dir, '.digitlens', 'predictions.csv'));
    assert.deepEqual(parsePredictionsCsv(await fs.readFile(written, 'utf8')).rows, rows);
    assert.deepEqual(await fs.readdir(path.dirname(written)), ['predictions.csv'], 'no temporary file left behind');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
