// Run records (common/trainingRun.ts) as the engine writes them, for the tests of the format, the
// dashboard's model and the dashboard page: one builder, so they all test the same shape.
import type { TrainProgress } from '../../common/engineProtocol';
import { HEADS } from '../../common/heads';
import { RUN_FORMAT, appendProgress, confusionClasses, emptyCurves, type CoverageCurve, type RunEvaluation, type RunRecord } from '../../common/trainingRun';

export const RUN_ID = '20261129-140322123-abcd';
export const RUN_STARTED = '2026-11-29T14:03:22.123Z';

/** A training step's progress: a loss falling over 200 steps, accuracies rising, S5 without examples until step 40. */
export function progressAt(step: number): TrainProgress {
  const f = step / 200;
  return {
    epoch: Math.floor(step / 50),
    step,
    loss: 9 * Math.exp(-3 * f) + 0.3,
    sequenceAccuracy: Math.min(0.95, f),
    elapsedSeconds: step / 2,
    imagesPerSecond: 60 + (step % 7),
    fraction: f,
    headLoss: HEADS.map((_, h) => (h === 5 ? 0.01 : (9 * Math.exp(-3 * f)) / (h + 2))),
    headAccuracy: HEADS.map((_, h) => (h === 5 && step < 40 ? null : Math.min(0.99, f + 0.1 * (5 - h)))),
  };
}

/**
 * An evaluation of `files`: every crop in one cell per head (L: length `length`; S_i: digit i of
 * `label`, or none) unless `place` puts it elsewhere, and the coverage curve given.
 */
export function evaluationOf(files: string[], label: string, coverage: CoverageCurve, place: (head: number, row: number) => [number, number] | undefined = () => undefined): RunEvaluation {
  const confusion = HEADS.map((head, h) => {
    const classes = confusionClasses(h);
    const cells = classes.map(() => classes.map((): number[] => []));
    const own = h === 0 ? label.length : label[h - 1] === undefined ? classes.length - 1 : Number(label[h - 1]);
    files.forEach((_, row) => {
      const [truth, read] = place(h, row) ?? [own, own];
      cells[truth][read].push(row);
    });
    return { head: head.name, classes, cells };
  });
  const right = confusion.every((m) => m.cells.every((r, t) => r.every((c, p) => t === p || c.length === 0)));
  return {
    source: 'train',
    date: '2026-11-29T14:04:40.000Z',
    labelsPath: '/data/street/labels.csv',
    files,
    metrics: { count: files.length, sequenceAccuracy: right ? 1 : 0.95, digitAccuracy: 0.97, lengthAccuracy: 1, coverageAt98: coverage.coverageAtPaperAccuracy, backend: 'wasm' },
    confusion,
    coverage,
  };
}

/** A finished run of `steps` steps (progressAt), validated at its last step, with the evaluations given. */
export function runRecordOf(steps: number, evaluations: RunEvaluation[] = []): RunRecord {
  const curves = emptyCurves();
  for (let s = 1; s <= steps; s++) appendProgress(curves, progressAt(s));
  return {
    format: RUN_FORMAT,
    id: RUN_ID,
    labelsPath: '/data/street/labels.csv',
    started: RUN_STARTED,
    status: 'finished',
    settings: { preset: 'fast', timeBudgetSeconds: 75, seed: 1, backend: 'wasm', threads: 2, trainRows: 360, validationRows: 40, resumed: false, batchSize: 32 },
    curves,
    validations: steps > 0 ? [{ step: steps, sequenceAccuracy: 0.95 }] : [],
    final: { outcome: 'current', outcomeMessage: 'the new model is current (there was no current model).', steps, seconds: steps / 2, cancelled: false, imagesPerSecond: 64 },
    evaluations,
  };
}
