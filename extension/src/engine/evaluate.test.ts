// eval <dir> adds its evaluation to the record of the run that trained the model, and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { stripes } from '../../../test/support/stripes';
import { readRunHistory } from '../dataset/runHistory';
import { defaultModelDir, runsDir } from '../dataset/paths';
import { runEval } from './evaluate';
import { runTraining } from './runTraining';

test('an evaluation joins the run that trained the model: every labeled row, its confusions and coverage curve', { timeout: 600_000 }, async () => {
  const labelsPath = await stripes();
  try {
    let runPath = '';
    const trained = await runTraining({ labelsPath, preset: 'fast', backend: 'wasm', epochs: 2, seed: 1 }, { onRun: (_id, file) => (runPath = file) });
    assert.equal(trained.outcome, 'current');
    const notes: string[] = [];
    const metrics = await runEval({ labelsPath, backend: 'wasm' }, { onRecorded: (note) => notes.push(note) });
    assert.deepEqual(notes, [`evaluation recorded with its run in ${runPath}`]);
    const { runs, problems } = await readRunHistory(runsDir(labelsPath));
    assert.deepEqual(problems, []);
    assert.equal(runs.length, 1);
    const [byTraining, byEval] = runs[0].evaluations;
    assert.equal(byTraining.source, 'train');
    assert.equal(byTraining.files.length, trained.validation.count);
    assert.equal(byEval.source, 'eval');
    assert.equal(byEval.files.length, metrics.count);
    assert.deepEqual(byEval.metrics, metrics);
    // Every row in one cell of each head's matrix; the curve ends at full coverage with the sequence accuracy.
    for (const m of byEval.confusion) assert.equal(m.cells.flat().flat().length, metrics.count);
    assert.equal(byEval.coverage.coverage.at(-1), 1);
    assert.ok(Math.abs((byEval.coverage.accuracy.at(-1) ?? -1) - metrics.sequenceAccuracy) < 1e-9);
    assert.equal(byEval.coverage.coverageAtPaperAccuracy, metrics.coverageAt98);

    // A model from before the run history names no run: evaluated all the same, recorded nowhere.
    const metaPath = path.join(defaultModelDir(labelsPath), 'meta.json');
    const meta = JSON.parse(await fs.readFile(metaPath, 'utf8')) as { runId?: string };
    delete meta.runId;
    await fs.writeFile(metaPath, JSON.stringify(meta));
    const older: string[] = [];
    await runEval({ labelsPath, backend: 'wasm' }, { onRecorded: (note) => older.push(note) });
    assert.match(older[0] ?? '', /names no training run/);
    assert.equal((await readRunHistory(runsDir(labelsPath))).runs[0].evaluations.length, 2);
  } finally {
    await fs.rm(path.dirname(labelsPath), { recursive: true, force: true });
  }
});
