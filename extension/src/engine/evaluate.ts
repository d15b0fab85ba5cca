// eval <dir>: a checkpoint's metrics on the labeled rows of a dataset (centre crops), writing nothing.
import type { BackendChoice, EvalMetrics, SkippedCrop } from '../../../common/domain';
import { loadCrops } from '../dataset/crops';
import { defaultModelDir } from '../dataset/paths';
import { initBackend } from './backend';
import { loadCheckpoint } from './checkpoint';
import { metricsForLabeled, predictPixels } from './predict';

export async function runEval(
  options: { labelsPath: string; modelDir?: string; backend: BackendChoice },
  hooks: { onSkipped?: (skipped: SkippedCrop[]) => void } = {},
): Promise<EvalMetrics> {
  const backend = await initBackend(options.backend);
  const { model, meta } = await loadCheckpoint(options.modelDir ?? defaultModelDir(options.labelsPath));
  const crops = await loadCrops(options.labelsPath, { onlyLabeled: true, uniqueImages: true });
  if (crops.skipped.length > 0) hooks.onSkipped?.(crops.skipped);
  if (crops.rows.length === 0) throw new Error(`${options.labelsPath} has no labeled crops to evaluate on`);
  const p = predictPixels(model, meta.spec, crops.pixels, crops.rows.length);
  model.dispose();
  const metrics = metricsForLabeled(crops.rows.map((r) => r.label), p);
  if (!metrics) throw new Error('no labeled crops to evaluate on');
  return { ...metrics, backend: backend.name };
}
