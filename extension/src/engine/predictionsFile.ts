// Writes <dataset>/.digitlens/predictions.csv (format: common/predictionsCsv.ts), atomically, and
// beside it the description of the model that made them (predictions-model.json: its meta.json),
// so the gallery can say which model made the readings: one trained here, or the shipped one.
import { formatPredictionsCsv, type PredictionRow } from '../../../common/predictionsCsv';
import { writeFileAtomic } from '../dataset/atomicWrite';
import { predictionsModelPath, predictionsPath } from '../dataset/paths';
import type { CheckpointMeta } from './checkpoint';

/** Returns the path written. */
export async function writePredictions(labelsPath: string, rows: readonly PredictionRow[], madeBy: CheckpointMeta): Promise<string> {
  const target = predictionsPath(labelsPath);
  await writeFileAtomic(target, formatPredictionsCsv(rows));
  const { optimizer: _optimizer, ...description } = madeBy;
  await writeFileAtomic(predictionsModelPath(labelsPath), JSON.stringify(description, null, 2) + '\n');
  return target;
}
