// The gallery's whole read in a worker thread. At 250,000 rows the read takes about a second of
// CPU (BENCHMARKS.md, issue 11), and on the extension host's thread that second would hold every
// extension, and it comes again whenever the labels or the predictions change (each quick
// retrain). The worker reads and builds the dataset; the reply is plain data (typed arrays and
// joined text columns), copied across once, in milliseconds.
import { Worker } from 'node:worker_threads';
import { isRecord, isString } from '../../../../common/guards';
import type { GalleryDataset } from '../../../../common/webviewProtocol';
import { galleryRows, type RowsByLine } from './galleryData';

/** The worker's bundle in dist/ (scripts/build.mjs). */
export const GALLERY_WORKER = 'galleryWorker.js';

/** What the worker is started with (as its workerData). */
export interface GalleryReadRequest {
  labelsPath: string;
  /** The labels file as an open editor holds it, unsaved edits included; else the file is read. */
  labelsText?: string;
}

/** What the worker sends back, once. */
export type GalleryReadReply = { ok: true; dataset: GalleryDataset; boxes: Float64Array } | { ok: false; message: string };

export function isGalleryReadRequest(x: unknown): x is GalleryReadRequest {
  return isRecord(x) && isString(x.labelsPath) && (x.labelsText === undefined || isString(x.labelsText));
}

/** Our own worker's reply: only its shape is checked (the dataset is built by our code, not read from a file). */
function isGalleryReadReply(x: unknown): x is GalleryReadReply {
  if (!isRecord(x)) return false;
  if (x.ok === false) return isString(x.message);
  return x.ok === true && isRecord(x.dataset) && isRecord(x.dataset.columns) && x.boxes instanceof Float64Array;
}

/**
 * Reads a whole labels file into the gallery's dataset in a worker thread running `workerScript`
 * (dist/galleryWorker.js). Rejects with the read's own error, or when the worker cannot run (the
 * caller may then read on its own thread).
 */
export function readWholeGalleryInWorker(workerScript: string, request: GalleryReadRequest): Promise<{ dataset: GalleryDataset; rows: RowsByLine }> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(workerScript, { workerData: request });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.once('message', (reply: unknown) =>
      settle(() => {
        if (!isGalleryReadReply(reply)) reject(new Error("the gallery's reader sent something else than a dataset"));
        else if (!reply.ok) reject(new Error(reply.message));
        else resolve({ dataset: reply.dataset, rows: galleryRows(reply.dataset.columns, reply.boxes) });
      }),
    );
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the gallery's reader stopped (exit code ${code}) before it answered`))));
  });
}
