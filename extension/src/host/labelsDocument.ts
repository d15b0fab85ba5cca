// The labels file as the webview panels (gallery, inspector) see and edit it: the text they show
// (an open editor's unsaved text wins over the disk), the one path a label typed in either page
// takes to disk or to that editor (gallery/labelEdit.ts), and showing a row in an editor.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabelResultMessage, LabelsResultMessage, SetLabelMessage, SetLabelsMessage } from '../../../common/webviewProtocol';
import { LabelEditRefused } from '../dataset/labelsFile';
import { applyLabelEdit, applyLabelEdits, type LabelsEditor } from './gallery/labelEdit';

/** The labels file's open document, if any. */
export function openLabelsDocument(labelsUri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === labelsUri.fsPath);
}

/**
 * The text the pages show: an editor's unsaved text wins over the disk (the pages show what the
 * user sees there, and their label edits go there); otherwise the disk, where edits go: an open
 * editor without changes may not have reloaded a label just written yet. undefined = read the disk.
 */
export function unsavedLabelsText(labelsUri: vscode.Uri): string | undefined {
  const open = openLabelsDocument(labelsUri);
  return open?.isDirty ? open.getText() : undefined;
}

/** The labels file's text as the pages show it (see unsavedLabelsText). */
export async function readLabelsText(labelsUri: vscode.Uri): Promise<string> {
  return unsavedLabelsText(labelsUri) ?? (await fs.readFile(labelsUri.fsPath, 'utf8'));
}

const edited = new vscode.EventEmitter<string>();
/** Fires with the labels file's path after a page set a label in it (on disk or in its editor). */
export const onDidEditLabels = edited.event;
const written = new vscode.EventEmitter<string>();
/** Fires with the labels file's path after a page's label edit changed the file on disk. */
export const onDidWriteLabels = written.event;

/**
 * Calls `onChange` whenever a page showing `labelsUri` should refresh: the labels file changed on
 * disk, in its editor, or by a page's edit ('labels'), or one of the dataset's files `derived`
 * (paths relative to its folder, e.g. predictions.csv) was written, replaced or removed ('derived').
 * An atomic write replaces a file, which watchers may report as a creation: all three kinds count.
 */
export function watchDataset(labelsUri: vscode.Uri, derived: readonly string[], onChange: (what: 'labels' | 'derived') => void): vscode.Disposable[] {
  const datasetDir = vscode.Uri.file(path.dirname(labelsUri.fsPath));
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(datasetDir, `{${[path.basename(labelsUri.fsPath), ...derived].join(',')}}`));
  const onFile = (uri: vscode.Uri): void => onChange(uri.fsPath === labelsUri.fsPath ? 'labels' : 'derived');
  return [
    watcher,
    watcher.onDidChange(onFile),
    watcher.onDidCreate(onFile),
    watcher.onDidDelete(onFile),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.fsPath === labelsUri.fsPath && e.contentChanges.length > 0) onChange('labels');
    }),
    // A label set in another page shows here without waiting for the file watcher.
    onDidEditLabels((labelsPath) => labelsPath === labelsUri.fsPath && onChange('labels')),
  ];
}

/**
 * Sets the label of the row a page named (its setLabel message) through the one edit path, and
 * says how it went as the page's labelResult. `page` names the page in messages and the log.
 */
export async function setRowLabel(labelsUri: vscode.Uri, edit: SetLabelMessage, page: string, log: vscode.LogOutputChannel): Promise<LabelResultMessage> {
  const name = path.basename(labelsUri.fsPath);
  const what = `label of ${edit.file} (line ${edit.line + 1})`;
  const row = { line: edit.line, file: edit.file };
  try {
    const outcome = await applyLabelEdit(labelsUri.fsPath, { ...row, expected: edit.expected, label: edit.label }, labelsEditor(labelsUri));
    log.info(`${page}: ${what} set to ${JSON.stringify(edit.label)} (${outcome})`);
    edited.fire(labelsUri.fsPath);
    if (outcome === 'written') written.fire(labelsUri.fsPath);
    return {
      kind: 'labelResult',
      ...row,
      ok: true,
      message:
        outcome === 'inUnsavedEditor'
          ? `The label of ${edit.file} is set in the open editor of ${name}, which has unsaved changes: save it there to keep the label (Ctrl+Z there undoes it).`
          : undefined,
    };
  } catch (err) {
    const message =
      err instanceof LabelEditRefused
        ? `${err.message}${err.stale ? ` — the ${page} has been refreshed` : ''}`
        : `Could not set the ${what} in ${name}: ${(err as Error).message}`;
    log.warn(`${page}: ${what} not set: ${message}`);
    return { kind: 'labelResult', ...row, ok: false, message };
  }
}

const LOGGED_ROWS = 20;

/**
 * Sets the labels of several rows a page named (its setLabels message) as one change through the
 * same edit path: all or nothing, one write on disk or one undoable step in an unsaved editor.
 *
 * The gallery's undo is such a change too (reason 'undo'): its rows back to their labels,
 * expecting what the undone change set, so it is refused like any stale edit when a row changed
 * since. Not VS Code's undo command, even when the undone change went into an unsaved editor:
 * that command undoes the focused editor's last step, whatever made it, and the gallery holds the
 * focus. The reverse edit lands in that editor as a step of its own (its Ctrl+Z then redoes).
 */
export async function setRowLabels(labelsUri: vscode.Uri, change: SetLabelsMessage, page: string, log: vscode.LogOutputChannel): Promise<LabelsResultMessage> {
  const name = path.basename(labelsUri.fsPath);
  const undo = change.reason === 'undo';
  const count = change.edits.length === 1 ? '1 label' : `${change.edits.length} labels`;
  const what = undo ? `undo of ${count}` : `${count} from the model's readings`;
  // The log names the rows; a selection of thousands, only its first ones.
  const named = change.edits.slice(0, LOGGED_ROWS).map((e) => `${e.file} (line ${e.line + 1}) ${JSON.stringify(e.expected)} -> ${JSON.stringify(e.label)}`);
  const rows = change.edits.length > LOGGED_ROWS ? [...named, `and ${change.edits.length - LOGGED_ROWS} more`] : named;
  try {
    const outcome = await applyLabelEdits(labelsUri.fsPath, change.edits, labelsEditor(labelsUri));
    log.info(`${page}: ${what} set (${outcome}): ${rows.join(', ')}`);
    edited.fire(labelsUri.fsPath);
    if (outcome === 'written') written.fire(labelsUri.fsPath);
    const inEditor = undo
      ? `The undo is made in the open editor of ${name}, which has unsaved changes: save it there to keep it.`
      : `The ${count} from the model's readings are set in the open editor of ${name}, which has unsaved changes: save it there to keep them (Ctrl+Z there undoes them).`;
    return { kind: 'labelsResult', editId: change.editId, ok: true, message: outcome === 'inUnsavedEditor' ? inEditor : undefined };
  } catch (err) {
    const why =
      err instanceof LabelEditRefused ? `${err.message}${err.stale ? ` — the ${page} has been refreshed` : ''}` : `could not write ${name}: ${(err as Error).message}`;
    const message = undo ? `Nothing was undone: ${why}` : `The model's readings were not taken: ${why}`;
    log.warn(`${page}: ${what} not set: ${message}`);
    return { kind: 'labelsResult', editId: change.editId, ok: false, message };
  }
}

/** The labels file's open document, if any, as a label edit needs it. */
function labelsEditor(labelsUri: vscode.Uri): LabelsEditor | undefined {
  const document = openLabelsDocument(labelsUri);
  if (!document) return undefined;
  return {
    get isDirty() {
      return document.isDirty;
    },
    getText: () => document.getText(),
    replace: (changes) => {
      // Applied right after getText(), in the same turn: the edit carries that document version,
      // and VS Code refuses it (false) if the user typed in between. One WorkspaceEdit is one
      // step of the editor's undo, however many rows it changes.
      const edit = new vscode.WorkspaceEdit();
      for (const change of changes) {
        edit.replace(document.uri, new vscode.Range(change.line, change.startChar, change.line, change.endChar), change.newText);
      }
      return vscode.workspace.applyEdit(edit);
    },
  };
}

/** Shows the row starting on `line` (0-based) in an editor beside the page, selected. */
export async function revealRow(labelsUri: vscode.Uri, line: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(labelsUri);
  const position = new vscode.Position(Math.min(line, document.lineCount - 1), 0);
  await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.Beside,
    selection: new vscode.Range(position, document.lineAt(position.line).range.end),
  });
}
