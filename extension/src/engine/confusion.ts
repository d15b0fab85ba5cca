// What a run's evaluation keeps beside its figures (common/trainingRun.ts): one confusion matrix
// per head, with the rows behind each cell, and the coverage curve. From the decoded readings the
// metrics were computed from, so the matrices and the figures agree.
import type { EvalMetrics } from '../../../common/domain';
import { DIGIT_CLASSES, DIGIT_HEADS, HEADS } from '../../../common/heads';
import { parseTargetLabel, predictionMatchesLabel } from '../../../common/sequence';
import { confusionClasses, type HeadConfusion, type RunEvaluation } from '../../../common/trainingRun';
import type { DecodedSequence } from './decode';
import { coverageCurve } from './metrics';

/** The "none" class of a digit head's matrix: no digit at that position. */
const NONE = DIGIT_CLASSES;

/**
 * Per head, cells[label's class][reading's class] = the rows (indices of `labels`) in that cell.
 * L: the label's length class against the decoded length. S_i: the label's i-th digit (or none,
 * the number being shorter) against the reading's i-th digit (or none, the reading being shorter):
 * a digit head is judged by the reading it takes part in, as sequence accuracy judges it.
 */
export function headConfusions(labels: readonly string[], decoded: readonly DecodedSequence[]): HeadConfusion[] {
  const matrices = HEADS.map((head, h): HeadConfusion => {
    const classes = confusionClasses(h);
    return { head: head.name, classes, cells: classes.map(() => classes.map(() => [])) };
  });
  labels.forEach((label, row) => {
    const target = parseTargetLabel(label);
    const read = decoded[row];
    matrices[0].cells[target.lengthClass][read.length].push(row);
    for (let i = 0; i < DIGIT_HEADS; i++) {
      const truth = target.digits[i] ?? NONE;
      const predicted = i < read.digits.length ? read.digits[i] : NONE;
      matrices[1 + i].cells[truth][predicted].push(row);
    }
  });
  return matrices;
}

/** A model's evaluation of labeled rows, as a run record keeps it. */
export function runEvaluation(
  source: RunEvaluation['source'],
  labelsPath: string,
  rows: readonly { file: string; label: string }[],
  decoded: readonly DecodedSequence[],
  metrics: EvalMetrics,
  date = new Date(),
): RunEvaluation {
  const labels = rows.map((r) => r.label);
  const correct = labels.map((l, i) => predictionMatchesLabel(decoded[i].text, l));
  return {
    source,
    date: date.toISOString(),
    labelsPath,
    files: rows.map((r) => r.file),
    metrics,
    confusion: headConfusions(labels, decoded),
    coverage: coverageCurve(correct, decoded.map((d) => d.logScore)),
  };
}
