// activate(): wiring only. Each command, panel and client lives in host/.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { COMMANDS } from '../../common/contributions';
import { DashboardPanel, type DashboardDeps } from './host/dashboard/dashboardPanel';
import { EngineClient } from './host/engineClient';
import { GalleryPanel, type GalleryDeps } from './host/gallery/galleryPanel';
import { generateDemoDataset } from './host/generateDemoDataset';
import { importSvhnFolder } from './host/importSvhnFolder';
import { inspectCrop } from './host/inspectCrop';
import { installNativeBackendCommand } from './host/installNativeBackendCommand';
import { nativeModulesDir } from './host/nativeBackendInstall';
import { InspectorPanel, type InspectorDeps } from './host/inspector/inspectorPanel';
import { pickLabelsFile } from './host/labelsFiles';
import { startLanguageClient } from './host/languageClient';
import { QuickRetrainOnSave } from './host/quickRetrainOnSave';
import { readWithShippedModelOnOpen, runPredictions } from './host/runPredictions';
import { shippedModelDir } from './host/shippedReadings';
import { EngineStatusBar } from './host/statusBar';
import { fineTuneModel, trainingRuns, trainModel } from './host/trainModel';
import { useCandidateModel } from './host/useCandidateModel';

let languageClient: LanguageClient | undefined;
let engine: EngineClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Digit Lens', { log: true });
  const statusBar = new EngineStatusBar();
  // Native TensorFlow.js backends live in the extension's storage (Install GPU Backend), not the user's project.
  engine = new EngineClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'engineWorker.js').fsPath, (line) => log.info(line), nativeModulesDir(context.globalStorageUri.fsPath));
  const inspectorDeps: InspectorDeps = { extensionUri: context.extensionUri, engine, statusBar, log };
  // From the gallery, the gallery keeps the keyboard: the user may click on through its crops.
  const galleryDeps: GalleryDeps = { extensionUri: context.extensionUri, log, inspect: (labelsUri, row) => InspectorPanel.show(inspectorDeps, labelsUri, row, true) };
  const openGallery = (labelsUri: vscode.Uri): void => {
    GalleryPanel.show(galleryDeps, labelsUri);
    // A folder with no model and no predictions yet gets the shipped model's readings.
    void readWithShippedModelOnOpen({ engine: deps.engine, log }, labelsUri, context.extensionUri);
  };
  const dashboardDeps: DashboardDeps = { extensionUri: context.extensionUri, log, showFiles: (labelsUri, set) => GalleryPanel.showFiles(galleryDeps, labelsUri, set) };
  const deps = { engine, statusBar, log, openGallery, shippedModelDir: shippedModelDir(context.extensionUri.fsPath) };

  context.subscriptions.push(
    log,
    statusBar,
    vscode.commands.registerCommand(COMMANDS.trainModel, (arg?: unknown) => trainModel(deps, arg)),
    vscode.commands.registerCommand(COMMANDS.fineTuneModel, (arg?: unknown) => fineTuneModel(deps, arg)),
    vscode.commands.registerCommand(COMMANDS.runPredictions, (arg?: unknown) => runPredictions(deps, arg)),
    vscode.commands.registerCommand(COMMANDS.useCandidateModel, (arg?: unknown) => useCandidateModel(deps, arg)),
    vscode.commands.registerCommand(COMMANDS.generateDemoDataset, () => generateDemoDataset(deps)),
    vscode.commands.registerCommand(COMMANDS.importSvhnFolder, (arg?: unknown) => importSvhnFolder(deps, arg)),
    vscode.commands.registerCommand(COMMANDS.openGallery, async (arg?: unknown) => {
      const labelsUri = await pickLabelsFile(arg, 'show');
      if (labelsUri) openGallery(labelsUri);
    }),
    vscode.commands.registerCommand(COMMANDS.openTrainingDashboard, async (arg?: unknown) => {
      const labelsUri = await pickLabelsFile(arg, 'show the training runs of');
      if (labelsUri) DashboardPanel.show(dashboardDeps, labelsUri);
    }),
    vscode.commands.registerCommand(COMMANDS.inspectCrop, (arg?: unknown, line?: unknown) => inspectCrop(inspectorDeps, arg, line)),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()),
    vscode.commands.registerCommand(COMMANDS.installGpuBackend, () => installNativeBackendCommand({ engine: deps.engine, log, storageUri: context.globalStorageUri }, 'tfjs-node-gpu')),
    vscode.commands.registerCommand(COMMANDS.installNativeCpuBackend, () => installNativeBackendCommand({ engine: deps.engine, log, storageUri: context.globalStorageUri }, 'tfjs-node')),
    new QuickRetrainOnSave(engine, statusBar, log, trainingRuns),
    GalleryPanel.registerSerializer(galleryDeps),
    InspectorPanel.registerSerializer(inspectorDeps),
    DashboardPanel.registerSerializer(dashboardDeps),
  );
  languageClient = startLanguageClient(context, log);
}

export async function deactivate(): Promise<void> {
  await Promise.all([languageClient?.stop(), engine?.dispose()]);
}
