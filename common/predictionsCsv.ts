// Reads .digitlens/predictions.csv (written by the engine) into PredictionRow values, and the
// small rules the UI needs to compare a prediction with a label. Pure: no fs, no vscode.
import { scanCsv } from './csvRecords';
import type { PredictionRow } from './predictions';

export interface PredictionsReadResult {
  rows: PredictionRow[];
  /** One line per row that could not be read; the rest still load. */
  problems: string[];
}

/** Splits CSV text into records of field values, skipping blank lines. */
export function splitCsv(text: string): string[][] {
  return scanCsv(text.replace(/^\uFEFF/, ''))
    .map((record) => record.fields.map((field) => field.value))
    .filter((values) => !(values.length === 1 && values[0] === ''));
}

const required = ['file', 'label', 'prediction', 'confidence'] as const;

/** Parses predictions.csv; columns are found by header name, so extra columns are fine. */
export function parsePredictionsCsv(text: string): PredictionsReadResult {
  const records = splitCsv(text);
  const header = records.shift();
  if (!header) return { rows: [], problems: ['predictions.csv is empty'] };
  const index = new Map(header.map((name, i) => [name.trim(), i]));
  const missing = required.filter((name) => !index.has(name));
  if (missing.length > 0) return { rows: [], problems: [`predictions.csv has no ${missing.join(', ')} column`] };
  const col = (r: string[], name: (typeof required)[number]): string => r[index.get(name) ?? -1] ?? '';
  const rows: PredictionRow[] = [];
  const problems: string[] = [];
  records.forEach((r, i) => {
    const confidence = Number(col(r, 'confidence'));
    const row: PredictionRow = { file: col(r, 'file'), label: col(r, 'label'), prediction: col(r, 'prediction'), confidence };
    if (row.file === '') problems.push(`predictions.csv record ${i + 2}: no file`);
    else if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1)
      problems.push(`predictions.csv record ${i + 2}: confidence ${JSON.stringify(col(r, 'confidence'))} is not a number in 0..1`);
    else if (!/^(-|\d{1,5}|>5:\d{5})$/.test(row.prediction))
      problems.push(`predictions.csv record ${i + 2}: prediction ${JSON.stringify(row.prediction)} is not a digit sequence`);
    else rows.push(row);
  });
  return { rows, problems };
}

/** The predicted length: 0..5, or '>5' for "more than 5". */
export function predictedLength(prediction: string): number | '>5' {
  if (prediction === '-') return 0;
  if (prediction.startsWith('>5:')) return '>5';
  return prediction.length;
}

/**
 * Whether a prediction reads a label correctly (the whole sequence, no partial credit). A label
 * longer than five digits matches "more than 5" with its first five digits, the most the heads see.
 */
export function predictionMatchesLabel(prediction: string, label: string): boolean {
  if (prediction.startsWith('>5:')) return /^\d{6,}$/.test(label) && label.slice(0, 5) === prediction.slice(3);
  return prediction === label;
}
