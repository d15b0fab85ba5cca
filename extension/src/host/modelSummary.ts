// What the host shows of a saved model (the current one, or a candidate) without loading it:
// a line from its meta.json (preset, steps, validation accuracy, date). The engine owns the
// format; a file the host cannot read is simply no model to offer.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isPresetName, type PresetName } from '../../../common/domain';
import { isFiniteNumber, isNonNegativeInteger, isRecord, isString } from '../../../common/guards';

export interface ModelSummary {
  preset: PresetName;
  steps: number;
  date: string;
  /** Validation sequence accuracy of the run that made it, when it had validation rows. */
  sequenceAccuracy?: number;
  validationCount?: number;
}

export async function readModelSummary(modelDir: string): Promise<ModelSummary | undefined> {
  let meta: unknown;
  try {
    meta = JSON.parse(await fs.readFile(path.join(modelDir, 'meta.json'), 'utf8'));
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
  return summary;
}

/** "fast · 2,392 steps · 91.3% of 275 validation crops · 28 Nov 2026, 14:02" */
export function describeModel(m: ModelSummary): string {
  const accuracy = m.sequenceAccuracy !== undefined ? ` · ${(100 * m.sequenceAccuracy).toFixed(1)}% of ${m.validationCount} validation crops` : '';
  const when = new Date(m.date);
  const date = Number.isNaN(when.getTime()) ? m.date : when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return `${m.preset} · ${m.steps.toLocaleString('en')} steps${accuracy} · ${date}`;
}
