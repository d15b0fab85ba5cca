// eval <dir>: a checkpoint's metrics on the labeled rows of a dataset (centre crops). It writes
// nothing but the evaluation's details, added to the record of the run that trained the model.
import type { BackendChoice, EvalMetrics, SkippedCrop } from '../../../common/domain';
import { loadCrops } from '../dataset/crops';
import { defaultModelDir, runsDirBesideModel } from '../dataset/paths';
import { readRunRecord, writeRunRecord } from '../dataset/runHistory';
import { runFileName, type RunEvaluation } from '../../../common/trainingRun';
import * as path from 'node:path';
import { runEvaluation } from './confusion';
import { initBackend } from './backend';
import { loadCheckpoint } from './checkpoint';
import { metricsForLabeled, predictPixels } from './predict';

export async function runEval(
  options: { labelsPath: string; modelDir?: string; backend: BackendChoice },
  hooks: { onSkipped?: (skipped: SkippedCrop[]) => void; /** Where the evaluation was recorded, or why it was not. */ onRecorded?: (note: string) => void } = {},
): Promise<EvalMetrics> {
  const backend = await initBackend(options.backend);
  const modelDir = options.modelDir ?? defaultModelDir(options.labelsPath);
  const { model, meta } = await loadCheckpoint(modelDir);
  const crops = await loadCrops(options.labelsPath, { onlyLabeled: true, uniqueImages: true });
  if (crops.skipped.length > 0) hooks.onSkipped?.(crops.skipped);
  if (crops.rows.length === 0) throw new Error(`${options.labelsPath} has no labeled crops to evaluate on`);
  const p = predictPixels(model, meta.spec, crops.pixels, crops.rows.length);
  model.dispose();
  const metrics = metricsForLabeled(crops.rows.map((r) => r.label), p);
  if (!metrics) throw new Error('no labeled crops to evaluate on');
  const result: EvalMetrics = { ...metrics, backend: backend.name };
  const labeled = crops.rows.flatMap((r, i) => (r.label === '' ? [] : [{ row: r, decoded: p.decoded[i] }]));
  const evaluation = runEvaluation('eval', path.resolve(options.labelsPath), labeled.map((l) => l.row), labeled.map((l) => l.decoded), result);
  hooks.onRecorded?.(await recordEvaluation(modelDir, meta.runId, evaluation));
  return result;
}

/**
 * Adds the evaluation to the record of the run that trained the model, so the dashboard shows it
 * with that run; says where, or why not (an older model names no run; a bad record is left alone).
 */
async function recordEvaluation(modelDir: string, runId: string | undefined, evaluation: RunEvaluation): Promise<string> {
  if (runId === undefined) return 'the model names no training run (it predates the run history): the evaluation is not recorded';
  const dir = runsDirBesideModel(modelDir);
  try {
    const record = await readRunRecord(path.join(dir, runFileName(runId)));
    record.evaluations.push(evaluation);
    return `evaluation recorded with its run in ${await writeRunRecord(dir, record)}`;
  } catch (err) {
    return `the evaluation is not recorded: ${(err as Error).message}`;
  }
}
