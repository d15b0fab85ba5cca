// Where a label typed in the gallery goes. Into an editor that holds unsaved changes of the labels
// file, as an edit of that document, not saved: the user's unsaved work stays, and Ctrl+Z there
// undoes the gallery's edit. Otherwise straight into the file's bytes (dataset/labelsFile.ts):
// saving through a VS Code document would turn mixed CRLF/LF line ends into one and re-encode
// bytes that are not UTF-8, changing rows nobody edited. An open editor without changes reloads
// the file by itself. No `vscode` import, so the choice is tested without VS Code
// (galleryPanel.ts adapts a TextDocument to LabelsEditor).
import * as path from 'node:path';
import { checkNewLabel, labelEditInText, LabelEditRefused, setLabelInFile, type LineEdit, type RowLabelEdit } from '../../dataset/labelsFile';

/** The labels file's open document, as far as a label edit needs it. */
export interface LabelsEditor {
  readonly isDirty: boolean;
  getText(): string;
  /**
   * Applies the edit to the document as one undoable step, without saving. False when VS Code
   * refuses it, e.g. because the document changed since getText().
   */
  replace(edit: LineEdit): PromiseLike<boolean>;
}

/** written: on disk; inUnsavedEditor: in the editor's unsaved document; unchanged: the row had that label already. */
export type LabelEditOutcome = 'written' | 'inUnsavedEditor' | 'unchanged';

/** Sets the label of the row `edit` names. Throws LabelEditRefused when nothing changed. */
export async function applyLabelEdit(labelsPath: string, edit: RowLabelEdit, editor: LabelsEditor | undefined): Promise<LabelEditOutcome> {
  checkNewLabel(edit.label);
  if (!editor?.isDirty) return setLabelInFile(labelsPath, edit);
  // The gallery showed this document's text (see GalleryPanel.refresh), so the row is checked there.
  const change = labelEditInText(editor.getText(), edit);
  if (!change) return 'unchanged';
  if (!(await editor.replace(change))) {
    throw new LabelEditRefused(
      `the open editor of ${path.basename(labelsPath)} changed while the label was being set, or refuses edits; nothing was written`,
      true,
    );
  }
  return 'inUnsavedEditor';
}
