// The gallery's dataset as columns: one typed array per field, row i of each together; the text
// fields as one string per column with the rows' end offsets. At SVHN scale (250,000 crops) one
// JSON array of objects costs the host seconds to build and serialize, the message tens of MB, the
// page a million strings to revive and clone and as many objects to keep. Columns cost a few MB,
// VS Code carries the typed arrays as binary, the few strings are one JSON value each, and the
// page filters and sorts on the arrays (webview/src/cropTable.ts). Pure: host and page import it.
import { predictedLength } from './sequence';
import type { GalleryCrop, GalleryLength } from './webviewProtocol';

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

/** Builds the columns row by row, in order. */
export class ColumnsBuilder {
  private readonly columns: Omit<GalleryColumns, 'files' | 'labels' | 'readings' | 'issueSuggestions' | 'issuePositions' | 'problems'>;
  private readonly texts = { files: [] as string[], labels: [] as string[], readings: [] as string[], issueSuggestions: [] as string[], issuePositions: [] as string[], problems: [] as string[] };
  private next = 0;

  constructor(readonly count: number) {
    this.columns = {
      count,
      lines: new Uint32Array(count),
      flags: new Uint8Array(count),
      lengths: new Uint8Array(count),
      confidences: new Float64Array(count),
      issueScores: new Float64Array(count),
      issueProbabilities: new Float64Array(count),
    };
  }

  /** The next row (the prediction's length aside: it follows from the reading). */
  add(crop: GalleryCrop): void {
    const i = this.next++;
    const { prediction, issue } = crop;
    this.columns.lines[i] = crop.line;
    const length = lengthOf(crop.label, prediction?.text ?? '');
    this.columns.lengths[i] = length === undefined ? NO_LENGTH : CROP_LENGTHS.indexOf(length);
    let flags = 0;
    if (prediction) {
      flags |= ROW_FLAGS.predicted | (prediction.matchesLabel ? ROW_FLAGS.matchesLabel : 0);
      this.columns.confidences[i] = prediction.confidence;
    }
    if (issue) {
      flags |= ROW_FLAGS.issue;
      this.columns.issueScores[i] = issue.score;
      this.columns.issueProbabilities[i] = issue.suggestionProbability;
    }
    this.columns.flags[i] = flags;
    this.texts.files.push(crop.file);
    this.texts.labels.push(crop.label);
    this.texts.readings.push(prediction?.text ?? '');
    this.texts.issueSuggestions.push(issue?.suggestion ?? '');
    this.texts.issuePositions.push(issue?.position ?? '');
    this.texts.problems.push(crop.problem ?? '');
  }

  build(): GalleryColumns {
    if (this.next !== this.count) throw new Error(`ColumnsBuilder: ${this.next} rows added, ${this.count} expected`);
    const column = (values: string[]): TextColumn => {
      const ends = new Uint32Array(values.length);
      let end = 0;
      values.forEach((v, i) => (ends[i] = end += v.length));
      return { text: values.join(''), ends };
    };
    const t = this.texts;
    return {
      ...this.columns,
      files: column(t.files),
      labels: column(t.labels),
      readings: column(t.readings),
      issueSuggestions: column(t.issueSuggestions),
      issuePositions: column(t.issuePositions),
      problems: column(t.problems),
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
