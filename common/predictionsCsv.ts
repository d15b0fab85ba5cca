// .digitlens/predictions.csv, read and written here only: the engine writes it after training and
// prediction, the gallery reads it. Columns are found by header name, so extra columns are fine.
// Pure text in, text out (no fs): the engine writes the text atomically, the host reads the file.
import { encodeCsvField, scanCsv } from './csvRecords';
import { isReadingText } from './sequence';

/** One row of predictions.csv. */
export interface PredictionRow {
  file: string;
  /** The label at prediction time ('' = unlabeled, '-' = no number). */
  label: string;
  /** The reading (common/sequence.ts sequenceText): digits, '-', or '>5:' + five digits. */
  prediction: string;
  /** exp(score) of the most likely sequence, 0..1. */
  confidence: number;
}

export interface PredictionsReadResult {
  rows: PredictionRow[];
  /** One line per row that could not be read; the rest still load. */
  problems: string[];
}

const COLUMNS = ['file', 'label', 'prediction', 'confidence'] as const;

/** Splits CSV text into records of field values, skipping blank lines. */
export function splitCsv(text: string): string[][] {
  return scanCsv(text.replace(/^\uFEFF/, ''))
    .map((record) => record.fields.map((field) => field.value))
    .filter((values) => !(values.length === 1 && values[0] === ''));
}

export function formatPredictionsCsv(rows: readonly PredictionRow[]): string {
  const lines: string[] = [COLUMNS.join(',')];
  for (const r of rows) lines.push([encodeCsvField(r.file), encodeCsvField(r.label), encodeCsvField(r.prediction), r.confidence.toFixed(6)].join(','));
  return lines.join('\n') + '\n';
}

export function parsePredictionsCsv(text: string): PredictionsReadResult {
  const records = splitCsv(text);
  const header = records.shift();
  if (!header) return { rows: [], problems: ['predictions.csv is empty'] };
  const index = new Map(header.map((name, i) => [name.trim(), i]));
  const missing = COLUMNS.filter((name) => !index.has(name));
  if (missing.length > 0) return { rows: [], problems: [`predictions.csv has no ${missing.join(', ')} column`] };
  const col = (r: string[], name: (typeof COLUMNS)[number]): string => r[index.get(name) ?? -1] ?? '';
  const rows: PredictionRow[] = [];
  const problems: string[] = [];
  records.forEach((r, i) => {
    const confidence = Number(col(r, 'confidence'));
    const row: PredictionRow = { file: col(r, 'file'), label: col(r, 'label'), prediction: col(r, 'prediction'), confidence };
    if (row.file === '') problems.push(`predictions.csv record ${i + 2}: no file`);
    else if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1)
      problems.push(`predictions.csv record ${i + 2}: confidence ${JSON.stringify(col(r, 'confidence'))} is not a number in 0..1`);
    else if (!isReadingText(row.prediction))
      problems.push(`predictions.csv record ${i + 2}: prediction ${JSON.stringify(row.prediction)} is not a digit sequence`);
    else rows.push(row);
  });
  return { rows, problems };
}
