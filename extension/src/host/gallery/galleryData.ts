// Builds what the gallery shows from a labels file and, when present, .digitlens/predictions.csv.
// No `vscode` import: the panel passes in how a file path becomes a webview URI.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LabelsDocument } from '../../../../common/labels';
import { parsePredictionsCsv, type PredictionRow } from '../../../../common/predictionsCsv';
import { predictedLength, predictionMatchesLabel } from '../../../../common/sequence';
import { datasetPathProblem } from '../../../../common/datasetPath';
import { ColumnsBuilder } from '../../../../common/galleryColumns';
import type { Box } from '../../../../common/labels';
import type { GalleryCrop, GalleryDataset } from '../../../../common/webviewProtocol';
import { findLabelIssues, type RowIssue } from '../../../../common/labelEvidence';
import { readEvidence } from '../../dataset/labelIssuesFile';
import { defaultModelDir, predictionsPath as predictionsPathOf } from '../../dataset/paths';
import { describeReadingsModel, readModelSummary, readReadingsModel } from '../modelSummary';

/** A row as the thumbnails need it: its file field and box (the cache's key), by its line. */
export interface GalleryRow {
  file: string;
  box?: Box;
}

/**
 * Reads the labels file (required) and predictions (optional) into the gallery's dataset message,
 * and the rows by line for the thumbnails. `labelsText`, when given, is the labels file as an open
 * editor holds it (unsaved edits included).
 */
export async function loadGalleryDataset(labelsPath: string, labelsText?: string): Promise<{ dataset: GalleryDataset; rows: Map<number, GalleryRow> }> {
  const datasetDir = path.dirname(labelsPath);
  const labels = LabelsDocument.parse(labelsText ?? (await fs.readFile(labelsPath, 'utf8')));
  const warnings: string[] = [];
  const errors = labels.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0];
    warnings.push(
      `${path.basename(labelsPath)} has ${errors.length} error${errors.length === 1 ? '' : 's'} (first on line ${first.line + 1}: ${first.message}); ` +
        'rows with errors are not shown. See the Problems panel.',
    );
  }

  let predictions: Map<string, PredictionRow> | undefined;
  const predictionsPath = predictionsPathOf(labelsPath);
  try {
    const read = parsePredictionsCsv(await fs.readFile(predictionsPath, 'utf8'));
    predictions = new Map(read.rows.map((row) => [row.file, row]));
    if (read.problems.length > 0) warnings.push(`${read.problems.length} unreadable prediction(s): ${read.problems[0]}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`could not read ${predictionsPath}: ${(err as Error).message}`);
  }

  // The label-error finder: the last run's evidence, scored against the labels as they are now.
  let issues: Map<number, RowIssue> | undefined;
  try {
    const evidence = await readEvidence(defaultModelDir(labelsPath));
    if (evidence) issues = new Map(findLabelIssues(evidence, labels.rows).map((i) => [i.line ?? -1, i]));
  } catch (err) {
    warnings.push(`could not read the label-error evidence: ${(err as Error).message}`);
  }

  const columns = new ColumnsBuilder(labels.rows.length);
  const rows = new Map<number, GalleryRow>();
  for (const row of labels.rows) {
    rows.set(row.line, { file: row.file, box: row.box });
    const crop: GalleryCrop = { file: row.file, line: row.line, label: row.label };
    const pathProblem = datasetPathProblem(row.file);
    if (pathProblem) crop.problem = `${JSON.stringify(row.file)}: ${pathProblem}`;
    const predicted = predictions?.get(row.file);
    if (predicted) {
      crop.prediction = {
        text: predicted.prediction,
        length: predictedLength(predicted.prediction),
        confidence: predicted.confidence,
        // Compared with the label as it is now: the user may have fixed it since the run.
        matchesLabel: row.label === '' || predictionMatchesLabel(predicted.prediction, row.label),
      };
    }
    const issue = issues?.get(row.line);
    if (issue) crop.issue = { score: issue.score, suggestion: issue.suggestion, suggestionProbability: issue.suggestionProbability, position: issue.position };
    columns.add(crop);
  }
  const dataset: GalleryDataset = { labelsPath, title: path.basename(datasetDir), columns: columns.build(), hasPredictions: predictions !== undefined, hasIssues: issues !== undefined, warnings };
  if (predictions) {
    // Predictions written before predictions-model.json existed came from the dataset's own model.
    const madeBy = (await readReadingsModel(labelsPath)) ?? (await readModelSummary(defaultModelDir(labelsPath)));
    if (madeBy) dataset.readingsBy = describeReadingsModel(madeBy);
  }
  return { dataset, rows };
}
