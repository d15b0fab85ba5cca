// The labels file (DESIGN §3): `file,label,box,digit_boxes` CSV beside the images. Parsing never
// throws and never loses a byte: rows that cannot be read become problems (shown as diagnostics),
// and rewriting a label changes only that field's characters.
import { countLineBreaks, encodeCsvField, forEachCsvRecord, lineEnd, positionIn, type CsvField } from './csvRecords';
import { datasetPathProblem, normalizeDatasetPath } from './datasetPath';
import { isValidLabel } from './labelSyntax';

export { isValidLabel };

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LabelRow {
  file: string;
  label: string;
  box?: Box;
  digitBoxes?: Box[];
  /** 0-based line in the text where the row starts. */
  line: number;
}

/** A replacement for the problem's range (line, startChar..endChar) that resolves it. */
export interface LabelFix {
  title: string;
  /** Raw CSV text (already quoted if needed) for the range. */
  newText: string;
}

export interface LabelProblem {
  line: number;
  startChar: number;
  endChar: number;
  /** 'information': a hint from elsewhere (e.g. a likely label error the model found), not a fault of the text. */
  severity: 'error' | 'warning' | 'information';
  message: string;
  fixes?: LabelFix[];
  /**
   * The record itself cannot be read as CSV (a quote never closed, text after a closing quote, the
   * wrong number of fields): where it ends, and so what the rows after it hold, is uncertain.
   * Training, evaluation and prediction refuse such a file; other errors only skip their row.
   */
  record?: true;
}

export const LABEL_COLUMNS = ['file', 'label', 'box', 'digit_boxes'] as const;


/** Number of digits a labeled crop holds: 0 for '-'. Throws for '' (unlabeled) and invalid labels. */
export function labelLength(label: string): number {
  if (label === '' || !isValidLabel(label)) throw new RangeError(`${JSON.stringify(label)} is not a label with a length`);
  return label === '-' ? 0 : label.length;
}

const NUMBER = '((?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)';
const BOX = new RegExp(`^\\s*${NUMBER}\\s+${NUMBER}\\s+${NUMBER}\\s+${NUMBER}\\s*$`);

/** Parses `left top width height`; returns the box or why it is not one. */
export function parseBox(text: string): Box | string {
  const match = BOX.exec(text);
  if (!match) return `${show(text)} is not a box: write four non-negative numbers "left top width height"`;
  const [left, top, width, height] = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
  if (![left, top, width, height].every(Number.isFinite)) return `${show(text)} holds a number too large to use`;
  if (width <= 0 || height <= 0) return `${show(text)}: a box's width and height must be greater than 0`;
  return { left, top, width, height };
}

/** Parses `;`-separated boxes; returns them or why they are not boxes. */
export function parseDigitBoxes(text: string): Box[] | string {
  const boxes: Box[] = [];
  const parts = text.split(';');
  for (let k = 0; k < parts.length; k++) {
    if (parts[k].trim() === '') return `digit box ${k + 1} of ${parts.length} is empty; separate boxes with ";" and do not end with one`;
    const box = parseBox(parts[k]);
    if (typeof box === 'string') return `digit box ${k + 1}: ${box}`;
    boxes.push(box);
  }
  return boxes;
}

export function formatBox(box: Box): string {
  const problem = [box.left, box.top, box.width, box.height].some((v) => !Number.isFinite(v) || v < 0) || box.width <= 0 || box.height <= 0;
  if (problem) throw new RangeError(`not a box: ${JSON.stringify(box)}`);
  return `${box.left} ${box.top} ${box.width} ${box.height}`;
}

/** A new labels file (header and LF line ends). Throws on a label, path or box that would not read back. */
export function formatLabelsCsv(rows: { file: string; label: string; box?: Box; digitBoxes?: Box[] }[]): string {
  const lines = [LABEL_COLUMNS.join(',')];
  for (const row of rows) {
    const pathProblem = datasetPathProblem(row.file);
    if (pathProblem) throw new RangeError(`${JSON.stringify(row.file)}: ${pathProblem}`);
    if (!isValidLabel(row.label)) throw new RangeError(`${JSON.stringify(row.label)} is not a label (digits, '-' or empty)`);
    const box = row.box ? formatBox(row.box) : '';
    const digitBoxes = row.digitBoxes ? row.digitBoxes.map(formatBox).join(';') : '';
    lines.push([encodeCsvField(row.file), row.label, box, digitBoxes].join(','));
  }
  return lines.join('\n') + '\n';
}

// One record of the file, with offsets relative to its own text so that an edit moves nothing
// outside it.
interface Rec {
  raw: string;
  line: number;
  fields: CsvField[];
  blank: boolean;
  problems: readonly LabelProblem[];
  /** Kept apart because only the whole file can say it; a label edit leaves it as it is. */
  duplicate?: LabelProblem;
}

interface Columns {
  count: number;
  file: number;
  label: number;
  box?: number;
  digitBoxes?: number;
}

export class LabelsDocument {
  private readonly bom: string;
  private readonly recs: Rec[] = [];
  private readonly headerProblems: readonly LabelProblem[];
  private readonly columns?: Columns;
  /** Header names as written (trimmed, lower case), and the header's record. */
  private readonly headerNames: readonly string[];
  private readonly headerRec: number;
  private readonly rowList: LabelRow[] = [];
  private readonly rowRecs: number[] = [];
  private text?: string;
  private problemList?: LabelProblem[];

  private constructor(text: string) {
    this.text = text;
    const firstLine = new Map<string, number>();
    const scan = scanLabels(text, (rec, row, cols) => {
      const k = this.recs.push(rec) - 1;
      if (!row || !cols) return;
      const key = normalizeDatasetPath(row.file);
      const first = firstLine.get(key);
      if (first === undefined) firstLine.set(key, row.line);
      else rec.duplicate = { ...fieldProblem(rec, rec.fields[cols.file], 'warning', `${row.file} is also labeled on line ${first + 1}`) };
      this.rowList.push(row);
      this.rowRecs.push(k);
    });
    this.bom = scan.bom;
    this.headerRec = scan.headerRec;
    this.headerNames = scan.headerNames;
    this.columns = scan.columns;
    this.headerProblems = scan.headerProblems;
  }

  /** Never throws: rows it cannot read are left out of `rows` and reported in `problems`. */
  static parse(text: string): LabelsDocument {
    return new LabelsDocument(text);
  }

  /**
   * The rows parse would give, one at a time, with its errors counted, keeping no document: for a
   * reader of a large file that needs each row once (the gallery, 250,000 rows). Duplicate files
   * are not looked for: they are warnings, and the rows are the same. `onRow` returning false
   * stops the reading there (the errors are then those of the text read).
   */
  static readRows(text: string, onRow: (row: LabelRow) => boolean | void): { errors: number; firstError?: LabelProblem } {
    let errors = 0;
    let firstError: LabelProblem | undefined;
    const count = (problems: readonly LabelProblem[]): void => {
      for (const p of problems) {
        if (p.severity !== 'error') continue;
        errors++;
        if (!firstError || p.line < firstError.line || (p.line === firstError.line && p.startChar < firstError.startChar)) firstError = p;
      }
    };
    const scan = scanLabels(text, (rec, row) => {
      count(rec.problems);
      return row ? onRow(row) : undefined;
    });
    count(scan.headerProblems);
    return firstError ? { errors, firstError } : { errors };
  }

  /** The rows that parsed, in file order. */
  get rows(): readonly LabelRow[] {
    return this.rowList;
  }

  /** Errors and warnings, in text order. */
  get problems(): readonly LabelProblem[] {
    if (!this.problemList) {
      const all = [...this.headerProblems];
      for (const r of this.recs) {
        all.push(...r.problems);
        if (r.duplicate) all.push(r.duplicate);
      }
      this.problemList = all.sort((a, b) => a.line - b.line || a.startChar - b.startChar);
    }
    return this.problemList;
  }

  /** The problems of row `rowIndex` (a bad box, a digit-count or duplicate warning), whichever line they sit on. */
  problemsOfRow(rowIndex: number): LabelProblem[] {
    const rec = this.recs[this.rowRecs[rowIndex] ?? -1];
    if (!rec) return [];
    return rec.duplicate ? [...rec.problems, rec.duplicate] : [...rec.problems];
  }

  /** Index in `rows` of the first row naming `file`, or -1. */
  indexOfFile(file: string): number {
    const key = normalizeDatasetPath(file);
    return this.rowList.findIndex((r) => normalizeDatasetPath(r.file) === key);
  }

  /** Where a field of row `rowIndex` sits (its first line), e.g. to point at it; undefined if the file has no such column. */
  fieldRange(rowIndex: number, column: (typeof LABEL_COLUMNS)[number]): { line: number; startChar: number; endChar: number } | undefined {
    const recIndex = this.rowRecs[rowIndex];
    const cols = this.columns;
    if (recIndex === undefined || !cols) return undefined;
    const k = column === 'file' ? cols.file : column === 'label' ? cols.label : column === 'box' ? cols.box : cols.digitBoxes;
    return k === undefined ? undefined : fieldRange(this.recs[recIndex], this.recs[recIndex].fields[k]);
  }

  /**
   * The field at a position (as an editor counts lines): its column's header name and where the
   * field starts. A line past the end, or a blank line, is a row still to be written.
   */
  fieldAt(line: number, character: number): { column: string; line: number; startChar: number } | undefined {
    if (this.headerRec < 0) return undefined;
    let lo = 0;
    let hi = this.recs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.recs[mid].line <= line) lo = mid;
      else hi = mid - 1;
    }
    const rec = this.recs[lo];
    if (lo <= this.headerRec || rec.line > line) return undefined;
    const lastLine = rec.line + countLineBreaks(rec.raw) - (/[\r\n]$/.test(rec.raw) ? 1 : 0);
    if (line > lastLine) return { column: this.headerNames[0], line, startChar: 0 };
    for (let k = 0; k < rec.fields.length; k++) {
      const start = positionIn(rec.raw, rec.fields[k].start);
      const end = positionIn(rec.raw, rec.fields[k].end);
      const afterStart = start.line + rec.line < line || (start.line + rec.line === line && start.character <= character);
      const beforeEnd = end.line + rec.line > line || (end.line + rec.line === line && end.character >= character);
      if (afterStart && beforeEnd) return { column: this.headerNames[k] ?? '', line: rec.line + start.line, startChar: start.character };
    }
    return undefined;
  }

  /** Sets row `rowIndex`'s label, rewriting only that field's characters. Throws on an invalid label. */
  setLabel(rowIndex: number, label: string): void {
    if (!isValidLabel(label)) throw new RangeError(`${JSON.stringify(label)} is not a label: use digits, '-' (no number) or '' (not labeled)`);
    const recIndex = this.rowRecs[rowIndex];
    if (recIndex === undefined || !this.columns) throw new RangeError(`there is no row ${rowIndex}`);
    const rec = this.recs[recIndex];
    const col = this.columns.label;
    const old = rec.fields[col];
    if (old.value === label) return;
    const newRaw = encodeCsvField(label);
    const shift = newRaw.length - (old.end - old.start);
    rec.raw = rec.raw.slice(0, old.start) + newRaw + rec.raw.slice(old.end);
    rec.fields = rec.fields.map((f, k) => {
      if (k === col) return { value: label, start: old.start, end: old.start + newRaw.length, quoted: newRaw !== label };
      return f.start >= old.end ? { ...f, start: f.start + shift, end: f.end + shift } : f;
    });
    // A valid label holds no line break, so every line number stays; only this line's
    // characters after the label move, and the duplicate warning (on `file`, before it) is re-placed.
    const row = analyze(rec, this.columns);
    if (!row) throw new Error(`internal: row ${rowIndex} stopped parsing after a label edit`);
    if (rec.duplicate) rec.duplicate = { ...rec.duplicate, ...fieldRange(rec, rec.fields[this.columns.file]) };
    this.rowList[rowIndex] = row;
    this.text = undefined;
    this.problemList = undefined;
  }

  /** The text, byte-identical to the parsed one except for labels set since. */
  toString(): string {
    if (this.text === undefined) this.text = this.bom + this.recs.map((r) => r.raw).join('');
    return this.text;
  }
}

/** What the header says, and where it is. */
interface LabelsScan {
  bom: string;
  /** Index of the header's record, -1 when the text has none (all blank). */
  headerRec: number;
  headerNames: string[];
  columns?: Columns;
  headerProblems: LabelProblem[];
}

/**
 * Reads a labels text record by record: blank records, the header, then each row checked.
 * `visit` sees every record, with its row when the row is usable and the columns once read;
 * returning false, it stops the reading.
 */
function scanLabels(text: string, visit: (rec: Rec, row: LabelRow | undefined, columns: Columns | undefined) => boolean | void): LabelsScan {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  const scan: LabelsScan = { bom, headerRec: -1, headerNames: [], headerProblems: [] };
  let line = 0;
  let index = 0;
  forEachCsvRecord(body, (r) => {
    const raw = body.slice(r.start, r.end);
    const fields = r.fields;
    const blank = fields.length === 1 && !fields[0].quoted && fields[0].value.trim() === '';
    const rec: Rec = { raw, line, fields, blank, problems: NO_PROBLEMS };
    // Only a quoted field can hold a line break; otherwise the record has the one that ends it, if any.
    line += fields.some((f) => f.quoted) ? countLineBreaks(raw) : r.end > r.contentEnd ? 1 : 0;
    let row: LabelRow | undefined;
    if (!blank && scan.headerRec < 0) {
      scan.headerRec = index;
      scan.headerNames = fields.map((f) => f.value.trim().toLowerCase());
      scan.columns = readHeader(rec);
    } else if (!blank && scan.columns) row = analyze(rec, scan.columns);
    index++;
    return visit(rec, row, scan.columns);
  });
  if (scan.headerRec < 0) scan.headerProblems.push(problem(0, 0, 0, 'error', `the labels file is empty: its first line names the columns, ${LABEL_COLUMNS.join(',')}`));
  return scan;
}

function readHeader(rec: Rec): Columns | undefined {
  const names = rec.fields.map((f) => f.value.trim().toLowerCase());
  const index = new Map<string, number>();
  names.forEach((name, k) => {
    if (!(LABEL_COLUMNS as readonly string[]).includes(name)) return;
    if (index.has(name)) addProblem(rec, fieldProblem(rec, rec.fields[k], 'error', `column "${name}" appears twice; the first one is used`));
    else index.set(name, k);
  });
  const missing = ['file', 'label'].filter((c) => !index.has(c));
  if (missing.length > 0) {
    const end = lineEnd(rec.raw, 0);
    addProblem(
      rec,
      problem(rec.line, 0, end, 'error', `the header names no ${missing.join(' or ')} column; the first line names the columns, e.g. ${LABEL_COLUMNS.join(',')}`),
    );
    return undefined;
  }
  const file = index.get('file') ?? 0;
  const label = index.get('label') ?? 0;
  return { count: names.length, file, label, box: index.get('box'), digitBoxes: index.get('digit_boxes') };
}

/** Recomputes `rec.problems` (not the duplicate warning); returns the row unless file or label is unusable. */
function analyze(rec: Rec, cols: Columns): LabelRow | undefined {
  rec.problems = NO_PROBLEMS;
  const report = (f: CsvField, severity: 'error' | 'warning', message: string, fixes?: LabelFix[]): void => {
    addProblem(rec, fieldProblem(rec, f, severity, message, fixes));
  };
  // The common row, fields all read and as many as the header names, allocates nothing here.
  const syntax = rec.fields.some((f) => f.problem) ? rec.fields.filter((f) => f.problem) : NO_FIELDS;
  for (const f of syntax) addProblem(rec, { ...fieldProblem(rec, f, 'error', f.problem ?? ''), record: true });
  if (rec.fields.length !== cols.count) {
    const found = rec.fields.length;
    // A field that never closes runs to the end of the file: its count says nothing more.
    if (!syntax.some((f) => f.end === rec.raw.length && /never closed/.test(f.problem ?? ''))) {
      addProblem(rec, {
        ...problem(rec.line, 0, lineEnd(rec.raw, 0), 'error', `expected ${cols.count} fields as in the header, found ${found}; quote a value that holds a comma`),
        record: true,
      });
    }
    return undefined;
  }
  if (syntax.length > 0) return undefined;
  let usable = true;
  const fileField = rec.fields[cols.file];
  const labelField = rec.fields[cols.label];
  const file = fileField.value;
  const label = labelField.value;
  const pathProblem = fileField.problem ? undefined : datasetPathProblem(file);
  if (pathProblem) {
    usable = false;
    report(fileField, 'error', `file ${show(file)}: ${pathProblem}`, pathFixes(file, singleLine(rec, fileField)));
  }
  else if (!fileField.problem && file.trim() !== file) {
    const trimmed = file.trim();
    const fixes = singleLine(rec, fileField) ? [{ title: `Remove the spaces: ${trimmed}`, newText: encodeCsvField(trimmed) }] : [];
    report(fileField, 'warning', `file ${show(file)} starts or ends with white space; no such image is likely to exist`, fixes);
  }
  if (!labelField.problem && !isValidLabel(label)) {
    usable = false;
    report(
      labelField,
      'error',
      `label ${show(label)} is not a number: write digits only, '-' for a crop with no number, or leave it empty when not labeled yet`,
      labelFixes(label, singleLine(rec, labelField)),
    );
  }
  let box: Box | undefined;
  if (cols.box !== undefined && !rec.fields[cols.box].problem && rec.fields[cols.box].value.trim() !== '') {
    const parsed = parseBox(rec.fields[cols.box].value);
    if (typeof parsed === 'string') report(rec.fields[cols.box], 'error', `box ${parsed}`);
    else box = parsed;
  }
  let digitBoxes: Box[] | undefined;
  if (cols.digitBoxes !== undefined && !rec.fields[cols.digitBoxes].problem && rec.fields[cols.digitBoxes].value.trim() !== '') {
    const field = rec.fields[cols.digitBoxes];
    const parsed = parseDigitBoxes(field.value);
    if (typeof parsed === 'string') report(field, 'error', `digit_boxes: ${parsed}`);
    else {
      digitBoxes = parsed;
      if (usable && label !== '') {
        const digits = labelLength(label);
        if (digits !== parsed.length) {
          const what = digits === 0 ? "a crop with no number ('-')" : `a ${digits}-digit label`;
          report(field, 'warning', `${parsed.length} digit box${parsed.length === 1 ? '' : 'es'} for ${what}`);
        }
      }
    }
  }
  if (!usable) return undefined;
  const row: LabelRow = { file, label, line: rec.line };
  if (box) row.box = box;
  if (digitBoxes) row.digitBoxes = digitBoxes;
  return row;
}

const NO_PROBLEMS: readonly LabelProblem[] = Object.freeze([]);
const NO_FIELDS: readonly CsvField[] = Object.freeze([]);

/** Most records have no problem: they share one frozen empty list until they get one. */
function addProblem(rec: Rec, p: LabelProblem): void {
  rec.problems = rec.problems === NO_PROBLEMS ? [p] : [...rec.problems, p];
}

function problem(line: number, startChar: number, endChar: number, severity: 'error' | 'warning', message: string, fixes?: LabelFix[]): LabelProblem {
  const p: LabelProblem = { line, startChar, endChar, severity, message };
  if (fixes && fixes.length > 0) p.fixes = fixes;
  return p;
}

/** Where a field sits; a field that runs over several lines is marked up to the end of its first. */
function fieldRange(rec: Rec, f: CsvField): { line: number; startChar: number; endChar: number } {
  const start = positionIn(rec.raw, f.start);
  const firstLineEnd = Math.min(f.end, lineEnd(rec.raw, f.start));
  return { line: rec.line + start.line, startChar: start.character, endChar: start.character + (firstLineEnd - f.start) };
}

function fieldProblem(rec: Rec, f: CsvField, severity: 'error' | 'warning', message: string, fixes?: LabelFix[]): LabelProblem {
  const r = fieldRange(rec, f);
  return problem(r.line, r.startChar, r.endChar, severity, message, fixes);
}

/** A fix replaces the problem's one-line range, so fields over several lines get none. */
function singleLine(rec: Rec, f: CsvField): boolean {
  return lineEnd(rec.raw, f.start) >= f.end;
}

function labelFixes(label: string, fixable: boolean): LabelFix[] {
  if (!fixable) return [];
  // One run of digits (spaces inside allowed) with anything around it: "No. 19", " 19", "1 9", "19a".
  const run = /^[^0-9]*([0-9][0-9\s]*[0-9]|[0-9])[^0-9]*$/.exec(label);
  if (run) {
    const digits = run[1].replace(/\s/g, '');
    return [{ title: `Change the label to ${digits}`, newText: digits }];
  }
  if (!/[0-9]/.test(label)) {
    return [
      { title: "Mark as no number ('-')", newText: '-' },
      { title: 'Clear the label (not labeled yet)', newText: '' },
    ];
  }
  return [];
}

function pathFixes(file: string, fixable: boolean): LabelFix[] {
  if (!fixable || !file.includes('\\')) return [];
  const forward = file.replace(/\\/g, '/');
  if (datasetPathProblem(forward)) return [];
  return [{ title: `Use forward slashes: ${forward}`, newText: encodeCsvField(forward) }];
}

/** A value in a message: quoted, with line breaks and tabs written as escapes. */
function show(value: string): string {
  return `"${value.replace(/[\r\n\t]/g, (c) => JSON.stringify(c).slice(1, -1))}"`;
}
