// The label-error finder on disk: the evidence a training run saved beside its model, scored
// against the labels file as it is now (common/labelEvidence.ts does the arithmetic).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LabelsDocument } from '../../../common/labels';
import { EVIDENCE_BIN, EVIDENCE_JSON, decodeEvidence, findLabelIssues, type LabelEvidence, type RowIssue } from '../../../common/labelEvidence';
import { defaultModelDir } from './paths';

/** The evidence saved with the model in `modelDir`, or undefined when it has none (no model, or one from before the finder). */
export async function readEvidence(modelDir: string): Promise<LabelEvidence | undefined> {
  let json: string;
  let bin: Buffer;
  try {
    [json, bin] = await Promise.all([fs.readFile(path.join(modelDir, EVIDENCE_JSON), 'utf8'), fs.readFile(path.join(modelDir, EVIDENCE_BIN))]);
  } catch {
    return undefined;
  }
  return decodeEvidence(json, bin);
}

export interface LabelIssuesReport {
  /** Most likely wrong first. */
  issues: RowIssue[];
  /** Labeled rows the evidence does not cover (added or unusable since the run). */
  unscored: number;
}

export async function labelIssuesOf(labelsPath: string, modelDir = defaultModelDir(labelsPath)): Promise<LabelIssuesReport> {
  const evidence = await readEvidence(modelDir);
  if (!evidence) throw new Error(`no label-error evidence in ${modelDir}: train a model (digit-lens train) and run again`);
  const doc = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8'));
  const labeled = doc.rows.filter((r) => r.label !== '');
  const issues = findLabelIssues(evidence, labeled);
  return { issues, unscored: labeled.length - issues.length };
}
