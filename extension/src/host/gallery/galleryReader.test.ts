// The gallery's whole read in a real worker thread running the shipped bundle (dist/galleryWorker.js,
// built by `npm test` before the tests): the same dataset and rows as a read on this thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadGalleryDataset } from './galleryData';
import { GalleryClosedError, GalleryReader } from './galleryReader';

const WORKER = path.join(import.meta.dirname, '..', '..', '..', '..', 'dist', 'galleryWorker.js');

async function folder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gallery-reader-'));
  const rows = Array.from({ length: 300 }, (_, i) => `img/${i}.png,${i % 7 === 3 ? '' : 100 + i},${i % 5 === 0 ? `${i} 2 30 40` : ''}`);
  await writeFile(path.join(dir, 'labels.csv'), `file,label,box\n${rows.join('\n')}\nbad.png,x,\n`);
  await mkdir(path.join(dir, '.digitlens'));
  const predictions = Array.from({ length: 250 }, (_, i) => `img/${i}.png,,${i % 4 === 1 ? 999 : 100 + i},${((i * 37) % 100) / 100}`);
  await writeFile(path.join(dir, '.digitlens', 'predictions.csv'), `file,label,prediction,confidence\n${predictions.join('\n')}\n`);
  return dir;
}

test("the worker's reads are the same datasets and rows as reads on this thread, unsaved text included, one after another", async () => {
  const dir = await folder();
  const reader = new GalleryReader(WORKER);
  reader.warm();
  try {
    const labelsPath = path.join(dir, 'labels.csv');
    const here = await loadGalleryDataset(labelsPath);
    const there = await reader.read(labelsPath);
    assert.equal(there.dataset.columns.count, 300);
    assert.deepEqual(there.dataset, here.dataset);
    for (const line of [1, 2, 6, 150, 300, 301, 302]) assert.deepEqual(there.rows.get(line), here.rows.get(line), `line ${line}`);
    assert.deepEqual(there.rows.get(1), { file: 'img/0.png', box: { left: 0, top: 2, width: 30, height: 40 } });
    // An editor's unsaved text is what is read, not the file; two reads at once get their own answers.
    const unsaved = 'file,label,box\nimg/0.png,42,\nimg/1.png,7,\n';
    const [edited, again] = await Promise.all([reader.read(labelsPath, unsaved), reader.read(labelsPath)]);
    assert.equal(edited.dataset.columns.count, 2);
    assert.deepEqual(edited.dataset, (await loadGalleryDataset(labelsPath, unsaved)).dataset);
    assert.deepEqual(again.dataset, here.dataset);
  } finally {
    reader.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a read that fails says why and the reader goes on; a worker that cannot start rejects, so the panel can read on its own thread', async () => {
  const dir = await folder();
  const reader = new GalleryReader(WORKER);
  const broken = new GalleryReader(path.join(dir, 'no-such-worker.js'));
  try {
    await assert.rejects(reader.read(path.join(dir, 'missing', 'labels.csv')), /ENOENT|no such file/);
    assert.equal((await reader.read(path.join(dir, 'labels.csv'))).dataset.columns.count, 300);
    await assert.rejects(broken.read(path.join(dir, 'labels.csv')));
    // A closed gallery's reads end too, as closed (not failed: the panel must not read again on its
    // own thread), and a read or warm-up that comes after the close starts no worker.
    const pending = reader.read(path.join(dir, 'labels.csv'));
    reader.dispose();
    await assert.rejects(pending, (err) => err instanceof GalleryClosedError);
    reader.warm();
    await assert.rejects(reader.read(path.join(dir, 'labels.csv')), (err) => err instanceof GalleryClosedError);
  } finally {
    reader.dispose();
    broken.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});
