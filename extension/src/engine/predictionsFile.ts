// Writes <dataset>/.digitlens/predictions.csv (format: common/predictionsCsv.ts), atomically.
import { formatPredictionsCsv, type PredictionRow } from '../../../common/predictionsCsv';
import { writeFileAtomic } from '../dataset/atomicWrite';
import { predictionsPath } from '../dataset/paths';

/** Returns the path written. */
export async function writePredictions(labelsPath: string, rows: readonly PredictionRow[]): Promise<string> {
  const target = predictionsPath(labelsPath);
  await writeFileAtomic(target, formatPredictionsCsv(rows));
  return target;
}
