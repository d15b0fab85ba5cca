// A label typed in the gallery, written into the labels file on disk changing only that field's
// bytes (DESIGN §3). Not through a VS Code text document: its model turns a mixed CRLF/LF file into
// one line end on save, and re-encodes bytes that are not UTF-8 (a cp1252 0x92 in a spreadsheet
// export's extra column becomes EF BF BD). Here the bytes are read as they are, the row is found
// with the labels module on a lossless decoding, and only the label's bytes are replaced.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { encodeCsvField } from '../../../common/csvRecords';
import { isValidLabel, LabelsDocument } from '../../../common/labels';
import { writeFileAtomic } from './atomicWrite';

/** A label typed for one row, with the row as the gallery showed it, so a stale edit is refused, never redirected. */
export interface RowLabelEdit {
  /** 0-based line where the row starts. */
  line: number;
  /** The row's file field exactly as written (not normalised: `x/1.png` and `x/./1.png` are two rows). */
  file: string;
  /** The label the gallery showed; the edit applies only while the row still has it. */
  expected: string;
  /** The new label: digits, '-' (no number) or '' (not labeled). */
  label: string;
}

/** Why an edit was not applied; nothing was written. `stale`: the row is no longer as the gallery showed it. */
export class LabelEditRefused extends Error {
  constructor(
    message: string,
    readonly stale: boolean,
  ) {
    super(message);
  }
}

const NOTHING_WRITTEN = 'nothing was written';

/** Refuses a label the labels format would not read back. */
export function checkNewLabel(label: string): void {
  if (!isValidLabel(label)) {
    throw new LabelEditRefused(
      `${JSON.stringify(label)} is not a label: write digits only, '-' for a crop with no number, or nothing for not labeled yet; ${NOTHING_WRITTEN}`,
      false,
    );
  }
}

/**
 * Index in `labels.rows` of the row the edit names: the one starting on `edit.line`, if its file
 * field is exactly `edit.file` and its label `edit.expected`. Anything else means the file changed
 * since the gallery read it, and the edit is refused rather than sent to some other row.
 * `decodeFile` turns a parsed file field into the text the gallery saw; `byLine` (rowsByLine) spares
 * a batch a search through every row for each of its edits.
 */
export function findEditedRow(
  labels: LabelsDocument,
  edit: RowLabelEdit,
  decodeFile: (field: string) => string = (field) => field,
  byLine: ReadonlyMap<number, number> = rowsByLine(labels),
): number {
  const rows = labels.rows;
  const index = byLine.get(edit.line);
  const row = index === undefined ? undefined : rows[index];
  const fileThere = row === undefined ? undefined : decodeFile(row.file);
  if (index !== undefined && row !== undefined && fileThere === edit.file) {
    if (row.label === edit.expected) return index;
    throw stale(edit, `now ${describeLabel(row.label)}`);
  }
  const now = fileThere === undefined ? `line ${edit.line + 1} holds no readable row now` : `line ${edit.line + 1} now lists ${fileThere}`;
  const elsewhere = rows.filter((r) => decodeFile(r.file) === edit.file).map((r) => r.line + 1);
  const where = elsewhere.length === 0 ? 'no line lists it' : `it is on line ${elsewhere.join(', ')}`;
  throw stale(edit, `${now}; ${where}`);
}

/** Index in `labels.rows` of the row starting on each line. */
export function rowsByLine(labels: LabelsDocument): Map<number, number> {
  return new Map(labels.rows.map((row, index) => [row.line, index]));
}

/**
 * The rows a batch of edits names, in its order, each checked as findEditedRow checks one edit:
 * the first stale row refuses the whole batch. Every label is checked first, and a row named twice
 * is refused: which of two labels the user meant is not for the file to decide.
 */
function findEditedRows(labels: LabelsDocument, edits: readonly RowLabelEdit[], decodeFile?: (field: string) => string): number[] {
  for (const edit of edits) checkNewLabel(edit.label);
  const lines = new Set<number>();
  for (const edit of edits) {
    if (lines.has(edit.line)) throw new LabelEditRefused(`the row on line ${edit.line + 1} is named twice in one change; ${NOTHING_WRITTEN}`, false);
    lines.add(edit.line);
  }
  const byLine = rowsByLine(labels);
  return edits.map((edit) => findEditedRow(labels, edit, decodeFile, byLine));
}

function stale(edit: RowLabelEdit, now: string): LabelEditRefused {
  return new LabelEditRefused(`the row of ${edit.file} on line ${edit.line + 1} changed since the gallery showed it (${now}); ${NOTHING_WRITTEN}`, true);
}

function describeLabel(label: string): string {
  if (label === '') return 'unlabeled';
  if (label === '-') return "labeled '-' (no number)";
  return `labeled ${label}`;
}

/** A replacement of one line's characters (0-based line, UTF-16 characters as an editor counts them). */
export interface LineEdit {
  line: number;
  startChar: number;
  endChar: number;
  newText: string;
}

/**
 * The edit of a labels file's text (e.g. an editor's, unsaved changes included) that sets the
 * label, or undefined when the row has that label already. Throws LabelEditRefused.
 */
export function labelEditInText(text: string, edit: RowLabelEdit): LineEdit | undefined {
  return labelEditsInText(text, [edit])[0];
}

/**
 * The edits of a labels file's text that set every label of the batch, all or none: a stale row
 * refuses them all (LabelEditRefused). Rows that have their label already need no edit. Each
 * edit's range is in the text as given, so they apply together (one WorkspaceEdit): a label holds
 * no line break and the rows are distinct, so no edit moves another.
 */
export function labelEditsInText(text: string, edits: readonly RowLabelEdit[]): LineEdit[] {
  const labels = LabelsDocument.parse(text);
  const rowIndexes = findEditedRows(labels, edits);
  const changes: LineEdit[] = [];
  edits.forEach((edit, k) => {
    if (edit.label === edit.expected) return;
    const range = labels.fieldRange(rowIndexes[k], 'label');
    // A row parses only when its file has a label column, so this is a bug, not a user's mistake.
    if (!range) throw new Error(`internal: row ${rowIndexes[k]} has no label field`);
    changes.push({ ...range, newText: encodeCsvField(edit.label) });
  });
  return changes;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The labels file's bytes with the edited row's label replaced, every other byte as it was.
 * Throws LabelEditRefused.
 */
export function editLabelBytes(bytes: Uint8Array, edit: RowLabelEdit): Buffer {
  return editLabelsBytes(bytes, [edit]);
}

/**
 * The labels file's bytes with every edited row's label replaced, every other byte as it was; all
 * of the batch or nothing (LabelEditRefused names the first row that is not as the page showed it).
 */
export function editLabelsBytes(bytes: Uint8Array, edits: readonly RowLabelEdit[]): Buffer {
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bomLength = UTF8_BOM.every((b, k) => all[k] === b) ? UTF8_BOM.length : 0;
  // latin1: one character per byte, every byte value, so character offsets are byte offsets and
  // encoding back gives the same bytes. The CSV structure (, " CR LF) and labels are ASCII, so
  // the labels module finds the same rows, lines and fields as on the UTF-8 text the gallery read.
  const labels = LabelsDocument.parse(all.subarray(bomLength).toString('latin1'));
  // A file field compares as the gallery saw it: its bytes decoded as UTF-8.
  const rowIndexes = findEditedRows(labels, edits, (field) => Buffer.from(field, 'latin1').toString('utf8'));
  if (edits.every((edit) => edit.label === edit.expected)) return Buffer.from(all);
  // setLabel rewrites only that field's characters, each of which is one byte here.
  edits.forEach((edit, k) => labels.setLabel(rowIndexes[k], edit.label));
  return Buffer.concat([all.subarray(0, bomLength), Buffer.from(labels.toString(), 'latin1')]);
}

export interface SetLabelInFileOptions {
  /**
   * Runs once the edited bytes are ready, before the check that nobody changed the file while
   * they were made: tests play the concurrent writer here.
   */
  beforeCommit?: () => Promise<void>;
}

/** How many times an edit is made again on new bytes when the file changed while it was written. */
const CONCURRENT_RETRIES = 1;

class ChangedMeanwhile extends Error {}

/**
 * Sets a row's label in the labels file at `labelsPath`, changing only that field's bytes, by an
 * atomic replace that keeps the file's permission bits. A change to the file by someone else
 * while the edit is made is never overwritten: the edit is made again on the new bytes (and
 * refused if the row changed), or refused. Throws LabelEditRefused when nothing was written.
 */
export function setLabelInFile(labelsPath: string, edit: RowLabelEdit, options: SetLabelInFileOptions = {}): Promise<'written' | 'unchanged'> {
  return setLabelsInFile(labelsPath, [edit], options);
}

/**
 * Sets several rows' labels in one atomic replace, as setLabelInFile sets one: every label of the
 * batch is written, or none (a stale row, an invalid label or a row named twice refuses the batch).
 */
export async function setLabelsInFile(labelsPath: string, edits: readonly RowLabelEdit[], options: SetLabelInFileOptions = {}): Promise<'written' | 'unchanged'> {
  for (const edit of edits) checkNewLabel(edit.label);
  const name = path.basename(labelsPath);
  const gone = <T>(read: Promise<T>): Promise<T> =>
    read.catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new LabelEditRefused(`${name} no longer exists; ${NOTHING_WRITTEN}`, true);
      throw err;
    });
  // The file a symlink names is edited; replacing the link by a file would cut it.
  const target = await gone(fs.realpath(labelsPath));
  for (let attempt = 0; ; attempt++) {
    // stat before reading: a write that lands in between shows at the check before the rename.
    const before = await gone(fs.stat(target, { bigint: true }));
    // As VS Code does, a file without the owner's write bit is read-only (root could replace it anyway).
    if ((before.mode & 0o200n) === 0n) throw new LabelEditRefused(`${name} is read-only; ${NOTHING_WRITTEN}`, false);
    const bytes = await gone(fs.readFile(target));
    const edited = editLabelsBytes(bytes, edits);
    if (edits.every((edit) => edit.label === edit.expected)) return 'unchanged';
    try {
      await writeFileAtomic(target, edited, {
        mode: Number(before.mode & 0o7777n),
        beforeRename: async () => {
          await options.beforeCommit?.();
          const now = await fs.stat(target, { bigint: true });
          const same = now.ino === before.ino && now.size === before.size && now.mtimeNs === before.mtimeNs;
          // The bytes too: a write of the same size within one clock tick keeps size and mtime.
          if (!same || !(await fs.readFile(target)).equals(bytes)) throw new ChangedMeanwhile();
        },
      });
      return 'written';
    } catch (err) {
      if (!(err instanceof ChangedMeanwhile)) throw err;
      if (attempt >= CONCURRENT_RETRIES) {
        throw new LabelEditRefused(`${name} kept changing on disk while the label was being written; ${NOTHING_WRITTEN}`, true);
      }
    }
  }
}
