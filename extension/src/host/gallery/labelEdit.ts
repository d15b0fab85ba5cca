// Where a label typed in the gallery goes. Into an editor that holds unsaved changes of the labels
// file, as an edit of that document, not saved: the user's unsaved work stays, and Ctrl+Z there
// undoes the gallery's edit. Otherwise straight into the file's bytes (dataset/labelsFile.ts):
// saving through a VS Code document would turn mixed CRLF/LF line ends into one and re-encode
// bytes that are not UTF-8, changing rows nobody edited. An open editor without changes reloads
// the file by itself. No `vscode` import, so the choice is tested without VS Code
// (labelsDocument.ts adapts a TextDocument to LabelsEditor).
import * as path from 'node:path';
import { checkNewLabel, labelEditsInText, LabelEditRefused, setLabelsInFile, type LineEdit, type RowLabelEdit } from '../../dataset/labelsFile';

/** The labels file's open document, as far as a label edit needs it. */
export interface LabelsEditor {
  readonly isDirty: boolean;
  getText(): string;
  /**
   * Applies the edits to the document together, as one undoable step, without saving. False when
   * VS Code refuses them, e.g. because the document changed since getText().
   */
  replace(edits: readonly LineEdit[]): PromiseLike<boolean>;
}

/** written: on disk; inUnsavedEditor: in the editor's unsaved document; unchanged: the rows had those labels already. */
export type LabelEditOutcome = 'written' | 'inUnsavedEditor' | 'unchanged';

/** Sets the label of the row `edit` names. Throws LabelEditRefused when nothing changed. */
export function applyLabelEdit(labelsPath: string, edit: RowLabelEdit, editor: LabelsEditor | undefined): Promise<LabelEditOutcome> {
  return applyLabelEdits(labelsPath, [edit], editor);
}

/**
 * Sets the labels of the rows `edits` name, all of them or none (a batch: the readings accepted
 * for a selection, or the undo of such a change); one write on disk, or one undoable step in the
 * unsaved editor. Throws LabelEditRefused when nothing changed.
 *
 * Edits of one labels file take turns, whichever page sent them: each reads the file (or the
 * editor's text) as the one before it left it. Run at once, the later of two edits read what the
 * earlier was replacing, and were refused as if someone else had changed the file (on disk after
 * one retry, in an editor at once) — what typing labels at speed would do.
 */
export async function applyLabelEdits(labelsPath: string, edits: readonly RowLabelEdit[], editor: LabelsEditor | undefined): Promise<LabelEditOutcome> {
  // A label the format would not read back is refused before it waits for its turn.
  for (const edit of edits) checkNewLabel(edit.label);
  return inTurn(path.resolve(labelsPath), () => applyNow(labelsPath, edits, editor));
}

async function applyNow(labelsPath: string, edits: readonly RowLabelEdit[], editor: LabelsEditor | undefined): Promise<LabelEditOutcome> {
  if (!editor?.isDirty) return setLabelsInFile(labelsPath, edits);
  // The gallery showed this document's text (see GalleryPanel.refresh), so the rows are checked there.
  const changes = labelEditsInText(editor.getText(), edits);
  if (changes.length === 0) return 'unchanged';
  if (!(await editor.replace(changes))) {
    throw new LabelEditRefused(
      `the open editor of ${path.basename(labelsPath)} changed while the label was being set, or refuses edits; nothing was written`,
      true,
    );
  }
  return 'inUnsavedEditor';
}

/** The last edit of each labels file (by absolute path), for the next one to wait for. */
const lastEdit = new Map<string, Promise<unknown>>();

/** Runs `work` once every earlier work of `key` has settled, whether it succeeded or not. */
function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const earlier = lastEdit.get(key) ?? Promise.resolve();
  const run = earlier.then(work, work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  lastEdit.set(key, settled);
  // Forget a file's queue once it is empty, so a long session keeps no entry per file it touched.
  void settled.then(() => lastEdit.get(key) === settled && lastEdit.delete(key));
  return run;
}
