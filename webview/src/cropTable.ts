// The gallery's crops as the page holds them: the columns the host sent (common/galleryColumns.ts),
// read row by row. Filters, counts and orders run over these arrays (galleryModel.ts); a crop
// object exists only for a row the page works on (a cell in view, an edit, an offer).
import { cropAt, indexOfLine, ROW_FLAGS, textAt, type GalleryColumns, type TextColumn } from '../../common/galleryColumns';
import { LIKELY_ERROR, type GalleryCrop, type RowRef } from '../../common/webviewProtocol';

export class CropTable {
  readonly count: number;
  /** The last text searched for, and which rows hold it in their label or file name. */
  private search: { needle: string; rows: Uint8Array } | undefined;

  constructor(readonly columns: GalleryColumns) {
    this.count = columns.count;
  }

  crop(i: number): GalleryCrop {
    return cropAt(this.columns, i);
  }

  /** The row that is `ref` (its line, with that file field), or -1. */
  rowOf(ref: RowRef): number {
    // Rows come in line order (ColumnsBuilder), so the host's lookup serves here too.
    const i = indexOfLine(this.columns, ref.line);
    return i >= 0 && textAt(this.columns.files, i) === ref.file ? i : -1;
  }

  unlabeled(i: number): boolean {
    const ends = this.columns.labels.ends;
    return ends[i] === (i === 0 ? 0 : ends[i - 1]);
  }

  predicted(i: number): boolean {
    return (this.columns.flags[i] & ROW_FLAGS.predicted) !== 0;
  }

  /** Read, and the reading differs from the label (as isMismatch says of a crop). */
  mismatch(i: number): boolean {
    return (this.columns.flags[i] & (ROW_FLAGS.predicted | ROW_FLAGS.matchesLabel)) === ROW_FLAGS.predicted;
  }

  lowConfidence(i: number, below: number): boolean {
    return this.predicted(i) && this.columns.confidences[i] < below;
  }

  likelyError(i: number): boolean {
    return (this.columns.flags[i] & ROW_FLAGS.issue) !== 0 && this.columns.issueScores[i] >= LIKELY_ERROR;
  }

  /** Whether the row's file field is in `files` (a dashboard's confusion cell); any row when there is no set. */
  inFileSet(i: number, files: ReadonlySet<string> | undefined): boolean {
    return files === undefined || files.has(textAt(this.columns.files, i));
  }

  /** Whether the label or the file name contains `needle` (lower case; the file name's case ignored). */
  containsText(i: number, needle: string): boolean {
    if (needle === '') return true;
    if (this.search?.needle !== needle) {
      const rows = new Uint8Array(this.count);
      markContaining(this.columns.labels, needle, rows, false);
      markContaining(this.columns.files, needle, rows, true);
      this.search = { needle, rows };
    }
    return this.search.rows[i] === 1;
  }
}

/**
 * Marks the rows of `column` whose text contains `needle`: one search through the column's text,
 * each hit placed by a binary search of the row ends, instead of a string per row.
 */
function markContaining(column: TextColumn, needle: string, rows: Uint8Array, ignoreCase: boolean): void {
  let text = column.text;
  if (ignoreCase) {
    const lower = text.toLowerCase();
    // A few characters change length in lower case (İ): then row by row, where the offsets hold.
    if (lower.length !== text.length) {
      for (let i = 0; i < rows.length; i++) if (textAt(column, i).toLowerCase().includes(needle)) rows[i] = 1;
      return;
    }
    text = lower;
  }
  const { ends } = column;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    // The row the hit starts in: the first whose end is past it.
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] > at) hi = mid;
      else lo = mid + 1;
    }
    if (at + needle.length <= ends[lo]) rows[lo] = 1;
  }
}
