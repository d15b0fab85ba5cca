// Every path a labels file names is checked here, so no part of the product can read or write
// outside the dataset folder. Pure string work on '/'-separated paths (the labels format's own
// separator); each process joins the checked segments onto the folder with its own path module.

export class DatasetPathError extends Error {}

/** Why `file` is not an acceptable dataset-relative path, or undefined when it is. */
export function datasetPathProblem(file: string): string | undefined {
  if (file === '') return 'the file name is empty';
  if (file.includes('\\')) return 'use forward slashes in file paths';
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file)) return 'the path must be relative to the labels file';
  if (file.includes('\0')) return 'the path holds a NUL character';
  // Segment by segment without splitting: every row of a labels file passes here on each parse.
  let depth = 0;
  for (let start = 0; start <= file.length; ) {
    const slash = file.indexOf('/', start);
    const end = slash < 0 ? file.length : slash;
    const length = end - start;
    if (length === 2 && file.charCodeAt(start) === 46 && file.charCodeAt(start + 1) === 46) depth--;
    else if (length > 0 && !(length === 1 && file.charCodeAt(start) === 46)) depth++;
    if (depth < 0) return 'the path leaves the dataset folder';
    start = end + 1;
  }
  if (depth === 0) return 'the path names the dataset folder itself';
  return undefined;
}

/**
 * The path's segments below the dataset folder, '.', '..' and empty parts resolved away
 * ('a/./b/../c.png' -> ['a', 'c.png']). Throws DatasetPathError for a path datasetPathProblem refuses.
 */
export function datasetPathSegments(file: string): string[] {
  const problem = datasetPathProblem(file);
  if (problem) throw new DatasetPathError(`${JSON.stringify(file)}: ${problem}`);
  const parts: string[] = [];
  for (const part of file.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts;
}

/**
 * One spelling per image: 'a/./b.png' and 'a//b.png' are 'a/b.png'. A path datasetPathProblem
 * refuses is returned as written (it names no image in the folder).
 */
export function normalizeDatasetPath(file: string): string {
  if (datasetPathProblem(file)) return file;
  // Most paths are already in their one spelling: no empty, '.' or '..' segment.
  return SPELLED_OTHERWISE.test(file) ? datasetPathSegments(file).join('/') : file;
}

/** An empty, '.' or '..' segment. */
const SPELLED_OTHERWISE = /(?:^|\/)\.{0,2}(?:\/|$)/;
