// What the inspector asks the engine, and when. No `vscode` import: tested on its own.
import type { BackendChoice } from '../../../../common/domain';
import type { ExplainOptions } from '../../../../common/engineProtocol';
import type { InspectorView } from '../../../../common/inspectorProtocol';
import type { LabelRow } from '../../../../common/labels';

/** The engine's request for one row as the page's view says: the row as the labels file has it now. */
export function explainOptions(labelsPath: string, row: LabelRow, view: InspectorView, backend: BackendChoice): ExplainOptions {
  const options: ExplainOptions = {
    labelsPath,
    backend,
    file: row.file,
    label: row.label,
    targets: [...view.targets],
    smoothGrad: view.smoothGrad,
    gradTimesInput: view.gradTimesInput,
  };
  if (row.box) options.box = { ...row.box };
  if (view.activationBlock !== null) options.activationBlock = view.activationBlock;
  return options;
}

/**
 * Runs jobs one at a time and only the latest: a job submitted while one runs waits, and replaces
 * any job already waiting, which never runs. A finished job's result is delivered only if no newer
 * job was submitted meanwhile. The inspector's explain requests go through one of these: clicking
 * through bars or crops faster than the engine answers queues at most one request in the engine
 * (which runs requests in turn, behind a training run too), and the page is sent only the answer
 * it still wants.
 */
export class LatestOnly<Job, Result> {
  private running = false;
  private waiting: Job | undefined;
  private latest = 0;

  constructor(
    private readonly run: (job: Job) => Promise<Result>,
    private readonly deliver: (result: Result, job: Job) => void,
    /** `run` should answer failures as results; anything it throws ends up here. */
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  submit(job: Job): void {
    this.latest++;
    if (this.running) {
      this.waiting = job;
      return;
    }
    void this.start(job);
  }

  /** Whether a newer job waits behind the running one (whose result will not be delivered). */
  get superseded(): boolean {
    return this.waiting !== undefined;
  }

  /** Whether a job is running (another may be waiting). */
  get busy(): boolean {
    return this.running;
  }

  private async start(job: Job): Promise<void> {
    this.running = true;
    const ticket = this.latest;
    try {
      const result = await this.run(job);
      if (ticket === this.latest) this.deliver(result, job);
    } catch (err) {
      this.onError(err);
    } finally {
      this.running = false;
      const next = this.waiting;
      this.waiting = undefined;
      if (next !== undefined) void this.start(next);
    }
  }
}
