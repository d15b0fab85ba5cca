// Completions for the `file` column: the images in the dataset folder that no row names yet, so
// adding a row by hand starts from a real file.
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { LabelsDocument } from '../../common/labels';

const IMAGE = /\.(png|jpe?g)$/i;
/** More than a user can scroll through; a bigger folder is better filtered by typing. */
const MAX_ITEMS = 5000;

export class ImageLists {
  private readonly lists = new Map<string, Promise<string[]>>();

  /** Image paths under `datasetDir`, relative with forward slashes, derived state (.digitlens) left out. */
  images(datasetDir: string): Promise<string[]> {
    let list = this.lists.get(datasetDir);
    if (!list) {
      list = readdir(datasetDir, { recursive: true }).then(
        (names) =>
          names
            .map((n) => n.split(path.sep).join('/'))
            .filter((n) => IMAGE.test(n) && !n.split('/').some((part) => part.startsWith('.')))
            .sort(),
        () => [],
      );
      this.lists.set(datasetDir, list);
    }
    return list;
  }

  clear(): void {
    this.lists.clear();
  }
}

export async function unlabeledImages(datasetDir: string, labels: LabelsDocument, lists: ImageLists): Promise<string[]> {
  const all = await lists.images(datasetDir);
  const named = new Set(labels.rows.map((r) => r.file));
  return all.filter((f) => !named.has(f)).slice(0, MAX_ITEMS);
}
