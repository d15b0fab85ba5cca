// "Digit Lens: Generate Demo Dataset": synthetic street-number crops from the engine worker's
// generator, into a folder the user names (default <workspace>/demo).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../common/contributions';
import type { EngineClient } from './engineClient';

export interface DemoDeps {
  engine: EngineClient;
  log: vscode.LogOutputChannel;
  openGallery(labelsUri: vscode.Uri): void;
}

export async function generateDemoDataset(deps: DemoDeps): Promise<void> {
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const dir = await vscode.window.showInputBox({
    title: 'Digit Lens: Generate Demo Dataset (1/2)',
    prompt: 'Folder for the images and labels.csv (created if missing)',
    value: workspace ? path.join(workspace, 'demo') : '',
    validateInput: (value) => (path.isAbsolute(value.trim()) ? undefined : 'Enter an absolute folder path'),
  });
  if (dir === undefined) return;
  const countText = await vscode.window.showInputBox({
    title: 'Digit Lens: Generate Demo Dataset (2/2)',
    prompt: 'How many crops?',
    value: '1000',
    validateInput: (value) => (/^\d+$/.test(value.trim()) && Number(value) >= 1 && Number(value) <= 200000 ? undefined : 'A whole number from 1 to 200000'),
  });
  if (countText === undefined) return;
  const options = { dir: dir.trim(), count: Number(countText.trim()), seed: Math.floor(Math.random() * 2 ** 31) };
  deps.log.info(`synth: ${JSON.stringify(options)}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Digit Lens: generating crops', cancellable: false },
      async (progress) => {
        let reported = 0;
        return deps.engine.synth(options, {
          onSynthProgress({ done, total }) {
            const fraction = total > 0 ? done / total : 0;
            progress.report({ increment: (fraction - reported) * 100, message: `${done} / ${total}` });
            reported = fraction;
          },
        });
      },
    );
    deps.log.info(`synth: wrote ${result.count} crops, ${result.labelsPath}`);
    const labelsUri = vscode.Uri.file(result.labelsPath);
    const choice = await vscode.window.showInformationMessage(
      `Digit Lens: generated ${result.count} crops in ${options.dir}.`,
      'Open Gallery',
      'Train Model',
    );
    if (choice === 'Open Gallery') deps.openGallery(labelsUri);
    else if (choice === 'Train Model') await vscode.commands.executeCommand(COMMANDS.trainModel, labelsUri);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log.error(`synth: ${message}`);
    void vscode.window.showErrorMessage(`Digit Lens: could not generate the demo dataset: ${message}`);
  }
}
