import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePredictionsCsv } from '../../../common/predictionsCsv';
import type { PredictionRow } from '../../../common/predictions';
import { formatPredictionsCsv, writePredictions } from './predictionsFile';

test('predictions.csv round-trips through the reader, including awkward file names', async () => {
  const rows: PredictionRow[] = [
    { file: 'img/1.png', label: '19', prediction: '19', confidence: 0.987654 },
    { file: 'odd, "name".png', label: '', prediction: '-', confidence: 0.5 },
    { file: 'x/7.png', label: '1234567', prediction: '>5:12345', confidence: 0.000001 },
  ];
  const parsed = parsePredictionsCsv(formatPredictionsCsv(rows));
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.rows, rows);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-pred-'));
  const written = await writePredictions(path.join(dir, 'labels.csv'), rows);
  assert.equal(written, path.join(dir, '.digitlens', 'predictions.csv'));
  assert.deepEqual(parsePredictionsCsv(await fs.readFile(written, 'utf8')).rows, rows);
});
