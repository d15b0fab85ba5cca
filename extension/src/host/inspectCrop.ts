// "Digit Lens: Inspect Crop": opens the inspector on a row of a labels file. From the code lens on
// each row (the language server passes the document's URI and the row's line), from the editor's
// context menu or the palette (the row under the cursor of the active labels editor), or else on
// a row the user picks.
import * as vscode from 'vscode';
import { LABELS_LANGUAGE_ID } from '../../../common/contributions';
import { LabelsDocument, type LabelRow } from '../../../common/labels';
import { rowOnLine } from './inspector/inspectorRows';
import { InspectorPanel, type InspectorDeps } from './inspector/inspectorPanel';
import { readLabelsText } from './labelsDocument';
import { pickLabelsFile } from './labelsFiles';

export async function inspectCrop(deps: InspectorDeps, arg?: unknown, lineArg?: unknown): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const inEditor = editor?.document.languageId === LABELS_LANGUAGE_ID && editor.document.uri.scheme === 'file' ? editor : undefined;
  let labelsUri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : inEditor?.document.uri;
  if (labelsUri?.scheme !== 'file') labelsUri = await pickLabelsFile(undefined, 'inspect');
  if (!labelsUri) return;
  let line = typeof lineArg === 'number' && Number.isSafeInteger(lineArg) ? lineArg : undefined;
  // The context menu and the palette name no row: the one under the cursor, in that file's editor.
  if (line === undefined && inEditor?.document.uri.fsPath === labelsUri.fsPath) line = inEditor.selection.active.line;

  let rows: readonly LabelRow[];
  try {
    rows = LabelsDocument.parse(await readLabelsText(labelsUri)).rows;
  } catch (err) {
    void vscode.window.showErrorMessage(`Digit Lens: could not read ${vscode.workspace.asRelativePath(labelsUri)}: ${(err as Error).message}`);
    return;
  }
  const row = (line === undefined ? undefined : rowOnLine(rows, line)) ?? (await pickRow(rows, labelsUri, line));
  if (row) InspectorPanel.show(deps, labelsUri, row);
}

async function pickRow(rows: readonly LabelRow[], labelsUri: vscode.Uri, line: number | undefined): Promise<LabelRow | undefined> {
  const name = vscode.workspace.asRelativePath(labelsUri);
  if (rows.length === 0) {
    void vscode.window.showWarningMessage(`Digit Lens: ${name} has no readable rows to inspect.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    rows.map((row) => ({ label: row.file, description: row.label === '' ? 'unlabeled' : row.label === '-' ? 'no number' : row.label, detail: `line ${row.line + 1}`, row })),
    {
      title: `Digit Lens: inspect which crop of ${name}?`,
      placeHolder: line === undefined ? 'a crop (type to filter by file name)' : `line ${line + 1} holds no readable row: pick a crop`,
      matchOnDescription: true,
    },
  );
  return picked?.row;
}
