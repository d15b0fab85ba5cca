// "Digit Lens: Import SVHN Folder": an SVHN format 1 folder (PNGs and digitStruct.mat) gets a
// labels.csv. The HDF5 reading runs in the engine worker (h5wasm; SVHN train takes tens of
// seconds), never on the extension host's thread; here the folder is picked, an existing
// labels.csv is replaced only when the user says so, and the outcome is reported.
import * as vscode from 'vscode';
import { LABELS_FILE_NAME } from '../../../common/contributions';
import { SVHN_DIGIT_STRUCT_FILE_NAME } from '../../../common/engineProtocol';
import { svhnImportLogLines, svhnImportSummary } from '../../../common/svhnImportSummary';
import type { EngineClient } from './engineClient';

export interface ImportSvhnDeps {
  engine: EngineClient;
  log: vscode.LogOutputChannel;
  openGallery(labelsUri: vscode.Uri): void;
}

async function statOf(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
}

/** The folder from the explorer's context menu (or the folder of a file there), else the user's pick. */
async function pickFolder(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) {
    const stat = await statOf(arg);
    return stat && stat.type & vscode.FileType.Directory ? arg : vscode.Uri.joinPath(arg, '..');
  }
  const picked = await vscode.window.showOpenDialog({
    title: 'Digit Lens: Import SVHN Folder',
    openLabel: 'Import',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

export async function importSvhnFolder(deps: ImportSvhnDeps, arg?: unknown): Promise<void> {
  const folder = await pickFolder(arg);
  if (!folder) return;
  const where = vscode.workspace.asRelativePath(folder);
  if (!(await statOf(vscode.Uri.joinPath(folder, SVHN_DIGIT_STRUCT_FILE_NAME)))) {
    void vscode.window.showErrorMessage(`Digit Lens: ${where} holds no ${SVHN_DIGIT_STRUCT_FILE_NAME}. Pick an SVHN format 1 folder (train, test or extra), with its PNGs and ${SVHN_DIGIT_STRUCT_FILE_NAME}.`);
    return;
  }
  let force = false;
  if (await statOf(vscode.Uri.joinPath(folder, LABELS_FILE_NAME))) {
    const replace = 'Replace';
    const choice = await vscode.window.showWarningMessage(
      `${where} already has a ${LABELS_FILE_NAME}. Replace it with the labels of ${SVHN_DIGIT_STRUCT_FILE_NAME}?`,
      { modal: true, detail: `Every row of the current ${LABELS_FILE_NAME} is lost, with any label typed into it.` },
      replace,
    );
    if (choice !== replace) return;
    force = true;
  }
  deps.log.info(`import-svhn: ${folder.fsPath}${force ? ' (replacing labels.csv)' : ''}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Digit Lens: importing SVHN', cancellable: false },
      async (progress) => {
        // The engine runs one request at a time: behind a training run, the import waits for it.
        progress.report({ message: `reading ${SVHN_DIGIT_STRUCT_FILE_NAME} (once the engine is free)` });
        let reported = 0;
        return deps.engine.importSvhn(
          { dir: folder.fsPath, force },
          {
            onImportProgress({ done, total }) {
              const fraction = total > 0 ? done / total : 1;
              progress.report({ increment: (fraction - reported) * 100, message: `${done} / ${total} entries of ${SVHN_DIGIT_STRUCT_FILE_NAME}` });
              reported = fraction;
            },
          },
        );
      },
    );
    for (const line of svhnImportLogLines(result)) deps.log.info(`import-svhn: ${line}`);
    const open = 'Open Gallery';
    const choice = await vscode.window.showInformationMessage(`Digit Lens: ${svhnImportSummary(result)}.`, open);
    if (choice === open) deps.openGallery(vscode.Uri.file(result.labelsPath));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log.error(`import-svhn: ${message}`);
    void vscode.window.showErrorMessage(`Digit Lens: could not import ${where}: ${message}`);
  }
}
