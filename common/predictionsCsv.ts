// .digitlens/predictions.csv, read and written here only: the engine writes it after training and
// prediction, the gallery reads it. Columns are found by header name, so extra columns are fine.
// Pure text in, text out (no fs): the engine writes the text atomically, the host reads the file.
import { encodeCsvField, forEachCsvRecord } from './csvRecords';
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
  const records: string[][] = [];
  forEachValues(text, (values) => {
    records.push(values);
  });
  return records;
}

/** Each record's field values in turn (blank lines skipped), none kept: a 250,000-row file is read once. */
function forEachValues(text: string, visit: (values: string[]) => boolean | void): void {
  forEachCsvRecord(text.replace(/^\uFEFF/, ''), (record) => {
    const values = record.fields.map((field) => field.value);
    return values.length === 1 && values[0] === '' ? undefined : visit(values);
  });
}

export function formatPredictionsCsv(rows: readonly PredictionRow[]): string {
  const lines: string[] = [COLUMNS.join(',')];
  for (const r of rows) lines.push([encodeCsvField(r.file), encodeCsvField(r.label), encodeCsvField(r.prediction), r.confidence.toFixed(6)].join(','));
  return lines.join('\n') + '\n';
}

export function parsePredictionsCsv(text: string): PredictionsReadResult {
  const rows: PredictionRow[] = [];
  const problems = forEachPrediction(text, (row) => {
    rows.push(row);
  });
  return { rows, problems };
}

/**
 * The rows of predictions.csv one at a time, for a reader that keeps only some of each (the
 * gallery, 250,000 rows); returns one line per row that could not be read. `onRow` returning
 * false stops the reading.
 */
export function forEachPrediction(text: string, onRow: (row: PredictionRow) => boolean | void): string[] {
  const problems: string[] = [];
  // Where each column is, once the header is read; 'unusable' when it lacks one.
  let at: Record<(typeof COLUMNS)[number], number> | 'unread' | 'unusable' = 'unread';
  let record = 0;
  forEachValues(text, (r) => {
    record++;
    if (at === 'unusable') return;
    if (at === 'unread') {
      const index = new Map(r.map((name, i) => [name.trim(), i]));
      const missing = COLUMNS.filter((name) => !index.has(name));
      if (missing.length > 0) problems.push(`predictions.csv has no ${missing.join(', ')} column`);
      at = missing.length > 0 ? 'unusable' : { file: index.get('file') ?? 0, label: index.get('label') ?? 0, prediction: index.get('prediction') ?? 0, confidence: index.get('confidence') ?? 0 };
      return;
    }
    const confidenceText = r[at.confidence] ?? '';
    const confidence = Number(confidenceText);
    const row: PredictionRow = { file: r[at.file] ?? '', label: r[at.label] ?? '', prediction: r[at.prediction] ?? '', confidence };
    if (row.file === '') problems.push(`predictions.csv record ${record}: no file`);
    else if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1)
      problems.push(`predictions.csv record ${record}: confidence ${JSON.stringify(confidenceText)} is not a number in 0..1`);
    else if (!isReadingText(row.prediction)) problems.push(`predictions.csv record ${record}: prediction ${JSON.stringify(row.prediction)} is not a digit sequence`);
    else return onRow(row);
    return undefined;
  });
  if (record === 0) problems.push('predictions.csv is empty');
  return problems;
}
