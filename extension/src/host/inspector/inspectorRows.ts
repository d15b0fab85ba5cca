// Which row the inspector shows, and which comes next: finding a row again after the labels file
// changed, stepping in the gallery's order or (the gallery closed) the file's, and what the page is
// told about the row. No `vscode` import: the panel passes in what it read; tested on its own.
import * as path from 'node:path';
import type { InspectorPlace, InspectorRow } from '../../../../common/inspectorProtocol';
import type { LabelRow } from '../../../../common/labels';
import type { GalleryNeighbour, RowRef, Step } from '../../../../common/webviewProtocol';
import { resolveDatasetPath } from '../../dataset/paths';

export function sameRow(a: RowRef | undefined, b: RowRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.line === b.line && a.file === b.file;
}

/**
 * The row `ref` names, in the file as it is now: the row on that line with that file, or else the
 * only row with that file (lines were added or removed above it). A file listed twice is two rows:
 * then only the line tells them apart, and a moved one is not guessed at.
 */
export function findRow(rows: readonly LabelRow[], ref: RowRef): LabelRow | string {
  const exact = rows.find((r) => sameRow(r, ref));
  if (exact) return exact;
  const same = rows.filter((r) => r.file === ref.file);
  if (same.length === 1) return same[0];
  if (same.length > 1) return `${ref.file} is on lines ${same.map((r) => r.line + 1).join(', ')} now, no longer on line ${ref.line + 1}: open the one to inspect from the gallery or the labels file`;
  return `${ref.file} (line ${ref.line + 1}) is no longer in the labels file, or its row cannot be read`;
}

/** The row starting on `line` (the row under an editor's cursor), if a readable row starts there. */
export function rowOnLine(rows: readonly LabelRow[], line: number): LabelRow | undefined {
  return rows.find((r) => r.line === line);
}

/** The row after or before `from` in the file's order (from its line, when the row itself is gone). */
export function neighbourInFile(rows: readonly LabelRow[], from: RowRef, step: Step): LabelRow | undefined {
  const at = rows.findIndex((r) => sameRow(r, from));
  if (at >= 0) return rows[at + step];
  if (step > 0) return rows.find((r) => r.line > from.line);
  return [...rows].reverse().find((r) => r.line < from.line);
}

/** Where a step leads: a row and where it stands, or why there is none. */
export type StepOutcome = { row: LabelRow; place: InspectorPlace } | { notice: string };

/**
 * The next or previous crop: the gallery's answer when it gave one (its filter and order are the
 * user's), else the file's order. `gallery` is undefined when no gallery could answer. A gallery
 * row the file no longer has (the gallery is a moment behind) falls back to the file's order too.
 */
export function chooseNeighbour(gallery: GalleryNeighbour | undefined, rows: readonly LabelRow[], from: RowRef, step: Step, labelsName: string): StepOutcome {
  const direction = step > 0 ? 'next' : 'previous';
  if (gallery?.status === 'end') {
    return { notice: `No ${direction} crop in the gallery (${gallery.view}: ${gallery.count} crop${gallery.count === 1 ? '' : 's'}).` };
  }
  if (gallery?.status === 'found') {
    const row = rows.find((r) => sameRow(r, gallery));
    if (row) return { row, place: { navigation: 'gallery', position: gallery.position, count: gallery.count, view: gallery.view } };
  }
  const row = neighbourInFile(rows, from, step);
  if (!row) return { notice: `No ${direction} crop: this is the ${step > 0 ? 'last' : 'first'} row of ${labelsName}.` };
  return { row, place: filePlace(rows, row) };
}

/** The row's place in the file's order. */
export function filePlace(rows: readonly LabelRow[], row: RowRef): InspectorPlace {
  const position = rows.findIndex((r) => sameRow(r, row));
  return position < 0 ? { navigation: 'file' } : { navigation: 'file', position, count: rows.length };
}

/** The row as the page gets it: the image as a webview URI (or why it has none), the boxes. */
export function inspectorRow(row: LabelRow, labelsPath: string, toImageUri: (absolutePath: string) => string): InspectorRow {
  const shown: InspectorRow = { line: row.line, file: row.file, label: row.label };
  if (row.box) shown.box = row.box;
  if (row.digitBoxes) shown.digitBoxes = row.digitBoxes;
  try {
    shown.imageUri = toImageUri(resolveDatasetPath(path.dirname(labelsPath), row.file));
  } catch (err) {
    shown.problem = (err as Error).message;
  }
  return shown;
}
