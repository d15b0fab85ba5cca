// What the host shows of a saved model (the current one, or a candidate) without loading it:
// a line from its meta.json (preset, steps, validation accuracy, date). The engine owns the
// format; a file the host cannot read is simply no model to offer. The same for the model that
// made the readings in predictions.csv (predictions-model.json, a copy of its meta.json): one
// trained here, or the model the extension ships (meta.shipped, scripts/train-shipped-model.mjs).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isPresetName, type PresetName } from '../../../common/domain';
import { isFiniteNumber, isNonNegativeInteger, isRecord, isString } from '../../../common/guards';
import { predictionsModelPath } from '../dataset/paths';

export interface ModelSummary {
  preset: PresetName;
  steps: number;
  date: string;
  /** Validation sequence accuracy of the run that made it, when it had validation rows. */
  sequenceAccuracy?: number;
  validationCount?: number;
  /** Set for the model the extension ships: what it was trained on, and its test accuracy. */
  shipped?: { data: string; testSequenceAccuracy?: number; testCount?: number };
}

export async function readModelSummary(modelDir: string): Promise<ModelSummary | undefined> {
  return readSummaryFile(path.join(modelDir, 'meta.json'));
}

/** The model that made the readings in the dataset's predictions.csv, when that is known. */
export function readReadingsModel(labelsPath: string): Promise<ModelSummary | undefined> {
  return readSummaryFile(predictionsModelPath(labelsPath));
}

async function readSummaryFile(file: string): Promise<ModelSummary | undefined> {
  let meta: unknown;
  try {
    meta = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(meta) || !isRecord(meta.spec) || !isPresetName(meta.spec.preset) || !isString(meta.date)) return undefined;
  const steps = isNonNegativeInteger(meta.totalSteps) ? meta.totalSteps : isNonNegativeInteger(meta.steps) ? meta.steps : 0;
  const summary: ModelSummary = { preset: meta.spec.preset, steps, date: meta.date };
  const v = meta.validation;
  if (isRecord(v) && isFiniteNumber(v.sequenceAccuracy) && isNonNegativeInteger(v.count) && v.count > 0) {
    summary.sequenceAccuracy = v.sequenceAccuracy;
    summary.validationCount = v.count;
  }
  const shipped = meta.shipped;
  if (isRecord(shipped) && isString(shipped.data)) {
    summary.shipped = { data: shipped.data };
    const t = shipped.test;
    if (isRecord(t) && isFiniteNumber(t.sequenceAccuracy) && isNonNegativeInteger(t.count)) {
      summary.shipped.testSequenceAccuracy = t.sequenceAccuracy;
      summary.shipped.testCount = t.count;
    }
  }
  return summary;
}

/**
 * Which model made the readings, for the gallery: "the shipped model (fast · 2,392 steps · trained
 * on synthetic crops only ...)" or "the model trained here on 28 Nov 2026, 14:02 (fast · ...)".
 */
export function describeReadingsModel(m: ModelSummary): string {
  if (m.shipped) {
    const test = m.shipped.testSequenceAccuracy !== undefined ? ` · ${(100 * m.shipped.testSequenceAccuracy).toFixed(1)}% of ${m.shipped.testCount} synthetic test crops` : '';
    return `the shipped model (${m.preset} · ${m.steps.toLocaleString('en')} steps · ${m.shipped.data}${test}): train one on your labels to do better`;
  }
  return `the model trained here (${describeModel(m)})`;
}

/** "fast · 2,392 steps · 91.3% of 275 validation crops · 28 Nov 2026, 14:02" */
export function describeModel(m: ModelSummary): string {
  const accuracy = m.sequenceAccuracy !== undefined ? ` · ${(100 * m.sequenceAccuracy).toFixed(1)}% of ${m.validationCount} validation crops` : '';
  const when = new Date(m.date);
  const date = Number.isNaN(when.getTime()) ? m.date : when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return `${m.preset} · ${m.steps.toLocaleString('en')} steps${accuracy} · ${date}`;
}
