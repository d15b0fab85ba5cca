// Writes <dataset>/.digitlens/predictions.csv (read back by common/predictionsCsv.ts), atomically.
import { predictionsPath } from '../../../common/derivedPaths';
import type { PredictionRow } from '../../../common/predictions';
import { writeFileAtomic } from '../util/atomicWrite';

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatPredictionsCsv(rows: readonly PredictionRow[]): string {
  const lines = ['file,label,prediction,confidence'];
  for (const r of rows) lines.push([csvField(r.file), csvField(r.label), csvField(r.prediction), r.confidence.toFixed(6)].join(','));
  return lines.join('\n') + '\n';
}

export { predictionsPath };

export async function writePredictions(labelsPath: string, rows: readonly PredictionRow[]): Promise<string> {
  const target = predictionsPath(labelsPath);
  await writeFileAtomic(target, formatPredictionsCsv(rows));
  return target;
}
