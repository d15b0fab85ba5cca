// The gallery's dataset as columns: one typed array per field, row i of each together; the text
// fields as one string per column with the rows' end offsets. At SVHN scale (250,000 crops) one
// JSON array of objects costs the host seconds to build and serialize, the message tens of MB, the
// page a million strings to revive and clone and as many objects to keep. Columns cost a few MB,
// VS Code carries the typed arrays as binary, the few strings are one JSON value each, and the
// page filters and sorts on the arrays (webview/src/cropTable.ts). Pure: host and page import it.
import { predictedLength } from './sequence';
import type { GalleryCrop, GalleryIssue, GalleryLength } from './webviewProtocol';

/** Bits of GalleryColumns.flags. */
export const ROW_FLAGS = {
  /** The model has read the crop (predictions.csv has its row). */
  predicted: 1,
  /** Its reading agrees with its current label (or it is unlabeled). */
  matchesLabel: 2,
  /** The label-error finder scored it (issue* columns hold its figures). */
  issue: 4,
} as const;

/** Row i's text is text.slice(ends[i - 1] ?? 0, ends[i]). */
export interface TextColumn {
  text: string;
  ends: Uint32Array;
}

/** The lengths a crop can have, as the length filter names them; a row's length is its place here (NO_LENGTH: none). */
export const CROP_LENGTHS = ['0', '1', '2', '3', '4', '5', '>5'] as const satisfies readonly Exclude<GalleryLength, 'any'>[];
export const NO_LENGTH = 255;

export interface GalleryColumns {
  count: number;
  /** 0-based line of each row in the labels file. */
  lines: Uint32Array;
  /** ROW_FLAGS bits. */
  flags: Uint8Array;
  /** The crop's length as the length filter counts it (lengthOf), as its index in CROP_LENGTHS. */
  lengths: Uint8Array;
  /** The file field as written. */
  files: TextColumn;
  /** Digits, '-' (no number) or '' (unlabeled). */
  labels: TextColumn;
  /** The model's reading as in predictions.csv; '' without one. */
  readings: TextColumn;
  /** 0..1; 0 without a reading (flags say which). */
  confidences: Float64Array;
  /** The finder's score 0..1, its suggestion, how likely that is, the position it differs at; 0 and '' without one. */
  issueScores: Float64Array;
  issueSuggestions: TextColumn;
  issueProbabilities: Float64Array;
  issuePositions: TextColumn;
  /** Why the row's image cannot be shown (a path that leaves the folder); '' when it can. */
  problems: TextColumn;
}

/**
 * How many digits a crop holds, as the length filter counts them: its label's, or while it is
 * unlabeled the model's reading's (`reading`, '' for none); undefined when it has neither.
 */
export function lengthOf(label: string, reading: string): Exclude<GalleryLength, 'any'> | undefined {
  if (label === '') {
    if (reading === '') return undefined;
    const length = predictedLength(reading);
    return length === '>5' || length > 5 ? '>5' : (String(length) as Exclude<GalleryLength, 'any' | '>5'>);
  }
  if (label === '-') return '0';
  return label.length > 5 ? '>5' : (String(label.length) as Exclude<GalleryLength, 'any' | '>5'>);
}

export function textAt(column: TextColumn, i: number): string {
  return column.text.slice(i === 0 ? 0 : column.ends[i - 1], column.ends[i]);
}

/** Index of the row on `line` (rows are in line order), or -1. */
export function indexOfLine(columns: Pick<GalleryColumns, 'count' | 'lines'>, line: number): number {
  let lo = 0;
  let hi = columns.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = columns.lines[mid];
    if (at === line) return mid;
    if (at < line) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

type NumberColumns = Pick<GalleryColumns, 'lines' | 'flags' | 'lengths' | 'confidences' | 'issueScores' | 'issueProbabilities'>;

/** Builds the columns row by row, in line order (checked); the count need not be known first. */
export class ColumnsBuilder {
  private columns: NumberColumns;
  private readonly texts = { files: [] as string[], labels: [] as string[], readings: [] as string[] };
  /** Columns most rows leave empty, by row. */
  private readonly sparse = { issueSuggestions: new Map<number, string>(), issuePositions: new Map<number, string>(), problems: new Map<number, string>() };
  private next = 0;

  constructor(capacity = 1024) {
    this.columns = ColumnsBuilder.allocate(Math.max(1, capacity));
  }

  /** Rows added so far. */
  get count(): number {
    return this.next;
  }

  /** The next row (the prediction's length aside: it follows from the reading). */
  add(crop: GalleryCrop): void {
    if (this.next === this.columns.lines.length) this.grow();
    // Lookups by line are binary searches (indexOfLine): rows must come in line order, as a file has them.
    if (this.next > 0 && crop.line <= this.columns.lines[this.next - 1]) throw new RangeError(`ColumnsBuilder: line ${crop.line} after line ${this.columns.lines[this.next - 1]}`);
    const i = this.next++;
    const { prediction } = crop;
    this.columns.lines[i] = crop.line;
    const length = lengthOf(crop.label, prediction?.text ?? '');
    this.columns.lengths[i] = length === undefined ? NO_LENGTH : CROP_LENGTHS.indexOf(length);
    let flags = 0;
    if (prediction) {
      flags |= ROW_FLAGS.predicted | (prediction.matchesLabel ? ROW_FLAGS.matchesLabel : 0);
      this.columns.confidences[i] = prediction.confidence;
    }
    this.columns.flags[i] = flags;
    this.texts.files.push(crop.file);
    this.texts.labels.push(crop.label);
    this.texts.readings.push(prediction?.text ?? '');
    if (crop.problem) this.sparse.problems.set(i, crop.problem);
    if (crop.issue) this.setIssue(i, crop.issue);
  }

  /** Gives row i the finder's figures (the finder ranks all rows at once, so after they are added). */
  setIssue(i: number, issue: GalleryIssue): void {
    if (i >= this.next) throw new RangeError(`ColumnsBuilder: no row ${i}`);
    this.columns.flags[i] |= ROW_FLAGS.issue;
    this.columns.issueScores[i] = issue.score;
    this.columns.issueProbabilities[i] = issue.suggestionProbability;
    this.sparse.issueSuggestions.set(i, issue.suggestion);
    this.sparse.issuePositions.set(i, issue.position);
  }

  indexOfLine(line: number): number {
    return indexOfLine({ count: this.next, lines: this.columns.lines }, line);
  }

  build(): GalleryColumns {
    const n = this.next;
    const column = (values: string[]): TextColumn => {
      const ends = new Uint32Array(n);
      let end = 0;
      for (let i = 0; i < n; i++) ends[i] = end += values[i].length;
      return { text: values.join(''), ends };
    };
    const sparseColumn = (values: Map<number, string>): TextColumn => {
      const ends = new Uint32Array(n);
      const rows = [...values.keys()].sort((a, b) => a - b);
      let end = 0;
      let from = 0;
      for (const i of rows) {
        ends.fill(end, from, i);
        ends[i] = end += (values.get(i) ?? '').length;
        from = i + 1;
      }
      ends.fill(end, from, n);
      return { text: rows.map((i) => values.get(i) ?? '').join(''), ends };
    };
    const c = this.columns;
    const t = this.texts;
    const s = this.sparse;
    // Copies of exactly n rows: a view would carry the spare capacity's bytes in the message.
    return {
      count: n,
      lines: c.lines.slice(0, n),
      flags: c.flags.slice(0, n),
      lengths: c.lengths.slice(0, n),
      confidences: c.confidences.slice(0, n),
      issueScores: c.issueScores.slice(0, n),
      issueProbabilities: c.issueProbabilities.slice(0, n),
      files: column(t.files),
      labels: column(t.labels),
      readings: column(t.readings),
      issueSuggestions: sparseColumn(s.issueSuggestions),
      issuePositions: sparseColumn(s.issuePositions),
      problems: sparseColumn(s.problems),
    };
  }

  private grow(): void {
    const bigger = ColumnsBuilder.allocate(this.columns.lines.length * 2);
    for (const key of Object.keys(bigger) as (keyof NumberColumns)[]) bigger[key].set(this.columns[key]);
    this.columns = bigger;
  }

  private static allocate(capacity: number): NumberColumns {
    return {
      lines: new Uint32Array(capacity),
      flags: new Uint8Array(capacity),
      lengths: new Uint8Array(capacity),
      confidences: new Float64Array(capacity),
      issueScores: new Float64Array(capacity),
      issueProbabilities: new Float64Array(capacity),
    };
  }
}

/** The columns of `crops`. */
export function encodeCrops(crops: readonly GalleryCrop[]): GalleryColumns {
  const builder = new ColumnsBuilder(crops.length);
  for (const crop of crops) builder.add(crop);
  return builder.build();
}

/** Row i as a crop (what a cell, an offer, an edit work on). */
export function cropAt(columns: GalleryColumns, i: number): GalleryCrop {
  const crop: GalleryCrop = { file: textAt(columns.files, i), line: columns.lines[i], label: textAt(columns.labels, i) };
  const flags = columns.flags[i];
  if (flags & ROW_FLAGS.predicted) {
    const text = textAt(columns.readings, i);
    crop.prediction = { text, length: predictedLength(text), confidence: columns.confidences[i], matchesLabel: (flags & ROW_FLAGS.matchesLabel) !== 0 };
  }
  if (flags & ROW_FLAGS.issue) {
    crop.issue = {
      score: columns.issueScores[i],
      suggestion: textAt(columns.issueSuggestions, i),
      suggestionProbability: columns.issueProbabilities[i],
      position: textAt(columns.issuePositions, i),
    };
  }
  const problem = textAt(columns.problems, i);
  if (problem !== '') crop.problem = problem;
  return crop;
}
