// The worker thread of galleryReader.ts: reads one whole labels file (and its predictions and
// label-error evidence) into the gallery's dataset, off the extension host's thread, sends it
// back, and ends.
import { parentPort, workerData } from 'node:worker_threads';
import { readWholeGallery } from './galleryData';
import { isGalleryReadRequest, type GalleryReadReply } from './galleryReader';

const reply = (message: GalleryReadReply): void => parentPort?.postMessage(message);

if (!isGalleryReadRequest(workerData)) reply({ ok: false, message: 'the gallery reader was started without a labels file' });
else {
  readWholeGallery(workerData.labelsPath, workerData.labelsText).then(
    ({ dataset, boxes }) => reply({ ok: true, dataset, boxes }),
    (err: unknown) => reply({ ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
}
