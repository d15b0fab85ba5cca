// SVHN "format 1" import (DESIGN §3): <dir>/digitStruct.mat -> <dir>/labels.csv with the number,
// the union box and the digit boxes of every listed image that is in the folder. Images the .mat
// lists but the folder lacks are counted and named, not written; a .mat that cannot be read
// writes nothing.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LABELS_FILE_NAME } from '../../../common/contributions';
import { datasetPathProblem, normalizeDatasetPath } from '../../../common/datasetPath';
import { SVHN_DIGIT_STRUCT_FILE_NAME, type SvhnImportOptions, type SvhnImportResult } from '../../../common/engineProtocol';
import { formatLabelsCsv, type Box } from '../../../common/labels';
import { writeFileAtomic } from './atomicWrite';
import { resolveDatasetPath } from './paths';
import { DigitStructError, readDigitStruct, type DigitStructEntry } from './svhn/digitStruct';
import { svhnRow } from './svhn/svhnRows';

/** How many missing images a result names (the count says how many there are). */
const MISSING_EXAMPLES = 5;
/** Image existence checks in flight at once. */
const STAT_CONCURRENCY = 64;

/** The labels file exists and the import was not asked to replace it; nothing was written. */
export class LabelsFileExistsError extends Error {
  constructor(readonly labelsPath: string) {
    super(`${labelsPath} already exists; nothing was written (force replaces it)`);
  }
}

export interface ImportSvhnOptions extends SvhnImportOptions {
  /** Entries of digitStruct.mat read so far, out of all. */
  onProgress?(done: number, total: number): void;
}

async function labelsFileExists(labelsPath: string): Promise<boolean> {
  return fs.lstat(labelsPath).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (stat) => stat.isFile(),
    () => false,
  );
}

/** Which entries' images are in `dir`, in the entries' order. */
async function presentImages(dir: string, entries: readonly DigitStructEntry[]): Promise<boolean[]> {
  const present: boolean[] = new Array<boolean>(entries.length);
  for (let start = 0; start < entries.length; start += STAT_CONCURRENCY) {
    const batch = entries.slice(start, start + STAT_CONCURRENCY);
    const found = await Promise.all(batch.map((e) => isFile(resolveDatasetPath(dir, e.name))));
    found.forEach((f, k) => (present[start + k] = f));
  }
  return present;
}

/** Every name is a path inside the folder and names one image once; throws DigitStructError. */
function checkNames(matPath: string, entries: readonly DigitStructEntry[]): void {
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const problem = datasetPathProblem(entry.name);
    if (problem) throw new DigitStructError(`${matPath}: entry ${i + 1} names ${JSON.stringify(entry.name)}: ${problem}`);
    const key = normalizeDatasetPath(entry.name);
    const first = seen.get(key);
    if (first !== undefined) throw new DigitStructError(`${matPath}: entries ${first + 1} and ${i + 1} both name ${JSON.stringify(entry.name)}`);
    seen.set(key, i);
  });
}

/**
 * Imports <dir>/digitStruct.mat into <dir>/labels.csv (atomically). Throws LabelsFileExistsError
 * when labels.csv exists and `force` is not set, DigitStructError (one line, naming the file) for a
 * .mat that cannot be read or is not SVHN's, and an Error when none of the listed images is there.
 */
export async function importSvhn(options: ImportSvhnOptions): Promise<SvhnImportResult> {
  const dir = path.resolve(options.dir);
  const labelsPath = path.join(dir, LABELS_FILE_NAME);
  const matPath = path.join(dir, SVHN_DIGIT_STRUCT_FILE_NAME);
  if (!(await isFile(matPath))) throw new Error(`${dir} holds no ${SVHN_DIGIT_STRUCT_FILE_NAME}: an SVHN format 1 folder has one beside its images`);
  // Before the long read: an import that cannot write its result says so at once.
  if (!options.force && (await labelsFileExists(labelsPath))) throw new LabelsFileExistsError(labelsPath);

  const entries = await readDigitStruct(matPath, { onProgress: (done, total) => options.onProgress?.(done, total) });
  checkNames(matPath, entries);
  const rows: { file: string; label: string; box?: Box; digitBoxes?: Box[] }[] = [];
  let withoutBoxes = 0;
  let rounded = 0;
  const present = await presentImages(dir, entries);
  const missingNames = entries.filter((_, i) => !present[i]).map((e) => e.name);
  entries.forEach((entry, i) => {
    let row;
    try {
      row = svhnRow(entry.digits);
    } catch (err) {
      throw new DigitStructError(`${matPath}: entry ${i + 1} (${JSON.stringify(entry.name)}): ${(err as Error).message}`);
    }
    if (!present[i]) return;
    if (!row.box) withoutBoxes++;
    if (row.rounded) rounded++;
    rows.push({ file: normalizeDatasetPath(entry.name), label: row.label, box: row.box, digitBoxes: row.digitBoxes });
  });
  if (entries.length === 0) throw new DigitStructError(`${matPath}: lists no images; nothing was written`);
  if (rows.length === 0) {
    throw new Error(`none of the ${entries.length} images ${SVHN_DIGIT_STRUCT_FILE_NAME} lists is in ${dir} (${missingNames.slice(0, 3).join(', ')}, ...); nothing was written`);
  }

  await writeFileAtomic(labelsPath, formatLabelsCsv(rows), {
    // A labels file that appeared while the .mat was read is someone's: never replace it unasked.
    beforeRename: async () => {
      if (!options.force && (await labelsFileExists(labelsPath))) throw new LabelsFileExistsError(labelsPath);
    },
  });
  return {
    labelsPath,
    entries: entries.length,
    imported: rows.length,
    missing: missingNames.length,
    missingExamples: missingNames.slice(0, MISSING_EXAMPLES),
    withoutBoxes,
    rounded,
  };
}
