// Likely label errors as problems in the labels file: the evidence the last training run saved
// beside the model (common/labelEvidence.ts), scored against the document as it is now, so a row
// stops being flagged the moment its label is fixed. Each comes with a quick fix that takes the
// model's reading. Read once per change of the evidence file (the client reports file events).
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { DERIVED } from '../../common/derivedPaths';
import { EVIDENCE_BIN, EVIDENCE_JSON, decodeEvidence, findLabelIssues, type LabelEvidence } from '../../common/labelEvidence';
import type { LabelProblem, LabelsDocument } from '../../common/labels';

/** Above this the model finds another reading far likelier than the label (odds of 9 to 1). */
export const LIKELY_ERROR_SCORE = 0.9;
/** A dataset full of flags is better read in the gallery's "likely label errors" view. */
const MAX_PROBLEMS = 500;

export class EvidenceCache {
  private readonly cache = new Map<string, { mtimeMs: number; evidence: LabelEvidence | undefined }>();

  /** The evidence of the model beside `labelsPath`, or undefined when there is none (or it cannot be read). */
  async evidenceFor(labelsPath: string): Promise<LabelEvidence | undefined> {
    const modelDir = path.join(path.dirname(labelsPath), ...DERIVED.model.split('/'));
    const jsonPath = path.join(modelDir, EVIDENCE_JSON);
    const mtimeMs = await stat(jsonPath).then(
      (s) => s.mtimeMs,
      () => -1,
    );
    const cached = this.cache.get(modelDir);
    if (cached && cached.mtimeMs === mtimeMs) return cached.evidence;
    let evidence: LabelEvidence | undefined;
    if (mtimeMs >= 0) {
      try {
        evidence = decodeEvidence(await readFile(jsonPath, 'utf8'), await readFile(path.join(modelDir, EVIDENCE_BIN)));
      } catch {
        evidence = undefined;
      }
    }
    this.cache.set(modelDir, { mtimeMs, evidence });
    return evidence;
  }

  clear(): void {
    this.cache.clear();
  }
}

export async function labelIssueProblems(labelsPath: string, labels: LabelsDocument, cache: EvidenceCache): Promise<LabelProblem[]> {
  const evidence = await cache.evidenceFor(labelsPath);
  if (!evidence) return [];
  const rowAt = new Map(labels.rows.map((r, index) => [r.line, index]));
  const problems: LabelProblem[] = [];
  for (const issue of findLabelIssues(evidence, labels.rows)) {
    if (issue.score < LIKELY_ERROR_SCORE || problems.length >= MAX_PROBLEMS) break;
    const range = labels.fieldRange(rowAt.get(issue.line ?? -1) ?? -1, 'label');
    if (!range) continue;
    const reading = issue.suggestion.startsWith('>') ? `more than five digits, starting ${issue.suggestion.slice(3)}` : issue.suggestion;
    const problem: LabelProblem = {
      ...range,
      severity: 'information',
      message:
        `likely label error: the model reads ${reading} here (probability ${issue.suggestionProbability.toFixed(2)}; ` +
        `${issue.position === 'L' ? 'the length differs' : `${issue.position} differs`}; odds ${(issue.score / (1 - issue.score)).toFixed(0)} to 1 against ${issue.label})`,
    };
    if (!issue.suggestion.startsWith('>')) problem.fixes = [{ title: `Change the label to ${issue.suggestion} (the model's reading)`, newText: issue.suggestion }];
    problems.push(problem);
  }
  return problems;
}
