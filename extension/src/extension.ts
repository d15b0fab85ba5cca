// activate(): wiring only. Each command, panel and client lives in its own file.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { EngineClient } from './engineClient';
import { EngineStatusBar } from './statusBar';
import { trainModel } from './trainCommand';
import { runPredictions } from './predictCommand';
import { generateDemoDataset } from './demoCommand';
import { GalleryPanel } from './gallery/galleryPanel';
import { pickLabelsFile } from './labelsFiles';
import { startLanguageClient } from './languageClient';

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
    vscode.commands.registerCommand('digitLens.trainModel', (arg?: unknown) => trainModel(deps, arg)),
    vscode.commands.registerCommand('digitLens.runPredictions', (arg?: unknown) => runPredictions(deps, arg)),
    vscode.commands.registerCommand('digitLens.generateDemoDataset', () => generateDemoDataset(deps)),
    vscode.commands.registerCommand('digitLens.openGallery', async (arg?: unknown) => {
      const labelsUri = await pickLabelsFile(arg, 'show');
      if (labelsUri) openGallery(labelsUri);
    }),
    vscode.commands.registerCommand('digitLens.showLog', () => log.show()),
    GalleryPanel.registerSerializer(context.extensionUri, log),
  );
  languageClient = startLanguageClient(context, log);
}

export async function deactivate(): Promise<void> {
  await Promise.all([languageClient?.stop(), engine?.dispose()]);
}
