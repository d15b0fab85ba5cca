// The label-error finder's evidence, saved beside a model (evidence.json + evidence.bin): for each
// row the run trained or held out, its file and label at the time, and the mean log-probability
// of every head (common/heads.ts layout). Pure: bytes and text in and out; the parts that touch
// the disk read and write the two files.
import { normalizeDatasetPath } from './datasetPath';
import { isBoolean, isRecord, isString, shape } from './guards';
import { LOGITS } from './heads';
import { labelIssue, logistic, type LabelIssue } from './labelIssues';
import { parseTargetLabel } from './sequence';

export const EVIDENCE_JSON = 'evidence.json';
export const EVIDENCE_BIN = 'evidence.bin';

export interface EvidenceRow {
  file: string;
  /** The label the run trained on (or held out with). */
  label: string;
  /** Held out from training: the means are the final model's out-of-sample reading. */
  heldOut: boolean;
}

export interface LabelEvidence {
  rows: EvidenceRow[];
  /** rows.length x LOGITS, float32. */
  meanLogProbs: Float32Array;
  /**
   * The share of the means that is the start model's reading of each row (a run from another
   * model's weights that read the crops before training, engine/startEvidence.ts); absent when
   * the means are the run's own readings alone.
   */
  startWeight?: number;
}

const isEvidenceRow = shape<EvidenceRow>({ file: isString, label: isString, heldOut: isBoolean });

export function encodeEvidence(e: LabelEvidence): { json: string; bin: Uint8Array } {
  if (e.meanLogProbs.length !== e.rows.length * LOGITS) throw new RangeError('evidence: one row of head log-probabilities per row');
  const json = JSON.stringify({ format: 'digitlens-evidence-1', logits: LOGITS, ...(e.startWeight === undefined ? {} : { startWeight: e.startWeight }), rows: e.rows });
  return { json, bin: new Uint8Array(e.meanLogProbs.buffer, e.meanLogProbs.byteOffset, e.meanLogProbs.byteLength) };
}

/** The evidence in the two files' contents; throws when they do not belong together. */
export function decodeEvidence(json: string, bin: Uint8Array): LabelEvidence {
  const meta: unknown = JSON.parse(json);
  if (!isRecord(meta) || meta.format !== 'digitlens-evidence-1' || meta.logits !== LOGITS || !Array.isArray(meta.rows) || !meta.rows.every(isEvidenceRow)) {
    throw new Error('not label-error evidence of this version');
  }
  const startWeight = meta.startWeight;
  if (startWeight !== undefined && (typeof startWeight !== 'number' || !(startWeight >= 0 && startWeight <= 1))) throw new Error('the evidence says a start weight that is not a share');
  const rows = meta.rows;
  if (bin.byteLength !== rows.length * LOGITS * 4) throw new Error(`the evidence holds ${bin.byteLength} bytes, not the ${rows.length * LOGITS * 4} its rows need`);
  const meanLogProbs = new Float32Array(rows.length * LOGITS);
  new Uint8Array(meanLogProbs.buffer).set(bin);
  return { rows, meanLogProbs, ...(startWeight === undefined ? {} : { startWeight }) };
}

export interface RowIssue extends LabelIssue {
  file: string;
  label: string;
  /** 0-based line of the row in the labels file, when the caller gave it. */
  line?: number;
  /** The row was held out of training: its evidence is the final model's reading. */
  heldOut: boolean;
}

/**
 * Every labeled row the evidence knows (by its normalised path), scored with its label as it is
 * now: a label fixed since the run is scored against the same evidence at once. Most likely wrong first.
 *
 * Margins are calibrated by the label's length: a long number gives the model more heads to
 * doubt, so a right label of six digits carries a larger margin than a right label of one, and
 * held-out rows (read out of sample) larger ones than trained rows, and both spread wider. Each
 * row's margin is placed within its group (length class, held out or not) by the group's median
 * and interquartile range, then put back in the units of all rows: the ranking compares a row with
 * rows like it. On bench/labelIssues.ts this took the share of truly mistyped rows among the top K
 * from 57% to 73% on a short run and from 70-73% to 79-81% on two long ones (BENCHMARKS.md).
 */
export function findLabelIssues(evidence: LabelEvidence, rows: readonly { file: string; label: string; line?: number }[]): RowIssue[] {
  const at = new Map<string, number>();
  evidence.rows.forEach((r, i) => at.set(normalizeDatasetPath(r.file), i));
  const issues: RowIssue[] = [];
  for (const row of rows) {
    if (row.label === '') continue;
    const i = at.get(normalizeDatasetPath(row.file));
    if (i === undefined) continue;
    const issue = labelIssue(evidence.meanLogProbs, i * LOGITS, row.label);
    issues.push({ ...issue, file: row.file, label: row.label, line: row.line, heldOut: evidence.rows[i].heldOut });
  }
  calibrateByLength(issues);
  return issues.sort((a, b) => b.margin - a.margin);
}

/** Fewer rows than this in a group (length class, held out): too few for a median; no shift. */
const MIN_GROUP = 10;

function calibrateByLength(issues: RowIssue[]): void {
  const groups = new Map<string, number[]>();
  for (const issue of issues) {
    const key = `${parseTargetLabel(issue.label).lengthClass}/${issue.heldOut}`;
    const margins = groups.get(key) ?? [];
    margins.push(issue.margin);
    groups.set(key, margins);
  }
  const all = spread(issues.map((i) => i.margin));
  const placed = new Map([...groups].map(([key, margins]) => [key, margins.length >= MIN_GROUP ? spread(margins) : all]));
  for (const issue of issues) {
    const group = placed.get(`${parseTargetLabel(issue.label).lengthClass}/${issue.heldOut}`) ?? all;
    issue.margin = all.median + ((issue.margin - group.median) / group.iqr) * all.iqr;
    issue.score = logistic(issue.margin);
  }
}

/** Median and interquartile range (at least a small positive number, so it can divide). */
function spread(values: number[]): { median: number; iqr: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    if (sorted.length === 0) return 0;
    const x = q * (sorted.length - 1);
    const i = Math.floor(x);
    return sorted[i] + (sorted[Math.min(i + 1, sorted.length - 1)] - sorted[i]) * (x - i);
  };
  return { median: at(0.5), iqr: Math.max(1e-3, at(0.75) - at(0.25)) };
}
