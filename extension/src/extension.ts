// activate(): wiring only. Each command, panel and client lives in host/.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { COMMANDS } from '../../common/contributions';
import { EngineClient } from './host/engineClient';
import { GalleryPanel } from './host/gallery/galleryPanel';
import { generateDemoDataset } from './host/generateDemoDataset';
import { pickLabelsFile } from './host/labelsFiles';
import { startLanguageClient } from './host/languageClient';
import { runPredictions } from './host/runPredictions';
import { EngineStatusBar } from './host/statusBar';
import { QuickRetrainOnSave } from './host/quickRetrainOnSave';
import { trainingRuns, trainModel } from './host/trainModel';
import { useCandidateModel } from './host/useCandidateModel';

let languageClient: LanguageClient | undefined;
let engine: EngineClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Digit Lens', { log: true });
  const statusBar = new EngineStatusBar();
  engine = new EngineClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'engineWorker.js').fsPath, (line) => log.info(line));
  const openGallery = (labelsUri: vscode.Uri): void => GalleryPanel.show(context.extensionUri, labelsUri, log);
  const deps = { engine, statusBar, log, openGallery };

  context.subscriptions.push(
    log,
    statusBar,
    vscode.commands.registerCommand(COMMANDS.trainModel, (arg?: unknown) => trainModel(deps, arg)),
    vscode.commands.registerCommand(COMMANDS.runPredictions, (arg?: unknown) => runPredictions(deps, arg)),
    vscode.commands.registerCommand(COMMANDS.useCandidateModel, (arg?: unknown) => useCandidateModel(deps, arg)),
    vscode.commands.registerCommand(COMMANDS.generateDemoDataset, () => generateDemoDataset(deps)),
    vscode.commands.registerCommand(COMMANDS.openGallery, async (arg?: unknown) => {
      const labelsUri = await pickLabelsFile(arg, 'show');
      if (labelsUri) openGallery(labelsUri);
    }),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()),
    GalleryPanel.registerSerializer(context.extensionUri, log),
    new QuickRetrainOnSave(engine, statusBar, log, trainingRuns),
  );
  languageClient = startLanguageClient(context, log);
}

export async function deactivate(): Promise<void> {
  await Promise.all([languageClient?.stop(), engine?.dispose()]);
}
