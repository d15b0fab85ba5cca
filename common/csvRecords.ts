// An RFC 4180 scanner that keeps where every field sits in the text, so a labels file can be
// rewritten one field at a time and problems can point at the exact characters.
// Lenient where RFC 4180 is strict (LF, lone CR, quotes inside unquoted fields, a missing final
// line break): a user's file is read as written, and only what cannot be read is a problem.

export interface CsvField {
  /** The decoded value: quotes removed, "" turned into ". */
  value: string;
  /** Offsets of the field's raw text (quotes included), counted from the start of its record. */
  start: number;
  end: number;
  quoted: boolean;
  /** Why the raw text is not valid CSV (unclosed quote, text after the closing quote). */
  problem?: string;
}

export interface CsvRecord {
  start: number;
  /** Offset just before the line break that ends the record (or the end of the text). */
  contentEnd: number;
  /** Offset just after that line break. */
  end: number;
  fields: CsvField[];
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Splits `text` (no BOM) into records; the records cover the text exactly, end to end. */
export function scanCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  forEachCsvRecord(text, (record) => {
    records.push(record);
  });
  return records;
}

/**
 * scanCsv one record at a time: a reader that keeps little of each record lets the rest die young,
 * and at 250,000 rows what a parse keeps alive is most of its cost. `visit` returning false stops
 * the scan (a reader that needs only the first rows).
 */
export function forEachCsvRecord(text: string, visit: (record: CsvRecord) => boolean | void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const start = i;
    const fields: CsvField[] = [];
    for (;;) {
      const field = scanField(text, i);
      i = field.end;
      field.start -= start;
      field.end -= start;
      fields.push(field);
      if (text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }
    const contentEnd = i;
    const c = text.charCodeAt(i);
    if (c === CR && text.charCodeAt(i + 1) === LF) i += 2;
    else if (c === CR || c === LF) i += 1;
    if (visit({ start, contentEnd, end: i, fields }) === false) return;
  }
}

/** Offset of the first comma or line break at or after `from`, or text.length. */
function unquotedEnd(text: string, from: number): number {
  const n = text.length;
  let i = from;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    // Char codes, not one-character strings: at 250,000 rows this loop is most of a parse.
    if (c === COMMA || c === LF || c === CR) break;
  }
  return i;
}

function scanField(text: string, start: number): CsvField {
  const n = text.length;
  if (text.charCodeAt(start) !== QUOTE) {
    const end = unquotedEnd(text, start);
    return { value: text.slice(start, end), start, end, quoted: false };
  }
  let value = '';
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) {
      // The field runs to the end of the text: that is what the bytes say, and the problem makes
      // the user look.
      return { value: value + text.slice(i), start, end: n, quoted: true, problem: 'the quote opened here is never closed' };
    }
    value += text.slice(i, quote);
    if (text.charCodeAt(quote + 1) === QUOTE) {
      value += '"';
      i = quote + 2;
      continue;
    }
    i = quote + 1;
    break;
  }
  const end = unquotedEnd(text, i);
  if (end > i) {
    return {
      value: value + text.slice(i, end),
      start,
      end,
      quoted: true,
      problem: 'text after the closing quote; quote the whole value and write a quote inside it as ""',
    };
  }
  return { value, start, end: i, quoted: true };
}

/** The raw CSV text for `value`, quoted only when it has to be. */
export function encodeCsvField(value: string): string {
  return /[",\r\n]/.test(value) || value.startsWith('\uFEFF') ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Line and character (UTF-16 units, as LSP counts them) of `offset` in `text`; \r\n, \r and \n each end a line. */
export function positionIn(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** How many line breaks `text` holds (\r\n counts once). */
export function countLineBreaks(text: string): number {
  return positionIn(text, text.length).line;
}

/** Offset of the first line break in `text` at or after `from`, or text.length. */
export function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}
