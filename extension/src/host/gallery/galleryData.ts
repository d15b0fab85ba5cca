// Builds what the gallery shows from a labels file and, when present, .digitlens/predictions.csv.
// No `vscode` import: the panel passes in how a file path becomes a webview URI.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LabelsDocument, type Box, type LabelRow } from '../../../../common/labels';
import { forEachPrediction } from '../../../../common/predictionsCsv';
import { predictedLength, predictionMatchesLabel } from '../../../../common/sequence';
import { normalizeDatasetPath } from '../../../../common/datasetPath';
import { ColumnsBuilder, indexOfLine, textAt, type GalleryColumns } from '../../../../common/galleryColumns';
import type { GalleryCrop, GalleryDataset } from '../../../../common/webviewProtocol';
import { findLabelIssues, type LabelEvidence } from '../../../../common/labelEvidence';
import { readEvidence } from '../../dataset/labelIssuesFile';
import { defaultModelDir, predictionsPath as predictionsPathOf } from '../../dataset/paths';
import { describeReadingsModel, readModelSummary, readReadingsModel } from '../modelSummary';

/** A row as the thumbnails need it: its file field and box (the cache's key), by its line. */
export interface GalleryRow {
  file: string;
  box?: Box;
}

/** Rows by their line in the labels file; a Map is one. */
export interface RowsByLine {
  get(line: number): GalleryRow | undefined;
}

/**
 * The rows by line from the columns and one array of boxes: no object per row, which at 250,000
 * rows is what a load's time goes to (objects that live through the load are copied and promoted).
 */
class ColumnRows implements RowsByLine {
  constructor(
    private readonly columns: GalleryColumns,
    /** left, top, width, height of row i at 4i; NaN without a box. */
    private readonly boxes: Float64Array,
  ) {}

  get(line: number): GalleryRow | undefined {
    const i = indexOfLine(this.columns, line);
    if (i < 0) return undefined;
    const file = textAt(this.columns.files, i);
    const b = this.boxes.subarray(4 * i, 4 * i + 4);
    return Number.isNaN(b[0]) ? { file } : { file, box: { left: b[0], top: b[1], width: b[2], height: b[3] } };
  }
}

/** Rows in the gallery's first dataset message: a few screens' worth, read in milliseconds whatever the file's size. */
export const GALLERY_FIRST_ROWS = 2000;

/**
 * Reads the labels file (required) and predictions (optional) into the gallery's dataset message,
 * and the rows by line for the thumbnails. `labelsText`, when given, is the labels file as an open
 * editor holds it (unsaved edits included). `firstRows`: only that many rows, read first so the
 * page can paint at once whatever the file's size (the dataset is then `partial`: no finder
 * scores, no error count, readings only where predictions.csv has them in the labels' order).
 */
export async function loadGalleryDataset(labelsPath: string, labelsText?: string, options: { firstRows?: number } = {}): Promise<{ dataset: GalleryDataset; rows: RowsByLine }> {
  const text = labelsText ?? (await fs.readFile(labelsPath, 'utf8'));
  if (options.firstRows !== undefined) {
    const first = await readDataset(labelsPath, text, options.firstRows);
    if (first.dataset.partial) return { dataset: first.dataset, rows: galleryRows(first.dataset.columns, first.boxes) };
    // The file holds no more rows than that: read it whole, with everything a whole read has.
  }
  const whole = await readWholeGallery(labelsPath, text);
  return { dataset: whole.dataset, rows: galleryRows(whole.dataset.columns, whole.boxes) };
}

/**
 * The whole labels file as the gallery's dataset and its rows' boxes (left, top, width, height of
 * row i at 4i; NaN without a box): plain data, which a worker thread can send (galleryReader.ts).
 */
export async function readWholeGallery(labelsPath: string, labelsText?: string): Promise<{ dataset: GalleryDataset; boxes: Float64Array }> {
  return readDataset(labelsPath, labelsText ?? (await fs.readFile(labelsPath, 'utf8')), Infinity);
}

/** The rows by line of a dataset's columns and its boxes (readWholeGallery). */
export function galleryRows(columns: GalleryColumns, boxes: Float64Array): RowsByLine {
  return new ColumnRows(columns, boxes);
}

/** loadGalleryDataset of `text`, stopping after `limit` rows (the dataset is then partial). */
async function readDataset(labelsPath: string, text: string, limit: number): Promise<{ dataset: GalleryDataset; boxes: Float64Array }> {
  const partial = limit !== Infinity;
  const datasetDir = path.dirname(labelsPath);
  const warnings: string[] = [];

  let predictions: Predictions | undefined;
  const predictionsPath = predictionsPathOf(labelsPath);
  try {
    const read: Predictions = { files: [], readings: [], confidences: [] };
    const problems = forEachPrediction(await fs.readFile(predictionsPath, 'utf8'), (row) => {
      read.files.push(row.file);
      read.readings.push(row.prediction);
      read.confidences.push(row.confidence);
      return read.files.length < limit;
    });
    predictions = read;
    if (problems.length > 0 && !partial) warnings.push(`${problems.length} unreadable prediction(s): ${problems[0]}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`could not read ${predictionsPath}: ${(err as Error).message}`);
  }
  const predictionOf = predictionFinder(predictions ?? { files: [], readings: [], confidences: [] });

  let evidence: LabelEvidence | undefined;
  try {
    if (!partial) evidence = await readEvidence(defaultModelDir(labelsPath));
  } catch (err) {
    warnings.push(`could not read the label-error evidence: ${(err as Error).message}`);
  }

  // Rows are read one at a time into columns; only the finder, which ranks all rows together, needs them kept.
  const builder = new ColumnsBuilder();
  let boxes = new Float64Array(4 * 1024);
  const kept: LabelRow[] = [];
  let stopped = false;
  const read = LabelsDocument.readRows(text, (row) => {
    const i = builder.count;
    if (4 * i + 4 > boxes.length) {
      const grown = new Float64Array(boxes.length * 2);
      grown.set(boxes);
      boxes = grown;
    }
    const box = row.box;
    boxes[4 * i] = box ? box.left : NaN;
    boxes[4 * i + 1] = box ? box.top : NaN;
    boxes[4 * i + 2] = box ? box.width : NaN;
    boxes[4 * i + 3] = box ? box.height : NaN;
    const crop: GalleryCrop = { file: row.file, line: row.line, label: row.label };
    const k = predictionOf(row.file);
    if (k >= 0 && predictions) {
      const text = predictions.readings[k];
      crop.prediction = {
        text,
        length: predictedLength(text),
        confidence: predictions.confidences[k],
        // Compared with the label as it is now: the user may have fixed it since the run.
        matchesLabel: row.label === '' || predictionMatchesLabel(text, row.label),
      };
    }
    builder.add(crop);
    if (evidence) kept.push(row);
    stopped = builder.count >= limit;
    return !stopped;
  });
  if (read.firstError && !partial) {
    const first = read.firstError;
    warnings.push(
      `${path.basename(labelsPath)} has ${read.errors} error${read.errors === 1 ? '' : 's'} (first on line ${first.line + 1}: ${first.message}); ` +
        'rows with errors are not shown. See the Problems panel.',
    );
  }

  // The label-error finder: the last run's evidence, scored against the labels as they are now.
  if (evidence) {
    for (const issue of findLabelIssues(evidence, kept)) {
      const i = issue.line === undefined ? -1 : builder.indexOfLine(issue.line);
      if (i >= 0) builder.setIssue(i, { score: issue.score, suggestion: issue.suggestion, suggestionProbability: issue.suggestionProbability, position: issue.position });
    }
  }

  const columns = builder.build();
  const dataset: GalleryDataset = { labelsPath, title: path.basename(datasetDir), columns, hasPredictions: predictions !== undefined, hasIssues: evidence !== undefined, warnings };
  if (stopped) dataset.partial = true;
  if (predictions) {
    // Predictions written before predictions-model.json existed came from the dataset's own model.
    const madeBy = (await readReadingsModel(labelsPath)) ?? (await readModelSummary(defaultModelDir(labelsPath)));
    if (madeBy) dataset.readingsBy = describeReadingsModel(madeBy);
  }
  return { dataset, boxes: boxes.slice(0, 4 * columns.count) };
}

/** What the gallery keeps of predictions.csv: per row its file, reading and confidence; no object per row. */
interface Predictions {
  files: string[];
  readings: string[];
  confidences: number[];
}

/**
 * The index of a file's prediction, or -1. The engine writes predictions in the labels file's
 * order, so the next one in order is tried first; a lookup by the path's one spelling is built
 * only when that misses.
 */
function predictionFinder(predictions: Predictions): (file: string) => number {
  const { files } = predictions;
  let next = 0;
  let byPath: Map<string, number> | undefined;
  return (file) => {
    if (files[next] === file) return next++;
    byPath ??= new Map(files.map((f, k) => [normalizeDatasetPath(f), k]));
    const k = byPath.get(normalizeDatasetPath(file));
    if (k === undefined) return -1;
    next = k + 1;
    return k;
  };
}
