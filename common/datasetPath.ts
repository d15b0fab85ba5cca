// Every path a labels file names is resolved here, so no part of the product can read or write
// outside the dataset folder.
import * as path from 'node:path';

export class DatasetPathError extends Error {}

/**
 * Resolves `file` (as written in a labels row: relative, forward slashes) against the dataset
 * folder. Throws DatasetPathError for an absolute path, a drive letter, a backslash, or a path
 * that leaves the folder.
 */
export function resolveDatasetPath(datasetDir: string, file: string): string {
  const problem = datasetPathProblem(file);
  if (problem) throw new DatasetPathError(`${JSON.stringify(file)}: ${problem}`);
  return path.join(datasetDir, ...file.split('/'));
}

/** Why `file` is not an acceptable dataset-relative path, or undefined when it is. */
export function datasetPathProblem(file: string): string | undefined {
  if (file === '') return 'the file name is empty';
  if (file.includes('\\')) return 'use forward slashes in file paths';
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file)) return 'the path must be relative to the labels file';
  if (file.includes('\0')) return 'the path holds a NUL character';
  let depth = 0;
  for (const part of file.split('/')) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return 'the path leaves the dataset folder';
  }
  if (depth === 0) return 'the path names the dataset folder itself';
  return undefined;
}
