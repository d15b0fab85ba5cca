// Keeps a training run's record (common/trainingRun.ts) on disk while it goes: written when the run
// starts, every few seconds as its curves grow (so a dashboard can follow a run made on the command
// line), and when it ends or fails. Writes go one after another; a failed write is retried by the
// next one and never stops the training.
import * as path from 'node:path';
import {
  RUN_FORMAT,
  appendProgress,
  emptyCurves,
  newRunId,
  runFileName,
  thinCurves,
  type RunEvaluation,
  type RunFinal,
  type RunRecord,
  type RunSettings,
} from '../../../common/trainingRun';
import type { TrainProgress } from '../../../common/engineProtocol';
import { writeRunRecord } from '../dataset/runHistory';

/** Past this many points the curves are thinned to half: a record of a long run stays under about 100 KB. */
export const MAX_CURVE_POINTS = 1000;
/** How often a running run's record is rewritten. */
const WRITE_EVERY_MS = 5000;

export class RunRecorder {
  private writing: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  /** The last write's failure, when the latest write failed. */
  private writeError: Error | undefined;

  private constructor(
    private readonly dir: string,
    readonly record: RunRecord,
  ) {}

  /** Starts a record for a run of `labelsPath` and writes it. */
  static async start(dir: string, labelsPath: string, settings: RunSettings, now = new Date()): Promise<RunRecorder> {
    const record: RunRecord = {
      format: RUN_FORMAT,
      id: newRunId(now, Math.random),
      labelsPath,
      started: now.toISOString(),
      status: 'running',
      settings,
      curves: emptyCurves(),
      validations: [],
      evaluations: [],
    };
    const recorder = new RunRecorder(dir, record);
    await recorder.write();
    return recorder;
  }

  get path(): string {
    return path.join(this.dir, runFileName(this.record.id));
  }

  progress(p: TrainProgress): void {
    appendProgress(this.record.curves, p);
    if (this.record.curves.step.length > MAX_CURVE_POINTS) thinCurves(this.record.curves);
    if (Date.now() - this.lastWrite >= WRITE_EVERY_MS) void this.write();
  }

  /** The run ended: its final figures and its evaluation of the validation rows. Throws when the record cannot be written. */
  async finish(final: RunFinal, evaluation: RunEvaluation | undefined): Promise<void> {
    this.record.status = 'finished';
    this.record.final = final;
    if (evaluation) {
      this.record.validations.push({ step: final.steps, sequenceAccuracy: evaluation.metrics.sequenceAccuracy });
      this.record.evaluations.push(evaluation);
    }
    await this.write();
    if (this.writeError) throw this.writeError;
  }

  /** The run failed: the record says why (a write failure here is ignored: the run's own error matters more). */
  async fail(message: string): Promise<void> {
    this.record.status = 'failed';
    this.record.error = message;
    await this.write();
  }

  private write(): Promise<void> {
    this.lastWrite = Date.now();
    // Serialised now, so a later change does not slip into an earlier write.
    const snapshot = structuredClone(this.record);
    this.writing = this.writing.then(async () => {
      try {
        await writeRunRecord(this.dir, snapshot);
        this.writeError = undefined;
      } catch (err) {
        this.writeError = err instanceof Error ? err : new Error(String(err));
      }
    });
    return this.writing;
  }
}
