// The worker thread of galleryReader.ts: reads whole labels files (with their predictions and
// label-error evidence) into the gallery's dataset, off the extension host's thread, one request
// at a time as they come.
import { parentPort } from 'node:worker_threads';
import { readWholeGallery } from './galleryData';
import { isGalleryReadRequest, type GalleryReadReply } from './galleryReader';

const reply = (message: GalleryReadReply): void => parentPort?.postMessage(message);

parentPort?.on('message', (request: unknown) => {
  if (!isGalleryReadRequest(request)) return;
  readWholeGallery(request.labelsPath, request.labelsText).then(
    ({ dataset, boxes }) => reply({ id: request.id, ok: true, dataset, boxes }),
    (err: unknown) => reply({ id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
});
