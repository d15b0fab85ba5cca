// Finds the labels file a command works on: the one passed in (explorer menu), the active
// editor's, the only one in the workspace, or the user's pick among several.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, LABELS_FILE_NAME, LABELS_LANGUAGE_ID } from '../../../common/contributions';
import { DERIVED_DIR } from '../../../common/derivedPaths';

const exclude = `**/{node_modules,${DERIVED_DIR},.git}/**`;

export async function pickLabelsFile(arg: unknown, purpose: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) {
    const stat = await vscode.workspace.fs.stat(arg);
    return stat.type & vscode.FileType.Directory ? vscode.Uri.joinPath(arg, LABELS_FILE_NAME) : arg;
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === LABELS_LANGUAGE_ID && active.uri.scheme === 'file') return active.uri;

  const found = (await vscode.workspace.findFiles(`**/${LABELS_FILE_NAME}`, exclude, 500)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    const generate = 'Generate Demo Dataset';
    const choice = await vscode.window.showErrorMessage(
      `Digit Lens: no labels.csv in this workspace to ${purpose}. A dataset is a folder with images and a labels.csv (file,label,box,digit_boxes).`,
      generate,
    );
    if (choice === generate) await vscode.commands.executeCommand(COMMANDS.generateDemoDataset);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), description: path.dirname(uri.fsPath), uri })),
    { title: `Digit Lens: which dataset to ${purpose}?`, placeHolder: 'labels.csv' },
  );
  return picked?.uri;
}
