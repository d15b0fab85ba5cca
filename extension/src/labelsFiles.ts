// Finds the labels file a command works on: the one passed in (explorer menu), the active
// editor's, the only one in the workspace, or the user's pick among several.
import * as path from 'node:path';
import * as vscode from 'vscode';

const exclude = '**/{node_modules,.digitlens,.git}/**';

export async function pickLabelsFile(arg: unknown, purpose: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) {
    const stat = await vscode.workspace.fs.stat(arg);
    return stat.type & vscode.FileType.Directory ? vscode.Uri.joinPath(arg, 'labels.csv') : arg;
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'digit-labels' && active.uri.scheme === 'file') return active.uri;

  const found = (await vscode.workspace.findFiles('**/labels.csv', exclude, 500)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    const generate = 'Generate Demo Dataset';
    const choice = await vscode.window.showErrorMessage(
      `Digit Lens: no labels.csv in this workspace to ${purpose}. A dataset is a folder with images and a labels.csv (file,label,box,digit_boxes).`,
      generate,
    );
    if (choice === generate) await vscode.commands.executeCommand('digitLens.generateDemoDataset');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), description: path.dirname(uri.fsPath), uri })),
    { title: `Digit Lens: which dataset to ${purpose}?`, placeHolder: 'labels.csv' },
  );
  return picked?.uri;
}
