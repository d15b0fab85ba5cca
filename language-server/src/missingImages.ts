// Rows whose image is not on disk. One readdir per folder (an SVHN split is one folder of 33k
// images), cached until the client reports file changes.
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { datasetPathSegments } from '../../common/datasetPath';
import type { LabelProblem, LabelsDocument } from '../../common/labels';

export class FolderListings {
  private readonly listings = new Map<string, Promise<Set<string> | undefined>>();

  /** The names in `dir`, or undefined when it cannot be read. */
  list(dir: string): Promise<Set<string> | undefined> {
    let listing = this.listings.get(dir);
    if (!listing) {
      listing = readdir(dir).then(
        (names) => new Set(names),
        () => undefined,
      );
      this.listings.set(dir, listing);
    }
    return listing;
  }

  /** Forget everything: files came or went. */
  clear(): void {
    this.listings.clear();
  }
}

/**
 * A warning on the file field of every row whose image is missing. Nothing is checked when the
 * labels file's own folder is not a readable folder (an unsaved or remote document, or a path
 * from another machine): then every row would be "missing" and the warnings would say nothing.
 */
export async function missingImageProblems(labelsPath: string, labels: LabelsDocument, listings: FolderListings): Promise<LabelProblem[]> {
  const datasetDir = path.dirname(labelsPath);
  const isFolder = await stat(datasetDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) return [];
  const problems: LabelProblem[] = [];
  for (let i = 0; i < labels.rows.length; i++) {
    const row = labels.rows[i];
    const image = path.join(datasetDir, ...datasetPathSegments(row.file));
    const names = await listings.list(path.dirname(image));
    if (names?.has(path.basename(image))) continue;
    const range = labels.fieldRange(i, 'file');
    if (!range) continue;
    problems.push({ ...range, severity: 'warning', message: `image not found: ${row.file} (looked in ${path.dirname(image)})` });
  }
  return problems;
}
