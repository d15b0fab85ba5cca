// The gallery's whole read in a worker thread. At 250,000 rows the read takes about a second of
// CPU (BENCHMARKS.md, issue 11), and on the extension host's thread that second would hold every
// extension, and it comes again whenever the labels or the predictions change (each quick
// retrain). The worker reads and builds the dataset; the reply is plain data (typed arrays and
// joined text columns), copied across once, in milliseconds. One worker serves a panel for its
// life: starting one costs a few hundred ms on a busy machine, which a refresh after each label
// fix should not pay.
import { Worker } from 'node:worker_threads';
import { isRecord, isString } from '../../../../common/guards';
import type { GalleryDataset } from '../../../../common/webviewProtocol';
import { galleryRows, type RowsByLine } from './galleryData';

/** The worker's bundle in dist/ (scripts/build.mjs). */
export const GALLERY_WORKER = 'galleryWorker.js';

/** A read the worker is asked for. */
export interface GalleryReadRequest {
  id: number;
  labelsPath: string;
  /** The labels file as an open editor holds it, unsaved edits included; else the file is read. */
  labelsText?: string;
}

/** The worker's answer to the read `id`. */
export type GalleryReadReply = { id: number } & ({ ok: true; dataset: GalleryDataset; boxes: Float64Array } | { ok: false; message: string });

export function isGalleryReadRequest(x: unknown): x is GalleryReadRequest {
  return isRecord(x) && typeof x.id === 'number' && isString(x.labelsPath) && (x.labelsText === undefined || isString(x.labelsText));
}

/** Our own worker's reply: only its shape is checked (the dataset is built by our code, not read from a file). */
function isGalleryReadReply(x: unknown): x is GalleryReadReply {
  if (!isRecord(x) || typeof x.id !== 'number') return false;
  if (x.ok === false) return isString(x.message);
  return x.ok === true && isRecord(x.dataset) && isRecord(x.dataset.columns) && x.boxes instanceof Float64Array;
}

/** A read ended because its gallery closed: nothing failed, and nobody waits for the rows any more. */
export class GalleryClosedError extends Error {
  constructor() {
    super('the gallery was closed');
  }
}

type Pending = { resolve: (read: { dataset: GalleryDataset; rows: RowsByLine }) => void; reject: (err: Error) => void };

/** Whole reads in one long-lived worker thread running `workerScript` (dist/galleryWorker.js). */
export class GalleryReader {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set by dispose: a read that comes later (an async refresh finishing) must not start a new worker, which nothing would stop. */
  private closed = false;

  constructor(private readonly workerScript: string) {}

  /**
   * Reads a whole labels file into the gallery's dataset. Rejects with the read's own error, or
   * when the worker cannot run or stops (the caller may then read on its own thread); the next
   * read starts a new worker. Rejects with GalleryClosedError once the gallery is closed.
   */
  read(labelsPath: string, labelsText?: string): Promise<{ dataset: GalleryDataset; rows: RowsByLine }> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new GalleryClosedError());
      const id = this.nextId++;
      let worker: Worker;
      try {
        worker = this.start();
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      this.pending.set(id, { resolve, reject });
      // Kept alive while it owes an answer; idle, it keeps no process alive (the CLI's, a test's).
      worker.ref();
      const request: GalleryReadRequest = { id, labelsPath, labelsText };
      worker.postMessage(request);
    });
  }

  /** Starts the worker ahead of the first read (it takes a few hundred ms); idle, it keeps no process alive. */
  warm(): void {
    if (this.closed) return;
    try {
      const worker = this.start();
      if (this.pending.size === 0) worker.unref();
    } catch {
      // The first read says why.
    }
  }

  dispose(): void {
    this.closed = true;
    this.fail(new GalleryClosedError());
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerScript);
    worker.on('message', (reply: unknown) => {
      if (!isGalleryReadReply(reply)) return this.fail(new Error("the gallery's reader sent something else than a dataset"));
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (!waiting) return;
      if (reply.ok) waiting.resolve({ dataset: reply.dataset, rows: galleryRows(reply.dataset.columns, reply.boxes) });
      else waiting.reject(new Error(reply.message));
    });
    const gone = (why: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      this.fail(why);
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the gallery's reader stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private fail(err: Error): void {
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }
}
