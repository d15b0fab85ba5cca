// A label typed in the gallery reaches the labels file the way an edit typed in the editor does:
// as a WorkspaceEdit on the labels file's TextDocument, changing only that field's characters.
// An open editor, its undo stack and its unsaved changes all stay consistent with it.
import * as vscode from 'vscode';
import { encodeCsvField } from '../../../../common/csvRecords';
import { isValidLabel, LabelsDocument } from '../../../../common/labels';

export class LabelEditError extends Error {}

/** Sets the label of the row naming `file`; saves unless the document had unsaved edits already. */
export async function setLabelInLabelsFile(labelsUri: vscode.Uri, file: string, label: string): Promise<'saved' | 'unsaved'> {
  if (!isValidLabel(label)) {
    throw new LabelEditError(`"${label}" is not a label: write digits only, '-' for a crop with no number, or nothing for not labeled yet`);
  }
  const document = await vscode.workspace.openTextDocument(labelsUri);
  // Parsed from the document, not the disk: it may hold edits not saved yet.
  const labels = LabelsDocument.parse(document.getText());
  const rowIndex = labels.indexOfFile(file);
  if (rowIndex < 0) throw new LabelEditError(`${file} is no longer listed in ${vscode.workspace.asRelativePath(labelsUri)}`);
  const range = labels.fieldRange(rowIndex, 'label');
  if (!range) throw new LabelEditError(`${vscode.workspace.asRelativePath(labelsUri)} has no label column`);
  const hadUnsavedEdits = document.isDirty;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(labelsUri, new vscode.Range(range.line, range.startChar, range.line, range.endChar), encodeCsvField(label));
  if (!(await vscode.workspace.applyEdit(edit))) throw new LabelEditError('VS Code refused the edit (is the file read-only?)');
  if (hadUnsavedEdits) return 'unsaved';
  if (!(await document.save())) throw new LabelEditError(`could not save ${labelsUri.fsPath}`);
  return 'saved';
}
